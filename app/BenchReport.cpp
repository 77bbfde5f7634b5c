#include "BenchReport.h"

#include "bench/BenchResult.h"
#include "experiments/ExperimentComparison.h"

#include <QStringList>

namespace adminchat {

namespace {

QString number(const std::optional<double>& value, int decimals = 1)
{
    return value ? QString::number(*value, 'f', decimals) : QStringLiteral("–");
}

QString percent(const std::optional<double>& share)
{
    return share ? QString::number(*share * 100.0, 'f', 1) + QLatin1Char('%') : QStringLiteral("–");
}

QString counts(const QMap<QString, qint64>& map)
{
    QStringList parts;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

// Left-aligned first column, right-aligned others.
QString row(const QStringList& cells, int firstWidth, int width)
{
    QString line = cells.first().leftJustified(firstWidth);
    for (qsizetype i = 1; i < cells.size(); ++i)
        line += cells.at(i).rightJustified(width);
    return line + QLatin1Char('\n');
}

} // namespace

QString BenchReport::summary(const BenchResult& result)
{
    QString out;
    out += QStringLiteral("Requests %1 · completed %2 · errors %3 · cancelled %4 · %5 s · "
                          "max in flight %6\n")
               .arg(result.requests())
               .arg(result.completed())
               .arg(result.errors())
               .arg(result.cancelled())
               .arg(result.measuredSeconds(), 0, 'f', 2)
               .arg(result.maxInFlight());
    out += QStringLiteral("Throughput %1 requests/s · %2 output tokens/s (%3 tokens)\n\n")
               .arg(result.requestThroughput(), 0, 'f', 2)
               .arg(result.outputTokenThroughput(), 0, 'f', 1)
               .arg(result.outputTokens());
    constexpr int first = 24;
    constexpr int width = 10;
    out += row({QStringLiteral("metric"), QStringLiteral("mean"), QStringLiteral("P50"),
                QStringLiteral("P90"), QStringLiteral("P95"), QStringLiteral("P99"),
                QStringLiteral("max"), QStringLiteral("n")},
               first, width);
    for (BenchResult::Metric metric : BenchResult::metrics()) {
        const DistributionStats s = result.stats(metric);
        const int decimals = metric == BenchResult::Metric::TokensPerSecond ? 1 : 2;
        out += row({BenchResult::metricLabel(metric), number(s.mean, decimals),
                    number(s.p50, decimals), number(s.p90, decimals), number(s.p95, decimals),
                    number(s.p99, decimals), number(s.max, decimals), QString::number(s.count)},
                   first, width);
    }
    out += QStringLiteral("\nErrors by kind: %1\nCategories: %2\n")
               .arg(counts(result.errorsByKind()), counts(result.categories()));
    return out;
}

QString BenchReport::comparison(const ExperimentComparison& comparison)
{
    QString out =
        QStringLiteral("Experiment %1 (control %2; tests at p < %3, at least %4 "
                       "samples per variant)\n")
            .arg(comparison.experiment,
                 comparison.variants.isEmpty() ? QString() : comparison.variants.first().variant)
            .arg(comparison.options.alpha)
            .arg(comparison.options.minimumSamples);
    constexpr int first = 12;
    constexpr int width = 11;
    out += row({QStringLiteral("variant"), QStringLiteral("requests"), QStringLiteral("TTFT P50"),
                QStringLiteral("TTFT P95"), QStringLiteral("E2E P50"), QStringLiteral("E2E P95"),
                QStringLiteral("tok/s P50"), QStringLiteral("tok/s P95"), QStringLiteral("errors"),
                QStringLiteral("completed"), QStringLiteral("satisfied")},
               first, width);
    for (const VariantSummary& v : comparison.variants) {
        out += row({v.variant, QString::number(v.requests), number(v.ttftP50Ms),
                    number(v.ttftP95Ms), number(v.e2eP50Ms), number(v.e2eP95Ms),
                    number(v.tokensPerSecondP50), number(v.tokensPerSecondP95),
                    percent(v.errorRate), percent(v.completionRate), percent(v.satisfaction)},
                   first, width);
    }
    out += QLatin1Char('\n');
    for (const MetricComparison& c : comparison.comparisons)
        out += QStringLiteral("  ") + c.summary() + QLatin1Char('\n');
    return out;
}

} // namespace adminchat

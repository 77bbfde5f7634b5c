#include "bench/BenchResult.h"

#include "metrics/RequestMetrics.h"
#include "net/RequestTrace.h"

#include <QJsonArray>
#include <cmath>

namespace adminchat {

namespace {

QJsonValue rounded(double value)
{
    return std::round(value * 1000.0) / 1000.0;
}

} // namespace

QJsonObject BenchResult::countsToJson(const QMap<QString, qint64>& counts)
{
    QJsonObject object;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

const QList<BenchResult::Metric>& BenchResult::metrics()
{
    static const QList<Metric> all = {Metric::Ttft,           Metric::Ttfat, Metric::Itl,
                                      Metric::MeanItl,        Metric::Tpot,  Metric::E2e,
                                      Metric::TokensPerSecond};
    return all;
}

QString BenchResult::metricKey(Metric metric)
{
    switch (metric) {
    case Metric::Ttft:
        return QStringLiteral("ttft_ms");
    case Metric::Ttfat:
        return QStringLiteral("ttfat_ms");
    case Metric::Itl:
        return QStringLiteral("itl_ms");
    case Metric::MeanItl:
        return QStringLiteral("mean_itl_ms");
    case Metric::Tpot:
        return QStringLiteral("tpot_ms");
    case Metric::E2e:
        return QStringLiteral("e2e_ms");
    case Metric::TokensPerSecond:
        return QStringLiteral("tokens_per_s");
    }
    return {};
}

QString BenchResult::metricLabel(Metric metric)
{
    switch (metric) {
    case Metric::Ttft:
        return QStringLiteral("TTFT (ms)");
    case Metric::Ttfat:
        return QStringLiteral("TTFAT (ms)");
    case Metric::Itl:
        return QStringLiteral("ITL, all gaps (ms)");
    case Metric::MeanItl:
        return QStringLiteral("mean ITL/request (ms)");
    case Metric::Tpot:
        return QStringLiteral("TPOT (ms)");
    case Metric::E2e:
        return QStringLiteral("E2E (ms)");
    case Metric::TokensPerSecond:
        return QStringLiteral("tokens/s per request");
    }
    return {};
}

void BenchResult::add(const RequestTrace& trace, const RequestMetrics& metrics)
{
    ++m_requests;
    ++m_categories[categoryName(metrics.category)];
    if (trace.error) {
        if (trace.error->kind == ApiError::Kind::Cancelled) {
            ++m_cancelled;
        } else {
            ++m_errors;
            ++m_errorsByKind[trace.error->kindName()];
        }
        return;
    }
    ++m_completed;
    m_outputTokens += metrics.outputTokens;
    const auto push = [this](Metric metric, const std::optional<double>& value) {
        if (value) {
            m_samples[int(metric)].push_back(*value);
            if (std::isfinite(*value)) // as DistributionStats counts them
                m_sketches[int(metric)].add(*value);
        }
    };
    push(Metric::Ttft, metrics.ttftMs);
    push(Metric::Ttfat, metrics.ttfatMs);
    push(Metric::MeanItl, metrics.meanItlMs);
    push(Metric::Tpot, metrics.tpotMs);
    push(Metric::E2e, metrics.e2eMs);
    push(Metric::TokensPerSecond, metrics.tokensPerSecond);
    std::vector<double>& gaps = m_samples[int(Metric::Itl)];
    gaps.insert(gaps.end(), metrics.itlMs.begin(), metrics.itlMs.end());
    for (const double gap : metrics.itlMs) {
        if (std::isfinite(gap))
            m_sketches[int(Metric::Itl)].add(gap);
    }
    if (metrics.ttftMs)
        m_liveTtft.add(*metrics.ttftMs);
}

double BenchResult::requestThroughput() const
{
    return m_seconds > 0 ? double(m_completed) / m_seconds : 0.0;
}

double BenchResult::outputTokenThroughput() const
{
    return m_seconds > 0 ? double(m_outputTokens) / m_seconds : 0.0;
}

DistributionStats BenchResult::stats(Metric metric) const
{
    return DistributionStats::of(m_samples[int(metric)]);
}

QJsonObject BenchResult::toJson(bool withSketches) const
{
    QJsonObject json{
        {QStringLiteral("requests"), m_requests},
        {QStringLiteral("completed"), m_completed},
        {QStringLiteral("errors"), m_errors},
        {QStringLiteral("cancelled"), m_cancelled},
        {QStringLiteral("duration_s"), rounded(m_seconds)},
        {QStringLiteral("max_in_flight"), m_maxInFlight},
        {QStringLiteral("output_tokens"), m_outputTokens},
        {QStringLiteral("request_throughput"), rounded(requestThroughput())},
        {QStringLiteral("output_token_throughput"), rounded(outputTokenThroughput())},
        {QStringLiteral("errors_by_kind"), countsToJson(m_errorsByKind)},
        {QStringLiteral("categories"), countsToJson(m_categories)},
    };
    for (Metric metric : metrics())
        json.insert(metricKey(metric), stats(metric).toJson());
    if (withSketches) {
        QJsonObject sketches;
        for (Metric metric : metrics())
            sketches.insert(metricKey(metric),
                            QString::fromLatin1(sketch(metric).toBytes().toBase64()));
        json.insert(QStringLiteral("sketches"), sketches);
    }
    return json;
}

} // namespace adminchat

#include "metrics/MetricsCsv.h"

#include "metrics/CsvWriter.h"

#include <QFile>
#include <QSaveFile>
#include <cmath>
#include <optional>

namespace adminchat {

namespace {

QString number(double value)
{
    return std::isfinite(value) ? QString::number(value, 'f', 3) : QString();
}

QString number(const std::optional<double>& value)
{
    return value ? number(*value) : QString();
}

QString integer(const std::optional<qint64>& value)
{
    return value ? QString::number(*value) : QString();
}

QString boolean(bool value)
{
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

QString percent(double share)
{
    return number(share * 100.0);
}

const QStringList summaryMetrics = {QStringLiteral("ttft_ms"), QStringLiteral("ttfat_ms"),
                                    QStringLiteral("e2e_ms"), QStringLiteral("itl_ms"),
                                    QStringLiteral("tokens_per_s")};

void appendSummary(QStringList& row, const MetricSummary& summary)
{
    row << QString::number(summary.count) << number(summary.mean) << number(summary.p50)
        << number(summary.p95) << number(summary.p99) << number(summary.max);
}

} // namespace

QStringList MetricsCsv::requestHeader()
{
    return {QStringLiteral("id"),
            QStringLiteral("started_utc"),
            QStringLiteral("endpoint"),
            QStringLiteral("profile"),
            QStringLiteral("model"),
            QStringLiteral("experiment"),
            QStringLiteral("variant"),
            QStringLiteral("tag"),
            QStringLiteral("streamed"),
            QStringLiteral("status"),
            QStringLiteral("http_status"),
            QStringLiteral("error_kind"),
            QStringLiteral("ttft_ms"),
            QStringLiteral("ttfat_ms"),
            QStringLiteral("e2e_ms"),
            QStringLiteral("mean_itl_ms"),
            QStringLiteral("itl_p50_ms"),
            QStringLiteral("itl_p95_ms"),
            QStringLiteral("itl_max_ms"),
            QStringLiteral("tpot_ms"),
            QStringLiteral("output_tokens"),
            QStringLiteral("output_tokens_estimated"),
            QStringLiteral("prompt_tokens"),
            QStringLiteral("tokens_per_s"),
            QStringLiteral("retries"),
            QStringLiteral("category"),
            QStringLiteral("rating"),
            QStringLiteral("accepted_prediction_tokens"),
            QStringLiteral("rejected_prediction_tokens"),
            QStringLiteral("display_lag_p95_ms"),
            QStringLiteral("endpoint_id")};
}

QStringList MetricsCsv::requestRow(const MetricsRecord& r)
{
    return {QString::number(r.id),
            r.startedUtc.toUTC().toString(Qt::ISODateWithMs),
            r.endpoint,
            r.profile,
            r.model,
            r.experiment,
            r.variant,
            r.tag,
            boolean(r.streamed),
            statusName(r.status),
            r.httpStatus ? QString::number(r.httpStatus) : QString(),
            r.errorKind ? ApiError::kindName(*r.errorKind) : QString(),
            number(r.ttftMs),
            number(r.ttfatMs),
            number(r.e2eMs),
            number(r.meanItlMs),
            number(r.itlP50Ms),
            number(r.itlP95Ms),
            number(r.itlMaxMs),
            number(r.tpotMs),
            QString::number(r.outputTokens),
            boolean(r.outputTokensEstimated),
            integer(r.promptTokens),
            number(r.tokensPerSecond),
            QString::number(r.retries),
            r.category ? categoryName(*r.category) : QString(),
            r.rating ? QString::number(*r.rating) : QString(),
            integer(r.acceptedPredictionTokens),
            integer(r.rejectedPredictionTokens),
            number(r.displayLagP95Ms),
            r.endpointId};
}

QStringList MetricsCsv::summaryHeader()
{
    QStringList header = {QStringLiteral("endpoint"),
                          QStringLiteral("model"),
                          QStringLiteral("variant"),
                          QStringLiteral("requests"),
                          QStringLiteral("completed"),
                          QStringLiteral("errors"),
                          QStringLiteral("cancelled"),
                          QStringLiteral("error_rate_pct"),
                          QStringLiteral("completion_rate_pct")};
    for (const QString& metric : summaryMetrics) {
        const QString base = metric.endsWith(QLatin1String("_ms"))
                                 ? metric.chopped(3)
                                 : metric.chopped(QStringLiteral("_per_s").size());
        const QString unit = metric.endsWith(QLatin1String("_ms")) ? QStringLiteral("_ms")
                                                                   : QStringLiteral("_per_s");
        header << base + QStringLiteral("_count");
        for (const char* stat : {"mean", "p50", "p95", "p99", "max"})
            header << base + QLatin1Char('_') + QLatin1String(stat) + unit;
    }
    header << QStringLiteral("excellent") << QStringLiteral("good") << QStringLiteral("acceptable")
           << QStringLiteral("slow") << QStringLiteral("length_finishes")
           << QStringLiteral("rate_limited") << QStringLiteral("retries")
           << QStringLiteral("rated_up") << QStringLiteral("rated_down")
           << QStringLiteral("display_lag_p95_ms") << QStringLiteral("prediction_acceptance_pct")
           << QStringLiteral("endpoint_url") << QStringLiteral("endpoint_id");
    return header;
}

QStringList MetricsCsv::summaryRow(const GroupStats& g)
{
    QStringList row = {g.endpoint,
                       g.model,
                       g.variant,
                       QString::number(g.started),
                       QString::number(g.completed),
                       QString::number(g.errors),
                       QString::number(g.cancelled),
                       percent(g.errorRate()),
                       percent(g.completionRate())};
    for (const MetricSummary* summary : {&g.ttft, &g.ttfat, &g.e2e, &g.itl, &g.tokensPerSecond})
        appendSummary(row, *summary);
    for (quint64 count : g.categories)
        row << QString::number(count);
    row << QString::number(g.lengthFinishes) << QString::number(g.rateLimited)
        << QString::number(g.retries) << QString::number(g.ratedUp) << QString::number(g.ratedDown)
        << number(g.displayLag.p95) << percent(g.predictionAcceptance()) << g.endpointUrl
        << g.endpointId;
    return row;
}

qint64 MetricsCsv::writeRequests(QIODevice* device, const std::vector<MetricsRecord>& records)
{
    CsvWriter writer(device);
    if (!writer.writeRow(requestHeader()))
        return -1;
    for (const MetricsRecord& record : records) {
        if (!writer.writeRow(requestRow(record)))
            return -1;
    }
    return writer.rowsWritten() - 1;
}

qint64 MetricsCsv::writeRequests(QIODevice* device, const Source& source)
{
    CsvWriter writer(device);
    if (!writer.writeRow(requestHeader()))
        return -1;
    bool written = true;
    const bool read = source([&](const MetricsRecord& record) {
        written = writer.writeRow(requestRow(record));
        return written;
    });
    return read && written ? writer.rowsWritten() - 1 : -1;
}

qint64 MetricsCsv::writeSummary(QIODevice* device, const AggregateReport& report)
{
    CsvWriter writer(device);
    if (!writer.writeRow(summaryHeader()))
        return -1;
    for (const GroupStats& group : report.byModel) {
        if (!writer.writeRow(summaryRow(group)))
            return -1;
    }
    return writer.rowsWritten() - 1;
}

qint64 MetricsCsv::exportToPath(const QString& path, const std::vector<MetricsRecord>& records,
                                const AggregateReport* summary, QString* error)
{
    return exportToPath(
        path,
        [&](QIODevice* device) {
            return summary ? writeSummary(device, *summary) : writeRequests(device, records);
        },
        error);
}

qint64 MetricsCsv::exportToPath(const QString& path, const std::function<qint64(QIODevice*)>& write,
                                QString* error)
{
    if (path == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly)) {
            if (error)
                *error = QStringLiteral("cannot write to stdout");
            return -1;
        }
        const qint64 rows = write(&out);
        // Buffered: a full disk or a closed pipe shows only here.
        if (!out.flush() || rows < 0) {
            if (error)
                *error = QStringLiteral("writing CSV to stdout failed: %1").arg(out.errorString());
            return -1;
        }
        return rows;
    }
    // QSaveFile: a failed export never leaves a half-written file behind.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return -1;
    }
    const qint64 rows = write(&file);
    if (rows < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("writing %1 failed: %2").arg(path, file.errorString());
        return -1;
    }
    return rows;
}

} // namespace adminchat

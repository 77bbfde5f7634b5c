#include "bench/BenchSummary.h"

#include <QFile>
#include <QJsonDocument>
#include <cmath>

namespace adminchat {

namespace {

QJsonValue rounded(double value)
{
    return std::round(value * 1000.0) / 1000.0;
}

bool readCount(const QJsonObject& object, const QString& key, qint64* out, QString* error)
{
    const QJsonValue value = object.value(key);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || !(number >= 0) || number > double(BenchSummary::maxCount) ||
        number != std::floor(number)) {
        *error = QStringLiteral("\"%1\" is not a count").arg(key);
        return false;
    }
    *out = qint64(number);
    return true;
}

bool readNumber(const QJsonObject& object, const QString& key, double* out, QString* error)
{
    const QJsonValue value = object.value(key);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || !std::isfinite(number) || number < 0) {
        *error = QStringLiteral("\"%1\" is not a number of zero or more").arg(key);
        return false;
    }
    *out = number;
    return true;
}

bool readCounts(const QJsonObject& object, const QString& key, QMap<QString, qint64>* out,
                QString* error)
{
    const QJsonValue value = object.value(key);
    if (!value.isObject()) {
        *error = QStringLiteral("\"%1\" is not an object of counts").arg(key);
        return false;
    }
    const QJsonObject counts = value.toObject();
    for (auto it = counts.begin(); it != counts.end(); ++it) {
        qint64 count = 0;
        if (!readCount(counts, it.key(), &count, error)) {
            *error = QStringLiteral("\"%1\": %2").arg(key, *error);
            return false;
        }
        out->insert(it.key(), count);
    }
    return true;
}

bool add(qint64& total, qint64 more)
{
    if (more > BenchSummary::maxCount - total)
        return false;
    total += more;
    return true;
}

} // namespace

QString BenchSummary::reportName()
{
    return QStringLiteral("adminchat-bench");
}

DistributionStats BenchSummary::stats(BenchResult::Metric metric) const
{
    return DistributionStats::of(sketches[std::size_t(metric)]);
}

std::optional<BenchSummary> BenchSummary::fromJson(const QJsonObject& report, QString* error)
{
    if (report.value(QStringLiteral("report")).toString() != reportName()) {
        *error = QStringLiteral("not a bench report (`adminchat bench --json` writes them)");
        return std::nullopt;
    }
    const QJsonValue version = report.value(QStringLiteral("report_version"));
    if (version.toDouble(-1) != double(reportVersion)) {
        *error = QStringLiteral("a bench report of version %1; this adminchat reads version %2")
                     .arg(version.isDouble() ? QString::number(version.toDouble())
                                             : QStringLiteral("(none)"))
                     .arg(reportVersion);
        return std::nullopt;
    }
    BenchSummary summary;
    summary.host = report.value(QStringLiteral("host")).toString();
    summary.tag = report.value(QStringLiteral("tag")).toString();
    if (!readCount(report, QStringLiteral("requests"), &summary.requests, error) ||
        !readCount(report, QStringLiteral("completed"), &summary.completed, error) ||
        !readCount(report, QStringLiteral("errors"), &summary.errors, error) ||
        !readCount(report, QStringLiteral("cancelled"), &summary.cancelled, error) ||
        !readCount(report, QStringLiteral("output_tokens"), &summary.outputTokens, error) ||
        !readNumber(report, QStringLiteral("duration_s"), &summary.seconds, error) ||
        !readNumber(report, QStringLiteral("request_throughput"), &summary.requestThroughput,
                    error) ||
        !readNumber(report, QStringLiteral("output_token_throughput"),
                    &summary.outputTokenThroughput, error) ||
        !readCounts(report, QStringLiteral("errors_by_kind"), &summary.errorsByKind, error) ||
        !readCounts(report, QStringLiteral("categories"), &summary.categories, error))
        return std::nullopt;

    const QJsonValue sketches = report.value(QStringLiteral("sketches"));
    if (!sketches.isObject()) {
        *error = QStringLiteral("no \"sketches\" (a report written before `bench merge` existed?)");
        return std::nullopt;
    }
    for (const BenchResult::Metric metric : BenchResult::metrics()) {
        const QString key = BenchResult::metricKey(metric);
        const QJsonValue encoded = sketches.toObject().value(key);
        const auto decoded = QByteArray::fromBase64Encoding(
            encoded.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        std::optional<QuantileSketch> sketch;
        if (encoded.isString() && decoded)
            sketch = QuantileSketch::fromBytes(*decoded);
        if (!sketch || sketch->relativeAccuracy() != QuantileSketch::defaultRelativeAccuracy) {
            *error = QStringLiteral("the sketch of \"%1\" is broken").arg(key);
            return std::nullopt;
        }
        qint64 count = 0;
        const QJsonObject figures = report.value(key).toObject();
        if (!readCount(figures, QStringLiteral("count"), &count, error) ||
            quint64(count) != sketch->count()) {
            *error = QStringLiteral("the sketch of \"%1\" does not hold its %2 samples")
                         .arg(key)
                         .arg(count);
            return std::nullopt;
        }
        summary.sketches[std::size_t(metric)] = *sketch;
    }
    return summary;
}

std::optional<BenchSummary> BenchSummary::fromFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > maxReportBytes) {
        *error = QStringLiteral("%1: larger than a bench report can be").arg(path);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(maxReportBytes), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1: not JSON: %2 at offset %3")
                     .arg(path, parseError.errorString())
                     .arg(parseError.offset);
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("%1: not a bench report (`adminchat bench --json` writes them)")
                     .arg(path);
        return std::nullopt;
    }
    std::optional<BenchSummary> summary = fromJson(document.object(), error);
    if (!summary)
        *error = QStringLiteral("%1: %2").arg(path, *error);
    return summary;
}

bool BenchSummary::merge(const BenchSummary& other, QString* error)
{
    BenchSummary merged = *this;
    bool ok = add(merged.requests, other.requests) && add(merged.completed, other.completed) &&
              add(merged.errors, other.errors) && add(merged.cancelled, other.cancelled) &&
              add(merged.outputTokens, other.outputTokens);
    for (auto it = other.errorsByKind.cbegin(); ok && it != other.errorsByKind.cend(); ++it)
        ok = add(merged.errorsByKind[it.key()], it.value());
    for (auto it = other.categories.cbegin(); ok && it != other.categories.cend(); ++it)
        ok = add(merged.categories[it.key()], it.value());
    for (std::size_t i = 0; ok && i < sketches.size(); ++i) {
        ok = other.sketches[i].count() <= quint64(maxCount) - merged.sketches[i].count() &&
             merged.sketches[i].merge(other.sketches[i]);
    }
    if (!ok) {
        *error = QStringLiteral("the merged counts would be too large");
        return false;
    }
    merged.seconds = std::max(seconds, other.seconds);
    merged.requestThroughput += other.requestThroughput;
    merged.outputTokenThroughput += other.outputTokenThroughput;
    *this = std::move(merged);
    return true;
}

QJsonObject BenchSummary::toJson(bool withSketches) const
{
    QJsonObject json{
        {QStringLiteral("report"), reportName()},
        {QStringLiteral("report_version"), reportVersion},
        {QStringLiteral("host"), host},
        {QStringLiteral("tag"), tag},
        {QStringLiteral("requests"), requests},
        {QStringLiteral("completed"), completed},
        {QStringLiteral("errors"), errors},
        {QStringLiteral("cancelled"), cancelled},
        {QStringLiteral("output_tokens"), outputTokens},
        {QStringLiteral("duration_s"), rounded(seconds)},
        {QStringLiteral("request_throughput"), rounded(requestThroughput)},
        {QStringLiteral("output_token_throughput"), rounded(outputTokenThroughput)},
        {QStringLiteral("errors_by_kind"), BenchResult::countsToJson(errorsByKind)},
        {QStringLiteral("categories"), BenchResult::countsToJson(categories)},
    };
    QJsonObject encoded;
    for (const BenchResult::Metric metric : BenchResult::metrics()) {
        const QString key = BenchResult::metricKey(metric);
        json.insert(key, stats(metric).toJson());
        encoded.insert(key,
                       QString::fromLatin1(sketches[std::size_t(metric)].toBytes().toBase64()));
    }
    if (withSketches)
        json.insert(QStringLiteral("sketches"), encoded);
    return json;
}

} // namespace adminchat

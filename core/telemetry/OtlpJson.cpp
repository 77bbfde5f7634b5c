#include "telemetry/OtlpJson.h"

#include "metrics/MetricsRecord.h"
#include "telemetry/OtlpConfig.h"
#include "telemetry/TelemetryRegistry.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QUrl>
#include <cmath>

namespace adminchat::OtlpJson {

namespace {

constexpr qint64 nanosPerMs = 1'000'000;
const QString scopeName = QStringLiteral("adminchat");

// Protobuf-JSON writes int64, uint64 and fixed64 as decimal strings (a double cannot hold them).
QString int64Text(qint64 value)
{
    return QString::number(value);
}

QJsonObject anyValue(const char* field, const QJsonValue& value)
{
    return QJsonObject{{QLatin1String(field), value}};
}

QJsonObject attribute(const QString& key, const QJsonObject& value)
{
    return QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("value"), value}};
}

// The attributes of a registry series, empty labels left out (an unset variant or profile).
// server.port is an int in the conventions.
QJsonArray labelAttributes(const TelemetryLabels& labels)
{
    QJsonArray attributes;
    for (const auto& [name, value] : labels) {
        if (value.isEmpty())
            continue;
        const QString key = attributeName(name);
        bool isNumber = false;
        const qint64 number = value.toLongLong(&isNumber);
        if (name == "server_port" && isNumber)
            attributes.append(intAttribute(key, number));
        else
            attributes.append(stringAttribute(key, value));
    }
    return attributes;
}

QJsonObject resource(const OtlpConfig& config)
{
    QJsonArray attributes{stringAttribute(QStringLiteral("service.name"), config.serviceName)};
    if (!config.serviceVersion.isEmpty())
        attributes.append(
            stringAttribute(QStringLiteral("service.version"), config.serviceVersion));
    for (const auto& [key, value] : config.resourceAttributes)
        attributes.append(stringAttribute(key, value));
    return QJsonObject{{QStringLiteral("attributes"), attributes}};
}

QJsonObject scope(const OtlpConfig& config)
{
    QJsonObject object{{QStringLiteral("name"), scopeName}};
    if (!config.serviceVersion.isEmpty())
        object.insert(QStringLiteral("version"), config.serviceVersion);
    return object;
}

QJsonObject histogramMetric(const TelemetryRegistry::HistogramFamily& family, qint64 startNs,
                            qint64 timeNs)
{
    QJsonArray bounds;
    for (const double bound : *family.bounds)
        bounds.append(bound);
    QJsonArray points;
    for (const auto& [labels, histogram] : family.series) {
        QJsonArray counts;
        for (const quint64 count : histogram.bucketCounts())
            counts.append(int64Text(qint64(count)));
        points.append(QJsonObject{
            {QStringLiteral("attributes"), labelAttributes(labels)},
            {QStringLiteral("startTimeUnixNano"), int64Text(startNs)},
            {QStringLiteral("timeUnixNano"), int64Text(timeNs)},
            {QStringLiteral("count"), int64Text(qint64(histogram.count()))},
            {QStringLiteral("sum"), histogram.sum()},
            {QStringLiteral("bucketCounts"), counts},
            {QStringLiteral("explicitBounds"), bounds},
        });
    }
    return QJsonObject{
        {QStringLiteral("name"), metricName(family.name)},
        {QStringLiteral("description"), QString::fromUtf8(family.help)},
        {QStringLiteral("unit"), metricUnit(family.name)},
        {QStringLiteral("histogram"),
         QJsonObject{{QStringLiteral("dataPoints"), points},
                     {QStringLiteral("aggregationTemporality"), temporalityCumulative}}},
    };
}

QJsonObject counterMetric(const TelemetryRegistry::CounterFamily& family, qint64 startNs,
                          qint64 timeNs)
{
    QJsonArray points;
    for (const auto& [labels, value] : family.series) {
        points.append(QJsonObject{
            {QStringLiteral("attributes"), labelAttributes(labels)},
            {QStringLiteral("startTimeUnixNano"), int64Text(startNs)},
            {QStringLiteral("timeUnixNano"), int64Text(timeNs)},
            {QStringLiteral("asInt"), int64Text(qint64(value))},
        });
    }
    return QJsonObject{
        {QStringLiteral("name"), metricName(family.name)},
        {QStringLiteral("description"), QString::fromUtf8(family.help)},
        {QStringLiteral("unit"), metricUnit(family.name)},
        {QStringLiteral("sum"),
         QJsonObject{{QStringLiteral("dataPoints"), points},
                     {QStringLiteral("aggregationTemporality"), temporalityCumulative},
                     {QStringLiteral("isMonotonic"), true}}},
    };
}

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

QString attributeName(const QByteArray& labelName)
{
    static const QHash<QByteArray, QString> names{
        {"gen_ai_operation_name", QStringLiteral("gen_ai.operation.name")},
        {"gen_ai_provider_name", QStringLiteral("gen_ai.provider.name")},
        {"gen_ai_request_model", QStringLiteral("gen_ai.request.model")},
        {"gen_ai_response_model", QStringLiteral("gen_ai.response.model")},
        {"gen_ai_token_type", QStringLiteral("gen_ai.token.type")},
        {"server_address", QStringLiteral("server.address")},
        {"server_port", QStringLiteral("server.port")},
        {"error_type", QStringLiteral("error.type")},
    };
    const auto it = names.constFind(labelName);
    // Ours (profile, source, variant, status) under the adminchat namespace.
    return it != names.constEnd() ? *it
                                  : QStringLiteral("adminchat.") + QString::fromLatin1(labelName);
}

QString metricName(const QByteArray& familyName)
{
    static const QHash<QByteArray, QString> names{
        {"gen_ai_client_operation_duration_seconds",
         QStringLiteral("gen_ai.client.operation.duration")},
        {"gen_ai_client_operation_time_to_first_chunk_seconds",
         QStringLiteral("gen_ai.client.operation.time_to_first_chunk")},
        {"gen_ai_client_operation_time_per_output_chunk_seconds",
         QStringLiteral("gen_ai.client.operation.time_per_output_chunk")},
        {"gen_ai_client_token_usage", QStringLiteral("gen_ai.client.token.usage")},
    };
    if (const auto it = names.constFind(familyName); it != names.constEnd())
        return *it;
    // adminchat_time_to_first_answer_token_seconds -> adminchat.time_to_first_answer_token: the
    // unit goes to the unit field, as Prometheus's translation adds it back.
    QByteArray name = familyName;
    if (name.endsWith("_seconds"))
        name.chop(int(sizeof("_seconds")) - 1);
    if (name.startsWith("adminchat_"))
        name[int(sizeof("adminchat_")) - 2] = '.';
    return QString::fromLatin1(name);
}

QString metricUnit(const QByteArray& familyName)
{
    if (familyName.endsWith("_seconds"))
        return QStringLiteral("s");
    if (familyName == "gen_ai_client_token_usage")
        return QStringLiteral("{token}");
    if (familyName == "adminchat_request_retries")
        return QStringLiteral("{retry}");
    return QStringLiteral("{request}");
}

QJsonObject stringAttribute(const QString& key, const QString& value)
{
    return attribute(key, anyValue("stringValue", value));
}

QJsonObject intAttribute(const QString& key, qint64 value)
{
    return attribute(key, anyValue("intValue", int64Text(value)));
}

QJsonObject doubleAttribute(const QString& key, double value)
{
    return attribute(key, anyValue("doubleValue", value));
}

QJsonObject stringArrayAttribute(const QString& key, const QStringList& values)
{
    QJsonArray array;
    for (const QString& value : values)
        array.append(anyValue("stringValue", value));
    return attribute(key, anyValue("arrayValue", QJsonObject{{QStringLiteral("values"), array}}));
}

QByteArray metricsRequest(const TelemetryRegistry& registry, const OtlpConfig& config,
                          qint64 startUnixNano, qint64 timeUnixNano)
{
    QJsonArray metrics;
    for (const auto& family : registry.histograms()) {
        if (!family.series.empty())
            metrics.append(histogramMetric(family, startUnixNano, timeUnixNano));
    }
    for (const auto& family : registry.counters()) {
        if (!family.series.empty())
            metrics.append(counterMetric(family, startUnixNano, timeUnixNano));
    }
    const QJsonObject scopeMetrics{{QStringLiteral("scope"), scope(config)},
                                   {QStringLiteral("metrics"), metrics}};
    const QJsonObject resourceMetrics{{QStringLiteral("resource"), resource(config)},
                                      {QStringLiteral("scopeMetrics"), QJsonArray{scopeMetrics}}};
    return compact({{QStringLiteral("resourceMetrics"), QJsonArray{resourceMetrics}}});
}

QJsonObject span(const MetricsRecord& record, const QByteArray& traceId, const QByteArray& spanId)
{
    const qint64 startNs = record.startedUtc.toMSecsSinceEpoch() * nanosPerMs;
    const double durationMs = record.e2eMs.value_or(record.ttftMs.value_or(0.0));
    const qint64 endNs = startNs + qint64(std::llround(std::max(0.0, durationMs) * nanosPerMs));

    QJsonArray attributes = labelAttributes(TelemetryRegistry::baseLabels(record));
    if (record.promptTokens)
        attributes.append(
            intAttribute(QStringLiteral("gen_ai.usage.input_tokens"), *record.promptTokens));
    if (record.isCompleted() || record.outputTokens > 0)
        attributes.append(
            intAttribute(QStringLiteral("gen_ai.usage.output_tokens"), record.outputTokens));
    if (record.isCompleted()) {
        // The finish reason the status was made from; "ok" is the model's "stop".
        const QString reason =
            record.status == RequestStatus::Ok ? QStringLiteral("stop") : statusName(record.status);
        attributes.append(
            stringArrayAttribute(QStringLiteral("gen_ai.response.finish_reasons"), {reason}));
    }
    if (record.ttftMs)
        attributes.append(doubleAttribute(QStringLiteral("gen_ai.response.time_to_first_chunk"),
                                          *record.ttftMs / 1000.0));
    if (record.httpStatus > 0)
        attributes.append(
            intAttribute(QStringLiteral("http.response.status_code"), record.httpStatus));
    if (record.retries > 0)
        attributes.append(intAttribute(QStringLiteral("adminchat.retries"), record.retries));

    QJsonObject object{
        {QStringLiteral("traceId"), QString::fromLatin1(traceId.toHex())},
        {QStringLiteral("spanId"), QString::fromLatin1(spanId.toHex())},
        {QStringLiteral("name"),
         QStringLiteral("chat ") +
             (record.requestedModel.isEmpty() ? record.model : record.requestedModel)},
        {QStringLiteral("kind"), spanKindClient},
        {QStringLiteral("startTimeUnixNano"), int64Text(startNs)},
        {QStringLiteral("endTimeUnixNano"), int64Text(endNs)},
    };
    const QString errorType = TelemetryRegistry::errorTypeOf(record);
    if (!errorType.isEmpty()) {
        attributes.append(stringAttribute(QStringLiteral("error.type"), errorType));
        // The kind and status only: an error's text may quote the server's answer.
        const QString message =
            record.httpStatus > 0
                ? QStringLiteral("%1 (HTTP %2)").arg(errorType).arg(record.httpStatus)
                : errorType;
        object.insert(QStringLiteral("status"),
                      QJsonObject{{QStringLiteral("code"), statusCodeError},
                                  {QStringLiteral("message"), message}});
    }
    object.insert(QStringLiteral("attributes"), attributes);
    return object;
}

QByteArray traceRequest(const std::vector<QJsonObject>& spans, const OtlpConfig& config)
{
    QJsonArray array;
    for (const QJsonObject& object : spans)
        array.append(object);
    const QJsonObject scopeSpans{{QStringLiteral("scope"), scope(config)},
                                 {QStringLiteral("spans"), array}};
    const QJsonObject resourceSpans{{QStringLiteral("resource"), resource(config)},
                                    {QStringLiteral("scopeSpans"), QJsonArray{scopeSpans}}};
    return compact({{QStringLiteral("resourceSpans"), QJsonArray{resourceSpans}}});
}

} // namespace adminchat::OtlpJson

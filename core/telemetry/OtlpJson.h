#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <vector>

namespace adminchat {

struct MetricsRecord;
struct OtlpConfig;
class TelemetryRegistry;

// OTLP/HTTP JSON bodies (the protobuf-JSON mapping of opentelemetry-proto v1: lowerCamelCase
// field names, 64-bit integers as decimal strings, enums as integers, trace and span ids as hex)
// for what TelemetryRegistry counts and for one span per request. Names and attributes are the
// GenAI semantic conventions' (v1.41.0) with the registry's label set, spelled with dots, and
// adminchat.* for ours.
//
// Message content (prompts, answers, reasoning, tool arguments) is never encoded: a record does
// not hold it, and an opt-in to send it is not offered. A prompt's hash and length, and the
// request's uid, stay out too: they are ids, not low-cardinality labels.
namespace OtlpJson {

constexpr int spanKindClient = 3;
constexpr int statusCodeError = 2;
constexpr int temporalityCumulative = 2;

// ExportMetricsServiceRequest: every histogram and counter of the registry, cumulative since
// startUnixNano (fixed for the process), read at timeUnixNano.
QByteArray metricsRequest(const TelemetryRegistry& registry, const OtlpConfig& config,
                          qint64 startUnixNano, qint64 timeUnixNano);

// One span "chat {model}" of kind CLIENT from a stored record, with its ids (16 and 8 random
// bytes, not all zero).
QJsonObject span(const MetricsRecord& record, const QByteArray& traceId, const QByteArray& spanId);
// ExportTraceServiceRequest holding the spans.
QByteArray traceRequest(const std::vector<QJsonObject>& spans, const OtlpConfig& config);

// The OTLP attribute for a registry label: gen_ai_request_model -> gen_ai.request.model,
// profile -> adminchat.profile, ...
QString attributeName(const QByteArray& labelName);
// The OTLP metric name and unit for a registry family (gen_ai_client_operation_duration_seconds
// -> gen_ai.client.operation.duration, "s").
QString metricName(const QByteArray& familyName);
QString metricUnit(const QByteArray& familyName);

// {"key": k, "value": {"stringValue": v}} and the int, double and string-array forms.
QJsonObject stringAttribute(const QString& key, const QString& value);
QJsonObject intAttribute(const QString& key, qint64 value);
QJsonObject doubleAttribute(const QString& key, double value);
QJsonObject stringArrayAttribute(const QString& key, const QStringList& values);

} // namespace OtlpJson

} // namespace adminchat

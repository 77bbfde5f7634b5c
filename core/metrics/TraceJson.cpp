#include "metrics/TraceJson.h"

#include "metrics/RequestMetrics.h"
#include "net/RequestTrace.h"

#include <QJsonArray>
#include <cmath>

namespace adminchat {

namespace {

QJsonValue number(const std::optional<double>& value)
{
    if (!value || !std::isfinite(*value))
        return QJsonValue::Null;
    return std::round(*value * 1000.0) / 1000.0;
}

QJsonValue stringOrNull(const QString& value)
{
    return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

QJsonValue integerOrNull(const std::optional<qint64>& value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

} // namespace

std::optional<qint64> completionTokensDetail(const std::optional<QJsonObject>& usage,
                                             const QString& key)
{
    if (!usage)
        return std::nullopt;
    const QJsonValue value =
        usage->value(QLatin1String("completion_tokens_details")).toObject().value(key);
    // A non-number is treated as absent rather than guessed at.
    if (!value.isDouble() || !std::isfinite(value.toDouble()) || value.toDouble() < 0)
        return std::nullopt;
    return qint64(value.toDouble());
}

QJsonObject traceToJson(const RequestTrace& trace, const RequestMetrics& metrics)
{
    QJsonArray toolCalls;
    for (const ToolCall& call : trace.toolCalls) {
        toolCalls.append(QJsonObject{
            {QStringLiteral("index"), call.index},
            {QStringLiteral("id"), call.id},
            {QStringLiteral("type"), call.type},
            {QStringLiteral("function"),
             QJsonObject{{QStringLiteral("name"), call.name},
                         {QStringLiteral("arguments"), call.arguments}}},
        });
    }
    const QJsonObject itl{
        {QStringLiteral("mean"), number(metrics.meanItlMs)},
        {QStringLiteral("p50"), number(metrics.itlP50Ms)},
        {QStringLiteral("p95"), number(metrics.itlP95Ms)},
        {QStringLiteral("p99"), number(metrics.itlP99Ms)},
        {QStringLiteral("max"), number(metrics.itlMaxMs)},
    };
    QJsonValue error = QJsonValue::Null;
    if (trace.error) {
        error = QJsonObject{{QStringLiteral("kind"), trace.error->kindName()},
                            {QStringLiteral("message"), trace.error->message}};
    }
    return QJsonObject{
        {QStringLiteral("text"), trace.text},
        {QStringLiteral("reasoning"), trace.reasoning},
        {QStringLiteral("refusal"), stringOrNull(trace.refusal)},
        {QStringLiteral("tool_calls"), toolCalls},
        {QStringLiteral("finish_reason"), stringOrNull(trace.finishReason)},
        {QStringLiteral("model"), trace.model},
        {QStringLiteral("endpoint"), trace.endpoint},
        {QStringLiteral("streamed"), trace.streamed},
        {QStringLiteral("usage"), trace.usage ? QJsonValue(*trace.usage) : QJsonValue::Null},
        {QStringLiteral("output_tokens"), metrics.outputTokens},
        {QStringLiteral("output_tokens_estimated"), metrics.outputTokensEstimated},
        {QStringLiteral("accepted_prediction_tokens"),
         integerOrNull(
             completionTokensDetail(trace.usage, QStringLiteral("accepted_prediction_tokens")))},
        {QStringLiteral("rejected_prediction_tokens"),
         integerOrNull(
             completionTokensDetail(trace.usage, QStringLiteral("rejected_prediction_tokens")))},
        {QStringLiteral("ttft_ms"), number(metrics.ttftMs)},
        {QStringLiteral("ttfat_ms"), number(metrics.ttfatMs)},
        {QStringLiteral("e2e_ms"), number(metrics.e2eMs)},
        {QStringLiteral("itl_ms"), itl},
        {QStringLiteral("tpot_ms"), number(metrics.tpotMs)},
        {QStringLiteral("tokens_per_s"), number(metrics.tokensPerSecond)},
        {QStringLiteral("category"), categoryName(metrics.category)},
        {QStringLiteral("http_status"), trace.httpStatus},
        {QStringLiteral("retries"), trace.retries},
        {QStringLiteral("error"), error},
    };
}

} // namespace adminchat

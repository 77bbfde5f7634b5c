#include "metrics/ReportJson.h"

#include <QJsonArray>
#include <cmath>

namespace adminchat {

namespace {

QJsonValue number(double value)
{
    if (!std::isfinite(value))
        return QJsonValue::Null;
    return std::round(value * 1000.0) / 1000.0;
}

QJsonValue text(const QString& value)
{
    return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

} // namespace

QJsonObject metricSummaryToJson(const MetricSummary& s)
{
    return {{QStringLiteral("count"), qint64(s.count)}, {QStringLiteral("mean"), number(s.mean)},
            {QStringLiteral("p50"), number(s.p50)},     {QStringLiteral("p95"), number(s.p95)},
            {QStringLiteral("p99"), number(s.p99)},     {QStringLiteral("max"), number(s.max)}};
}

QJsonObject groupStatsToJson(const GroupStats& g)
{
    QJsonObject errorKinds;
    for (auto it = g.errorKinds.cbegin(); it != g.errorKinds.cend(); ++it)
        errorKinds.insert(it.key(), qint64(it.value()));
    return {
        {QStringLiteral("endpoint"), text(g.endpoint)},
        {QStringLiteral("endpoint_url"), text(g.endpointUrl)},
        {QStringLiteral("endpoint_id"), text(g.endpointId)},
        {QStringLiteral("model"), text(g.model)},
        {QStringLiteral("variant"), text(g.variant)},
        {QStringLiteral("requests"), qint64(g.started)},
        {QStringLiteral("completed"), qint64(g.completed)},
        {QStringLiteral("errors"), qint64(g.errors)},
        {QStringLiteral("cancelled"), qint64(g.cancelled)},
        {QStringLiteral("error_rate"), number(g.errorRate())},
        {QStringLiteral("completion_rate"), number(g.completionRate())},
        {QStringLiteral("streamed_share"), number(g.streamedShare())},
        {QStringLiteral("retries"), qint64(g.retries)},
        {QStringLiteral("rate_limited"), qint64(g.rateLimited)},
        {QStringLiteral("length_finishes"), qint64(g.lengthFinishes)},
        {QStringLiteral("satisfaction"), number(g.satisfaction())},
        {QStringLiteral("error_kinds"), errorKinds},
        {QStringLiteral("categories"),
         QJsonObject{{QStringLiteral("excellent"), qint64(g.categories[0])},
                     {QStringLiteral("good"), qint64(g.categories[1])},
                     {QStringLiteral("acceptable"), qint64(g.categories[2])},
                     {QStringLiteral("slow"), qint64(g.categories[3])}}},
        {QStringLiteral("ttft_ms"), metricSummaryToJson(g.ttft)},
        {QStringLiteral("ttfat_ms"), metricSummaryToJson(g.ttfat)},
        {QStringLiteral("e2e_ms"), metricSummaryToJson(g.e2e)},
        {QStringLiteral("itl_ms"), metricSummaryToJson(g.itl)},
        {QStringLiteral("tokens_per_s"), metricSummaryToJson(g.tokensPerSecond)},
        {QStringLiteral("display_lag_ms"), metricSummaryToJson(g.displayLag)},
        {QStringLiteral("accepted_prediction_tokens"), qint64(g.acceptedPredictionTokens)},
        {QStringLiteral("rejected_prediction_tokens"), qint64(g.rejectedPredictionTokens)},
        {QStringLiteral("prediction_acceptance"), number(g.predictionAcceptance())},
    };
}

QJsonObject suggestionToJson(const Suggestion& s)
{
    return {{QStringLiteral("rule"), s.rule},
            {QStringLiteral("severity"), Suggestion::severityName(s.severity)},
            {QStringLiteral("message"), s.message},
            {QStringLiteral("evidence"), s.evidence},
            {QStringLiteral("endpoint"), text(s.endpoint)},
            {QStringLiteral("model"), text(s.model)}};
}

QJsonObject reportToJson(const AggregateReport& report, const QList<Suggestion>& suggestions)
{
    QJsonArray models;
    for (const GroupStats& group : report.byModel)
        models.append(groupStatsToJson(group));
    QJsonArray endpoints;
    for (const GroupStats& group : report.byEndpoint)
        endpoints.append(groupStatsToJson(group));
    QJsonArray advice;
    for (const Suggestion& suggestion : suggestions)
        advice.append(suggestionToJson(suggestion));
    return {{QStringLiteral("from"), report.from.isValid()
                                         ? QJsonValue(report.from.toString(Qt::ISODateWithMs))
                                         : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("to"), report.to.toString(Qt::ISODateWithMs)},
            {QStringLiteral("total"), groupStatsToJson(report.total)},
            {QStringLiteral("by_model"), models},
            {QStringLiteral("by_endpoint"), endpoints},
            {QStringLiteral("suggestions"), advice}};
}

} // namespace adminchat

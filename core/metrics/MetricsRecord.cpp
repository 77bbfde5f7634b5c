#include "metrics/MetricsRecord.h"

#include "metrics/RequestMetrics.h"
#include "metrics/TraceJson.h"
#include "net/EndpointIdentity.h"
#include "net/RequestTrace.h"

#include <array>

namespace adminchat {

namespace {

constexpr std::array statuses = {
    RequestStatus::Ok,     RequestStatus::Error,         RequestStatus::Cancelled,
    RequestStatus::Length, RequestStatus::ContentFilter, RequestStatus::ToolCalls};

RequestStatus statusOf(const RequestTrace& trace)
{
    // An error or cancellation outranks whatever finish_reason arrived before it.
    if (trace.error)
        return trace.error->kind == ApiError::Kind::Cancelled ? RequestStatus::Cancelled
                                                              : RequestStatus::Error;
    const QString& reason = trace.finishReason;
    if (reason == QLatin1String("length"))
        return RequestStatus::Length;
    if (reason == QLatin1String("content_filter"))
        return RequestStatus::ContentFilter;
    // function_call is the legacy (pre-tools) spelling of the same outcome.
    if (reason == QLatin1String("tool_calls") || reason == QLatin1String("function_call"))
        return RequestStatus::ToolCalls;
    return RequestStatus::Ok;
}

} // namespace

QString statusName(RequestStatus status)
{
    switch (status) {
    case RequestStatus::Ok:
        return QStringLiteral("ok");
    case RequestStatus::Error:
        return QStringLiteral("error");
    case RequestStatus::Cancelled:
        return QStringLiteral("cancelled");
    case RequestStatus::Length:
        return QStringLiteral("length");
    case RequestStatus::ContentFilter:
        return QStringLiteral("content_filter");
    case RequestStatus::ToolCalls:
        return QStringLiteral("tool_calls");
    }
    return QStringLiteral("ok");
}

std::optional<RequestStatus> statusFromName(const QString& name)
{
    for (RequestStatus status : statuses) {
        if (statusName(status) == name)
            return status;
    }
    return std::nullopt;
}

MetricsRecord MetricsRecord::fromTrace(const RequestTrace& trace, const RequestMetrics& metrics,
                                       const QString& profile, const QString& variant)
{
    MetricsRecord record;
    record.startedUtc = trace.startedUtc;
    record.endpoint = trace.endpoint;
    record.endpointId = !trace.endpointId.isEmpty()
                            ? trace.endpointId
                            : EndpointIdentity::fromProfileName(profile, trace.endpoint);
    record.profile = profile;
    record.model = trace.model;
    record.requestedModel = trace.requestedModel;
    record.variant = variant;
    record.streamed = trace.streamed;
    record.status = statusOf(trace);
    record.httpStatus = trace.httpStatus;
    if (trace.error)
        record.errorKind = trace.error->kind;
    record.ttftMs = metrics.ttftMs;
    record.ttfatMs = metrics.ttfatMs;
    record.e2eMs = metrics.e2eMs;
    record.meanItlMs = metrics.meanItlMs;
    record.itlP50Ms = metrics.itlP50Ms;
    record.itlP95Ms = metrics.itlP95Ms;
    record.itlMaxMs = metrics.itlMaxMs;
    record.tpotMs = metrics.tpotMs;
    record.outputTokens = metrics.outputTokens;
    record.outputTokensEstimated = metrics.outputTokensEstimated;
    record.promptTokens = metrics.promptTokens;
    record.tokensPerSecond = metrics.tokensPerSecond;
    record.retries = trace.retries;
    record.category = metrics.category;
    record.promptHash = trace.promptHash;
    record.promptChars = trace.promptChars;
    record.acceptedPredictionTokens =
        completionTokensDetail(trace.usage, QStringLiteral("accepted_prediction_tokens"));
    record.rejectedPredictionTokens =
        completionTokensDetail(trace.usage, QStringLiteral("rejected_prediction_tokens"));
    // Every gap, not just the percentiles, so ITL can later be summarised over all requests.
    // fromTrace made the sketch; figures put together by hand get theirs here.
    record.itlSketch = metrics.itlSketch.isEmpty() ? RequestMetrics::itlSketchOf(metrics.itlMs)
                                                   : metrics.itlSketch;
    return record;
}

QString MetricsRecord::endpointKey() const
{
    return endpointId.isEmpty() ? EndpointIdentity::urlKey(endpoint).toString() : endpointId;
}

QString MetricsRecord::endpointLabel() const
{
    if (endpointId.isEmpty() || profile.isEmpty())
        return endpoint;
    if (endpointId == EndpointIdentity::environmentId(endpoint))
        return QStringLiteral("%1 (%2)").arg(profile, endpoint);
    return profile;
}

} // namespace adminchat

#include "watch/ProbeResult.h"

#include "endpoints/ProbeSettings.h"
#include "metrics/MetricsRecord.h"
#include "net/RequestTrace.h"

namespace adminchat {

namespace {

QJsonValue optionalMs(const std::optional<double>& ms)
{
    return ms ? QJsonValue(qRound64(*ms * 10) / 10.0) : QJsonValue(QJsonValue::Null);
}

} // namespace

QString probeOutcomeName(ProbeOutcome outcome)
{
    switch (outcome) {
    case ProbeOutcome::Error:
        return QStringLiteral("error");
    case ProbeOutcome::KeyRejected:
        return QStringLiteral("key_rejected");
    case ProbeOutcome::RateLimited:
        return QStringLiteral("rate_limited");
    case ProbeOutcome::ModelMismatch:
        return QStringLiteral("model_mismatch");
    case ProbeOutcome::ContentMismatch:
        return QStringLiteral("content_mismatch");
    case ProbeOutcome::Slow:
        return QStringLiteral("slow");
    case ProbeOutcome::Ok:
        return QStringLiteral("ok");
    }
    return QStringLiteral("error");
}

ProbeResult ProbeResult::fromRequest(const RequestTrace& trace, const MetricsRecord& record,
                                     const ProbeSettings& settings,
                                     const QString& previousFingerprint)
{
    ProbeResult result;
    result.profile = record.profile;
    result.endpointId = record.endpointKey();
    result.model = trace.requestedModel;
    result.answeredModel = trace.model;
    result.requestUid = record.requestUid;
    result.startedMs = record.startedUtc.toMSecsSinceEpoch();
    result.httpStatus = trace.httpStatus;
    result.ttftMs = record.ttftMs;
    result.e2eMs = record.e2eMs;
    result.tokens = record.promptTokens.value_or(0) + record.outputTokens;
    result.systemFingerprint = trace.systemFingerprint;
    result.fingerprintChanged = !previousFingerprint.isEmpty() &&
                                !trace.systemFingerprint.isEmpty() &&
                                trace.systemFingerprint != previousFingerprint;

    if (trace.error) {
        result.errorKind = trace.error->kindName();
        const int status = trace.httpStatus;
        if (trace.error->kind == ApiError::Kind::Http && (status == 401 || status == 403)) {
            result.outcome = ProbeOutcome::KeyRejected;
            result.message = QStringLiteral("key rejected (HTTP %1)").arg(status);
        } else if (trace.error->kind == ApiError::Kind::Http && status == 429) {
            result.outcome = ProbeOutcome::RateLimited;
            result.message = QStringLiteral("rate limited (HTTP 429)");
        } else {
            result.outcome = ProbeOutcome::Error;
            result.message = trace.error->message;
        }
        return result;
    }
    // Servers name a dated snapshot of the model asked for ("gpt-4o" answered by
    // "gpt-4o-2024-08-06"): a name that starts with the requested one is the same model.
    if (!trace.model.isEmpty() && !trace.requestedModel.isEmpty() &&
        !trace.model.startsWith(trace.requestedModel)) {
        result.outcome = ProbeOutcome::ModelMismatch;
        result.message = QStringLiteral("model mismatch: asked for %1, answered by %2")
                             .arg(trace.requestedModel, trace.model);
        return result;
    }
    if (!settings.contentMatches(trace.text)) {
        constexpr qsizetype shown = 60;
        QString answer = trace.text.simplified();
        if (answer.size() > shown)
            answer = answer.left(shown) + QStringLiteral("...");
        result.outcome = ProbeOutcome::ContentMismatch;
        result.message = QStringLiteral("content check failed: expected %1 \"%2\", got \"%3\"")
                             .arg(settings.expectRegex ? QStringLiteral("a match of")
                                                       : QStringLiteral("the text"),
                                  settings.expect, answer);
        return result;
    }
    if (record.ttftMs && *record.ttftMs > settings.latencyThresholdMs) {
        result.outcome = ProbeOutcome::Slow;
        result.message = QStringLiteral("slow: first token after %1 ms (threshold %2 ms)")
                             .arg(qRound64(*record.ttftMs))
                             .arg(settings.latencyThresholdMs);
    }
    return result;
}

QJsonObject ProbeResult::toEvidenceJson() const
{
    QJsonObject json{
        {QStringLiteral("request_uid"), requestUid},
        {QStringLiteral("started_ms"), startedMs},
        {QStringLiteral("outcome"), probeOutcomeName(outcome)},
        {QStringLiteral("http_status"), httpStatus},
        {QStringLiteral("ttft_ms"), optionalMs(ttftMs)},
        {QStringLiteral("e2e_ms"), optionalMs(e2eMs)},
    };
    if (!message.isEmpty())
        json.insert(QStringLiteral("message"), message);
    if (!answeredModel.isEmpty() && answeredModel != model)
        json.insert(QStringLiteral("answered_model"), answeredModel);
    return json;
}

} // namespace adminchat

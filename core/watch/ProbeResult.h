#pragma once

#include <QJsonObject>
#include <QString>
#include <optional>

namespace adminchat {

struct MetricsRecord;
struct ProbeSettings;
struct RequestTrace;

// How one probe went, from the worst to the plainest: the first that applies wins.
enum class ProbeOutcome
{
    Error,           // an HTTP error other than 401/403/429, a timeout, a refused connection...
    KeyRejected,     // 401 or 403
    RateLimited,     // 429: the endpoint is there, but busy (degraded, never down)
    ModelMismatch,   // the answer names another model than the one asked for
    ContentMismatch, // the answer fails the content check
    Slow,            // time to first token over the threshold
    Ok,
};

// "error", "key_rejected", "rate_limited", "model_mismatch", "content_mismatch", "slow", "ok".
QString probeOutcomeName(ProbeOutcome outcome);

// One probe of one endpoint and model: what a status change and an incident's evidence quote.
struct ProbeResult
{
    QString profile;
    QString endpointId;
    QString model;         // asked for
    QString answeredModel; // as the response named it
    QString requestUid;    // the probe's row in requests
    qint64 startedMs = 0;  // UTC, ms since the epoch
    ProbeOutcome outcome = ProbeOutcome::Ok;
    QString message; // one line for people; empty when ok
    int httpStatus = 0;
    QString errorKind; // ApiError::kindName, empty without an error
    std::optional<double> ttftMs;
    std::optional<double> e2eMs;
    qint64 tokens = 0; // prompt and output tokens, what the daily budget counts
    QString systemFingerprint;
    bool fingerprintChanged = false; // noted, never a failure

    // Classifies a finished probe request. previousFingerprint: the last one this target saw
    // (empty: none yet, so nothing changed).
    static ProbeResult fromRequest(const RequestTrace& trace, const MetricsRecord& record,
                                   const ProbeSettings& settings,
                                   const QString& previousFingerprint);

    bool isFailure() const { return outcome == ProbeOutcome::Error; }
    // Answered, but not as it should: slow, rate limited, content or model wrong.
    bool isDegrading() const
    {
        return outcome == ProbeOutcome::Slow || outcome == ProbeOutcome::RateLimited ||
               outcome == ProbeOutcome::ContentMismatch || outcome == ProbeOutcome::ModelMismatch;
    }

    // An incident's evidence: request id, time, outcome, HTTP status, figures, message.
    QJsonObject toEvidenceJson() const;
};

} // namespace adminchat

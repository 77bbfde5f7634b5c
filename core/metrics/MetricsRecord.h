#pragma once

#include "metrics/LatencyCategory.h"
#include "openai/ApiError.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <optional>

namespace adminchat {

struct RequestMetrics;
struct RequestTrace;

// How a request ended: an error or a cancellation first, else the finish reason that ended the
// answer.
enum class RequestStatus
{
    Ok,
    Error,
    Cancelled,
    Length,        // the model hit max_tokens
    ContentFilter, // the provider's filter stopped it
    ToolCalls,     // the model asked for tool calls (or the legacy function_call)
};

// "ok", "error", "cancelled", "length", "content_filter", "tool_calls": the database, CSV, JSON
// and the command line's spelling.
QString statusName(RequestStatus status);
std::optional<RequestStatus> statusFromName(const QString& name);

// One request as stored in the metrics database and exported to CSV. Never holds a secret:
// the endpoint is a display URL and prompts are kept only as a hash and a length.
struct MetricsRecord
{
    qint64 id = 0; // database row id; 0 before it is stored
    QDateTime startedUtc;
    QString endpoint;   // display URL at the time of the request
    QString endpointId; // EndpointIdentity: the profile's stable id; empty: none (grouped by URL)
    QString profile;    // the profile's name at the time of the request
    QString model;          // as the server named it, else the one asked for
    QString requestedModel; // as asked for; empty in rows stored before schema step 10
    QString experiment; // A/B experiment name, empty outside experiments
    QString variant;    // the experiment's variant this request was assigned
    QString tag;        // e.g. a benchmark run
    bool streamed = true;
    RequestStatus status = RequestStatus::Ok;
    int httpStatus = 0;
    std::optional<ApiError::Kind> errorKind; // none on success
    std::optional<double> ttftMs;
    std::optional<double> ttfatMs;
    std::optional<double> e2eMs;
    std::optional<double> meanItlMs;
    std::optional<double> itlP50Ms;
    std::optional<double> itlP95Ms;
    std::optional<double> itlMaxMs;
    std::optional<double> tpotMs;
    qint64 outputTokens = 0;
    bool outputTokensEstimated = true;
    std::optional<qint64> promptTokens;
    std::optional<double> tokensPerSecond;
    int retries = 0;
    std::optional<LatencyCategory> category; // none when not judged
    std::optional<int> rating;               // +1 thumbs up, -1 thumbs down
    QString promptHash; // SHA-256 of the request's messages, hex; for caching advice
    qint64 promptChars = 0;
    QByteArray itlSketch; // QuantileSketch::toBytes() of every ITL gap, for ITL over all gaps
    QString requestUid;   // links a chat message to this record; empty for one-off requests
    // Predicted Outputs: usage.completion_tokens_details.{accepted,rejected}_prediction_tokens,
    // when the server reported them.
    std::optional<qint64> acceptedPredictionTokens;
    std::optional<qint64> rejectedPredictionTokens;
    // P95 of the time from a piece of text arriving to it being shown in the window; none
    // outside the window (ask, bench).
    std::optional<double> displayLagP95Ms;

    // Statuses: errors and cancellations first, then the finish reason that ended the answer.
    static MetricsRecord fromTrace(const RequestTrace& trace, const RequestMetrics& metrics,
                                   const QString& profile = {}, const QString& variant = {});

    // What groups and filters name an endpoint by: its id, else its URL without trailing '/'.
    QString endpointKey() const;
    // What the dashboard, summaries and suggestions show: the profile's name (with its URL for
    // the Environment profile, whose identity is its URL); the URL without a profile.
    QString endpointLabel() const;

    bool isError() const { return status == RequestStatus::Error; }
    bool isCancelled() const { return status == RequestStatus::Cancelled; }
    // Finished normally: the model ended the answer (stop, length, content_filter, tool_calls).
    bool isCompleted() const { return !isError() && !isCancelled(); }
};

} // namespace adminchat

#pragma once

#include <QJsonObject>
#include <QString>
#include <optional>

namespace adminchat {

struct RequestMetrics;
struct RequestTrace;

// The summary `ask --json` prints: the answer, its usage as the server sent it, the metrics
// (milliseconds, 3 decimals), the Predicted Outputs counts (accepted_prediction_tokens,
// rejected_prediction_tokens; null when the server sent none) and the error, if any.
QJsonObject traceToJson(const RequestTrace& trace, const RequestMetrics& metrics);

// usage.completion_tokens_details.<key> when the server sent it as a non-negative number, e.g.
// "accepted_prediction_tokens"; nullopt otherwise.
std::optional<qint64> completionTokensDetail(const std::optional<QJsonObject>& usage,
                                             const QString& key);

} // namespace adminchat

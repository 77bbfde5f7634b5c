#pragma once

#include <QJsonObject>

namespace adminchat {

struct RequestMetrics;
struct RequestTrace;

// The summary `ask --json` prints: the answer, its usage as the server sent it, the metrics
// (milliseconds, 3 decimals) and the error, if any.
QJsonObject traceToJson(const RequestTrace& trace, const RequestMetrics& metrics);

} // namespace adminchat

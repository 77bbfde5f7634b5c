#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/Suggestion.h"

#include <QJsonObject>
#include <QList>

namespace adminchat {

// JSON forms of aggregates, for `metrics summary --json` (and later `bench --json`).
// Milliseconds with 3 decimals; NaN becomes null.
QJsonObject metricSummaryToJson(const MetricSummary& summary);
QJsonObject groupStatsToJson(const GroupStats& group);
QJsonObject suggestionToJson(const Suggestion& suggestion);
QJsonObject reportToJson(const AggregateReport& report, const QList<Suggestion>& suggestions);

} // namespace adminchat

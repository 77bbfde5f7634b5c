#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"
#include "metrics/Suggestion.h"

#include <QList>

#include <vector>

namespace adminchat {

// Rules over the aggregates of three windows. Each rule needs a minimum number of samples before
// it speaks, so a handful of requests never raises an alarm.
class SuggestionEngine
{
public:
    struct Input
    {
        AggregateReport last5Minutes;
        AggregateReport lastHour;
        AggregateReport last24Hours;
    };

    static QList<Suggestion> evaluate(const Input& input);

    // Aggregates the three windows of records (labels of filter apply, its window does not) and
    // evaluates them.
    static QList<Suggestion> evaluate(const std::vector<MetricsRecord>& records,
                                      const MetricsFilter& filter, const QDateTime& now);
};

} // namespace adminchat

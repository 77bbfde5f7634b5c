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
};

} // namespace adminchat

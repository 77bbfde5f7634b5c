#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/LatencyCategory.h"
#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"

#include <vector>

namespace adminchat {

// Folds records into an AggregateReport: totals, per (endpoint, model, variant) and per endpoint
// groups, and a timeline, for the records the filter selects at time now. Percentiles come from
// QuantileSketches, so memory does not depend on the number of records. Categories are
// recomputed with the given rule (a setting), not taken from the stored label.
class MetricsAggregator
{
public:
    struct Options
    {
        CategoryRule categoryRule;
        int timelineBuckets = 60;
    };

    static AggregateReport aggregate(const std::vector<MetricsRecord>& records,
                                     const MetricsFilter& filter, const QDateTime& now,
                                     const Options& options);
    static AggregateReport aggregate(const std::vector<MetricsRecord>& records,
                                     const MetricsFilter& filter, const QDateTime& now)
    {
        return aggregate(records, filter, now, Options{});
    }

    // The category of one record under rule; Error/Cancelled for those statuses; std::nullopt
    // when the record has no value for the rule's metric.
    static std::optional<LatencyCategory> categorize(const MetricsRecord& record,
                                                     const CategoryRule& rule);
};

} // namespace adminchat

#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/LatencyCategory.h"
#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"
#include "metrics/Suggestion.h"

#include <vector>

namespace adminchat {

// Folds records into an AggregateReport: totals, per (endpoint, model, variant) and per endpoint
// groups, and a timeline, for the records the filter selects at time now (started in
// [filter.start(now), now], labels matching). Percentiles come from QuantileSketches (exact
// while a group or slice holds few samples, see QuantileSketch), so memory does not depend on
// the number of records. Categories are recomputed with the given rule (a
// setting), not taken from the stored label.
//
// Which requests count where:
//  - started, errors, cancelled, error kinds, retries, 429s, ratings, streamed, long and repeated
//    prompts, and the timeline's started/errors: every selected request.
//  - display lag (summary of per-request P95s) and Predicted Outputs token sums: every selected
//    request that has them.
//  - TTFT, TTFAT, E2E, ITL and tokens/s percentiles (groups, timeline, long-prompt TTFT) and the
//    latency categories: completed requests only (not error, not cancelled). A fast HTTP 500 or
//    an early cancel has a tiny TTFT or E2E that no user waited for; counting it would make a
//    failing endpoint look fast. Errors and cancellations are reported by their rates instead.
//
// Groups are listed busiest first (by requests; ties keep first-seen order). A prompt repeats
// when its hash was seen earlier (in record order) among the selected records of the same
// group: the same model group for byModel, the same endpoint for byEndpoint, any for the total.
class MetricsAggregator
{
public:
    struct Options
    {
        CategoryRule categoryRule;
        int timelineBuckets = 60; // 0: no timeline
        bool mergeItl = true; // false skips decoding every record's ITL sketch (itl stays empty)
    };

    static AggregateReport aggregate(const std::vector<MetricsRecord>& records,
                                     const MetricsFilter& filter, const QDateTime& now,
                                     const Options& options);
    static AggregateReport aggregate(const std::vector<MetricsRecord>& records,
                                     const MetricsFilter& filter, const QDateTime& now)
    {
        return aggregate(records, filter, now, Options{});
    }

    // The category of one record under rule; Error/Cancelled for those statuses. A record with
    // no value for the rule's metric but an E2E (an answer without output) is judged on E2E,
    // as RequestMetrics::fromTrace does; std::nullopt when it has neither. The report's category
    // counts use the same judgement.
    // The suggestion rules over the three windows of records (the filter's labels apply, its
    // window does not).
    static QList<Suggestion> suggest(const std::vector<MetricsRecord>& records,
                                     const MetricsFilter& filter, const QDateTime& now);

    static std::optional<LatencyCategory> categorize(const MetricsRecord& record,
                                                     const CategoryRule& rule);
};

} // namespace adminchat

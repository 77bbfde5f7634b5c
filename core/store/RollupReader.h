#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/LatencyCategory.h"
#include "metrics/MetricsFilter.h"

#include <QDateTime>
#include <QString>
#include <functional>

namespace adminchat {

class MetricsStore;
class RollupCell;
class RollupGroups;
struct MetricsRecord;

// Reads windows from the rollups (RollupPlan): whole buckets merged, raw rows only at the partial
// minutes of the edges, so the cost follows the number of buckets, not of records. The same
// groups and figures as the reference MetricsAggregator (tests/reference) over the rows.
class RollupReader
{
public:
    // What the filter's labels select in [fromMs, toMs), from buckets no wider than maxWidthMs:
    // each bucket, or raw row as a cell of its own, with its labels (those of its newest record),
    // its start (the bucket's or the row's) and its newest record's start. False (error set) when
    // a read failed; what was read before has been visited.
    using Visitor = std::function<void(const MetricsRecord& labels, qint64 startMs, qint64 newestMs,
                                       const RollupCell& cell)>;
    static bool read(const MetricsStore& store, const MetricsFilter& filter, qint64 fromMs,
                     qint64 toMs, qint64 maxWidthMs, const Visitor& visit,
                     QString* error = nullptr);
    static bool read(const MetricsStore& store, const MetricsFilter& filter, qint64 fromMs,
                     qint64 toMs, qint64 maxWidthMs, RollupGroups& groups,
                     QString* error = nullptr);

    // The filter's window at time now, without a timeline.
    static AggregateReport report(const MetricsStore& store, const MetricsFilter& filter,
                                  const QDateTime& now, const CategoryRule& rule,
                                  QString* error = nullptr);

    // Start of the first bucket with a record (its minute, or its hour or day where minutes were
    // pruned), or toMs when there is none.
    static qint64 firstBucketMs(const MetricsStore& store, qint64 toMs);
};

} // namespace adminchat

#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/LatencyCategory.h"
#include "metrics/MetricsFilter.h"

#include <QDateTime>
#include <QString>

namespace adminchat {

class MetricsStore;

// The report for a window from the rollups (RollupPlan): whole buckets merged, raw rows only at
// the window's partial-minute edges, so its cost follows the number of buckets. The same groups
// and figures as MetricsAggregator over the window's rows (no timeline yet).
class RollupReader
{
public:
    static AggregateReport report(const MetricsStore& store, const MetricsFilter& filter,
                                  const QDateTime& now, const CategoryRule& rule,
                                  QString* error = nullptr);
};

} // namespace adminchat

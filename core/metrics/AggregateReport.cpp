#include "metrics/AggregateReport.h"

namespace adminchat {

MetricSummary MetricSummary::fromSketch(const QuantileSketch& sketch)
{
    MetricSummary summary;
    if (sketch.isEmpty())
        return summary; // count 0, every figure NaN
    summary.count = sketch.count();
    summary.mean = sketch.mean();
    summary.p50 = sketch.quantile(0.50).value_or(NAN);
    summary.p95 = sketch.quantile(0.95).value_or(NAN);
    summary.p99 = sketch.quantile(0.99).value_or(NAN);
    summary.max = sketch.max(); // exact, not a bucket value
    return summary;
}

} // namespace adminchat

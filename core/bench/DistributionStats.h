#pragma once

#include <QJsonObject>
#include <QtGlobal>
#include <optional>
#include <vector>

namespace adminchat {

class QuantileSketch;

// Exact summary of one metric over a run: every sample is kept and sorted, percentiles by
// linear interpolation between closest ranks (numpy's default), as for one request's ITL.
struct DistributionStats
{
    qint64 count = 0;
    std::optional<double> mean;
    std::optional<double> p50;
    std::optional<double> p90;
    std::optional<double> p95;
    std::optional<double> p99;
    std::optional<double> max;

    static DistributionStats of(std::vector<double> samples);
    // The same figures from a sketch: equal to of() while the sketch is exact, each percentile
    // within its relative accuracy above that.
    static DistributionStats of(const QuantileSketch& sketch);
    // {"count", "mean", "p50", "p90", "p95", "p99", "max"}; null where there is no sample.
    QJsonObject toJson() const;
};

} // namespace adminchat

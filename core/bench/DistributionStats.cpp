#include "bench/DistributionStats.h"

#include "metrics/QuantileSketch.h"
#include "metrics/RequestMetrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace adminchat {

namespace {

QJsonValue rounded(const std::optional<double>& value)
{
    if (!value || !std::isfinite(*value))
        return QJsonValue::Null;
    return std::round(*value * 1000.0) / 1000.0;
}

} // namespace

DistributionStats DistributionStats::of(std::vector<double> samples)
{
    DistributionStats stats;
    std::erase_if(samples, [](double v) { return !std::isfinite(v); });
    stats.count = qint64(samples.size());
    if (samples.empty())
        return stats;
    std::sort(samples.begin(), samples.end());
    stats.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / double(samples.size());
    stats.p50 = RequestMetrics::percentile(samples, 0.50);
    stats.p90 = RequestMetrics::percentile(samples, 0.90);
    stats.p95 = RequestMetrics::percentile(samples, 0.95);
    stats.p99 = RequestMetrics::percentile(samples, 0.99);
    stats.max = samples.back();
    return stats;
}

DistributionStats DistributionStats::of(const QuantileSketch& sketch)
{
    DistributionStats stats;
    stats.count = qint64(sketch.count());
    if (sketch.isEmpty())
        return stats;
    stats.mean = sketch.mean();
    stats.p50 = sketch.quantile(0.50);
    stats.p90 = sketch.quantile(0.90);
    stats.p95 = sketch.quantile(0.95);
    stats.p99 = sketch.quantile(0.99);
    stats.max = sketch.max();
    return stats;
}

QJsonObject DistributionStats::toJson() const
{
    return {{QStringLiteral("count"), count},      {QStringLiteral("mean"), rounded(mean)},
            {QStringLiteral("p50"), rounded(p50)}, {QStringLiteral("p90"), rounded(p90)},
            {QStringLiteral("p95"), rounded(p95)}, {QStringLiteral("p99"), rounded(p99)},
            {QStringLiteral("max"), rounded(max)}};
}

} // namespace adminchat

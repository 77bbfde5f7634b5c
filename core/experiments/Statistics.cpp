#include "experiments/Statistics.h"

#include "metrics/RequestMetrics.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace adminchat::statistics {

double normalCdf(double z)
{
    // erfc keeps precision in the lower tail, where 1 - erf would cancel.
    return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

double twoSidedPValue(double z)
{
    return std::min(1.0, std::erfc(std::abs(z) / std::numbers::sqrt2));
}

std::optional<double> median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return RequestMetrics::percentile(values, 0.5);
}

std::optional<MannWhitneyResult> mannWhitneyU(const std::vector<double>& first,
                                              const std::vector<double>& second)
{
    if (first.empty() || second.empty())
        return std::nullopt;
    const double n1 = double(first.size());
    const double n2 = double(second.size());

    // Pool both samples, remembering which one each value came from, and rank them.
    struct Item
    {
        double value;
        bool fromFirst;
    };
    std::vector<Item> pooled;
    pooled.reserve(first.size() + second.size());
    for (double v : first)
        pooled.push_back({v, true});
    for (double v : second)
        pooled.push_back({v, false});
    std::sort(pooled.begin(), pooled.end(),
              [](const Item& a, const Item& b) { return a.value < b.value; });

    // Tied values share the mean of their ranks; sum(t^3 - t) over tie groups feeds the
    // variance's tie correction.
    double rankSumFirst = 0;
    double tieTerm = 0;
    for (std::size_t start = 0; start < pooled.size();) {
        std::size_t end = start + 1;
        while (end < pooled.size() && pooled[end].value == pooled[start].value)
            ++end;
        const double t = double(end - start);
        const double meanRank = (double(start + 1) + double(end)) / 2.0;
        for (std::size_t i = start; i < end; ++i) {
            if (pooled[i].fromFirst)
                rankSumFirst += meanRank;
        }
        tieTerm += t * t * t - t;
        start = end;
    }

    MannWhitneyResult result;
    result.u = rankSumFirst - n1 * (n1 + 1) / 2.0;
    const double n = n1 + n2;
    const double variance = n1 * n2 / 12.0 * ((n + 1) - tieTerm / (n * (n - 1)));
    const double deviation = result.u - n1 * n2 / 2.0;
    if (variance > 0) {
        // Continuity correction moves U half a step towards its mean (R's CORRECTION).
        const double correction = deviation > 0 ? 0.5 : (deviation < 0 ? -0.5 : 0.0);
        result.z = (deviation - correction) / std::sqrt(variance);
        result.pValue = twoSidedPValue(result.z);
    }
    result.rankBiserial = 2.0 * result.u / (n1 * n2) - 1.0;
    result.medianDifference = *median(first) - *median(second);
    return result;
}

std::optional<TwoProportionResult> twoProportionTest(qint64 x1, qint64 n1, qint64 x2, qint64 n2)
{
    if (n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2)
        return std::nullopt;
    TwoProportionResult result;
    result.p1 = double(x1) / double(n1);
    result.p2 = double(x2) / double(n2);
    result.difference = result.p1 - result.p2;
    result.cohenH = 2.0 * std::asin(std::sqrt(result.p1)) - 2.0 * std::asin(std::sqrt(result.p2));
    const double pooled = double(x1 + x2) / double(n1 + n2);
    const double variance = pooled * (1.0 - pooled) * (1.0 / double(n1) + 1.0 / double(n2));
    if (variance > 0) {
        result.z = result.difference / std::sqrt(variance);
        result.pValue = twoSidedPValue(result.z);
    }
    return result;
}

} // namespace adminchat::statistics

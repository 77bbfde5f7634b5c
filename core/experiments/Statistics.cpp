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

namespace {

// The q-quantile of counted samples sorted by value, interpolated between the closest ranks as
// RequestMetrics::percentile does over the samples written out.
double countedPercentile(const ValueCounts& sorted, quint64 total, double q)
{
    const double h = q * double(total - 1);
    const auto valueAt = [&sorted](quint64 rank) {
        quint64 upTo = 0;
        for (const auto& [value, count] : sorted) {
            upTo += count;
            if (rank < upTo)
                return value;
        }
        return sorted.back().first;
    };
    const auto lower = quint64(std::floor(h));
    const double low = valueAt(lower);
    const double high = valueAt(std::min(lower + 1, total - 1));
    return low + (high - low) * (h - double(lower));
}

} // namespace

ValueCounts countValues(const std::vector<double>& sorted)
{
    ValueCounts out;
    for (double value : sorted) {
        if (!out.empty() && out.back().first == value)
            ++out.back().second;
        else
            out.push_back({value, 1});
    }
    return out;
}

std::optional<MannWhitneyResult> mannWhitneyU(const std::vector<double>& first,
                                              const std::vector<double>& second)
{
    // Runs of equal values only group when sorted; unsorted input still counts every value.
    return mannWhitneyUCounted(countValues(first), countValues(second));
}

std::optional<MannWhitneyResult> mannWhitneyUCounted(ValueCounts first, ValueCounts second)
{
    const auto byValue = [](const auto& a, const auto& b) {
        return a.first < b.first;
    };
    std::sort(first.begin(), first.end(), byValue);
    std::sort(second.begin(), second.end(), byValue);
    quint64 total1 = 0;
    quint64 total2 = 0;
    for (const auto& [value, count] : first)
        total1 += count;
    for (const auto& [value, count] : second)
        total2 += count;
    if (total1 == 0 || total2 == 0)
        return std::nullopt;
    const double n1 = double(total1);
    const double n2 = double(total2);

    // Walk both in value order: tied values share the mean of their ranks, and sum(t^3 - t)
    // over tie groups feeds the variance's tie correction.
    double rankSumFirst = 0;
    double tieTerm = 0;
    double ranked = 0; // samples ranked so far
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < first.size() || j < second.size()) {
        const double value =
            j == second.size() || (i < first.size() && first[i].first <= second[j].first)
                ? first[i].first
                : second[j].first;
        double fromFirst = 0;
        double t = 0;
        for (; i < first.size() && first[i].first == value; ++i)
            fromFirst += double(first[i].second);
        t += fromFirst;
        for (; j < second.size() && second[j].first == value; ++j)
            t += double(second[j].second);
        const double meanRank = (ranked + 1 + ranked + t) / 2.0;
        rankSumFirst += meanRank * fromFirst;
        tieTerm += t * t * t - t;
        ranked += t;
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
    result.medianDifference =
        countedPercentile(first, total1, 0.5) - countedPercentile(second, total2, 0.5);
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

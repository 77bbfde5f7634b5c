#pragma once

#include <QtGlobal>
#include <optional>
#include <utility>
#include <vector>

namespace adminchat::statistics {

// Standard normal cumulative distribution function, Phi(z).
double normalCdf(double z);

// Two-sided p-value of a standard normal statistic: P(|Z| >= |z|).
double twoSidedPValue(double z);

// Median by linear interpolation (numpy's default); std::nullopt for an empty sample.
std::optional<double> median(std::vector<double> values);

struct MannWhitneyResult
{
    double u = 0; // U of the first sample (R's W): pairs where first > second, ties count 1/2
    double z = 0; // positive when the first sample tends to be larger
    double pValue = 1;
    // r = 2U / (n1 n2) - 1, in [-1, 1]: positive means the first sample tends to be larger,
    // -1 means every value of the first is below every value of the second.
    double rankBiserial = 0;
    double medianDifference = 0; // median(first) - median(second)
};

// Mann-Whitney U (Wilcoxon rank-sum) test, two-sided, normal approximation with tie and
// continuity correction: the same U, z and p as R's wilcox.test(x, y, exact = FALSE,
// correct = TRUE) and scipy's mannwhitneyu(x, y, method="asymptotic", use_continuity=True).
// When every value is tied (no spread at all) z = 0 and p = 1. O(n log n).
// std::nullopt when either sample is empty.
std::optional<MannWhitneyResult> mannWhitneyU(const std::vector<double>& first,
                                              const std::vector<double>& second);

// Samples given as (value, how many times), in any order: a sketch's valueCounts(). The same
// test as above on the samples written out, in O(k log k) for k distinct values.
using ValueCounts = std::vector<std::pair<double, quint64>>;
// Sorted values, each with how many times it occurs.
ValueCounts countValues(const std::vector<double>& sorted);
std::optional<MannWhitneyResult> mannWhitneyUCounted(ValueCounts first, ValueCounts second);

struct TwoProportionResult
{
    double p1 = 0;
    double p2 = 0;
    double difference = 0; // p1 - p2
    double z = 0;          // positive when p1 > p2
    double pValue = 1;
    double cohenH = 0; // 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))
};

// Pooled two-proportion z-test, two-sided, without continuity correction: z^2 is R's
// prop.test(c(x1, x2), c(n1, n2), correct = FALSE) X-squared and p the same. When the pooled
// share is 0 or 1 (nothing to tell apart) z = 0 and p = 1. std::nullopt unless n1, n2 > 0 and
// 0 <= x <= n.
std::optional<TwoProportionResult> twoProportionTest(qint64 x1, qint64 n1, qint64 x2, qint64 n2);

} // namespace adminchat::statistics

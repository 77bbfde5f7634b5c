// Statistical tests against published values and against ranks worked out by hand.
#include "experiments/Statistics.h"

#include <QTest>
#include <cmath>

using namespace adminchat;
using namespace adminchat::statistics;

namespace {

bool near(double actual, double expected, double tolerance)
{
    return std::abs(actual - expected) <= tolerance;
}

} // namespace

#define QCOMPARE_NEAR(actual, expected, tolerance)                                                 \
    QVERIFY2(near((actual), (expected), (tolerance)),                                              \
             qPrintable(QStringLiteral("%1 = %2, expected %3")                                     \
                            .arg(QLatin1String(#actual))                                           \
                            .arg((actual), 0, 'g', 12)                                             \
                            .arg((expected), 0, 'g', 12)))

class TestStatistics : public QObject
{
    Q_OBJECT
private slots:
    void normalCdfValues()
    {
        // Standard normal table: Phi(1.96) = 0.9750021.
        QCOMPARE_NEAR(normalCdf(1.96), 0.9750021, 5e-8);
        QCOMPARE_NEAR(normalCdf(-1.96), 0.0249979, 5e-8);
        QCOMPARE(normalCdf(0), 0.5);
        // Far tail keeps relative precision (1 - Phi(10) would round to 0): Phi(-10) = 7.62e-24.
        QCOMPARE_NEAR(normalCdf(-10) / 7.619853024160593e-24, 1.0, 1e-12);
        QCOMPARE_NEAR(twoSidedPValue(1.96), 0.0499958, 5e-8);
        QCOMPARE(twoSidedPValue(-1.96), twoSidedPValue(1.96));
        QCOMPARE(twoSidedPValue(0), 1.0);
    }

    void medianInterpolates()
    {
        QCOMPARE(median({3, 1, 2}), std::optional<double>(2));
        QCOMPARE(median({4, 1, 3, 2}), std::optional<double>(2.5));
        QVERIFY(!median({}));
    }

    void twoProportionTextbook()
    {
        // 60 of 100 against 50 of 100. Pooled p = 0.55, SE = sqrt(0.55 * 0.45 * (2 / 100))
        // = 0.0703562, z = 0.1 / SE = 1.4213; R: prop.test(c(60, 50), c(100, 100),
        // correct = FALSE) gives X-squared = 2.0202 (= z^2), p-value = 0.1552.
        const auto r = twoProportionTest(60, 100, 50, 100);
        QVERIFY(r);
        QCOMPARE(r->p1, 0.6);
        QCOMPARE(r->p2, 0.5);
        QCOMPARE_NEAR(r->difference, 0.1, 1e-12);
        QCOMPARE_NEAR(r->z, 1.4213381, 1e-6);
        QCOMPARE_NEAR(r->z * r->z, 2.0202020, 1e-6);
        QCOMPARE_NEAR(r->pValue, 0.1552185, 1e-6);
        // Cohen's h = 2 asin(sqrt(0.6)) - 2 asin(sqrt(0.5)) = 1.7721542 - 1.5707963.
        QCOMPARE_NEAR(r->cohenH, 0.2013579, 1e-6);

        const auto reversed = twoProportionTest(50, 100, 60, 100);
        QVERIFY(reversed);
        QCOMPARE_NEAR(reversed->z, -r->z, 1e-12);
        QCOMPARE_NEAR(reversed->cohenH, -r->cohenH, 1e-12);
        QCOMPARE_NEAR(reversed->pValue, r->pValue, 1e-12);
    }

    void twoProportionEdges()
    {
        // Nothing to tell apart: no successes anywhere, or all of them.
        for (const auto& r : {twoProportionTest(0, 10, 0, 20), twoProportionTest(10, 10, 20, 20)}) {
            QVERIFY(r);
            QCOMPARE(r->z, 0.0);
            QCOMPARE(r->pValue, 1.0);
            QCOMPARE(r->difference, 0.0);
        }
        QVERIFY(!twoProportionTest(0, 0, 1, 2));
        QVERIFY(!twoProportionTest(1, 2, 0, 0));
        QVERIFY(!twoProportionTest(3, 2, 1, 2));
        QVERIFY(!twoProportionTest(-1, 2, 1, 2));
    }

    void mannWhitneyByHandWithTies()
    {
        // first = {1, 2, 2, 4}, second = {2, 3, 5}. Pooled and sorted:
        //   value  1   2   2   2   3   4   5
        //   from   f   f   f   s   s   f   s
        //   rank   1   3   3   3   5   6   7     (the three 2s share ranks 2, 3, 4 -> 3)
        // R1 = 1 + 3 + 3 + 6 = 13, U = R1 - n1 (n1 + 1) / 2 = 13 - 10 = 3
        // (pairs: 1 beats none, each 2 ties one 2 -> 0.5 + 0.5, 4 beats 2 and 3 -> 2; total 3).
        // n1 n2 = 12, mean U = 6. One tie group of t = 3: sum(t^3 - t) = 24, N = 7.
        // var = n1 n2 / 12 * ((N + 1) - 24 / (N (N - 1))) = 1 * (8 - 24 / 42) = 7.4285714
        // z = (U - mean + 0.5) / sqrt(var) = -2.5 / 2.7255406 = -0.9172492
        // p = 2 Phi(-0.9172492) = 0.3590121; r = 2 U / (n1 n2) - 1 = -0.5;
        // median difference = 2 - 3 = -1.
        const auto r = mannWhitneyU({1, 2, 2, 4}, {2, 3, 5});
        QVERIFY(r);
        QCOMPARE(r->u, 3.0);
        QCOMPARE_NEAR(r->z, -0.9172492, 1e-6);
        QCOMPARE_NEAR(r->pValue, 0.3590121, 1e-6);
        QCOMPARE(r->rankBiserial, -0.5);
        QCOMPARE(r->medianDifference, -1.0);

        // Swapping the samples mirrors everything but the p-value.
        const auto swapped = mannWhitneyU({2, 3, 5}, {1, 2, 2, 4});
        QVERIFY(swapped);
        QCOMPARE(swapped->u, 9.0);
        QCOMPARE_NEAR(swapped->z, 0.9172492, 1e-6);
        QCOMPARE_NEAR(swapped->pValue, r->pValue, 1e-12);
        QCOMPARE(swapped->rankBiserial, 0.5);
        QCOMPARE(swapped->medianDifference, 1.0);
    }

    void mannWhitneyPublishedExample()
    {
        // SciPy's scipy.stats.mannwhitneyu documentation (after R. Shier, "Statistics: 2.3 The
        // Mann-Whitney U Test", Mathematics Learning Support Centre, 2004): ages at diagnosis,
        // males {19, 22, 16, 29, 24}, females {20, 11, 17, 12}. U1 = 17; method="asymptotic"
        // (with continuity correction) prints p = 0.11134688653314041; with
        // use_continuity=False p = 0.0864107329737.
        const auto r = mannWhitneyU({19, 22, 16, 29, 24}, {20, 11, 17, 12});
        QVERIFY(r);
        QCOMPARE(r->u, 17.0);
        QCOMPARE_NEAR(r->pValue, 0.11134688653314041, 1e-12);
        QCOMPARE_NEAR(r->z, (17.0 - 10.0 - 0.5) / std::sqrt(20.0 * 10.0 / 12.0), 1e-12);
        QCOMPARE_NEAR(r->rankBiserial, 0.7, 1e-12); // 2 * 17 / 20 - 1
        QCOMPARE(r->medianDifference, 22.0 - 14.5);
    }

    void mannWhitneyRDocumentationExample()
    {
        // R's ?wilcox.test: permeability constants of the human chorioamnion (Hollander &
        // Wolfe 1973, p. 69); wilcox.test(x, y, alternative = "g") reports W = 35. The
        // two-sided normal approximation with continuity correction then is
        // z = (35 - 25 - 0.5) / sqrt(5 * 10 * 16 / 12) = 1.1635076, p = 0.2446236.
        const std::vector<double> x{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
        const std::vector<double> y{1.15, 0.88, 0.90, 0.74, 1.21};
        const auto r = mannWhitneyU(x, y);
        QVERIFY(r);
        QCOMPARE(r->u, 35.0);
        QCOMPARE_NEAR(r->z, 1.1635076, 1e-6);
        QCOMPARE_NEAR(r->pValue, 0.2446236, 1e-6);
    }

    void mannWhitneyIdenticalSamples()
    {
        const std::vector<double> v{1, 2, 3, 4, 5};
        const auto r = mannWhitneyU(v, v);
        QVERIFY(r);
        QCOMPARE(r->u, 12.5); // every value ties its twin: n1 n2 / 2
        QCOMPARE(r->z, 0.0);
        QCOMPARE(r->pValue, 1.0);
        QCOMPARE(r->rankBiserial, 0.0);
        QCOMPARE(r->medianDifference, 0.0);
    }

    void mannWhitneyAllTied()
    {
        // No spread at all: the variance is 0, so no evidence of a difference.
        const auto r = mannWhitneyU({7, 7, 7}, {7, 7});
        QVERIFY(r);
        QCOMPARE(r->u, 3.0);
        QCOMPARE(r->z, 0.0);
        QCOMPARE(r->pValue, 1.0);
        QCOMPARE(r->rankBiserial, 0.0);
    }

    void mannWhitneyEmpty()
    {
        QVERIFY(!mannWhitneyU({}, {1, 2}));
        QVERIFY(!mannWhitneyU({1, 2}, {}));
        QVERIFY(!mannWhitneyU({}, {}));
    }

    void mannWhitneyCompleteSeparation()
    {
        // first = 1..1000 entirely below second = 1001..2000: U = 0, r = -1,
        // z = (0 - 500000 + 0.5) / sqrt(1000 * 1000 * 2001 / 12) = -38.720116.
        std::vector<double> first, second;
        for (int i = 1; i <= 1000; ++i) {
            first.push_back(i);
            second.push_back(1000 + i);
        }
        const auto r = mannWhitneyU(first, second);
        QVERIFY(r);
        QCOMPARE(r->u, 0.0);
        QCOMPARE(r->rankBiserial, -1.0);
        QCOMPARE_NEAR(r->z, -38.720116, 1e-5);
        QVERIFY(r->pValue < 1e-300);
        QCOMPARE(r->medianDifference, -1000.0);
    }

    void mannWhitneyCountedEqualsWrittenOut()
    {
        // The same samples as (value, count) pairs, in any order (a zero count adds nothing),
        // give the test of the samples written out (U = 3, worked out above).
        const auto written = mannWhitneyU({1, 2, 2, 4}, {2, 3, 5});
        const auto counted = mannWhitneyUCounted(ValueCounts{{4, 1}, {2, 2}, {1, 1}, {2, 0}},
                                                 ValueCounts{{5, 1}, {3, 1}, {2, 1}});
        QVERIFY(written && counted);
        QCOMPARE(counted->u, 3.0);
        QCOMPARE(counted->u, written->u);
        QCOMPARE(counted->z, written->z);
        QCOMPARE(counted->pValue, written->pValue);
        QCOMPARE(counted->rankBiserial, written->rankBiserial);
        QCOMPARE(counted->medianDifference, written->medianDifference);

        // Heavy ties: 10,000 samples over 7 values each side.
        std::vector<double> first, second;
        ValueCounts firstCounts, secondCounts;
        for (int v = 0; v < 7; ++v) {
            const quint64 n1 = quint64(100 + 300 * v), n2 = quint64(2000 - 250 * v);
            firstCounts.push_back({10.0 * v, n1});
            secondCounts.push_back({10.0 * v, n2});
            first.insert(first.end(), n1, 10.0 * v);
            second.insert(second.end(), n2, 10.0 * v);
        }
        const auto many = mannWhitneyU(first, second);
        const auto manyCounted = mannWhitneyUCounted(firstCounts, secondCounts);
        QCOMPARE(manyCounted->u, many->u);
        QCOMPARE_NEAR(manyCounted->z, many->z, 1e-9);
        QCOMPARE(manyCounted->medianDifference, many->medianDifference);
        QVERIFY(many->z > 10); // the first leans to the larger values

        QVERIFY(!mannWhitneyUCounted(ValueCounts{{1, 0}}, ValueCounts{{2, 3}})); // no samples
    }
};

QTEST_GUILESS_MAIN(TestStatistics)
#include "tst_statistics.moc"

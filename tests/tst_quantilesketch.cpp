// QuantileSketch: relative-accuracy guarantee against exact order statistics, merging and the
// bucket cap. The stored form is tested in tst_sketchformat.
#include "SketchTestData.h"

using namespace adminchat;
using namespace sketchtest;

class TestQuantileSketch : public QObject
{
    Q_OBJECT
private slots:
    void accuracy_data()
    {
        QTest::addColumn<Dist>("dist");
        QTest::addColumn<double>("accuracy");
        QTest::newRow("log-normal") << Dist::LogNormal << 0.01;
        QTest::newRow("bimodal") << Dist::Bimodal << 0.01;
        QTest::newRow("pareto") << Dist::Pareto << 0.01;
        QTest::newRow("uniform") << Dist::Uniform << 0.01;
        QTest::newRow("constant") << Dist::Constant << 0.01;
        QTest::newRow("with-zeros") << Dist::WithZeros << 0.01;
        // 4096 buckets at 0.2% span ~7 decades, more than these 100k samples need.
        QTest::newRow("log-normal a=0.2%") << Dist::LogNormal << 0.002;
        QTest::newRow("pareto a=5%") << Dist::Pareto << 0.05;
    }

    void accuracy()
    {
        QFETCH(Dist, dist);
        QFETCH(double, accuracy);
        const std::vector<double> values = generate(dist, 100'000, 20240601);
        const QuantileSketch sketch = sketchOf(values, accuracy);
        std::vector<double> sorted = values;
        std::sort(sorted.begin(), sorted.end());

        QCOMPARE(sketch.relativeAccuracy(), accuracy);
        QCOMPARE(sketch.count(), quint64(values.size()));
        QCOMPARE(sketch.min(), sorted.front());
        QCOMPARE(sketch.max(), sorted.back());
        double sum = 0;
        for (double v : values)
            sum += v;
        QCOMPARE(sketch.sum(), sum);
        QCOMPARE(sketch.mean(), sum / double(values.size()));
        QCOMPARE(*sketch.quantile(0), sorted.front()); // exact, not just within accuracy
        QCOMPARE(*sketch.quantile(1), sorted.back());
        for (double q : checkedQuantiles) {
            const double exact = exactQuantile(sorted, q);
            const double estimate = sketch.quantile(q).value();
            if (!withinAccuracy(estimate, exact, accuracy))
                QFAIL(qPrintable(QStringLiteral("q=%1: exact %2, estimate %3")
                                     .arg(q)
                                     .arg(exact, 0, 'g', 17)
                                     .arg(estimate, 0, 'g', 17)));
        }
        // Memory follows the log of the value range, not the sample count.
        if (accuracy >= 0.01)
            QVERIFY2(sketch.bucketCount() < 2000,
                     qPrintable(QString::number(sketch.bucketCount())));
        else
            QVERIFY(sketch.bucketCount() <= bucketCap);
    }

    void everyRankWithinAccuracy()
    {
        // Not just the usual percentiles: every 1/10,000 step of a skewed mix.
        std::vector<double> values = generate(Dist::Pareto, 20'000, 7);
        const std::vector<double> more = generate(Dist::WithZeros, 20'000, 8);
        values.insert(values.end(), more.begin(), more.end());
        const QuantileSketch sketch = sketchOf(values);
        std::sort(values.begin(), values.end());
        for (int i = 0; i <= 10'000; ++i) {
            const double q = i / 10'000.0;
            QVERIFY2(withinAccuracy(*sketch.quantile(q), exactQuantile(values, q), 0.01),
                     qPrintable(QString::number(q)));
        }
    }

    void everyRankSmallSamples()
    {
        // Every rank of small sketches, which keep their samples: exact, zeros included.
        Rng rng(9);
        for (std::size_t n = 1; n <= QuantileSketch::exactLimit; ++n) {
            std::vector<double> values;
            for (std::size_t i = 0; i < n; ++i)
                values.push_back(rng.uniform() < 0.2 ? 0.0 : 10.0 / rng.uniform());
            const QuantileSketch sketch = sketchOf(values);
            QVERIFY(sketch.isExact());
            std::sort(values.begin(), values.end());
            for (std::size_t rank = 0; rank < n; ++rank) {
                // q * (n - 1) may round to just below the rank: as close as doubles allow.
                const double q = n == 1 ? 0.5 : double(rank) / double(n - 1);
                QVERIFY2(std::abs(*sketch.quantile(q) - values[rank]) <= 1e-12 * values[rank],
                         qPrintable(QStringLiteral("n=%1 rank=%2").arg(n).arg(rank)));
            }
        }
        // One more sample and the buckets answer.
        QuantileSketch sketch = sketchOf(generate(Dist::LogNormal, QuantileSketch::exactLimit, 9));
        sketch.add(300);
        QVERIFY(!sketch.isExact());
    }

    void emptySketch()
    {
        QuantileSketch sketch;
        QVERIFY(sketch.isEmpty());
        QCOMPARE(sketch.count(), quint64(0));
        QCOMPARE(sketch.sum(), 0.0);
        QVERIFY(std::isnan(sketch.mean()));
        QVERIFY(std::isnan(sketch.min()));
        QVERIFY(std::isnan(sketch.max()));
        QVERIFY(!sketch.quantile(0.5).has_value());
        QVERIFY(!sketch.quantile(0).has_value());
        QVERIFY(!sketch.quantile(1).has_value());
        QCOMPARE(sketch.bucketCount(), std::size_t(0));
        QCOMPARE(sketch.relativeAccuracy(), QuantileSketch::defaultRelativeAccuracy);
    }

    void clearResets()
    {
        QuantileSketch sketch(0.02);
        for (double v : generate(Dist::WithZeros, 1000, 3))
            sketch.add(v);
        sketch.clear();
        QVERIFY(sketch.isEmpty());
        QCOMPARE(sketch.sum(), 0.0);
        QVERIFY(std::isnan(sketch.min()));
        QVERIFY(!sketch.quantile(0.5));
        QCOMPARE(sketch.bucketCount(), std::size_t(0));
        QCOMPARE(sketch.relativeAccuracy(), 0.02);
        QCOMPARE(sketch.toBytes(), QuantileSketch(0.02).toBytes());
        // Usable again, with fresh min/max.
        sketch.add(7);
        QCOMPARE(sketch.min(), 7.0);
        QCOMPARE(sketch.max(), 7.0);
        QCOMPARE(*sketch.quantile(0.5), 7.0);
    }

    void singleValue()
    {
        QuantileSketch sketch;
        sketch.add(123.4);
        QCOMPARE(sketch.count(), quint64(1));
        QCOMPARE(sketch.mean(), 123.4);
        QCOMPARE(sketch.min(), 123.4);
        QCOMPARE(sketch.max(), 123.4);
        QCOMPARE(sketch.bucketCount(), std::size_t(1));
        // min == max: every rank is exact.
        for (double q : checkedQuantiles)
            QCOMPARE(*sketch.quantile(q), 123.4);
    }

    void interpolatesBetweenRanks()
    {
        // Ranks 0..2; q = 0.99 is rank 1.98: 98 % of the way from 100 to 1000.
        QuantileSketch sketch;
        sketch.add(1000);
        sketch.add(10);
        sketch.add(100);
        QCOMPARE(*sketch.quantile(0.5), 100.0);
        QCOMPARE(*sketch.quantile(0.99), 982.0);
        QCOMPARE(*sketch.quantile(1), 1000.0);
        QCOMPARE(*sketch.quantile(0), 10.0);
        QCOMPARE(*sketch.quantile(0.25), 55.0);

        // The dashboard's case: two requests, P95 and P99 between them, not the smaller one.
        QuantileSketch two;
        two.add(182);
        two.add(403);
        QCOMPARE(*two.quantile(0.95), 182 + 0.95 * 221);
        QCOMPARE(*two.quantile(0.99), 182 + 0.99 * 221);
    }

    void outOfRangeQ()
    {
        QuantileSketch sketch;
        for (double v : generate(Dist::LogNormal, 1000, 4))
            sketch.add(v);
        QCOMPARE(*sketch.quantile(-0.5), *sketch.quantile(0));
        QCOMPARE(*sketch.quantile(7), *sketch.quantile(1));
        QCOMPARE(*sketch.quantile(1), sketch.max());
        QVERIFY(!sketch.quantile(std::numeric_limits<double>::quiet_NaN()));
    }

    void addWithCount()
    {
        QuantileSketch repeated;
        QuantileSketch weighted;
        // Dyadic values, so that 1000 additions and one multiplication give the same sum.
        const std::vector<double> values = {0.0, 3.5, 3.5, 80, 1200, 0x1p-31};
        for (double v : values) {
            for (int i = 0; i < 1000; ++i)
                repeated.add(v);
            weighted.add(v, 1000);
        }
        compareSketches(weighted, repeated);
        QCOMPARE(weighted.toBytes(), repeated.toBytes()); // sums are exact here

        const QByteArray before = weighted.toBytes();
        weighted.add(5.0, 0); // no samples: nothing changes, not even min/max
        weighted.add(1e9, 0);
        QCOMPARE(weighted.toBytes(), before);
    }

    void valueCounts()
    {
        QuantileSketch small;
        for (double v : {5.0, 1.0, 5.0, 0.0, 3.0})
            small.add(v);
        using Counts = std::vector<std::pair<double, quint64>>;
        QCOMPARE(small.valueCounts(), (Counts{{0.0, 1}, {1.0, 1}, {3.0, 1}, {5.0, 2}}));

        // Past exactLimit: the buckets, ascending, every sample counted once, each value within
        // the accuracy of the samples it stands for.
        QuantileSketch large;
        for (int i = 0; i < 5000; ++i)
            large.add(i % 7 == 0 ? 0.0 : 10.0 + i % 900);
        QVERIFY(!large.isExact());
        const Counts counts = large.valueCounts();
        quint64 total = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
            total += counts[i].second;
            QVERIFY(counts[i].second > 0);
            QVERIFY(i == 0 || counts[i - 1].first < counts[i].first);
        }
        QCOMPARE(total, large.count());
        QCOMPARE(counts.front(), (std::pair<double, quint64>{0.0, 715})); // the zero bucket
        QVERIFY(counts[1].first >= 10 * 0.99 && counts.back().first <= 909 * 1.01);
    }

    void nonFiniteIgnored()
    {
        QuantileSketch sketch;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        sketch.add(nan);
        sketch.add(inf);
        sketch.add(-inf);
        sketch.add(nan, 5);
        sketch.add(inf, 5);
        QVERIFY(sketch.isEmpty());
        QCOMPARE(sketch.sum(), 0.0);
        QCOMPARE(sketch.bucketCount(), std::size_t(0));

        sketch.add(10);
        sketch.add(nan);
        sketch.add(inf);
        QCOMPARE(sketch.count(), quint64(1));
        QCOMPARE(sketch.sum(), 10.0);
        QCOMPARE(sketch.max(), 10.0);
        QCOMPARE(*sketch.quantile(1), 10.0);
    }

    void zeroBucket()
    {
        // Zero, negatives and values <= minTrackedValue share the zero bucket, answered as 0
        // (clamped to [min, max]).
        QuantileSketch sketch;
        sketch.add(0);
        sketch.add(0);
        sketch.add(0);
        sketch.add(-1);
        sketch.add(1e-12);
        sketch.add(QuantileSketch::minTrackedValue);
        sketch.add(5);
        QCOMPARE(sketch.count(), quint64(7));
        QCOMPARE(sketch.bucketCount(), std::size_t(1));
        QCOMPARE(sketch.min(), -1.0);
        // Few samples: the exact ones, interpolated.
        QCOMPARE(*sketch.quantile(0), -1.0);
        QCOMPARE(*sketch.quantile(0.2), 0.0);
        QCOMPARE(*sketch.quantile(0.5), 0.0);
        const double tracked = QuantileSketch::minTrackedValue; // rank 5 of 0..6
        QCOMPARE(*sketch.quantile(0.9), tracked + (5 - tracked) * (0.9 * 6 - 5));
        QCOMPARE(*sketch.quantile(1), 5.0);

        QuantileSketch zerosOnly;
        zerosOnly.add(0, 10);
        QCOMPARE(zerosOnly.bucketCount(), std::size_t(0));
        QCOMPARE(*zerosOnly.quantile(0.99), 0.0);

        QuantileSketch negativeOnly; // outside the contract, but clamped to the data
        negativeOnly.add(-3);
        negativeOnly.add(-2);
        negativeOnly.add(-1);
        QCOMPARE(*negativeOnly.quantile(0.5), -2.0);
        QCOMPARE(*negativeOnly.quantile(0), -3.0);

        // Many samples: the zero bucket answers 0, clamped to [min, max].
        QuantileSketch many;
        many.add(0, 200);
        many.add(-1);
        many.add(5);
        QVERIFY(!many.isExact());
        QCOMPARE(*many.quantile(0), -1.0);
        QCOMPARE(*many.quantile(0.5), 0.0);
        QCOMPARE(*many.quantile(1), 5.0);
    }

    void invalidAccuracyFallsBack()
    {
        const double fallback = QuantileSketch::defaultRelativeAccuracy;
        QCOMPARE(QuantileSketch(0).relativeAccuracy(), fallback);
        QCOMPARE(QuantileSketch(-0.01).relativeAccuracy(), fallback);
        QCOMPARE(QuantileSketch(1).relativeAccuracy(), fallback);
        QCOMPARE(QuantileSketch(1e-9).relativeAccuracy(), fallback);
        QCOMPARE(QuantileSketch(std::numeric_limits<double>::quiet_NaN()).relativeAccuracy(),
                 fallback);
        QCOMPARE(QuantileSketch(0.05).relativeAccuracy(), 0.05);
    }

    void mergeEqualsUnion()
    {
        const std::vector<double> a = generate(Dist::WithZeros, 30'000, 11);
        const std::vector<double> b = generate(Dist::Bimodal, 20'000, 12);
        QuantileSketch merged = sketchOf(a);
        QVERIFY(merged.merge(sketchOf(b)));

        std::vector<double> all = a;
        all.insert(all.end(), b.begin(), b.end());
        compareSketches(merged, sketchOf(all));

        std::sort(all.begin(), all.end());
        for (double q : checkedQuantiles)
            QVERIFY(withinAccuracy(*merged.quantile(q), exactQuantile(all, q), 0.01));

        // Merging in the other direction gives the same buckets.
        QuantileSketch reverse = sketchOf(b);
        QVERIFY(reverse.merge(sketchOf(a)));
        compareSketches(reverse, merged);
    }

    void mergeManySmall()
    {
        // The aggregator's pattern: one small sketch per request folded into a total.
        const std::vector<double> values = generate(Dist::LogNormal, 10'000, 13);
        QuantileSketch total;
        for (std::size_t i = 0; i < values.size(); i += 37) {
            QuantileSketch part;
            for (std::size_t j = i; j < std::min(i + 37, values.size()); ++j)
                part.add(values[j]);
            QVERIFY(total.merge(part));
        }
        compareSketches(total, sketchOf(values));
    }

    void mergeEdgeCases()
    {
        const std::vector<double> values = generate(Dist::WithZeros, 5000, 14);
        const QuantileSketch full = sketchOf(values);

        QuantileSketch intoEmpty;
        QVERIFY(intoEmpty.merge(full));
        compareSketches(intoEmpty, full);

        QuantileSketch withEmpty = full;
        QVERIFY(withEmpty.merge(QuantileSketch()));
        QCOMPARE(withEmpty.toBytes(), full.toBytes());

        QuantileSketch zeros;
        zeros.add(0, 3);
        QuantileSketch withZeros = full;
        QVERIFY(withZeros.merge(zeros));
        QCOMPARE(withZeros.count(), full.count() + 3);
        QCOMPARE(withZeros.bucketCount(), full.bucketCount());

        QuantileSketch self = full; // aliasing: doubles every count
        QVERIFY(self.merge(self));
        QuantileSketch doubled;
        for (double v : values)
            doubled.add(v, 2);
        compareSketches(self, doubled);
    }

    void mergeDifferentAccuracyFails()
    {
        QuantileSketch a(0.01);
        QuantileSketch b(0.02);
        for (double v : generate(Dist::LogNormal, 1000, 15)) {
            a.add(v);
            b.add(v);
        }
        const QByteArray before = a.toBytes();
        QVERIFY(!a.merge(b));
        QCOMPARE(a.toBytes(), before);
        QVERIFY(!a.merge(QuantileSketch(0.05))); // even an empty one
        QCOMPARE(a.toBytes(), before);
    }

    void collapsingBoundsMemory()
    {
        // Log-uniform over 1e-6 .. 1e300: ~35,000 buckets' worth of range at a = 1%.
        Rng rng(21);
        const double lo = std::log(1e-6);
        const double hi = std::log(1e300);
        std::vector<double> values;
        for (int i = 0; i < 50'000; ++i)
            values.push_back(std::exp(lo + (hi - lo) * rng.uniform()));
        const QuantileSketch sketch = sketchOf(values);
        QVERIFY2(sketch.bucketCount() <= bucketCap,
                 qPrintable(QString::number(sketch.bucketCount())));
        QCOMPARE(sketch.count(), quint64(values.size()));

        std::sort(values.begin(), values.end());
        // The kept 4096 buckets cover ~36 decades below the maximum: the top quantiles are exact
        // to 1%; the collapsed low ones may only be over-estimated, never beyond max.
        for (double q : {0.9, 0.95, 0.99, 0.999, 1.0})
            QVERIFY2(withinAccuracy(*sketch.quantile(q), exactQuantile(values, q), 0.01),
                     qPrintable(QString::number(q)));
        for (double q : {0.0, 0.01, 0.25, 0.5}) {
            const double estimate = *sketch.quantile(q);
            QVERIFY(estimate >= exactQuantile(values, q) * 0.99);
            QVERIFY(estimate <= sketch.max());
        }

        // Two far-apart values.
        QuantileSketch pair;
        pair.add(1e-6);
        pair.add(1e300);
        QVERIFY(pair.bucketCount() <= bucketCap);
        QCOMPARE(*pair.quantile(1), 1e300);
        QCOMPARE(pair.count(), quint64(2));

        // Round trip of a collapsed sketch.
        const auto back = QuantileSketch::fromBytes(sketch.toBytes());
        QVERIFY(back.has_value());
        QCOMPARE(back->toBytes(), sketch.toBytes());
    }

    void collapsingIsOrderIndependent()
    {
        Rng rng(22);
        std::vector<double> values;
        for (int i = 0; i < 20'000; ++i)
            values.push_back(std::exp(std::log(1e-6) + std::log(1e306) * rng.uniform()));
        std::vector<double> ascending = values;
        std::sort(ascending.begin(), ascending.end());
        const std::vector<double> descending(ascending.rbegin(), ascending.rend());

        const QuantileSketch shuffledSketch = sketchOf(values);
        compareSketches(sketchOf(ascending), shuffledSketch);
        compareSketches(sketchOf(descending), shuffledSketch);

        // Merging collapsed parts (one with only low values) gives the same buckets too.
        const auto mid = ascending.begin() + 10'000;
        QuantileSketch low = sketchOf(std::vector<double>(ascending.begin(), mid));
        const QuantileSketch high = sketchOf(std::vector<double>(mid, ascending.end()));
        QVERIFY(low.merge(high));
        compareSketches(low, shuffledSketch);
        QuantileSketch highFirst = high;
        QVERIFY(highFirst.merge(sketchOf(std::vector<double>(ascending.begin(), mid))));
        compareSketches(highFirst, shuffledSketch);
    }
};

QTEST_GUILESS_MAIN(TestQuantileSketch)
#include "tst_quantilesketch.moc"

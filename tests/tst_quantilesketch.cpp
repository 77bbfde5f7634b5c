// QuantileSketch: relative-accuracy guarantee against exact order statistics, merging,
// serialisation (including hostile input) and the bucket cap.
#include "metrics/QuantileSketch.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

using namespace adminchat;

namespace {

// Mirrors maxBuckets in QuantileSketch.cpp (the documented cap of the dense store).
constexpr std::size_t bucketCap = 4096;

const std::vector<double> checkedQuantiles = {0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1};

// mt19937_64 is specified bit for bit by the standard; the std distributions are not, so the
// transforms are our own and the samples are the same with every standard library.
class Rng
{
public:
    explicit Rng(quint64 seed) : m_engine(seed) {}

    double uniform() // in (0, 1): never 0, so log() is safe
    {
        return (double(m_engine() >> 11) + 0.5) * 0x1p-53;
    }

    double normal() // Box-Muller
    {
        const double r = std::sqrt(-2.0 * std::log(uniform()));
        return r * std::cos(2.0 * std::numbers::pi * uniform());
    }

    quint64 below(quint64 n) { return m_engine() % n; }

private:
    std::mt19937_64 m_engine;
};

enum class Dist
{
    LogNormal,
    Bimodal,
    Pareto,
    Uniform,
    Constant,
    WithZeros
};

std::vector<double> generate(Dist dist, std::size_t n, quint64 seed)
{
    Rng rng(seed);
    std::vector<double> values;
    values.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        switch (dist) {
        case Dist::LogNormal: // median 300 ms, sigma 1
            values.push_back(300.0 * std::exp(rng.normal()));
            break;
        case Dist::Bimodal: // cache hits around 50 ms, cold starts around 2 s
            if (rng.uniform() < 0.7)
                values.push_back(50.0 * std::exp(0.1 * rng.normal()));
            else
                values.push_back(2000.0 * std::exp(0.2 * rng.normal()));
            break;
        case Dist::Pareto: // alpha 1.2, scale 10: infinite variance
            values.push_back(10.0 * std::pow(rng.uniform(), -1.0 / 1.2));
            break;
        case Dist::Uniform:
            values.push_back(1000.0 * rng.uniform());
            break;
        case Dist::Constant:
            values.push_back(42.0);
            break;
        case Dist::WithZeros: // 10% exact zeros (e.g. a cached answer), the rest log-normal
            values.push_back(rng.uniform() < 0.1 ? 0.0 : 300.0 * std::exp(rng.normal()));
            break;
        }
    }
    return values;
}

QuantileSketch sketchOf(const std::vector<double>& values,
                        double accuracy = QuantileSketch::defaultRelativeAccuracy)
{
    QuantileSketch sketch(accuracy);
    for (double v : values)
        sketch.add(v);
    return sketch;
}

double exactQuantile(const std::vector<double>& sorted, double q)
{
    return sorted[std::size_t(std::floor(q * double(sorted.size() - 1)))];
}

bool withinAccuracy(double estimate, double exact, double accuracy)
{
    // The tiny slack covers rounding of log() at a bucket boundary.
    return std::abs(estimate - exact) <= accuracy * std::abs(exact) * (1 + 1e-9) + 1e-12;
}

// Identical bucket contents show as identical answers at every rank (min/max are exact).
void compareSketches(const QuantileSketch& actual, const QuantileSketch& expected)
{
    QCOMPARE(actual.count(), expected.count());
    QCOMPARE(actual.bucketCount(), expected.bucketCount());
    QCOMPARE(actual.min(), expected.min());
    QCOMPARE(actual.max(), expected.max());
    // Summation order may differ, so the sums may differ in the last bits.
    QVERIFY(std::abs(actual.sum() - expected.sum()) <= 1e-9 * std::abs(expected.sum()));
    for (int i = 0; i <= 1000; ++i) {
        const double q = i / 1000.0;
        if (actual.quantile(q) != expected.quantile(q))
            QFAIL(qPrintable(QStringLiteral("q=%1: %2 vs %3")
                                 .arg(q)
                                 .arg(*actual.quantile(q))
                                 .arg(*expected.quantile(q))));
    }
}

// A sketch of random shape: empty, zeros only, a narrow or a wide log-uniform range anywhere
// from 1e-8 to 1e300 (so two of them may lie further apart than the bucket cap spans), some
// values with large counts.
QuantileSketch randomSketch(Rng& rng, double accuracy)
{
    QuantileSketch sketch(accuracy);
    const auto shape = rng.below(10);
    if (shape == 0)
        return sketch;
    // Mostly near realistic latencies, so stores overlap and grow at either end.
    const double centre = rng.uniform() < 0.8
                              ? std::log(300) + 6 * (rng.uniform() - 0.5)
                              : std::log(1e-8) + (std::log(1e300) - std::log(1e-8)) * rng.uniform();
    const double spread = shape <= 2 ? 0.1 : shape <= 7 ? 3 : 60; // natural-log units
    const auto n = 1 + rng.below(shape == 1 ? 3 : 200);
    for (quint64 i = 0; i < n; ++i) {
        if (shape == 9 || rng.uniform() < 0.05) { // zero bucket: zero, negative, tiny
            const double zeros[] = {0.0, -1.0, 1e-12, QuantileSketch::minTrackedValue};
            sketch.add(zeros[rng.below(4)]);
            continue;
        }
        const double v = std::exp(centre + spread * (rng.uniform() - 0.5));
        sketch.add(std::isfinite(v) ? v : std::numeric_limits<double>::max(),
                   rng.uniform() < 0.05 ? 1 + rng.below(1'000'000'000) : 1);
    }
    return sketch;
}

// What mergeBytes must do: exactly what fromBytes followed by merge does.
bool referenceMerge(QuantileSketch& into, const QByteArray& bytes)
{
    const std::optional<QuantileSketch> parsed = QuantileSketch::fromBytes(bytes);
    return parsed && into.merge(*parsed);
}

// A blob of one bucket (count 1, value 5) at any offset, for the index range checks.
QByteArray oneBucketAt(double accuracy, qint64 offset)
{
    QuantileSketch one(accuracy);
    one.add(5);
    // magic, version, accuracy, count (1 byte), sum/min/max, zero count (1 byte)
    QByteArray bytes = one.toBytes().left(2 + 8 + 1 + 24 + 1);
    for (quint64 v = (quint64(offset) << 1) ^ quint64(offset >> 63);; v >>= 7) {
        bytes.append(char(v >= 0x80 ? (v & 0x7f) | 0x80 : v));
        if (v < 0x80)
            break;
    }
    return bytes + QByteArray("\x01\x01", 2); // one bucket, count 1
}

} // namespace

Q_DECLARE_METATYPE(Dist)

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
        // Every rank of small sketches: both scan directions, zero bucket, exact extremes.
        Rng rng(9);
        for (std::size_t n = 1; n <= 80; ++n) {
            std::vector<double> values;
            for (std::size_t i = 0; i < n; ++i)
                values.push_back(rng.uniform() < 0.2 ? 0.0 : 10.0 / rng.uniform());
            const QuantileSketch sketch = sketchOf(values);
            std::sort(values.begin(), values.end());
            for (std::size_t rank = 0; rank < n; ++rank) {
                const double q = n == 1 ? 0.5 : (double(rank) + 0.5) / double(n - 1);
                QVERIFY2(withinAccuracy(*sketch.quantile(q), values[rank], 0.01),
                         qPrintable(QStringLiteral("n=%1 rank=%2").arg(n).arg(rank)));
            }
        }
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

    void lowerRankConvention()
    {
        // Ranks 0..2; q = 0.99 is rank floor(1.98) = 1, not an interpolation towards 1000.
        QuantileSketch sketch;
        sketch.add(1000);
        sketch.add(10);
        sketch.add(100);
        QVERIFY(withinAccuracy(*sketch.quantile(0.5), 100, 0.01));
        QVERIFY(withinAccuracy(*sketch.quantile(0.99), 100, 0.01));
        QVERIFY(*sketch.quantile(0.99) != 100.0); // a bucket's value, not the sample
        // The extreme ranks are the exact min and max.
        QCOMPARE(*sketch.quantile(1), 1000.0);
        QCOMPARE(*sketch.quantile(0), 10.0);
        QCOMPARE(*sketch.quantile(0.49), 10.0);
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
        QCOMPARE(*sketch.quantile(0), -1.0); // rank 0 is the exact min
        QCOMPARE(*sketch.quantile(0.2), 0.0);
        QCOMPARE(*sketch.quantile(0.5), 0.0);
        QCOMPARE(*sketch.quantile(0.9), 0.0); // rank 5 of 0..6: minTrackedValue itself
        QCOMPARE(*sketch.quantile(1), 5.0);

        QuantileSketch zerosOnly;
        zerosOnly.add(0, 10);
        QCOMPARE(zerosOnly.bucketCount(), std::size_t(0));
        QCOMPARE(*zerosOnly.quantile(0.99), 0.0);

        QuantileSketch negativeOnly; // outside the contract, but clamped to the data
        negativeOnly.add(-3);
        negativeOnly.add(-2);
        negativeOnly.add(-1);
        QCOMPARE(*negativeOnly.quantile(0.5), -1.0); // 0 clamped to max
        QCOMPARE(*negativeOnly.quantile(0), -3.0);
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

    void roundTrip_data()
    {
        QTest::addColumn<Dist>("dist");
        QTest::addColumn<double>("accuracy");
        QTest::addColumn<int>("size");
        QTest::newRow("with-zeros") << Dist::WithZeros << 0.01 << 100'000;
        QTest::newRow("pareto a=5%") << Dist::Pareto << 0.05 << 10'000;
        QTest::newRow("bimodal a=0.1%") << Dist::Bimodal << 0.001 << 10'000;
        QTest::newRow("single") << Dist::Constant << 0.01 << 1;
        QTest::newRow("empty") << Dist::Constant << 0.01 << 0;
    }

    void roundTrip()
    {
        QFETCH(Dist, dist);
        QFETCH(double, accuracy);
        QFETCH(int, size);
        const QuantileSketch sketch = sketchOf(generate(dist, std::size_t(size), 16), accuracy);
        const QByteArray bytes = sketch.toBytes();
        const std::optional<QuantileSketch> back = QuantileSketch::fromBytes(bytes);
        QVERIFY(back.has_value());
        QCOMPARE(back->relativeAccuracy(), accuracy);
        QCOMPARE(back->count(), sketch.count());
        QCOMPARE(back->bucketCount(), sketch.bucketCount());
        QCOMPARE(back->toBytes(), bytes);
        if (size == 0) {
            QVERIFY(back->isEmpty());
            QVERIFY(std::isnan(back->min()));
            QVERIFY(!back->quantile(0.5));
            return;
        }
        // Bit-identical, not merely fuzzy-equal.
        QVERIFY(back->sum() == sketch.sum());
        QVERIFY(back->min() == sketch.min());
        QVERIFY(back->max() == sketch.max());
        for (int i = 0; i <= 1000; ++i)
            QVERIFY(back->quantile(i / 1000.0) == sketch.quantile(i / 1000.0));
        // Compact: a few bytes per bucket.
        QVERIFY2(std::size_t(bytes.size()) <= 48 + 3 * sketch.bucketCount(),
                 qPrintable(QString::number(bytes.size())));
        // Still mergeable with live sketches (same accuracy).
        QuantileSketch merged = *back;
        QVERIFY(merged.merge(sketch));
        QCOMPARE(merged.count(), 2 * sketch.count());
    }

    void roundTripExtremes()
    {
        // Highest and lowest representable buckets must pass fromBytes' index range check.
        QuantileSketch sketch;
        sketch.add(std::numeric_limits<double>::max());
        sketch.add(std::numeric_limits<double>::denorm_min()); // zero bucket
        sketch.add(std::nextafter(QuantileSketch::minTrackedValue, 1.0));
        QVERIFY(sketch.bucketCount() <= bucketCap);
        QCOMPARE(*sketch.quantile(1), std::numeric_limits<double>::max());
        const auto back = QuantileSketch::fromBytes(sketch.toBytes());
        QVERIFY(back.has_value());
        QCOMPARE(back->toBytes(), sketch.toBytes());
        QCOMPARE(*back->quantile(1), std::numeric_limits<double>::max());

        QuantileSketch tiny(1e-6); // the smallest accepted accuracy: widest index range
        tiny.add(std::numeric_limits<double>::max());
        tiny.add(2e-9);
        QVERIFY(tiny.bucketCount() <= bucketCap);
        const auto tinyBack = QuantileSketch::fromBytes(tiny.toBytes());
        QVERIFY(tinyBack.has_value());
        QCOMPARE(tinyBack->toBytes(), tiny.toBytes());
    }

    void truncatedRejected()
    {
        const QByteArray bytes = sketchOf(generate(Dist::WithZeros, 10'000, 17)).toBytes();
        for (qsizetype n = 0; n < bytes.size(); ++n)
            QVERIFY2(!QuantileSketch::fromBytes(bytes.left(n)), qPrintable(QString::number(n)));
        QVERIFY(!QuantileSketch::fromBytes(bytes + '\0'));
        QVERIFY(!QuantileSketch::fromBytes(bytes + '\x01'));

        const QByteArray empty = QuantileSketch().toBytes();
        for (qsizetype n = 0; n < empty.size(); ++n)
            QVERIFY(!QuantileSketch::fromBytes(empty.left(n)));
    }

    void garbageRejected()
    {
        QuantileSketch source;
        for (double v : generate(Dist::WithZeros, 10'000, 18))
            source.add(v);
        const QByteArray valid = source.toBytes();

        QByteArray badMagic = valid;
        badMagic[0] = char(badMagic[0] ^ 0x01);
        QVERIFY(!QuantileSketch::fromBytes(badMagic));
        QByteArray badVersion = valid;
        badVersion[1] = char(badVersion[1] + 1);
        QVERIFY(!QuantileSketch::fromBytes(badVersion));
        QVERIFY(!QuantileSketch::fromBytes(QByteArray("not a sketch at all")));
        QVERIFY(!QuantileSketch::fromBytes(QByteArray(1000, '\xff')));
        QVERIFY(!QuantileSketch::fromBytes(QByteArray(1000, '\0')));

        // Flip random bits: either rejected or a self-consistent sketch, never a crash.
        Rng rng(19);
        int accepted = 0;
        for (int round = 0; round < 20'000; ++round) {
            QByteArray bytes = valid;
            const int flips = 1 + int(rng.below(4));
            for (int f = 0; f < flips; ++f) {
                const auto at = qsizetype(rng.below(quint64(bytes.size())));
                bytes[at] = char(bytes[at] ^ char(1 + rng.below(255)));
            }
            if (const auto parsed = QuantileSketch::fromBytes(bytes)) {
                ++accepted;
                exerciseParsed(*parsed);
            }
        }
        // Random strings behind a valid magic/version header.
        for (int round = 0; round < 20'000; ++round) {
            QByteArray bytes = valid.left(2);
            const auto length = rng.below(80);
            for (quint64 i = 0; i < length; ++i)
                bytes.append(char(rng.below(256)));
            if (const auto parsed = QuantileSketch::fromBytes(bytes))
                exerciseParsed(*parsed);
        }
        qDebug("%d of 20000 corrupted blobs still parsed (e.g. a flipped count bit)", accepted);
    }

    void hostileFieldsRejected()
    {
        // A zeros-only sketch serialises with its bucket-count varint (0) as the last byte.
        QuantileSketch zeros;
        zeros.add(0, 5);
        const QByteArray valid = zeros.toBytes();
        QVERIFY(QuantileSketch::fromBytes(valid).has_value());
        QCOMPARE(valid.back(), '\0');
        const QByteArray head = valid.chopped(1);

        // 2^63 buckets announced: rejected before any allocation (ASan would flag a huge one).
        QVERIFY(rejectedByBoth(head + QByteArray(9, '\x80') + '\x01'));
        // More buckets than the cap, backed by enough bytes.
        const QByteArray tooMany = head + QByteArray("\x81\x20", 2) + QByteArray(4097, '\x01');
        QVERIFY(rejectedByBoth(tooMany));
        // An 11-byte varint.
        QVERIFY(rejectedByBoth(head + QByteArray(10, '\x80') + '\x01'));
        // Non-canonical varint for 0.
        QVERIFY(rejectedByBoth(head + QByteArray("\x80\x00", 2)));

        // One value: magic, version, accuracy, count (1 byte), sum/min/max, zero count (1 byte),
        // then offset, bucket count 1, bucket 1. Offsets far outside the index range of finite
        // doubles (including ones that would overflow offset + size) are rejected.
        QuantileSketch one;
        one.add(5);
        const QByteArray prefix = one.toBytes().left(2 + 8 + 1 + 24 + 1);
        const QByteArray tail("\x01\x01", 2);
        QVERIFY(QuantileSketch::fromBytes(prefix + '\x54' + tail).has_value()); // index 42
        QVERIFY(QuantileSketch().mergeBytes(prefix + '\x54' + tail));
        const QByteArray maxOffset = QByteArray("\xfe") + QByteArray(8, '\xff') + '\x01';
        const QByteArray minOffset = QByteArray(9, '\xff') + '\x01';
        QVERIFY(rejectedByBoth(prefix + maxOffset + tail)); // INT64_MAX
        QVERIFY(rejectedByBoth(prefix + minOffset + tail)); // INT64_MIN
        QVERIFY(rejectedByBoth(prefix + QByteArray("\x80\x80\x80\x08") + tail));

        // Bucket counts that do not add up to the total of 1 (after the bucket count): two
        // buckets of 1, one of 2, one of 2^64 - 1 (would wrap a sum), one of 0; and a zero
        // bucket at either end of the range.
        const QByteArray badCounts[] = {QByteArray("\x02\x01\x01", 3),
                                        QByteArray("\x01\x02", 2),
                                        QByteArray("\x01") + QByteArray(9, '\xff') + '\x01',
                                        QByteArray("\x01\x00", 2),
                                        QByteArray("\x02\x00\x01", 3),
                                        QByteArray("\x02\x01\x00", 3)};
        for (const QByteArray& counts : badCounts)
            QVERIFY2(rejectedByBoth(prefix + '\x54' + counts), counts.toHex().constData());
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

    void mergeBytesEqualsFromBytesAndMerge()
    {
        // Random targets and blobs, several blobs per target so the store grows at either end,
        // collapses at the cap (blobs far above, and far below: wholly collapsed), and meets
        // empty and zeros-only blobs. The state must be identical, bucket layout included.
        Rng rng(31);
        const double accuracies[] = {0.01, 0.01, 0.05, 0.001, 1e-6};
        int merged = 0;
        int collapsed = 0;
        int grewDown = 0;
        int grewUp = 0;
        for (int round = 0; round < 3000; ++round) {
            const double accuracy = accuracies[rng.below(5)];
            QuantileSketch viaBytes = randomSketch(rng, accuracy);
            QuantileSketch expected = viaBytes;
            for (int i = 0; i < 4; ++i) {
                const QByteArray bytes = randomSketch(rng, accuracy).toBytes();
                const double lo = viaBytes.min();
                const double hi = viaBytes.max();
                QVERIFY(referenceMerge(expected, bytes));
                QVERIFY(viaBytes.mergeBytes(bytes));
                grewDown += viaBytes.min() < lo; // false while NaN (empty)
                grewUp += viaBytes.max() > hi;
                if (!(viaBytes == expected)) {
                    QCOMPARE(viaBytes.toBytes(), expected.toBytes());
                    QFAIL(qPrintable(QStringLiteral("round %1, blob %2").arg(round).arg(i)));
                }
                ++merged;
            }
            collapsed += viaBytes.bucketCount() == bucketCap;
        }
        qDebug("%d blobs merged: %d lowered the min, %d raised the max; %d targets at the cap",
               merged, grewDown, grewUp, collapsed);
        // Every path was exercised.
        QVERIFY(grewDown > 1000 && grewUp > 1000 && collapsed > 100);

        // The extremes of the index range, into empty and non-empty targets.
        for (const double accuracy : {0.01, 1e-6}) {
            QuantileSketch extremes(accuracy);
            extremes.add(std::numeric_limits<double>::max());
            extremes.add(std::nextafter(QuantileSketch::minTrackedValue, 1.0));
            for (QuantileSketch target : {QuantileSketch(accuracy), extremes}) {
                QuantileSketch expected = target;
                QVERIFY(referenceMerge(expected, extremes.toBytes()));
                QVERIFY(target.mergeBytes(extremes.toBytes()));
                QVERIFY(target == expected);
            }
        }

        // A blob wholly below the kept range of a collapsed target: all into its lowest bucket.
        QuantileSketch high;
        high.add(1e300);
        high.add(1e250); // 50 decades: already at the cap
        QuantileSketch low;
        low.add(1e-6);
        low.add(3e-6, 7);
        QuantileSketch expected = high;
        QVERIFY(referenceMerge(expected, low.toBytes()));
        QVERIFY(high.mergeBytes(low.toBytes()));
        QVERIFY(high == expected);
        QCOMPARE(high.bucketCount(), bucketCap);

        // The aggregator's pattern: many small blobs into one total.
        const std::vector<double> values = generate(Dist::WithZeros, 10'000, 32);
        QuantileSketch total;
        for (std::size_t i = 0; i < values.size(); i += 50) {
            const std::vector<double> part(values.begin() + std::ptrdiff_t(i),
                                           values.begin() + std::ptrdiff_t(i + 50));
            QVERIFY(total.mergeBytes(sketchOf(part).toBytes()));
        }
        compareSketches(total, sketchOf(values));
    }

    void mergeBytesPrefixesRejected()
    {
        QuantileSketch zeros;
        zeros.add(0, 5);
        QuantileSketch wide;
        wide.add(1e-6);
        wide.add(1e300);
        const QByteArray blobs[] = {sketchOf(generate(Dist::WithZeros, 10'000, 33)).toBytes(),
                                    QuantileSketch().toBytes(), zeros.toBytes(), wide.toBytes()};
        for (QuantileSketch target :
             {QuantileSketch(), sketchOf(generate(Dist::Pareto, 500, 34))}) {
            const QuantileSketch before = target;
            for (const QByteArray& bytes : blobs) {
                for (qsizetype n = 0; n < bytes.size(); ++n) {
                    QVERIFY2(!target.mergeBytes(bytes.left(n)), qPrintable(QString::number(n)));
                    QVERIFY(target == before);
                }
                QVERIFY(!target.mergeBytes(bytes + '\0')); // trailing bytes
                QVERIFY(!target.mergeBytes(bytes + '\x01'));
                QVERIFY(target == before);
            }
            QVERIFY(!target.mergeBytes(QByteArray())); // as fromBytes: an empty array is no blob
            QVERIFY(!target.mergeBytes(QByteArrayView()));
            QVERIFY(target == before);
        }
    }

    void mergeBytesCorruptedLikeFromBytes()
    {
        // Flipped bits and random tails: mergeBytes accepts exactly when fromBytes + merge
        // does, with the same result, and otherwise leaves the target as it was.
        QuantileSketch zeros;
        zeros.add(0, 3);
        const QByteArray blobs[] = {sketchOf(generate(Dist::WithZeros, 2000, 35)).toBytes(),
                                    sketchOf(generate(Dist::Constant, 3, 36)).toBytes(),
                                    zeros.toBytes(), QuantileSketch().toBytes()};
        const QuantileSketch targets[] = {QuantileSketch(),
                                          sketchOf(generate(Dist::LogNormal, 300, 37))};
        Rng rng(38);
        int accepted = 0;
        int rounds = 0;
        const auto check = [&](const QByteArray& bytes) {
            for (const QuantileSketch& target : targets) {
                QuantileSketch expected = target;
                QuantileSketch actual = target;
                const bool ok = referenceMerge(expected, bytes);
                if (actual.mergeBytes(bytes) != ok)
                    return false;
                if (!(actual == (ok ? expected : target)))
                    return false;
                accepted += ok;
                ++rounds;
            }
            return true;
        };
        for (int round = 0; round < 40'000; ++round) {
            QByteArray bytes = blobs[rng.below(4)];
            const int flips = 1 + int(rng.below(4));
            for (int f = 0; f < flips; ++f) {
                const auto at = qsizetype(rng.below(quint64(bytes.size())));
                bytes[at] = char(bytes[at] ^ char(1 << rng.below(8)));
            }
            QVERIFY2(check(bytes), bytes.toHex().constData());
        }
        // Random bodies behind a valid header (magic, version, default accuracy).
        const QByteArray header = QuantileSketch().toBytes().left(10);
        for (int round = 0; round < 40'000; ++round) {
            QByteArray bytes = header;
            const auto length = rng.below(60);
            for (quint64 i = 0; i < length; ++i)
                bytes.append(char(rng.below(4) ? rng.below(4) : rng.below(256)));
            QVERIFY2(check(bytes), bytes.toHex().constData());
        }
        qDebug("%d of %d corrupted merges accepted by both", accepted, rounds);
    }

    void mergeBytesIndexRangeLikeFromBytes()
    {
        // Offsets around both ends of the index range of finite values: the precomputed bounds
        // must give fromBytes' answer exactly. Each window holds accepted and rejected offsets.
        for (const double accuracy : {0.01, 0.05, 1e-6, 0.5}) {
            const double logGamma = std::log((1 + accuracy) / (1 - accuracy));
            const auto lowest = qint64(std::ceil(std::log(1e-9) / logGamma));
            const auto highest =
                qint64(std::ceil(std::log(std::numeric_limits<double>::max()) / logGamma));
            for (const qint64 centre : {lowest, highest}) {
                int accepts = 0;
                for (qint64 offset = centre - 4; offset <= centre + 4; ++offset) {
                    const QByteArray bytes = oneBucketAt(accuracy, offset);
                    QuantileSketch target(accuracy);
                    target.add(3);
                    QuantileSketch expected = target;
                    const bool ok = referenceMerge(expected, bytes);
                    const QuantileSketch before = target;
                    QCOMPARE(target.mergeBytes(bytes), ok);
                    QVERIFY(target == (ok ? expected : before));
                    accepts += ok;
                }
                QVERIFY2(accepts > 0 && accepts < 9, qPrintable(QString::number(accuracy)));
            }
        }
    }

    void mergeBytesAccuracyMismatchRejected()
    {
        const std::vector<double> values = generate(Dist::LogNormal, 1000, 39);
        QuantileSketch target = sketchOf(values);
        const QuantileSketch before = target;
        QVERIFY(!target.mergeBytes(sketchOf(values, 0.05).toBytes()));
        QVERIFY(!target.mergeBytes(QuantileSketch(0.05).toBytes())); // even an empty one
        // One ulp away is another accuracy too (the blob is otherwise valid).
        const double nearby = std::nextafter(QuantileSketch::defaultRelativeAccuracy, 1.0);
        const QByteArray nearBlob = sketchOf(values, nearby).toBytes();
        QVERIFY(QuantileSketch::fromBytes(nearBlob).has_value());
        QVERIFY(!target.mergeBytes(nearBlob));
        QVERIFY(target == before);

        QuantileSketch fine(0.001);
        QVERIFY(fine.mergeBytes(sketchOf(values, 0.001).toBytes()));
        QVERIFY(!fine.mergeBytes(sketchOf(values).toBytes()));
        QCOMPARE(fine.count(), quint64(values.size()));
    }

private:
    // fromBytes rejects bytes, and so does mergeBytes, leaving a non-empty sketch as it was.
    static bool rejectedByBoth(const QByteArray& bytes)
    {
        QuantileSketch target;
        target.add(0);
        target.add(300);
        const QuantileSketch before = target;
        return !QuantileSketch::fromBytes(bytes) && !target.mergeBytes(bytes) && target == before;
    }

    static void exerciseParsed(const QuantileSketch& sketch)
    {
        // Whatever fromBytes accepts must answer sanely and serialise again.
        if (sketch.isEmpty()) {
            QVERIFY(!sketch.quantile(0.5));
            return;
        }
        QVERIFY(sketch.bucketCount() <= bucketCap);
        for (double q : checkedQuantiles) {
            const double v = sketch.quantile(q).value();
            QVERIFY(v >= sketch.min() && v <= sketch.max());
        }
        const auto again = QuantileSketch::fromBytes(sketch.toBytes());
        QVERIFY(again.has_value());
        QCOMPARE(again->count(), sketch.count());
    }
};

QTEST_GUILESS_MAIN(TestQuantileSketch)
#include "tst_quantilesketch.moc"

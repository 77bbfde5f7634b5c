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
        QVERIFY(!QuantileSketch::fromBytes(head + QByteArray(9, '\x80') + '\x01'));
        // More buckets than the cap, backed by enough bytes.
        const QByteArray tooMany = head + QByteArray("\x81\x20", 2) + QByteArray(4097, '\x01');
        QVERIFY(!QuantileSketch::fromBytes(tooMany));
        // An 11-byte varint.
        QVERIFY(!QuantileSketch::fromBytes(head + QByteArray(10, '\x80') + '\x01'));
        // Non-canonical varint for 0.
        QVERIFY(!QuantileSketch::fromBytes(head + QByteArray("\x80\x00", 2)));

        // One value: magic, version, accuracy, count (1 byte), sum/min/max, zero count (1 byte),
        // then offset, bucket count 1, bucket 1. Offsets far outside the index range of finite
        // doubles (including ones that would overflow offset + size) are rejected.
        QuantileSketch one;
        one.add(5);
        const QByteArray prefix = one.toBytes().left(2 + 8 + 1 + 24 + 1);
        const QByteArray tail("\x01\x01", 2);
        QVERIFY(QuantileSketch::fromBytes(prefix + '\x54' + tail).has_value()); // index 42
        const QByteArray maxOffset = QByteArray("\xfe") + QByteArray(8, '\xff') + '\x01';
        const QByteArray minOffset = QByteArray(9, '\xff') + '\x01';
        QVERIFY(!QuantileSketch::fromBytes(prefix + maxOffset + tail)); // INT64_MAX
        QVERIFY(!QuantileSketch::fromBytes(prefix + minOffset + tail)); // INT64_MIN
        QVERIFY(!QuantileSketch::fromBytes(prefix + QByteArray("\x80\x80\x80\x08") + tail));
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

private:
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

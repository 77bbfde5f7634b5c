#pragma once

// Data and checks shared by the QuantileSketch tests: seeded samples from skewed distributions
// (the same with every standard library), exact order statistics and sketch comparisons.
#include "metrics/QuantileSketch.h"

#include <QByteArray>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

namespace sketchtest {

using namespace adminchat;

// Mirrors maxBuckets in QuantileSketch.cpp (the documented cap of the dense store).
inline constexpr std::size_t bucketCap = 4096;

inline const std::vector<double> checkedQuantiles = {0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1};

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

inline std::vector<double> generate(Dist dist, std::size_t n, quint64 seed)
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

inline QuantileSketch sketchOf(const std::vector<double>& values,
                               double accuracy = QuantileSketch::defaultRelativeAccuracy)
{
    QuantileSketch sketch(accuracy);
    for (double v : values)
        sketch.add(v);
    return sketch;
}

// Linear interpolation between the closest ranks (numpy's default): the definition the sketch
// answers, exactly up to QuantileSketch::exactLimit samples and within its accuracy above.
inline double exactQuantile(const std::vector<double>& sorted, double q)
{
    const double h = q * double(sorted.size() - 1);
    const auto lower = std::size_t(std::floor(h));
    const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
    return sorted[lower] + (sorted[upper] - sorted[lower]) * (h - double(lower));
}

inline bool withinAccuracy(double estimate, double exact, double accuracy)
{
    // The tiny slack covers rounding of log() at a bucket boundary.
    return std::abs(estimate - exact) <= accuracy * std::abs(exact) * (1 + 1e-9) + 1e-12;
}

// Identical bucket contents show as identical answers at every rank (min/max are exact).
inline void compareSketches(const QuantileSketch& actual, const QuantileSketch& expected)
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
inline QuantileSketch randomSketch(Rng& rng, double accuracy)
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
inline bool referenceMerge(QuantileSketch& into, const QByteArray& bytes)
{
    const std::optional<QuantileSketch> parsed = QuantileSketch::fromBytes(bytes);
    return parsed && into.merge(*parsed);
}

// A blob of one bucket (count 1, value 5) at any offset, for the index range checks.
inline QByteArray oneBucketAt(double accuracy, qint64 offset)
{
    QuantileSketch one(accuracy);
    one.add(5);
    // magic, version, accuracy, count (1 byte), sum/min/max, zero count (1 byte); as version 1,
    // which carries no samples after the bucket count
    QByteArray bytes = one.toBytes().left(2 + 8 + 1 + 24 + 1);
    bytes[1] = 1;
    for (quint64 v = (quint64(offset) << 1) ^ quint64(offset >> 63);; v >>= 7) {
        bytes.append(char(v >= 0x80 ? (v & 0x7f) | 0x80 : v));
        if (v < 0x80)
            break;
    }
    return bytes + QByteArray("\x01\x01", 2); // one bucket, count 1
}

} // namespace sketchtest

Q_DECLARE_METATYPE(sketchtest::Dist)

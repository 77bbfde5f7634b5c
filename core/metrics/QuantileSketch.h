#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace adminchat {

// A mergeable quantile sketch in the manner of DDSketch (Masson, Rim, Lee, VLDB 2019): positive
// values fall into logarithmic buckets of ratio gamma = (1 + a) / (1 - a), so every quantile it
// answers is within relative error a of an exact value of the data (default a = 1%). Memory
// grows with the log of the value range, not with the number of samples; two sketches with the
// same accuracy merge exactly (bucket counts add).
//
// Values <= minTrackedValue (zero, negatives) are counted in a zero bucket. count, sum, min and
// max are exact.
//
// Percentiles have one definition everywhere in AdminChat: linear interpolation between the
// closest ranks (numpy's default, RequestMetrics::percentile). While a sketch holds at most
// exactLimit samples it also keeps them, so its quantiles are exact; above that they come from
// the buckets, each rank within the relative accuracy. With two samples, 182 and 403, P95 is
// 391.95, not 182.
class QuantileSketch
{
public:
    static constexpr double defaultRelativeAccuracy = 0.01;
    static constexpr double minTrackedValue = 1e-9;
    static constexpr quint64 exactLimit = 100;

    QuantileSketch() : QuantileSketch(defaultRelativeAccuracy) {}
    explicit QuantileSketch(double relativeAccuracy);

    void add(double value);
    void add(double value, quint64 count);
    // Adds other's samples. Both must have the same relative accuracy (else returns false).
    bool merge(const QuantileSketch& other);
    void clear();

    quint64 count() const { return m_count; }
    bool isEmpty() const { return m_count == 0; }
    double sum() const { return m_sum; }
    double mean() const; // NaN when empty
    double min() const;  // NaN when empty
    double max() const;  // NaN when empty
    double relativeAccuracy() const { return m_relativeAccuracy; }

    // The q-quantile (0 <= q <= 1): with rank h = q * (count - 1), the sorted samples at
    // floor(h) and ceil(h) interpolated linearly. Exact while isExact(); otherwise each of the
    // two is a bucket value within relative accuracy. Never below min nor above max, and never
    // smaller for a larger q. std::nullopt when empty.
    std::optional<double> quantile(double q) const;
    // How many samples are below value (strictly): exact while isExact(); otherwise the
    // buckets whose representative value is below, so only samples within the relative
    // accuracy of value can be counted on the wrong side.
    quint64 countBelow(double value) const;
    // Whether every sample is still kept (at most exactLimit, and none merged from a blob of the
    // first format version, which carries none).
    bool isExact() const { return m_exactKept; }
    // The samples as (value, count), ascending, equal values together: the samples themselves
    // while isExact(), else each non-empty bucket's representative value (zero for the zero
    // bucket). What rank statistics over several sketches need.
    std::vector<std::pair<double, quint64>> valueCounts() const;

    // Compact, versioned binary form for storage (a BLOB column); fromBytes returns std::nullopt
    // on anything it did not write.
    QByteArray toBytes() const;
    static std::optional<QuantileSketch> fromBytes(const QByteArray& bytes);
    // Merges a toBytes() blob in place: the same result as fromBytes() then merge(), without
    // the temporary sketch (no allocation unless the store must grow). Returns false, leaving
    // this sketch unchanged, for whatever fromBytes rejects (including an empty array) and for
    // a blob of another relative accuracy.
    bool mergeBytes(QByteArrayView bytes);

    // Same accuracy and identical state, bucket layout included (for tests).
    friend bool operator==(const QuantileSketch&, const QuantileSketch&) = default;

    std::size_t bucketCount() const { return m_counts.size(); }

private:
    int bucketIndex(double value) const;
    int indexOfLog(double logValue) const;
    double bucketValue(int index) const;  // representative value, within accuracy of the bucket
    double rankValue(quint64 rank) const; // the sample of that rank, from the buckets
    void addExact(const double* values, std::size_t n, quint64 count);

    double m_relativeAccuracy;
    double m_gamma;
    double m_logGamma;
    // The bucket indexes of the smallest tracked and the largest finite value, with one step of
    // slack either way: the offsets a blob may carry. Computed once per sketch, so decoding a
    // blob needs no log().
    int m_lowestIndex;
    int m_highestIndex;
    // Dense bucket counts for indexes m_offset .. m_offset + size - 1.
    std::vector<quint64> m_counts;
    int m_offset = 0;
    quint64 m_zeroCount = 0;
    quint64 m_count = 0;
    double m_sum = 0;
    double m_min = 0;
    double m_max = 0;
    // Sorted; every sample while m_exactKept, else empty.
    std::vector<double> m_exact;
    bool m_exactKept = true;
};

} // namespace adminchat

#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>
#include <cstdint>
#include <optional>
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
class QuantileSketch
{
public:
    static constexpr double defaultRelativeAccuracy = 0.01;
    static constexpr double minTrackedValue = 1e-9;

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

    // The q-quantile (0 <= q <= 1) by the lower rank convention: the value of rank
    // floor(q * (count - 1)) among the sorted samples, within relative accuracy; clamped to
    // [min, max]. std::nullopt when empty.
    std::optional<double> quantile(double q) const;

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
    double bucketValue(int index) const; // representative value, within accuracy of the bucket

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
};

} // namespace adminchat

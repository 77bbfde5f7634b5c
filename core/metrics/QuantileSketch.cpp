#include "metrics/QuantileSketch.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>

namespace adminchat {

// Behaviour beyond the header's contract:
//  - NaN and +/-inf are ignored by add() (count, sum, min, max and buckets stay as they were):
//    one broken timer must not turn every aggregate into NaN.
//  - A relative accuracy outside [1e-6, 1) (or NaN) falls back to defaultRelativeAccuracy; the
//    lower limit keeps every bucket index of a finite double well inside int.
//  - quantile() clamps q to [0, 1] and answers std::nullopt for a NaN q. Rank 0 and the last
//    rank answer the exact min and max (tracked anyway), so q = 0 and q = 1 are exact.
//  - Bucket index i holds the values in (gamma^(i-1), gamma^i] and answers 2 gamma^i / (gamma + 1),
//    which is within relative error a of every value of the bucket. Values <= minTrackedValue
//    (zero, negatives, sub-nanosecond noise) go to the zero bucket and are answered as 0.
//  - Memory: the dense store keeps at most maxBuckets consecutive indexes. When a value needs a
//    wider range, the lowest buckets are collapsed into the lowest kept one (DDSketch's
//    "collapsing lowest dense store"), so only low quantiles lose accuracy (they are
//    over-estimated). With a = 1%, 4096 buckets span a factor of gamma^4096, about 36 orders of
//    magnitude, so real latencies (microseconds to hours) never collapse; the cap only bounds a
//    pathological input (e.g. 1e-6 next to 1e300) to 32 KiB. The cap is fixed, so a finer
//    accuracy spans less (a = 0.1%: ~3.5 decades). The result does not depend on insertion or
//    merge order: everything below (highest index - maxBuckets + 1) ends up in that bucket.

namespace {

constexpr int maxBuckets = 4096;
constexpr double minRelativeAccuracy = 1e-6;

// Serialised form, all integers little-endian:
//   u8 magic, u8 version, f64 relativeAccuracy, varint count, f64 sum, f64 min, f64 max,
//   varint zeroCount, zigzag varint offset, varint bucketCount, bucketCount x varint counts.
// varint is unsigned LEB128 (canonical: no redundant trailing zero groups). Only the non-empty
// bucket range is written, so the first and last count are non-zero. An empty sketch writes
// sum = min = max = 0 and offset = 0.
constexpr quint8 formatMagic = 0xDD;
constexpr quint8 formatVersion = 1;

bool isValidAccuracy(double a)
{
    return a >= minRelativeAccuracy && a < 1.0; // false for NaN
}

// Makes the store cover exactly [lo, hi]: buckets below lo are collapsed into lo, new ones are
// zero. hi must be >= the store's highest index (nothing is dropped from the top).
void reshape(std::vector<quint64>& counts, int& offset, int lo, int hi)
{
    quint64 collapsed = 0;
    if (counts.empty()) {
        // nothing to keep
    } else if (lo > offset) {
        const auto drop = std::min(std::size_t(lo - offset), counts.size());
        const auto end = counts.begin() + std::ptrdiff_t(drop);
        collapsed = std::accumulate(counts.begin(), end, quint64(0));
        counts.erase(counts.begin(), end);
    } else if (lo < offset) {
        counts.insert(counts.begin(), std::size_t(offset - lo), 0);
    }
    offset = lo;
    counts.resize(std::size_t(hi - lo + 1), 0);
    counts.front() += collapsed;
}

// The range a store spanning [lo, hi] needs to also hold [otherLo, otherHi], within the cap.
std::pair<int, int> widenedRange(bool empty, int lo, int hi, int otherLo, int otherHi)
{
    int newLo = empty ? otherLo : std::min(lo, otherLo);
    const int newHi = empty ? otherHi : std::max(hi, otherHi);
    if (newHi - newLo + 1 > maxBuckets)
        newLo = newHi - maxBuckets + 1;
    return {newLo, newHi};
}

// Writes into a buffer of the exact size, computed up front: appending byte by byte to a
// QByteArray costs a capacity check per byte and made toBytes() several times slower.
class Writer
{
public:
    explicit Writer(char* out) : m_out(out) {}

    char* end() const { return m_out; }

    void putByte(quint8 byte) { *m_out++ = char(byte); }

    void putVarint(quint64 value)
    {
        while (value >= 0x80) {
            putByte(quint8(value | 0x80));
            value >>= 7;
        }
        putByte(quint8(value));
    }

    void putDouble(double value)
    {
        const auto bits = std::bit_cast<quint64>(value);
        for (int shift = 0; shift < 64; shift += 8)
            putByte(quint8(bits >> shift));
    }

private:
    char* m_out;
};

qsizetype varintSize(quint64 value)
{
    return std::max(qsizetype(1), qsizetype(std::bit_width(value) + 6) / 7);
}

quint64 zigzag(qint64 v)
{
    return (quint64(v) << 1) ^ quint64(v >> 63);
}

qint64 unzigzag(quint64 v)
{
    return qint64(v >> 1) ^ -qint64(v & 1);
}

// Bounds-checked reader: every get* fails (returns false) instead of reading past the end.
class Reader
{
public:
    explicit Reader(const QByteArray& bytes)
        : m_data(reinterpret_cast<const quint8*>(bytes.constData())), m_size(bytes.size())
    {}

    qsizetype remaining() const { return m_size - m_pos; }

    bool getByte(quint8& out)
    {
        if (m_pos >= m_size)
            return false;
        out = m_data[m_pos++];
        return true;
    }

    bool getDouble(double& out)
    {
        if (remaining() < 8)
            return false;
        quint64 bits = 0;
        for (int i = 0; i < 8; ++i)
            bits |= quint64(m_data[m_pos++]) << (8 * i);
        out = std::bit_cast<double>(bits);
        return true;
    }

    bool getVarint(quint64& out)
    {
        quint64 value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            quint8 byte = 0;
            if (!getByte(byte))
                return false;
            // The 10th group only has room for bit 63; a zero last group after the first is a
            // redundant encoding toBytes never writes.
            if (shift == 63 && byte > 1)
                return false;
            value |= quint64(byte & 0x7f) << shift;
            if (!(byte & 0x80)) {
                if (byte == 0 && shift > 0)
                    return false;
                out = value;
                return true;
            }
        }
        return false;
    }

private:
    const quint8* m_data;
    qsizetype m_size;
    qsizetype m_pos = 0;
};

} // namespace

QuantileSketch::QuantileSketch(double relativeAccuracy)
    : m_relativeAccuracy(isValidAccuracy(relativeAccuracy) ? relativeAccuracy
                                                           : defaultRelativeAccuracy),
      m_gamma((1.0 + m_relativeAccuracy) / (1.0 - m_relativeAccuracy)),
      m_logGamma(std::log(m_gamma)), m_min(std::numeric_limits<double>::infinity()),
      m_max(-std::numeric_limits<double>::infinity())
{
    // m_min/m_max start at +/-inf so add() and merge() need no "first value" branch; min() and
    // max() report NaN while empty.
}

int QuantileSketch::bucketIndex(double value) const
{
    // ceil without a libm call; the quotient is within int range for any finite value above
    // minTrackedValue because the accuracy is at least minRelativeAccuracy.
    const double x = std::log(value) / m_logGamma;
    int index = int(x);
    if (double(index) < x)
        ++index;
    return index;
}

double QuantileSketch::bucketValue(int index) const
{
    // May overflow to inf next to DBL_MAX; quantile() clamps to [min, max].
    return std::exp(double(index) * m_logGamma) * (2.0 / (m_gamma + 1.0));
}

void QuantileSketch::add(double value)
{
    add(value, 1);
}

void QuantileSketch::add(double value, quint64 count)
{
    if (count == 0 || !std::isfinite(value))
        return;
    m_count += count;
    m_sum += value * double(count);
    m_min = std::min(m_min, value);
    m_max = std::max(m_max, value);
    if (!(value > minTrackedValue)) {
        m_zeroCount += count;
        return;
    }
    const int index = bucketIndex(value);
    // Unsigned compare: also catches index < m_offset. The common case ends here.
    const auto slot = std::size_t(unsigned(index - m_offset));
    if (slot < m_counts.size()) {
        m_counts[slot] += count;
        return;
    }
    const int hi = m_offset + int(m_counts.size()) - 1;
    const auto [lo, newHi] = widenedRange(m_counts.empty(), m_offset, hi, index, index);
    reshape(m_counts, m_offset, lo, newHi);
    m_counts[std::size_t(std::max(index, lo) - lo)] += count;
}

bool QuantileSketch::merge(const QuantileSketch& other)
{
    if (other.m_relativeAccuracy != m_relativeAccuracy)
        return false;
    if (&other == this) {
        const QuantileSketch copy = other;
        return merge(copy);
    }
    if (other.m_count == 0)
        return true;
    m_count += other.m_count;
    m_sum += other.m_sum;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
    m_zeroCount += other.m_zeroCount;
    if (other.m_counts.empty())
        return true;

    const int otherLo = other.m_offset;
    const int otherHi = other.m_offset + int(other.m_counts.size()) - 1;
    const int hi = m_offset + int(m_counts.size()) - 1;
    const auto [lo, newHi] = widenedRange(m_counts.empty(), m_offset, hi, otherLo, otherHi);
    if (lo != m_offset || newHi != hi || m_counts.empty())
        reshape(m_counts, m_offset, lo, newHi);
    // other's buckets below lo (only when the cap is hit) collapse into lo.
    for (std::size_t i = 0; i < other.m_counts.size(); ++i) {
        const int index = otherLo + int(i);
        m_counts[std::size_t(std::max(index, lo) - lo)] += other.m_counts[i];
    }
    return true;
}

void QuantileSketch::clear()
{
    m_counts.clear();
    m_offset = 0;
    m_zeroCount = 0;
    m_count = 0;
    m_sum = 0;
    m_min = std::numeric_limits<double>::infinity();
    m_max = -std::numeric_limits<double>::infinity();
}

double QuantileSketch::mean() const
{
    return m_count ? m_sum / double(m_count) : std::numeric_limits<double>::quiet_NaN();
}

double QuantileSketch::min() const
{
    return m_count ? m_min : std::numeric_limits<double>::quiet_NaN();
}

double QuantileSketch::max() const
{
    return m_count ? m_max : std::numeric_limits<double>::quiet_NaN();
}

std::optional<double> QuantileSketch::quantile(double q) const
{
    if (m_count == 0 || std::isnan(q))
        return std::nullopt;
    // Lower rank; compared in double first so a rank near 2^64 cannot overflow the cast.
    const double last = double(m_count - 1);
    const double rankD = std::floor(std::clamp(q, 0.0, 1.0) * last);
    const quint64 rank = rankD >= last ? m_count - 1 : quint64(rankD);

    // min and max are exact, so the extreme ranks need no bucket.
    if (rank == 0)
        return m_min;
    if (rank == m_count - 1)
        return m_max;
    double value = 0;
    if (rank >= m_zeroCount && !m_counts.empty()) {
        // The wanted bucket is the first whose cumulative count exceeds rank. P95/P99 are the
        // common questions, so high ranks walk down from the top (cumulative count m_count).
        std::size_t i = 0;
        if (rank >= m_count / 2) {
            quint64 upTo = m_count; // samples in the zero bucket and buckets 0..i
            for (i = m_counts.size() - 1; i > 0; --i) {
                const quint64 below = upTo - m_counts[i];
                if (below <= rank)
                    break;
                upTo = below;
            }
        } else {
            quint64 upTo = m_zeroCount + m_counts[0];
            while (upTo <= rank && i + 1 < m_counts.size())
                upTo += m_counts[++i];
        }
        value = bucketValue(m_offset + int(i));
    }
    return std::clamp(value, m_min, m_max);
}

QByteArray QuantileSketch::toBytes() const
{
    // The store has no empty buckets at either end (add/merge/fromBytes never create them), but
    // trim anyway so the format's "non-empty range" rule holds regardless.
    std::size_t first = 0;
    std::size_t last = m_counts.size();
    while (first < last && m_counts[first] == 0)
        ++first;
    while (last > first && m_counts[last - 1] == 0)
        --last;
    const bool empty = m_count == 0;

    const auto buckets = qsizetype(last - first);
    const quint64 offset = first < last ? zigzag(m_offset + qint64(first)) : 0;
    qsizetype size = 2 + 4 * 8 + varintSize(m_count) + varintSize(m_zeroCount) +
                     varintSize(offset) + varintSize(quint64(buckets));
    for (std::size_t i = first; i < last; ++i)
        size += varintSize(m_counts[i]);
    QByteArray out(size, Qt::Uninitialized);
    Writer writer(out.data());
    writer.putByte(formatMagic);
    writer.putByte(formatVersion);
    writer.putDouble(m_relativeAccuracy);
    writer.putVarint(m_count);
    writer.putDouble(empty ? 0.0 : m_sum);
    writer.putDouble(empty ? 0.0 : m_min);
    writer.putDouble(empty ? 0.0 : m_max);
    writer.putVarint(m_zeroCount);
    writer.putVarint(offset);
    writer.putVarint(quint64(buckets));
    for (std::size_t i = first; i < last; ++i)
        writer.putVarint(m_counts[i]);
    Q_ASSERT(writer.end() == out.constData() + size);
    return out;
}

std::optional<QuantileSketch> QuantileSketch::fromBytes(const QByteArray& bytes)
{
    Reader in(bytes);
    quint8 magic = 0;
    quint8 version = 0;
    double accuracy = 0;
    if (!in.getByte(magic) || magic != formatMagic || !in.getByte(version) ||
        version != formatVersion || !in.getDouble(accuracy) || !isValidAccuracy(accuracy))
        return std::nullopt;

    QuantileSketch sketch(accuracy);
    quint64 count = 0;
    quint64 zeroCount = 0;
    quint64 offsetBits = 0;
    quint64 bucketCount = 0;
    double sum = 0;
    double min = 0;
    double max = 0;
    if (!in.getVarint(count) || !in.getDouble(sum) || !in.getDouble(min) || !in.getDouble(max) ||
        !in.getVarint(zeroCount) || !in.getVarint(offsetBits) || !in.getVarint(bucketCount))
        return std::nullopt;
    // Every count takes at least one byte: checking against the remaining input keeps a hostile
    // length from reserving memory the blob cannot fill.
    if (bucketCount > quint64(maxBuckets) || bucketCount > quint64(in.remaining()))
        return std::nullopt;

    if (count == 0) {
        if (sum != 0 || min != 0 || max != 0 || zeroCount != 0 || offsetBits != 0 ||
            bucketCount != 0 || in.remaining() != 0)
            return std::nullopt;
        return sketch;
    }
    // What add() guarantees: finite min <= max, the zero bucket non-empty exactly when
    // min <= minTrackedValue, buckets non-empty exactly when max > minTrackedValue.
    if (!std::isfinite(min) || !std::isfinite(max) || min > max || std::isnan(sum) ||
        (zeroCount > 0) != (min <= minTrackedValue) || (bucketCount > 0) != (max > minTrackedValue))
        return std::nullopt;

    const qint64 offset = unzigzag(offsetBits);
    if (bucketCount == 0 && offset != 0)
        return std::nullopt;
    if (bucketCount > 0) {
        // Index range of finite values above minTrackedValue (one step of slack either way so a
        // libm that rounds a boundary differently still reads our blobs).
        const qint64 lowest = sketch.bucketIndex(std::nextafter(
                                  minTrackedValue, std::numeric_limits<double>::max())) -
                              1;
        const qint64 highest = sketch.bucketIndex(std::numeric_limits<double>::max()) + 1;
        if (offset < lowest || offset > highest - qint64(bucketCount) + 1) // no overflow
            return std::nullopt;
    }

    sketch.m_counts.resize(std::size_t(bucketCount));
    sketch.m_offset = int(offset);
    if (zeroCount > count)
        return std::nullopt;
    quint64 total = zeroCount;
    for (quint64& bucket : sketch.m_counts) {
        if (!in.getVarint(bucket) || bucket > count - total) // total never exceeds count
            return std::nullopt;
        total += bucket;
    }
    if (in.remaining() != 0 || total != count ||
        (bucketCount > 0 && (sketch.m_counts.front() == 0 || sketch.m_counts.back() == 0)))
        return std::nullopt;

    sketch.m_count = count;
    sketch.m_zeroCount = zeroCount;
    sketch.m_sum = sum;
    sketch.m_min = min;
    sketch.m_max = max;
    return sketch;
}

} // namespace adminchat

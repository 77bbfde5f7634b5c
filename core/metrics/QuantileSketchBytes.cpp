#include "metrics/QuantileSketch.h"
#include "metrics/QuantileSketchStore.h"
#include "metrics/VarintReader.h"
#include "metrics/VarintWriter.h"

#include <algorithm>
#include <cmath>
#include <limits>

// QuantileSketch's byte form: toBytes(), fromBytes() and mergeBytes(), with the one validation
// behind the last two.

namespace adminchat {

using namespace sketchstore;

namespace {

// Serialised form, all integers little-endian:
//   u8 magic, u8 version, f64 relativeAccuracy, varint count, f64 sum, f64 min, f64 max,
//   varint zeroCount, zigzag varint offset, varint bucketCount, bucketCount x varint counts.
// varint is unsigned LEB128 (canonical: no redundant trailing zero groups). Only the non-empty
// bucket range is written, so the first and last count are non-zero. An empty sketch writes
// sum = min = max = 0 and offset = 0.
// Version 2, written while the sketch keeps its samples (1 to exactLimit of them), has them
// between bucketCount and the counts: varint n (= count), then n sorted values, each either
// varint (zigzag(ns) << 1) for a value that is a whole number of nanoseconds in ms (every
// measured time is), or varint 1 and the f64. Version 1 (no samples) is written otherwise and
// read as a sketch without samples.
constexpr quint8 formatMagic = 0xDD;
constexpr quint8 formatVersion1 = 1;
constexpr quint8 formatVersion2 = 2;
constexpr double nsPerMs = 1e6;
constexpr double maxNsValue = 1e9; // ms (11 days); keeps ns inside 2^53

// value == ns / 1e6 exactly for a whole ns: the compact form of an exact sample.
std::optional<qint64> wholeNanoseconds(double value)
{
    if (!(std::abs(value) < maxNsValue))
        return std::nullopt;
    const auto ns = qint64(std::llround(value * nsPerMs));
    if (double(ns) / nsPerMs != value)
        return std::nullopt;
    return ns;
}

// A blob after the relative accuracy, validated; the counts stay in the input.
struct Body
{
    quint64 count = 0;
    quint64 zeroCount = 0;
    double sum = 0;
    double min = 0;
    double max = 0;
    int offset = 0;
    int bucketCount = 0;
    const quint8* counts = nullptr; // bucketCount validated varints
    bool oneByteCounts = false;     // every count is a single byte (all below 128)
    std::size_t exactCount = 0;     // samples decoded by parseExact (version 2), else 0
};

// Adds the validated counts of body's buckets first .. bucketCount - 1 to out[0], out[1], ...
void addCounts(const Body& body, int first, quint64* out)
{
    if (body.oneByteCounts) { // vectorises
        const quint8* counts = body.counts;
        for (int i = first; i < body.bucketCount; ++i)
            out[i - first] += counts[i];
        return;
    }
    const quint8* counts = body.counts;
    for (int i = 0; i < first; ++i)
        takeVarint(counts);
    for (int i = first; i < body.bucketCount; ++i)
        out[i - first] += takeVarint(counts);
}

// The sum of the validated counts of body's buckets 0 .. end - 1.
quint64 sumCounts(const Body& body, int end)
{
    quint64 sum = 0;
    const quint8* counts = body.counts;
    for (int i = 0; i < end; ++i)
        sum += body.oneByteCounts ? *counts++ : takeVarint(counts);
    return sum;
}

// Reads the magic, the version and the relative accuracy.
bool readHeader(VarintReader& in, quint8& version, double& accuracy)
{
    quint8 magic = 0;
    return in.getByte(magic) && magic == formatMagic && in.getByte(version) &&
           (version == formatVersion1 || version == formatVersion2) && in.getDouble(accuracy);
}

// Reads and checks the fields after the accuracy, up to the bucket counts: the first half of
// the one validation behind fromBytes and mergeBytes. Bucket offsets must lie in
// [lowestIndex, highestIndex], the index range of the blob's accuracy. An empty sketch
// (out.count == 0) is then completely checked; otherwise parseCounts must follow.
bool parseFields(VarintReader& in, int lowestIndex, int highestIndex, Body& out)
{
    quint64 count = 0;
    quint64 zeroCount = 0;
    quint64 offsetBits = 0;
    quint64 bucketCount = 0;
    double sum = 0;
    double min = 0;
    double max = 0;
    if (!in.getVarint(count) || !in.getDouble(sum) || !in.getDouble(min) || !in.getDouble(max) ||
        !in.getVarint(zeroCount) || !in.getVarint(offsetBits) || !in.getVarint(bucketCount))
        return false;
    // Every count takes at least one byte: checking against the remaining input keeps a hostile
    // length from reserving memory the blob cannot fill.
    if (bucketCount > quint64(maxBuckets) || bucketCount > quint64(in.remaining()))
        return false;

    if (count == 0) {
        // An empty sketch is written in exactly one way.
        out.count = 0;
        return sum == 0 && min == 0 && max == 0 && zeroCount == 0 && offsetBits == 0 &&
               bucketCount == 0 && in.remaining() == 0;
    }
    // What add() guarantees: finite min <= max, the zero bucket non-empty exactly when
    // min <= minTrackedValue, buckets non-empty exactly when max > minTrackedValue.
    constexpr double minTrackedValue = QuantileSketch::minTrackedValue;
    if (!std::isfinite(min) || !std::isfinite(max) || min > max || std::isnan(sum) ||
        (zeroCount > 0) != (min <= minTrackedValue) || (bucketCount > 0) != (max > minTrackedValue))
        return false;

    const qint64 offset = unzigzag(offsetBits);
    if (bucketCount == 0 && offset != 0)
        return false;
    if (bucketCount > 0 &&
        (offset < lowestIndex || offset > highestIndex - qint64(bucketCount) + 1)) // no overflow
        return false;
    if (zeroCount > count)
        return false;

    out.count = count;
    out.zeroCount = zeroCount;
    out.sum = sum;
    out.min = min;
    out.max = max;
    out.offset = int(offset);
    out.bucketCount = int(bucketCount);
    return true;
}

// Version 2's samples, after parseFields of a non-empty sketch, into out (room for
// exactLimit): exactly count of them, sorted, canonical, from min to max, as many at or below
// minTrackedValue as the zero bucket holds.
bool parseExact(VarintReader& in, Body& body, double* out)
{
    quint64 n = 0;
    if (!in.getVarint(n) || n != body.count || n > QuantileSketch::exactLimit)
        return false;
    quint64 zeros = 0;
    for (quint64 i = 0; i < n; ++i) {
        quint64 tag = 0;
        double value = 0;
        if (!in.getVarint(tag))
            return false;
        if (tag == 1) {
            if (!in.getDouble(value) || !std::isfinite(value) || wholeNanoseconds(value))
                return false;
        } else if (tag & 1) {
            return false;
        } else {
            const qint64 ns = unzigzag(tag >> 1);
            value = double(ns) / nsPerMs;
            if (wholeNanoseconds(value) != ns)
                return false;
        }
        if (i > 0 && value < out[i - 1])
            return false;
        out[i] = value;
        zeros += value <= QuantileSketch::minTrackedValue;
    }
    if (out[0] != body.min || out[n - 1] != body.max || zeros != body.zeroCount)
        return false;
    body.exactCount = std::size_t(n);
    return true;
}

// The second half, for a non-empty sketch: the bucket counts must be canonical varints that add
// up to the count, the first and last non-zero, nothing after them. They stay in the input
// (out.counts) for addCounts; decoded, if given room for out.bucketCount, also receives them.
bool parseCounts(VarintReader& in, Body& out, quint64* decoded)
{
    const int n = out.bucketCount;
    const quint64 expected = out.count - out.zeroCount; // parseFields checked zeroCount <= count
    out.counts = in.position();
    if (in.remaining() == n) {
        // The common case (per-request sketches): exactly one byte per count left, so each count
        // is a one-byte varint, else the blob is truncated. Checked and summed without decoding.
        const quint8* counts = in.position();
        quint8 high = 0;
        quint32 sum = 0; // at most maxBuckets * 255: no overflow
        for (int i = 0; i < n; ++i) {
            high |= counts[i];
            sum += counts[i];
        }
        // Non-negative counts add up to the total exactly when they never exceed it on the way.
        if (high >= 0x80 || sum != expected || (n > 0 && (counts[0] == 0 || counts[n - 1] == 0)))
            return false;
        in.skip(n);
        out.oneByteCounts = true;
        if (decoded)
            std::copy(counts, counts + n, decoded);
        return true;
    }
    quint64 total = 0;
    quint64 first = 0;
    quint64 bucket = 0;
    for (int i = 0; i < n; ++i) {
        if (!in.getVarint(bucket) || bucket > expected - total) // total never exceeds expected
            return false;
        total += bucket;
        if (i == 0)
            first = bucket;
        if (decoded)
            decoded[i] = bucket;
    }
    // The last bucket read is the last one of the range.
    return in.remaining() == 0 && total == expected && (n == 0 || (first != 0 && bucket != 0));
}

} // namespace

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
    const bool withSamples = m_exactKept && !empty;

    const auto buckets = qsizetype(last - first);
    const quint64 offset = first < last ? zigzag(m_offset + qint64(first)) : 0;
    qsizetype size = 2 + 4 * 8 + varintSize(m_count) + varintSize(m_zeroCount) +
                     varintSize(offset) + varintSize(quint64(buckets));
    for (std::size_t i = first; i < last; ++i)
        size += varintSize(m_counts[i]);
    if (withSamples) {
        size += varintSize(m_exact.size());
        for (double value : m_exact) {
            const std::optional<qint64> ns = wholeNanoseconds(value);
            size += ns ? varintSize(zigzag(*ns) << 1) : 1 + 8;
        }
    }
    QByteArray out(size, Qt::Uninitialized);
    VarintWriter writer(out.data());
    writer.putByte(formatMagic);
    writer.putByte(withSamples ? formatVersion2 : formatVersion1);
    writer.putDouble(m_relativeAccuracy);
    writer.putVarint(m_count);
    writer.putDouble(empty ? 0.0 : m_sum);
    writer.putDouble(empty ? 0.0 : m_min);
    writer.putDouble(empty ? 0.0 : m_max);
    writer.putVarint(m_zeroCount);
    writer.putVarint(offset);
    writer.putVarint(quint64(buckets));
    if (withSamples) {
        writer.putVarint(m_exact.size());
        for (double value : m_exact) {
            if (const std::optional<qint64> ns = wholeNanoseconds(value)) {
                writer.putVarint(zigzag(*ns) << 1);
            } else {
                writer.putVarint(1);
                writer.putDouble(value);
            }
        }
    }
    for (std::size_t i = first; i < last; ++i)
        writer.putVarint(m_counts[i]);
    Q_ASSERT(writer.end() == out.constData() + size);
    return out;
}

std::optional<QuantileSketch> QuantileSketch::fromBytes(const QByteArray& bytes)
{
    VarintReader in(bytes);
    quint8 version = 0;
    double accuracy = 0;
    if (!readHeader(in, version, accuracy) || !isValidAccuracy(accuracy))
        return std::nullopt;
    QuantileSketch sketch(accuracy);
    Body body;
    if (!parseFields(in, sketch.m_lowestIndex, sketch.m_highestIndex, body))
        return std::nullopt;
    if (body.count == 0)
        return version == formatVersion1 ? std::optional(sketch) : std::nullopt;
    double exact[exactLimit];
    if (version == formatVersion2 && !parseExact(in, body, exact))
        return std::nullopt;
    // Decoded while validated (one pass); the size is bounded by the input by now.
    sketch.m_counts.resize(std::size_t(body.bucketCount));
    if (!parseCounts(in, body, sketch.m_counts.data()))
        return std::nullopt;
    sketch.m_offset = body.offset;
    sketch.m_count = body.count;
    sketch.m_zeroCount = body.zeroCount;
    sketch.m_sum = body.sum;
    sketch.m_min = body.min;
    sketch.m_max = body.max;
    sketch.m_exactKept = body.exactCount > 0;
    sketch.m_exact.assign(exact, exact + body.exactCount);
    return sketch;
}

bool QuantileSketch::mergeBytes(QByteArrayView bytes)
{
    // Pass 1 validates the whole blob without touching this sketch; pass 2 applies it exactly
    // as merge() would apply the sketch fromBytes() builds. Only an exactly equal accuracy
    // merges (as in merge()), and ours is valid, so the blob's needs no other check and our
    // precomputed index range is the blob's.
    VarintReader in(bytes);
    quint8 version = 0;
    double accuracy = 0;
    Body body;
    if (!readHeader(in, version, accuracy) || accuracy != m_relativeAccuracy ||
        !parseFields(in, m_lowestIndex, m_highestIndex, body))
        return false;
    if (body.count == 0)
        return version == formatVersion1;
    double exact[exactLimit];
    if (version == formatVersion2 && !parseExact(in, body, exact))
        return false;
    if (!parseCounts(in, body, nullptr))
        return false;
    addExact(exact, body.exactCount, body.count);
    m_count += body.count;
    m_sum += body.sum;
    m_min = std::min(m_min, body.min);
    m_max = std::max(m_max, body.max);
    m_zeroCount += body.zeroCount;
    if (body.bucketCount == 0)
        return true;

    const int otherLo = body.offset;
    const int otherHi = body.offset + body.bucketCount - 1;
    const int hi = m_offset + int(m_counts.size()) - 1;
    const auto [lo, newHi] = widenedRange(m_counts.empty(), m_offset, hi, otherLo, otherHi);
    if (lo != m_offset || newHi != hi || m_counts.empty())
        reshape(m_counts, m_offset, lo, newHi);
    // The blob's buckets below lo (only when the cap is hit) collapse into lo.
    const int collapsed = std::clamp(lo - otherLo, 0, body.bucketCount);
    m_counts.front() += sumCounts(body, collapsed);
    if (collapsed < body.bucketCount)
        addCounts(body, collapsed, m_counts.data() + (otherLo + collapsed - lo));
    return true;
}

} // namespace adminchat

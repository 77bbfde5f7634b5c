#include "metrics/QuantileSketch.h"

#include "metrics/QuantileSketchStore.h"
#include "metrics/RequestMetrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

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
//  - The exact samples (at most exactLimit) are kept sorted, so two sketches of the same
//    samples compare equal whatever the order they came in. A merge keeps them only when both
//    sides have theirs and the total stays within the limit.

using namespace sketchstore;

QuantileSketch::QuantileSketch(double relativeAccuracy)
    : m_relativeAccuracy(isValidAccuracy(relativeAccuracy) ? relativeAccuracy
                                                           : defaultRelativeAccuracy),
      m_gamma((1.0 + m_relativeAccuracy) / (1.0 - m_relativeAccuracy)),
      m_logGamma(std::log(m_gamma)), m_min(std::numeric_limits<double>::infinity()),
      m_max(-std::numeric_limits<double>::infinity())
{
    // m_min/m_max start at +/-inf so add() and merge() need no "first value" branch; min() and
    // max() report NaN while empty.

    // The logs are the same libm results bucketIndex() would get, computed once per process.
    // One step of slack either way so a libm that rounds a boundary differently still reads
    // our blobs.
    static const double logLowest =
        std::log(std::nextafter(minTrackedValue, std::numeric_limits<double>::max()));
    static const double logHighest = std::log(std::numeric_limits<double>::max());
    m_lowestIndex = indexOfLog(logLowest) - 1;
    m_highestIndex = indexOfLog(logHighest) + 1;
}

int QuantileSketch::indexOfLog(double logValue) const
{
    // ceil without a libm call; the quotient is within int range for any finite value above
    // minTrackedValue because the accuracy is at least minRelativeAccuracy.
    const double x = logValue / m_logGamma;
    int index = int(x);
    if (double(index) < x)
        ++index;
    return index;
}

int QuantileSketch::bucketIndex(double value) const
{
    return indexOfLog(std::log(value));
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

void QuantileSketch::addExact(const double* values, std::size_t n, quint64 count)
{
    // count: the samples being added, of which values are the sorted n (or none when unknown).
    if (!m_exactKept)
        return;
    if (m_count + count > exactLimit || std::size_t(count) != n) {
        m_exactKept = false;
        m_exact.clear();
        m_exact.shrink_to_fit();
        return;
    }
    const auto middle = m_exact.insert(m_exact.end(), values, values + n);
    std::inplace_merge(m_exact.begin(), middle, m_exact.end());
}

void QuantileSketch::add(double value, quint64 count)
{
    if (count == 0 || !std::isfinite(value))
        return;
    if (m_exactKept) {
        if (m_count + count <= exactLimit)
            m_exact.insert(std::upper_bound(m_exact.begin(), m_exact.end(), value),
                           std::size_t(count), value);
        else
            addExact(nullptr, 0, count); // drops them
    }
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
    if (other.m_exactKept)
        addExact(other.m_exact.data(), other.m_exact.size(), other.m_count);
    else
        addExact(nullptr, 0, other.m_count);
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
    m_exact.clear();
    m_exactKept = true;
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

std::vector<std::pair<double, quint64>> QuantileSketch::valueCounts() const
{
    std::vector<std::pair<double, quint64>> out;
    if (m_exactKept) {
        for (double value : m_exact) {
            if (!out.empty() && out.back().first == value)
                ++out.back().second;
            else
                out.push_back({value, 1});
        }
        return out;
    }
    if (m_zeroCount > 0)
        out.push_back({0.0, m_zeroCount});
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        if (m_counts[i] > 0)
            out.push_back({bucketValue(m_offset + int(i)), m_counts[i]});
    }
    return out;
}

double QuantileSketch::rankValue(quint64 rank) const
{
    // min and max are exact, so the extreme ranks need no bucket.
    if (rank == 0)
        return m_min;
    if (rank >= m_count - 1)
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

std::optional<double> QuantileSketch::quantile(double q) const
{
    if (m_count == 0 || std::isnan(q))
        return std::nullopt;
    q = std::clamp(q, 0.0, 1.0);
    // Compared in double first so a rank near 2^64 cannot overflow the cast.
    const double last = double(m_count - 1);
    const double h = q * last;
    const double lowerD = std::floor(h);
    const quint64 lower = lowerD >= last ? m_count - 1 : quint64(lowerD);
    const quint64 upper = std::min(lower + 1, m_count - 1);
    if (m_exactKept) {
        // Kept within the two ranks, which rounding alone could leave by an ulp: a P99 never
        // above the max, never below the P95.
        const double value = *RequestMetrics::percentile(m_exact, q);
        return std::clamp(value, m_exact[lower], m_exact[upper]);
    }
    // The same interpolation over the ranks' bucket values.
    const double fraction = h - lowerD;
    const double low = rankValue(lower);
    if (fraction <= 0 || upper == lower)
        return low;
    const double high = rankValue(upper);
    return std::clamp(low + (high - low) * fraction, low, high);
}

quint64 QuantileSketch::countBelow(double value) const
{
    if (m_count == 0 || !(value > m_min))
        return 0;
    if (value > m_max)
        return m_count;
    if (m_exactKept)
        return quint64(std::lower_bound(m_exact.cbegin(), m_exact.cend(), value) -
                       m_exact.cbegin());
    // Values at or below minTrackedValue are all below a value above min; a bucket counts
    // whole when its representative value is below: off by at most the one bucket that
    // straddles value, whose samples are within the relative accuracy of it.
    quint64 below = m_zeroCount;
    if (value <= minTrackedValue)
        return below;
    const int limit = bucketIndex(value);
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        const int index = m_offset + int(i);
        if (index > limit || (index == limit && !(bucketValue(index) < value)))
            break;
        below += m_counts[i];
    }
    return below;
}

} // namespace adminchat

#pragma once

// The bucket store shared by QuantileSketch's arithmetic (QuantileSketch.cpp) and its byte
// form (QuantileSketchBytes.cpp). Internal to the sketch.

#include <QtGlobal>
#include <algorithm>
#include <numeric>
#include <utility>
#include <vector>

namespace adminchat::sketchstore {

inline constexpr int maxBuckets = 4096;
inline constexpr double minRelativeAccuracy = 1e-6;

inline bool isValidAccuracy(double a)
{
    return a >= minRelativeAccuracy && a < 1.0; // false for NaN
}

// Makes the store cover exactly [lo, hi]: buckets below lo are collapsed into lo, new ones are
// zero. hi must be >= the store's highest index (nothing is dropped from the top).
inline void reshape(std::vector<quint64>& counts, int& offset, int lo, int hi)
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
inline std::pair<int, int> widenedRange(bool empty, int lo, int hi, int otherLo, int otherHi)
{
    int newLo = empty ? otherLo : std::min(lo, otherLo);
    const int newHi = empty ? otherHi : std::max(hi, otherHi);
    if (newHi - newLo + 1 > maxBuckets)
        newLo = newHi - maxBuckets + 1;
    return {newLo, newHi};
}

} // namespace adminchat::sketchstore

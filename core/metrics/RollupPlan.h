#pragma once

#include "metrics/RollupKey.h"

#include <QtGlobal>
#include <limits>
#include <vector>

namespace adminchat {

// How a window [fromMs, toMs) is read: whole buckets where they fit, as wide as allowed, and raw
// rows for the partial minutes at its edges, so every window keeps the exact percentile
// definition at its edges while its cost follows the number of buckets. Where the buckets of a
// resolution were pruned (RollupPlan::Kept), the next finer one is used, and raw rows below
// minutes.
class RollupPlan
{
public:
    struct Segment
    {
        enum class Kind
        {
            Raw,  // rows of the requests table
            Cells // buckets of one resolution
        };
        Kind kind = Kind::Raw;
        RollupKey::Resolution resolution = RollupKey::Resolution::Minute; // for Cells
        qint64 fromMs = 0;                                                // [fromMs, toMs)
        qint64 toMs = 0;

        bool operator==(const Segment&) const = default;
    };

    // The oldest bucket start still stored per resolution (pruned before); day buckets are kept.
    // Week buckets are read only once they are complete (built from the day buckets of a
    // database that had none).
    struct Kept
    {
        qint64 minuteSinceMs = std::numeric_limits<qint64>::min();
        qint64 hourSinceMs = std::numeric_limits<qint64>::min();
        bool weeks = true;
    };

    // maxWidthMs: the widest bucket allowed (a timeline slice must not be narrower than the
    // buckets it is made of); consecutive buckets of one resolution form one segment.
    static std::vector<Segment> segments(qint64 fromMs, qint64 toMs, qint64 maxWidthMs,
                                         const Kept& kept);
};

} // namespace adminchat

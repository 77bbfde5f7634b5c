#include "metrics/RollupPlan.h"

#include <algorithm>

namespace adminchat {

namespace {

using Resolution = RollupKey::Resolution;

qint64 ceilTo(qint64 ms, Resolution resolution)
{
    const qint64 start = RollupKey::bucketStart(ms, resolution);
    return start == ms ? ms : start + qint64(resolution);
}

void append(std::vector<RollupPlan::Segment>& out, RollupPlan::Segment segment)
{
    if (segment.fromMs >= segment.toMs)
        return;
    if (!out.empty() && out.back().kind == segment.kind &&
        (segment.kind == RollupPlan::Segment::Kind::Raw ||
         out.back().resolution == segment.resolution) &&
        out.back().toMs == segment.fromMs) {
        out.back().toMs = segment.toMs;
        return;
    }
    out.push_back(segment);
}

} // namespace

std::vector<RollupPlan::Segment> RollupPlan::segments(qint64 fromMs, qint64 toMs, qint64 maxWidthMs,
                                                      const Kept& kept)
{
    using Kind = Segment::Kind;
    std::vector<Segment> out;
    if (fromMs >= toMs)
        return out;
    const qint64 lastMinute = RollupKey::bucketStart(toMs, Resolution::Minute);
    qint64 at = std::min(ceilTo(fromMs, Resolution::Minute), toMs);
    append(out, {Kind::Raw, Resolution::Minute, fromMs, at});
    const auto kept_ = [&](Resolution resolution, qint64 ms) {
        switch (resolution) {
        case Resolution::Minute:
            return ms >= kept.minuteSinceMs;
        case Resolution::Hour:
            return ms >= kept.hourSinceMs;
        case Resolution::Day:
            return true;
        case Resolution::Week:
            return kept.weeks;
        }
        return false;
    };
    while (at < lastMinute) {
        bool taken = false;
        for (Resolution resolution :
             {Resolution::Week, Resolution::Day, Resolution::Hour, Resolution::Minute}) {
            const qint64 width = qint64(resolution);
            if (width > maxWidthMs || RollupKey::bucketStart(at, resolution) != at ||
                at + width > lastMinute || !kept_(resolution, at))
                continue;
            append(out, {Kind::Cells, resolution, at, at + width});
            at += width;
            taken = true;
            break;
        }
        if (!taken) { // no bucket fits or is kept here: raw rows to the next minute
            append(out, {Kind::Raw, Resolution::Minute, at, at + qint64(Resolution::Minute)});
            at += qint64(Resolution::Minute);
        }
    }
    append(out, {Kind::Raw, Resolution::Minute, std::max(at, fromMs), toMs});
    return out;
}

} // namespace adminchat

#include "store/WindowReport.h"

#include "metrics/MetricsRecord.h"
#include "metrics/RollupKey.h"
#include "store/MetricsStore.h"
#include "store/RollupReader.h"

#include <algorithm>

namespace adminchat {

namespace {

constexpr qint64 minuteMs = qint64(RollupKey::Resolution::Minute);
constexpr qint64 hourMs = qint64(RollupKey::Resolution::Hour);
constexpr qint64 dayMs = qint64(RollupKey::Resolution::Day);
constexpr qint64 maxSlices = 61; // 60, and one more where the window does not start aligned

qint64 floorTo(qint64 ms, qint64 width)
{
    const qint64 q = ms / width;
    return (q - (ms % width < 0 ? 1 : 0)) * width;
}

} // namespace

WindowReport::WindowReport(const MetricsStore& store, Timeline timeline)
    : m_store(store), m_timeline(timeline)
{}

qint64 WindowReport::sliceWidthMs(qint64 spanMs)
{
    static constexpr qint64 ladder[] = {
        minuteMs,    2 * minuteMs, 5 * minuteMs, 10 * minuteMs, 15 * minuteMs, 30 * minuteMs,
        hourMs,      2 * hourMs,   3 * hourMs,   6 * hourMs,    12 * hourMs,   dayMs,
        2 * dayMs,   7 * dayMs,    14 * dayMs,   28 * dayMs,    56 * dayMs,    91 * dayMs,
        182 * dayMs, 364 * dayMs,  728 * dayMs,  1456 * dayMs};
    if (spanMs < 60 * minuteMs)
        return minuteMs; // the 5-minute window too: its rows are read only at its first edge
    for (const qint64 width : ladder) {
        // Over half a day, no slice narrower than an hour: minute buckets would be read for
        // every slice of a window that moves with each refresh.
        if (spanMs > 12 * hourMs && width < hourMs)
            continue;
        if (spanMs / width + 1 <= maxSlices)
            return width;
    }
    return ladder[std::size(ladder) - 1];
}

bool WindowReport::Part::same(const MetricsFilter& f, qint64 from, qint64 to, qint64 width) const
{
    return valid && filter.sameLabels(f) && fromMs == from && toMs == to && widthMs == width;
}

void WindowReport::Part::fold(const MetricsRecord& labels, qint64 ms, qint64 newestMs,
                              const RollupCell& cell)
{
    groups.add(labels, newestMs, cell);
    if (!slices.empty()) {
        const auto index = std::size_t(std::max<qint64>(0, (ms - originMs) / widthMs));
        slices[std::min(index, slices.size() - 1)].merge(cell);
    }
}

bool WindowReport::fill(Part& part, const MetricsFilter& filter, qint64 fromMs, qint64 toMs,
                        qint64 originMs, qint64 widthMs, bool slices, QString* error)
{
    part = Part();
    part.filter = filter;
    part.fromMs = fromMs;
    part.toMs = toMs;
    part.originMs = originMs;
    part.widthMs = widthMs;
    if (slices && toMs > fromMs)
        part.slices.resize(std::size_t((toMs - originMs + widthMs - 1) / widthMs));
    const bool ok = RollupReader::read(
        m_store, filter, fromMs, toMs, widthMs,
        [&part](const MetricsRecord& labels, qint64 ms, qint64 newestMs, const RollupCell& cell) {
            part.fold(labels, ms, newestMs, cell);
        },
        error);
    part.valid = ok;
    return ok;
}

WindowReport::Collected WindowReport::collect(const MetricsFilter& filter, qint64 nowMs,
                                              QString* error)
{
    const qint64 minuteStart = floorTo(nowMs, minuteMs);
    const qint64 toMs = minuteStart + minuteMs; // nothing starts after now
    const QDateTime windowStart = filter.start(QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC));
    Collected c;
    c.fromMs = windowStart.isValid() ? windowStart.toMSecsSinceEpoch()
                                     : RollupReader::firstBucketMs(m_store, toMs);
    c.widthMs = sliceWidthMs(nowMs + 1 - c.fromMs);
    c.originMs = floorTo(c.fromMs, c.widthMs);
    c.lastSliceMs = std::max(c.fromMs, floorTo(nowMs, c.widthMs));
    const qint64 currentFrom = std::max(c.lastSliceMs, std::min(minuteStart, toMs));
    const bool slices = m_timeline == Timeline::Kept;
    bool ok = true;
    if (!m_closed.same(filter, c.fromMs, c.lastSliceMs, c.widthMs))
        ok =
            fill(m_closed, filter, c.fromMs, c.lastSliceMs, c.originMs, c.widthMs, slices, error) &&
            ok;
    const qint64 currentTo = std::max(c.lastSliceMs, minuteStart);
    if (!m_current.same(filter, c.lastSliceMs, currentTo, c.widthMs))
        ok = fill(m_current, filter, c.lastSliceMs, currentTo, c.lastSliceMs, c.widthMs, false,
                  error) &&
             ok;
    c.groups = m_closed.groups;
    c.groups.merge(m_current.groups);
    if (slices)
        c.lastSlice = m_current.groups.total();
    ok = RollupReader::read(
             m_store, filter, currentFrom, toMs, c.widthMs,
             [&](const MetricsRecord& labels, qint64, qint64 newestMs, const RollupCell& cell) {
                 c.groups.add(labels, newestMs, cell);
                 if (slices)
                     c.lastSlice.merge(cell);
             },
             error) &&
         ok;
    if (!ok) // read again next time
        m_closed.valid = m_current.valid = false;
    return c;
}

RollupGroups WindowReport::groups(const MetricsFilter& filter, const QDateTime& now, QString* error)
{
    return collect(filter, now.toMSecsSinceEpoch(), error).groups;
}

AggregateReport WindowReport::compute(const MetricsFilter& filter, const QDateTime& now,
                                      const CategoryRule& rule, QString* error)
{
    const Collected c = collect(filter, now.toMSecsSinceEpoch(), error);
    AggregateReport report;
    report.from = filter.start(now);
    report.to = now;
    c.groups.finish(report, rule);
    if (m_timeline == Timeline::None)
        return report;

    const auto bucketOf = [&](qint64 startMs, const RollupCell& cell) {
        GroupStats stats;
        cell.summarizeInto(stats, rule);
        TimeBucket bucket;
        bucket.start = QDateTime::fromMSecsSinceEpoch(std::max(startMs, c.fromMs), Qt::UTC);
        bucket.ttft = stats.ttft;
        bucket.e2e = stats.e2e;
        bucket.tokensPerSecond = stats.tokensPerSecond;
        bucket.started = stats.started;
        bucket.errors = stats.errors;
        return bucket;
    };
    for (std::size_t i = 0; i < m_closed.slices.size(); ++i)
        report.timeline.append(bucketOf(c.originMs + qint64(i) * c.widthMs, m_closed.slices[i]));
    report.timeline.append(bucketOf(c.lastSliceMs, c.lastSlice));
    return report;
}

void WindowReport::recordAdded(const MetricsRecord& record)
{
    if (!record.startedUtc.isValid())
        return;
    const qint64 ms = record.startedUtc.toMSecsSinceEpoch();
    for (Part* part : {&m_closed, &m_current}) {
        if (part->covers(ms) && part->filter.matchesLabels(record)) {
            RollupCell cell;
            cell.add(record);
            part->fold(record, ms, ms, cell);
        }
    }
}

void WindowReport::invalidate(qint64 ms)
{
    for (Part* part : {&m_closed, &m_current}) {
        if (part->covers(ms))
            part->valid = false;
    }
}

} // namespace adminchat

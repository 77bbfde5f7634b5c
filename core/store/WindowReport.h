#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/LatencyCategory.h"
#include "metrics/MetricsFilter.h"
#include "metrics/RollupCell.h"
#include "metrics/RollupGroups.h"

#include <QDateTime>
#include <vector>

namespace adminchat {

class MetricsStore;
struct MetricsRecord;

// The dashboard's report of a window, timeline included, from the rollups, for refresh after
// refresh. Whatever lies before the current minute is kept between refreshes: the timeline's
// closed slices, and the current slice's whole minutes; a refresh then reads only the current
// minute. The parts kept take in the records this process stores (recordAdded) and are read
// again when something they cover changes otherwise (invalidate).
//
// Timeline slices are a whole number of minutes, hours or days (sliceWidthMs), aligned to
// multiples of their width, at most 61 (the first one starts with the window); a 5-minute window
// has minute slices.
class WindowReport
{
public:
    enum class Timeline
    {
        Kept,
        None // groups only: no timeline slices to keep or merge into
    };

    explicit WindowReport(const MetricsStore& store, Timeline timeline = Timeline::Kept);

    AggregateReport compute(const MetricsFilter& filter, const QDateTime& now,
                            const CategoryRule& rule, QString* error = nullptr);
    // The window's cells merged per (endpoint, model, variant), without the report.
    RollupGroups groups(const MetricsFilter& filter, const QDateTime& now,
                        QString* error = nullptr);
    void recordAdded(const MetricsRecord& record);
    // A record started at ms changed or appeared in a way recordAdded did not see (another
    // writer's row, a rating).
    void invalidate(qint64 ms);

    // The timeline's slice width for a window of spanMs.
    static qint64 sliceWidthMs(qint64 spanMs);

private:
    struct Part
    {
        bool valid = false;
        MetricsFilter filter;
        qint64 fromMs = 0;
        qint64 toMs = 0;
        qint64 originMs = 0; // first slice start (aligned)
        qint64 widthMs = 0;
        RollupGroups groups;
        std::vector<RollupCell> slices; // per timeline slice, the closed part only

        bool covers(qint64 ms) const { return valid && ms >= fromMs && ms < toMs; }
        bool same(const MetricsFilter& f, qint64 from, qint64 to, qint64 width) const;
        void fold(const MetricsRecord& labels, qint64 ms, qint64 newestMs, const RollupCell& cell);
    };

    struct Collected
    {
        RollupGroups groups;
        RollupCell lastSlice; // the timeline's last slice: the one holding now
        qint64 fromMs = 0;
        qint64 originMs = 0;
        qint64 widthMs = 0;
        qint64 lastSliceMs = 0;
    };

    // Brings the kept parts up to the filter and now, and merges the current minute on top.
    Collected collect(const MetricsFilter& filter, qint64 nowMs, QString* error);
    bool fill(Part& part, const MetricsFilter& filter, qint64 fromMs, qint64 toMs, qint64 originMs,
              qint64 widthMs, bool slices, QString* error);

    const MetricsStore& m_store;
    const Timeline m_timeline;
    Part m_closed;  // the slices before the one holding now
    Part m_current; // that slice's whole minutes before now's
};

} // namespace adminchat

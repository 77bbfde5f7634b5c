#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/LatencyCategory.h"
#include "watch/IncidentStore.h"

#include <QList>
#include <optional>

namespace adminchat {

class MetricsStore;

// What the Endpoints view shows of every watched endpoint and model, read from the watch's
// tables and the rollups (never the raw rows): status, uptime, status-page bars, the probes'
// figures over 72 h, the newest trouble and the open incident.
class WatchOverview
{
public:
    static constexpr qint64 hourMs = 3'600'000;
    static constexpr qint64 dayMs = 24 * hourMs;
    static constexpr qint64 figuresWindowMs = 72 * hourMs;
    // A bar's segments: 24 of an hour for a day, 28 of six hours for a week.
    static constexpr int daySegments = 24;
    static constexpr int weekSegments = 28;

    struct Row
    {
        IncidentStore::Target target;
        std::optional<double> uptime24h;
        std::optional<double> uptime7d;
        std::optional<double> uptime30d;
        // Oldest first; the worst state each segment saw (Unknown: not probed then).
        QList<WatchState> day;
        QList<WatchState> week;
        // Probes only (tag "probe"): the method is fixed, so the figures compare over time.
        GroupStats figures;
        QString lastError; // the cause of the newest incident, if any
        qint64 lastErrorMs = 0;
        std::optional<IncidentStore::Incident> openIncident;
    };

    // Every target in watch_targets, by profile and model. False (error set) when a read failed.
    static bool read(MetricsStore& metrics, IncidentStore& incidents, qint64 nowMs,
                     const CategoryRule& rule, QList<Row>* rows, QString* error = nullptr);

    // The worst state of [fromMs, toMs) in `count` equal segments, from the incidents
    // overlapping it. A segment that ends before firstProbeMs, or a past one that starts after
    // lastProbeMs (nobody probed since), is Unknown.
    static QList<WatchState> segments(const QList<IncidentStore::Incident>& incidents,
                                      qint64 firstProbeMs, qint64 lastProbeMs, qint64 fromMs,
                                      qint64 toMs, int count);

    // Down and key rejected are worse than degraded, degraded than up, up than unknown.
    static int severity(WatchState state);
};

} // namespace adminchat

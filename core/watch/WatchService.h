#pragma once

#include "metrics/LatencyCategory.h"
#include "settings/AlertThresholds.h"
#include "watch/Alert.h"
#include "watch/ProbeResult.h"
#include "watch/StatusChange.h"
#include "watch/WatchOverview.h"
#include "watch/WatchTarget.h"

#include <QObject>
#include <memory>

namespace adminchat {

class WatchEngine;

// The window's watch, on a thread of its own (WatchThread): runs a WatchEngine over the
// targets it is given and reads what the Endpoints view shows (WatchOverview, incidents), so
// neither probing nor reading the database ever runs on the GUI thread. Every call is made
// through the thread's event loop; results come back as signals.
class WatchService : public QObject
{
    Q_OBJECT
public:
    struct Observed
    {
        QString profile;
        QString endpointId;
        QString model;
        int intervalS = 60;
    };
    struct Plan
    {
        QList<WatchTarget> targets; // probed here
        QList<Observed> observed;   // another process holds their watch
    };

    WatchService(const QString& databasePath, const CategoryRule& rule,
                 const AlertThresholds& thresholds);
    ~WatchService() override;

    void open();
    // Stops what runs and watches this plan instead (an empty plan: nothing).
    void watch(const Plan& plan);
    void stop();
    // The application's alert thresholds changed: the plan watched goes on with them.
    void setAlertThresholds(const AlertThresholds& thresholds);
    void readOverview(qint64 nowMs);
    void readIncidents(const QString& endpointId, const QString& model, qint64 sinceMs);

signals:
    void probed(const adminchat::ProbeResult& probe);
    void statusChanged(const adminchat::StatusChange& change, bool observed);
    void alerted(const adminchat::Alert& alert);
    void overviewRead(const QList<adminchat::WatchOverview::Row>& rows);
    void incidentsRead(const QString& endpointId, const QString& model,
                       const QList<adminchat::IncidentStore::Incident>& incidents);
    void failed(const QString& error);

private:
    QString m_databasePath;
    CategoryRule m_rule;
    AlertThresholds m_thresholds;
    Plan m_plan; // what is watched now
    std::unique_ptr<MetricsStore> m_metrics;
    std::unique_ptr<IncidentStore> m_incidents;
    std::unique_ptr<WatchEngine> m_engine;
    bool m_open = false;
};

} // namespace adminchat

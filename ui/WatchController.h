#pragma once

#include "endpoints/EndpointProfile.h"
#include "net/EndpointConfig.h"
#include "watch/WatchService.h"
#include "watch/WatchState.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <map>
#include <memory>

namespace adminchat {

class ProfileResolver;
class ProfileStore;
class WatchLock;
class WatchThread;

// The window's side of the endpoint watch: finds the profiles with probing on, resolves them
// (keys from the keychain), takes each endpoint's watch lock or, when `adminchat watch` holds
// it, only observes what that process stores, and runs the probes on a WatchThread. Keeps the
// overview the Endpoints tab and the tray show fresh.
class WatchController : public QObject
{
    Q_OBJECT
public:
    enum class Holder
    {
        None,     // in the database from an earlier watch; nobody watches it now
        Here,     // this window probes it
        Elsewhere // another process probes it; this window shows what it stores
    };
    static constexpr int refreshMs = 30'000;

    WatchController(ProfileStore* profiles, const QString& databasePath, const CategoryRule& rule,
                    const AlertThresholds& thresholds, QObject* parent = nullptr);
    ~WatchController() override;

    void start();  // opens the watch's thread and watches
    void reload(); // the profiles changed: resolve and watch them again
    void setPaused(bool paused);
    void setAlertThresholds(const AlertThresholds& thresholds); // Preferences
    bool isPaused() const { return m_paused; }

    const QList<WatchOverview::Row>& rows() const { return m_rows; }
    Holder holder(const QString& endpointId, const QString& model) const;
    // The worst status of what is watched now (here or elsewhere); Unknown when nothing is.
    WatchState worstState() const { return m_worst; }
    int watchedCount() const { return int(m_holders.size()); }
    QStringList problems() const { return m_problems; } // profiles that could not be watched

    void refresh(); // reads the overview again (soon, coalesced)
    void readIncidents(const QString& endpointId, const QString& model);

signals:
    void rowsChanged();
    void pausedChanged(bool paused);
    void alerted(const adminchat::Alert& alert);
    void incidentsRead(const QString& endpointId, const QString& model,
                       const QList<adminchat::IncidentStore::Incident>& incidents);
    void failed(const QString& error);

private:
    void resolveAll();
    void onResolved(const EndpointProfile& profile, const QString& error,
                    const EndpointConfig& config, quint64 generation);
    void plan();
    void onOverview(const QList<WatchOverview::Row>& rows);
    static QString key(const QString& endpointId, const QString& model);

    ProfileStore* m_profiles;
    QString m_databasePath;
    WatchThread* m_thread;
    ProfileResolver* m_resolver;
    quint64 m_generation = 0; // resolutions of an older reload are dropped
    int m_pending = 0;
    QList<WatchTarget> m_targets; // resolved, probed here when their lock is ours
    std::map<QString, std::unique_ptr<WatchLock>> m_locks; // by endpoint id, held
    QHash<QString, Holder> m_holders; // by key(endpoint, model): what is watched now
    QStringList m_problems;
    QList<WatchOverview::Row> m_rows;
    WatchState m_worst = WatchState::Unknown;
    bool m_paused = false;
    bool m_started = false;
    QTimer m_refresh;  // the overview's period
    QTimer m_coalesce; // probes that end close together read once
};

} // namespace adminchat

#pragma once

#include "metrics/LatencyCategory.h"
#include "net/ChatClient.h"
#include "store/MetricsStore.h"
#include "watch/Alert.h"
#include "watch/AlertRules.h"
#include "watch/IncidentStore.h"
#include "watch/ProbeScheduler.h"
#include "watch/StatusTracker.h"
#include "watch/WatchTarget.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <memory>

namespace adminchat {

class RequestMeter;
struct RequestMetrics;

// Watches endpoints: probes each target on its ProbeScheduler's schedule through the client
// path every request takes (ChatClient, RequestMeter, RequestFinisher, so a probe is a request
// in the metrics with the tag "probe"), classifies it (ProbeResult), keeps each target's status
// (StatusTracker), records probes, status changes and incidents (IncidentStore) and raises
// alerts (AlertRules). Targets another process watches are only observed: their stored status
// is read at their interval and its changes reported, never probed.
//
// Runs on the thread it lives on, without blocking it; writes the database directly (one
// probe at a time per target is a few small transactions).
class WatchEngine : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString databasePath;
        qint64 alertCooldownMs = AlertRules::defaultCooldownMs;
        // The application's thresholds (AppSettings::alertThresholds()); each profile's
        // ProbeSettings::alerts override them for its targets.
        AlertThresholds alertThresholds;
        CategoryRule categoryRule;
        bool once = false;           // probe (or read) each target once, then emit finished
        ProbeScheduler::Clock clock; // UTC ms; default the system clock
    };

    explicit WatchEngine(Options options, QObject* parent = nullptr);
    ~WatchEngine() override;

    // Opens the database (creating or migrating it); false with a one-line *error.
    bool open(QString* error = nullptr);
    // After open(), before start().
    void addTarget(const WatchTarget& target);
    void addObservedTarget(const QString& profile, const QString& endpointId, const QString& model,
                           int intervalS);
    void start();
    void stop(); // cancels the probes in flight; nothing more is reported

    // The status of every target now, for the exit status.
    QList<WatchState> states() const;

signals:
    void probed(const adminchat::ProbeResult& probe);
    // Each probe's metrics record, as stored (for pushing the watch's metrics).
    void recorded(const adminchat::MetricsRecord& record);
    void statusChanged(const adminchat::StatusChange& change, bool observed);
    void alerted(const adminchat::Alert& alert);
    void storeFailed(const QString& error);
    // With Options::once, when every target was probed or read once.
    void finished();

private:
    struct Probed
    {
        WatchTarget target;
        AlertThresholds thresholds;
        StatusTracker tracker;
        QString fingerprint;
        int schedulerIndex = -1;
        qsizetype nextPrompt = 0;
        quint64 requestId = 0; // in flight; 0: none
        QString requestUid;
        bool probedOnce = false;
    };
    struct Observed
    {
        QString profile;
        QString endpointId;
        QString model;
        qint64 intervalMs = 60'000;
        qint64 dueMs = 0;
        WatchState state = WatchState::Unknown;
        bool read = false;
    };

    qint64 now() const;
    void reschedule();
    void onTimer();
    void startProbe(Probed& probed);
    void onMeasured(quint64 id, const RequestTrace& trace, const RequestMetrics& metrics);
    void handleResult(Probed& entry, const ProbeResult& result);
    void readObserved(Observed& observed);
    void report(const StatusChange& change, bool observed);
    void raise(const std::optional<Alert>& alert);
    void raise(const QList<Alert>& alerts);
    void checkOnceDone();

    Options m_options;
    ChatClient m_client;
    RequestMeter* m_meter = nullptr;
    MetricsStore m_metrics;
    IncidentStore m_incidents;
    ProbeScheduler m_scheduler;
    AlertRules m_alerts;
    std::vector<std::unique_ptr<Probed>> m_probed;
    std::vector<Observed> m_observed;
    QHash<quint64, Probed*> m_inFlight;
    QTimer m_timer;
    bool m_running = false;
    bool m_finishedEmitted = false;
};

} // namespace adminchat

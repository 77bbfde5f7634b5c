#pragma once

#include "EndpointChooser.h"
#include "WatchOptions.h"
#include "watch/WatchEngine.h"
#include "watch/WatchLock.h"

#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <vector>

namespace adminchat {

class AlertCommand;
class TelemetryPush;
class DesktopNotifier;

// One `adminchat watch`: resolves the profiles (keys from the environment or the keychain),
// takes each endpoint's watch lock (or only observes it), runs a WatchEngine, prints what it
// reports (text or JSON lines), hands alerts to --on-alert, and exits the event loop with the
// documented status.
class WatchRun : public QObject
{
public:
    explicit WatchRun(WatchOptions options, QObject* parent = nullptr);
    ~WatchRun() override;

    void start();     // from the running event loop
    void interrupt(); // a signal: stop, exit 0

private:
    void resolveNext();
    bool addProfile(const EndpointChooser::Choice& choice);
    void run();
    void finish(int exitCode);
    void fail(const QString& message, int exitCode);
    void onProbed(const ProbeResult& probe);
    void onStatusChanged(const StatusChange& change, bool observed);
    void onAlerted(const Alert& alert);
    void exitWhenPushed(int exitCode);

    WatchOptions m_options;
    EndpointChooser m_chooser;
    QStringList m_pending; // profiles still to resolve
    std::unique_ptr<WatchEngine> m_engine;
    std::vector<std::unique_ptr<WatchLock>> m_locks;
    std::unique_ptr<AlertCommand> m_alertCommand;
    std::unique_ptr<TelemetryPush> m_push; // with --push-gateway or --push-import
    QSet<QString> m_pushErrors;            // said once each
    std::unique_ptr<DesktopNotifier> m_notifier;
    QTimer m_duration;
    bool m_finishing = false;
};

} // namespace adminchat

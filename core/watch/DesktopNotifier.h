#pragma once

#include "watch/Alert.h"

#include <QDBusConnection>
#include <QHash>
#include <QList>
#include <QObject>

class QDBusPendingCallWatcher;

namespace adminchat {

// Shows alerts as desktop notifications through the freedesktop Notifications interface
// (org.freedesktop.Notifications on the session bus): app name "AdminChat", the app's icon,
// the rule as summary, the message as body (escaped: the body may hold markup, and messages
// quote what servers sent), urgency critical for an endpoint down or a key refused, and the
// actions "default" and "open", whose invocation comes back as alertActivated(). A resolved
// alert replaces the notification of the alert it resolves.
//
// Every D-Bus call is asynchronous. Without a session bus or a notification server it says so
// in one log line (again only after notifications worked in between) and drops the alert.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    static inline const QString appName = QStringLiteral("AdminChat");
    static inline const QString iconName = QStringLiteral("io.github.adminchat.AdminChat");

    explicit DesktopNotifier(QObject* parent = nullptr); // the session bus
    explicit DesktopNotifier(const QDBusConnection& bus, QObject* parent = nullptr);

    void notify(const Alert& alert);
    // Takes the alert's notification (of its key) off the screen.
    void close(const Alert& alert);

    // No Notify call waits for its reply (what a process checks before it exits).
    bool isIdle() const { return m_queued.isEmpty(); }

    static QString summaryOf(const Alert& alert);
    static QString bodyOf(const Alert& alert); // escaped for the body's markup

signals:
    // action: "default" (the notification was clicked) or "open".
    void alertActivated(const adminchat::Alert& alert, const QString& action);
    // The server took it and gave it this id.
    void notified(const adminchat::Alert& alert, uint id);
    void notifyFailed(const adminchat::Alert& alert, const QString& error);
    // The last Notify call in flight was answered (isIdle() again).
    void settled();

private slots:
    void onActionInvoked(uint id, const QString& action);
    void onNotificationClosed(uint id, uint reason);

private:
    void send(const Alert& alert);
    void onReplied(QDBusPendingCallWatcher* watcher, const Alert& alert);
    void sendClose(uint id);
    void unavailable(const QString& why);

    QDBusConnection m_bus;
    QHash<QString, uint> m_ids;            // by Alert::key(): its notification on the screen
    QHash<uint, Alert> m_shown;            // by notification id
    QHash<QString, QList<Alert>> m_queued; // by key: waiting for that key's call in flight
    QHash<QString, bool> m_closeQueued;    // by key: close when the call in flight returns
    bool m_saidUnavailable = false;
};

} // namespace adminchat

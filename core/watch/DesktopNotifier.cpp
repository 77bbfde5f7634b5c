#include "watch/DesktopNotifier.h"

#include "watch/WatchLog.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QVariantMap>

namespace adminchat {

namespace {

const QString service = QStringLiteral("org.freedesktop.Notifications");
const QString path = QStringLiteral("/org/freedesktop/Notifications");
const QString interface = QStringLiteral("org.freedesktop.Notifications");

// The specification's urgency levels.
constexpr uchar normalUrgency = 1;
constexpr uchar criticalUrgency = 2;

QString title(const QString& rule)
{
    static const QHash<QString, QString> titles{
        {QStringLiteral("down"), QStringLiteral("Endpoint down")},
        {QStringLiteral("degraded"), QStringLiteral("Endpoint degraded")},
        {QStringLiteral("key_rejected"), QStringLiteral("API key rejected")},
        {QStringLiteral("content_check"), QStringLiteral("Content check failing")},
        {QStringLiteral("budget"), QStringLiteral("Probe budget used up")},
        {QStringLiteral("degraded_for"), QStringLiteral("Endpoint degraded for long")},
        {QStringLiteral("ttft_p95"), QStringLiteral("Slow first token")},
        {QStringLiteral("e2e_p95"), QStringLiteral("Slow answers")},
        {QStringLiteral("error_rate"), QStringLiteral("Error rate high")},
    };
    return titles.value(rule, rule);
}

} // namespace

DesktopNotifier::DesktopNotifier(QObject* parent)
    : DesktopNotifier(QDBusConnection::sessionBus(), parent)
{}

DesktopNotifier::DesktopNotifier(const QDBusConnection& bus, QObject* parent)
    : QObject(parent), m_bus(bus)
{
    if (!m_bus.isConnected())
        return;
    // Signals of whichever server owns the name now or later.
    m_bus.connect(QString(), path, interface, QStringLiteral("ActionInvoked"), this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(QString(), path, interface, QStringLiteral("NotificationClosed"), this,
                  SLOT(onNotificationClosed(uint, uint)));
}

QString DesktopNotifier::summaryOf(const Alert& alert)
{
    // The profile is the user's own name for it; the model and server text go in the body.
    return (alert.resolved ? QStringLiteral("Resolved: %1 (%2)") : QStringLiteral("%1: %2"))
        .arg(title(alert.rule), alert.profile);
}

QString DesktopNotifier::bodyOf(const Alert& alert)
{
    return alert.message.toHtmlEscaped();
}

void DesktopNotifier::notify(const Alert& alert)
{
    if (!m_bus.isConnected()) {
        unavailable(QStringLiteral("no D-Bus session bus"));
        emit notifyFailed(alert, QStringLiteral("no D-Bus session bus"));
        return;
    }
    const QString key = alert.key();
    // One call per key at a time: a resolved alert needs the id its firing alert got.
    if (auto queued = m_queued.find(key); queued != m_queued.end()) {
        queued->append(alert);
        return;
    }
    m_queued.insert(key, {});
    send(alert);
}

void DesktopNotifier::send(const Alert& alert)
{
    QDBusMessage call =
        QDBusMessage::createMethodCall(service, path, interface, QStringLiteral("Notify"));
    const QVariantMap hints{
        {QStringLiteral("urgency"),
         QVariant::fromValue(alert.isCritical() ? criticalUrgency : normalUrgency)},
        {QStringLiteral("desktop-entry"), iconName},
        {QStringLiteral("category"),
         alert.resolved ? QStringLiteral("network") : QStringLiteral("network.error")},
    };
    call << appName << m_ids.value(alert.key(), 0u) << iconName << summaryOf(alert) << bodyOf(alert)
         << QStringList{QStringLiteral("default"), QStringLiteral("Show"), QStringLiteral("open"),
                        QStringLiteral("Open evidence")}
         << hints << qint32(-1);
    auto* watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, alert](QDBusPendingCallWatcher* finished) { onReplied(finished, alert); });
}

void DesktopNotifier::onReplied(QDBusPendingCallWatcher* watcher, const Alert& alert)
{
    watcher->deleteLater();
    const QDBusPendingReply<uint> reply = *watcher;
    const QString key = alert.key();
    if (reply.isError()) {
        unavailable(QStringLiteral("%1: %2").arg(reply.error().name(), reply.error().message()));
        emit notifyFailed(alert, reply.error().message());
    } else {
        m_saidUnavailable = false;
        const uint id = reply.value();
        if (const uint previous = m_ids.value(key, 0); previous && previous != id)
            m_shown.remove(previous);
        m_ids.insert(key, id);
        m_shown.insert(id, alert);
        qCDebug(lcNotify).noquote() << "notified" << id << alert.rule << alert.profile;
        emit notified(alert, id);
    }
    QList<Alert> waiting = m_queued.take(key);
    if (m_closeQueued.take(key) && m_ids.contains(key))
        sendClose(m_ids.value(key));
    if (!waiting.isEmpty()) {
        const Alert next = waiting.takeFirst();
        m_queued.insert(key, waiting);
        send(next);
    } else if (m_queued.isEmpty()) {
        emit settled();
    }
}

void DesktopNotifier::close(const Alert& alert)
{
    const QString key = alert.key();
    if (m_queued.contains(key)) {
        m_closeQueued.insert(key, true);
        return;
    }
    if (const uint id = m_ids.value(key, 0))
        sendClose(id);
}

void DesktopNotifier::sendClose(uint id)
{
    QDBusMessage call = QDBusMessage::createMethodCall(service, path, interface,
                                                       QStringLiteral("CloseNotification"));
    call << id;
    auto* watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [](QDBusPendingCallWatcher* finished) {
                finished->deleteLater();
                if (finished->isError())
                    qCDebug(lcNotify).noquote()
                        << "closing a notification:" << finished->error().message();
            });
}

void DesktopNotifier::onActionInvoked(uint id, const QString& action)
{
    const auto shown = m_shown.constFind(id);
    if (shown != m_shown.cend())
        emit alertActivated(*shown, action);
}

void DesktopNotifier::onNotificationClosed(uint id, uint reason)
{
    Q_UNUSED(reason)
    const auto shown = m_shown.constFind(id);
    if (shown == m_shown.cend())
        return;
    // A later alert of the same key starts a notification of its own.
    m_ids.remove(shown->key());
    m_shown.erase(shown);
}

void DesktopNotifier::unavailable(const QString& why)
{
    if (std::exchange(m_saidUnavailable, true))
        return;
    qCWarning(lcNotify).noquote() << "desktop notifications are unavailable (" + why +
                                         "); alerts are not shown on the desktop";
}

} // namespace adminchat

// A real desktop notification server for the tests: a private D-Bus session bus
// (dbus-daemon), an X server (Xvfb) and Debian's dunst on them, and dbus-monitor printing every
// call to org.freedesktop.Notifications on that bus. Nothing of the user's session is touched.
#pragma once

#include "ProcessRunner.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusReply>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class NotificationServer
{
public:
    static inline const QString service = QStringLiteral("org.freedesktop.Notifications");
    static inline const QString path = QStringLiteral("/org/freedesktop/Notifications");

    ~NotificationServer()
    {
        m_dunst.stop(2000);
        m_monitor.stop(2000);
        m_xvfb.stop(2000);
        QDBusConnection::disconnectFromBus(m_connectionName);
        m_bus.stop(2000);
    }

    // The bus (and the monitor on it); with withServer, also Xvfb and dunst owning the name.
    // Fails the calling test (QVERIFY) when a tool is missing: CI installs them through
    // packaging/install-deps.sh.
    void start(bool withServer)
    {
        QVERIFY(m_home.isValid());
        QStringList tools{QStringLiteral("dbus-daemon"), QStringLiteral("dbus-monitor")};
        if (withServer)
            tools << QStringLiteral("Xvfb") << QStringLiteral("dunst");
        for (const QString& tool : tools)
            QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(),
                     qPrintable(tool + QStringLiteral(" is missing: packaging/install-deps.sh "
                                                      "installs it")));
        QVERIFY(m_bus.start(QStringLiteral("dbus-daemon"),
                            {QStringLiteral("--session"), QStringLiteral("--nofork"),
                             QStringLiteral("--print-address=1")}));
        QVERIFY(QTest::qWaitFor([this] { return m_bus.process().canReadLine(); }, 10000));
        m_address = QString::fromUtf8(m_bus.process().readLine()).trimmed();
        QVERIFY(!m_address.isEmpty());
        m_connectionName = QStringLiteral("notification-test-%1").arg(quintptr(this));
        QVERIFY(bus().isConnected());

        m_monitor.setEnvironment(environment());
        QVERIFY(m_monitor.start(QStringLiteral("dbus-monitor"),
                                {QStringLiteral("--address"), m_address,
                                 QStringLiteral("interface='org.freedesktop.Notifications'")}));
        // The monitor prints its own NameAcquired signal once it listens.
        QVERIFY(QTest::qWaitFor(
            [this] { return monitorOutput().contains("NameAcquired") || m_log.size() > 0; },
            10000));
        if (!withServer)
            return;

        QVERIFY(m_xvfb.start(QStringLiteral("Xvfb"),
                             {QStringLiteral("-displayfd"), QStringLiteral("1"),
                              QStringLiteral("-nolisten"), QStringLiteral("tcp"),
                              QStringLiteral("-screen"), QStringLiteral("0"),
                              QStringLiteral("800x600x24")}));
        QVERIFY(QTest::qWaitFor([this] { return m_xvfb.process().canReadLine(); }, 15000));
        m_display = QStringLiteral(":") + QString::fromUtf8(m_xvfb.process().readLine()).trimmed();

        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("DISPLAY"), m_display);
        m_dunst.setEnvironment(env);
        QVERIFY(m_dunst.start(QStringLiteral("dunst"), {}));
        QVERIFY2(QTest::qWaitFor(
                     [this] {
                         return bus().interface()->isServiceRegistered(service).value() ||
                                m_dunst.process().state() == QProcess::NotRunning;
                     },
                     15000),
                 "dunst did not take org.freedesktop.Notifications");
        QVERIFY2(bus().interface()->isServiceRegistered(service).value(),
                 m_dunst.process().readAllStandardError().constData());
    }

    QString address() const { return m_address; }
    QDBusConnection bus() const
    {
        return QDBusConnection::connectToBus(m_address, m_connectionName);
    }

    // The environment a child process uses to reach this bus (and display).
    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_address);
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        if (!m_display.isEmpty())
            env.insert(QStringLiteral("DISPLAY"), m_display);
        return env;
    }

    // What dbus-monitor printed so far.
    QByteArray monitorOutput()
    {
        m_log += m_monitor.process().readAllStandardOutput();
        return m_log;
    }
    // The Notify calls dbus-monitor saw, each as its printed lines.
    QList<QByteArray> notifyCalls()
    {
        QList<QByteArray> calls;
        for (const QByteArray& block : monitorOutput().split('\n')) {
            if (block.startsWith("method call") || block.startsWith("signal") ||
                block.startsWith("method return") || block.startsWith("error")) {
                calls << block + '\n';
            } else if (!calls.isEmpty()) {
                calls.last() += block + '\n';
            }
        }
        calls.removeIf([](const QByteArray& call) {
            return !call.startsWith("method call") || !call.contains("member=Notify");
        });
        return calls;
    }

    // dunst's own count of the notifications on the screen.
    int displayed() const
    {
        QDBusMessage get = QDBusMessage::createMethodCall(
            service, path, QStringLiteral("org.freedesktop.DBus.Properties"),
            QStringLiteral("Get"));
        get << QStringLiteral("org.dunstproject.cmd0") << QStringLiteral("displayedLength");
        const QDBusReply<QDBusVariant> reply = bus().call(get);
        return reply.isValid() ? reply.value().variant().toInt() : -1;
    }
    // dunst invokes the default action of its newest notification, as a click does.
    bool invokeDefaultAction() const
    {
        QDBusMessage call =
            QDBusMessage::createMethodCall(service, path, QStringLiteral("org.dunstproject.cmd0"),
                                           QStringLiteral("NotificationAction"));
        call << uint(0);
        return bus().call(call).type() == QDBusMessage::ReplyMessage;
    }
    QString serverName() const
    {
        const QDBusMessage reply = bus().call(QDBusMessage::createMethodCall(
            service, path, service, QStringLiteral("GetServerInformation")));
        return reply.arguments().value(0).toString();
    }

private:
    QTemporaryDir m_home;
    ProcessRunner m_bus;
    ProcessRunner m_monitor;
    ProcessRunner m_xvfb;
    ProcessRunner m_dunst;
    QString m_address;
    QString m_display;
    QString m_connectionName;
    QByteArray m_log;
};

// DesktopNotifier against a real notification server (dunst under Xvfb on a private session
// bus), the calls checked as dbus-monitor saw them: app name, icon, summary, escaped body,
// urgency, actions; a resolved alert replaces its notification; close takes it off the screen;
// a click comes back as the alert; without a server, one log line.
#include "NotificationServer.h"
#include "watch/DesktopNotifier.h"

#include <QSignalSpy>

using namespace adminchat;

class TestDesktopNotifier : public QObject
{
    Q_OBJECT

private slots:
    void notifyReplaceAndCloseOnARealServer();
    void clickComesBackAsTheAlert();
    void withoutAServerOneLogLine();
};

namespace {

Alert downAlert()
{
    Alert alert;
    alert.rule = QStringLiteral("down");
    alert.profile = QStringLiteral("Work");
    alert.model = QStringLiteral("<b>gpt & co</b>");
    // Server text: markup in it must show as text.
    alert.message =
        QStringLiteral("Work (<b>gpt & co</b>) is down: HTTP 500 <a href=\"x\">here</a>");
    alert.atMs = 1'700'000'000'000;
    alert.endpointId = QStringLiteral("id-1");
    alert.requestUid = QStringLiteral("uid-1");
    return alert;
}

} // namespace

void TestDesktopNotifier::notifyReplaceAndCloseOnARealServer()
{
    NotificationServer server;
    server.start(true);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(server.serverName(), QStringLiteral("dunst"));

    DesktopNotifier notifier(server.bus());
    QSignalSpy notified(&notifier, &DesktopNotifier::notified);
    const Alert alert = downAlert();
    notifier.notify(alert);
    QVERIFY(notified.wait(10000));
    const uint id = notified.at(0).at(1).toUInt();
    QVERIFY(id > 0);
    QVERIFY(QTest::qWaitFor([&] { return server.displayed() == 1; }, 5000));

    QVERIFY(QTest::qWaitFor([&] { return server.notifyCalls().size() == 1; }, 5000));
    const QByteArray call = server.notifyCalls().at(0);
    QVERIFY2(call.contains("string \"AdminChat\""), call.constData());
    QVERIFY(call.contains("string \"io.github.adminchat.AdminChat\""));
    QVERIFY(call.contains("string \"Endpoint down: Work\""));
    QVERIFY2(call.contains("string \"Work (&lt;b&gt;gpt &amp; co&lt;/b&gt;) is down: HTTP 500 "
                           "&lt;a href=&quot;x&quot;&gt;here&lt;/a&gt;\""),
             call.constData());
    QVERIFY(!call.contains("<b>"));
    QVERIFY(call.contains("string \"default\""));
    QVERIFY(call.contains("string \"open\""));
    QVERIFY(call.contains("uint32 0")); // replaces nothing
    const qsizetype urgency = call.indexOf("string \"urgency\"");
    QVERIFY(urgency > 0);
    QVERIFY2(call.mid(urgency, 60).contains("byte 2"), call.constData()); // critical

    // Its resolution replaces it: the same id, normal urgency, still one on the screen.
    Alert resolved = alert;
    resolved.resolved = true;
    resolved.message = QStringLiteral("Work is no longer down: now up");
    notifier.notify(resolved);
    QVERIFY(notified.wait(10000));
    QCOMPARE(notified.at(1).at(1).toUInt(), id);
    QVERIFY(QTest::qWaitFor([&] { return server.notifyCalls().size() == 2; }, 5000));
    const QByteArray replace = server.notifyCalls().at(1);
    QVERIFY2(replace.contains(QByteArray("uint32 ") + QByteArray::number(id)), replace.constData());
    QVERIFY(replace.contains("string \"Resolved: Endpoint down (Work)\""));
    const qsizetype normal = replace.indexOf("string \"urgency\"");
    QVERIFY(replace.mid(normal, 60).contains("byte 1"));
    QCOMPARE(server.displayed(), 1);

    // Closed: off the screen, and dunst says so with NotificationClosed.
    notifier.close(resolved);
    QVERIFY(QTest::qWaitFor([&] { return server.displayed() == 0; }, 5000));
    QVERIFY(QTest::qWaitFor(
        [&] { return server.monitorOutput().contains("member=CloseNotification"); }, 5000));
    QVERIFY(QTest::qWaitFor(
        [&] { return server.monitorOutput().contains("member=NotificationClosed"); }, 5000));
}

void TestDesktopNotifier::clickComesBackAsTheAlert()
{
    NotificationServer server;
    server.start(true);
    if (QTest::currentTestFailed())
        return;
    DesktopNotifier notifier(server.bus());
    QSignalSpy notified(&notifier, &DesktopNotifier::notified);
    QSignalSpy activated(&notifier, &DesktopNotifier::alertActivated);
    Alert alert = downAlert();
    alert.rule = QStringLiteral("ttft_p95");
    notifier.notify(alert);
    QVERIFY(notified.wait(10000));
    QVERIFY(QTest::qWaitFor([&] { return server.displayed() == 1; }, 5000));
    QVERIFY(server.invokeDefaultAction());
    QVERIFY(activated.wait(10000));
    const Alert clicked = activated.at(0).at(0).value<Alert>();
    QCOMPARE(clicked.rule, QStringLiteral("ttft_p95"));
    QCOMPARE(clicked.requestUid, QStringLiteral("uid-1")); // the evidence to open
    QCOMPARE(clicked.endpointId, QStringLiteral("id-1"));
    QCOMPARE(activated.at(0).at(1).toString(), QStringLiteral("default"));
    const QByteArray call = server.notifyCalls().value(0);
    const qsizetype urgency = call.indexOf("string \"urgency\"");
    QVERIFY(call.mid(urgency, 60).contains("byte 1")); // not critical
}

void TestDesktopNotifier::withoutAServerOneLogLine()
{
    NotificationServer server;
    server.start(false); // a bus, nobody owning org.freedesktop.Notifications
    if (QTest::currentTestFailed())
        return;
    DesktopNotifier notifier(server.bus());
    QSignalSpy failed(&notifier, &DesktopNotifier::notifyFailed);
    const QRegularExpression unavailable(QStringLiteral("desktop notifications are unavailable"));
    QTest::ignoreMessage(QtWarningMsg, unavailable);
    QTest::failOnWarning(unavailable); // a second line would be one too many
    notifier.notify(downAlert());
    QVERIFY(failed.wait(10000));
    Alert other = downAlert();
    other.rule = QStringLiteral("error_rate");
    notifier.notify(other);
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.size(), 2);
    // The calls went out, asynchronously, and came back with an error.
    QCOMPARE(server.notifyCalls().size(), 2);
}

QTEST_GUILESS_MAIN(TestDesktopNotifier)
#include "tst_desktopnotifier.moc"

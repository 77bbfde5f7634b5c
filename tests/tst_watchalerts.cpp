// The watch's alerts end to end: `adminchat watch --json` against `adminchat serve-demo`
// processes that answer slowly, fail half their requests or rate limit (the timed rules
// ttft_p95, error_rate and degraded_for, from profile thresholds), and `adminchat watch
// --notify` sending the desktop notification of an endpoint that went down (its demo killed)
// and its resolution to dunst on a private session bus.
#include "AppProcess.h"
#include "NotificationServer.h"
#include "WatchProcess.h"

#include <QTemporaryDir>
#include <QUrl>

class TestWatchAlerts : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void timedRulesFromProfileThresholds();
    void notifyWhenTheEndpointGoesDown();

private:
    QProcessEnvironment env() const;
    void addProfile(const QString& name, const QString& baseUrl, const QStringList& probe);

    std::unique_ptr<QTemporaryDir> m_home;
};

namespace {

std::function<bool(const QJsonObject&)> alert(const QString& rule, const QString& profile,
                                              bool resolved = false)
{
    return [=](const QJsonObject& line) {
        return line.value("type") == QLatin1String("alert") && line.value("rule") == rule &&
               line.value("profile") == profile && line.value("resolved").toBool() == resolved;
    };
}

qint64 atMs(const QJsonObject& line)
{
    return QDateTime::fromString(line.value("at").toString(), Qt::ISODateWithMs)
        .toMSecsSinceEpoch();
}

} // namespace

void TestWatchAlerts::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

QProcessEnvironment TestWatchAlerts::env() const
{
    return isolatedAppEnvironment(m_home->path());
}

void TestWatchAlerts::addProfile(const QString& name, const QString& baseUrl,
                                 const QStringList& probe)
{
    addWatchedProfile(env(), name, baseUrl, probe);
}

void TestWatchAlerts::timedRulesFromProfileThresholds()
{
    // Only the rule under test speaks for each profile; windows of one minute (the shortest).
    const QStringList quiet{"--alert-degraded-minutes", "0", "--alert-ttft-p95",   "0",
                            "--alert-e2e-p95",          "0", "--alert-error-rate", "0"};
    BackgroundApp slow, flaky, busy;
    const QString slowBase = slow.startDemo({"--profile", "instant", "--ttft", "250"});
    const QString flakyBase =
        flaky.startDemo({"--profile", "instant", "--fault", "500", "--fault-rate", "0.5"});
    const QString busyBase = busy.startDemo({"--profile", "instant", "--fault", "429"});
    QVERIFY(!slowBase.isEmpty() && !flakyBase.isEmpty() && !busyBase.isEmpty());
    addProfile(QStringLiteral("Slow"), slowBase,
               quiet + QStringList{"--alert-ttft-p95", "150", "--alert-ttft-minutes", "1"});
    addProfile(QStringLiteral("Flaky"), flakyBase,
               quiet + QStringList{"--alert-error-rate", "20", "--alert-error-minutes", "1",
                                   "--failures", "1000"});
    addProfile(QStringLiteral("Busy"), busyBase,
               quiet + QStringList{"--alert-degraded-minutes", "1"});
    // The profile's values, shown back.
    const QJsonObject shown = runApp({"profile", "probe", "Slow", "--json"}, env()).json();
    QCOMPARE(shown.value("alerts").toObject().value("ttft_p95_ms").toInt(), 150);
    QCOMPARE(shown.value("alerts").toObject().value("error_rate_percent").toInt(), 0);
    const AppRun outOfRange =
        runApp({"profile", "probe", "Slow", "--alert-error-rate", "101"}, env());
    QCOMPARE(outOfRange.exitCode, 2);
    QVERIFY2(outOfRange.err.contains("--alert-error-rate"), outOfRange.all().constData());

    WatchProcess watch;
    QVERIFY(watch.start({"--interval", "1"}, env()));
    const QJsonObject first = watch.waitFor(
        [](const QJsonObject& line) { return line.value("type") == QLatin1String("probe"); },
        15000);
    QVERIFY2(!first.isEmpty(), watch.errors().constData());

    // Each fires once its minute is watched, not before.
    QJsonObject ttft, errors, degraded;
    const auto seen = [&](const QJsonObject& line) {
        if (alert("ttft_p95", "Slow")(line))
            ttft = line;
        if (alert("error_rate", "Flaky")(line))
            errors = line;
        if (alert("degraded_for", "Busy")(line))
            degraded = line;
        return !ttft.isEmpty() && !errors.isEmpty() && !degraded.isEmpty();
    };
    QVERIFY2(!watch.waitFor(seen, 100'000).isEmpty(), watch.errors().constData());
    for (const QJsonObject& line : {ttft, errors, degraded})
        QVERIFY2(atMs(line) - atMs(first) >= 59'000, qPrintable(line.value("at").toString()));
    QVERIFY2(ttft.value("message").toString().contains(QLatin1String("over 150 ms")),
             qPrintable(ttft.value("message").toString()));
    QVERIFY(errors.value("message").toString().contains(QLatin1String("probes failed")));
    QVERIFY(degraded.value("message").toString().contains(QLatin1String("degraded for 1 min")));
    QVERIFY(!degraded.value("request_uid").toString().isEmpty());

    // The rate limiting ends: degraded and degraded_for resolve, once each.
    const QString busyPort = QString::number(QUrl(busyBase).port());
    busy.stop();
    BackgroundApp served;
    QCOMPARE(served.startDemo({"--port", busyPort, "--profile", "instant"}), busyBase);
    QVERIFY2(!watch.waitFor(alert("degraded_for", "Busy", true), 15000).isEmpty(),
             watch.errors().constData());
    QCOMPARE(watch.stop(), 0);

    int fired = 0, resolved = 0;
    QStringList rules;
    for (const QJsonObject& line : watch.lines(QStringLiteral("alert"))) {
        rules << line.value("profile").toString() + ":" + line.value("rule").toString();
        (line.value("resolved").toBool() ? resolved : fired)++;
    }
    // Nothing from the rules turned off, and nothing twice.
    QCOMPARE(rules.filter("Slow:").size(), 1);
    QCOMPARE(rules.filter("Flaky:").size(), 1);
    QCOMPARE(rules.filter("Busy:"), (QStringList{"Busy:degraded", "Busy:degraded_for",
                                                 "Busy:degraded", "Busy:degraded_for"}));
    QCOMPARE(fired, 4);
    QCOMPARE(resolved, 2);
}

void TestWatchAlerts::notifyWhenTheEndpointGoesDown()
{
    NotificationServer server;
    server.start(true);
    if (QTest::currentTestFailed())
        return;
    BackgroundApp first;
    const QString base = first.startDemo({"--profile", "instant"});
    QVERIFY(!base.isEmpty());
    addProfile(QStringLiteral("Work"), base, {"--failures", "2"});

    QProcessEnvironment environment = env();
    environment.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), server.address());
    WatchProcess watch;
    QVERIFY(watch.start({"--interval", "1", "--notify"}, environment));
    QVERIFY2(!watch
                  .waitFor(
                      [](const QJsonObject& line) {
                          return line.value("type") == QLatin1String("status") &&
                                 line.value("to") == QLatin1String("up");
                      },
                      10000)
                  .isEmpty(),
             watch.errors().constData());

    // Killed: down after two failed probes, and on the desktop.
    first.stop();
    QVERIFY2(!watch.waitFor(alert("down", "Work"), 15000).isEmpty(), watch.errors().constData());
    QVERIFY(QTest::qWaitFor([&] { return server.notifyCalls().size() == 1; }, 10000));
    const QByteArray down = server.notifyCalls().at(0);
    QVERIFY2(down.contains("string \"AdminChat\""), down.constData());
    QVERIFY(down.contains("string \"Endpoint down: Work\""));
    QVERIFY(down.contains("is down: "));
    QVERIFY(down.contains("uint32 0"));
    QVERIFY(down.mid(down.indexOf("string \"urgency\""), 60).contains("byte 2"));
    QVERIFY(QTest::qWaitFor([&] { return server.displayed() == 1; }, 5000));

    // Back: the resolution replaces the notification on the screen.
    BackgroundApp again;
    QCOMPARE(
        again.startDemo({"--port", QString::number(QUrl(base).port()), "--profile", "instant"}),
        base);
    QVERIFY2(!watch.waitFor(alert("down", "Work", true), 15000).isEmpty(),
             watch.errors().constData());
    QVERIFY(QTest::qWaitFor([&] { return server.notifyCalls().size() == 2; }, 10000));
    const QByteArray up = server.notifyCalls().at(1);
    QVERIFY2(up.contains("string \"Resolved: Endpoint down (Work)\""), up.constData());
    QVERIFY(!up.contains("uint32 0\n"));
    QCOMPARE(server.displayed(), 1);
    QCOMPARE(watch.stop(), 0);

    // A run that ends at once (--once) still gets its notification out before it exits.
    addProfile(QStringLiteral("Closed"), QStringLiteral("http://127.0.0.1:9/v1"),
               {"--failures", "1"});
    const AppRun once = runApp({"watch", "--once", "--notify", "--profile", "Closed"}, environment);
    QCOMPARE(once.exitCode, 1);
    QVERIFY2(once.out.contains("ALERT down"), once.all().constData());
    QVERIFY(QTest::qWaitFor([&] { return server.notifyCalls().size() == 3; }, 10000));
    QVERIFY(server.notifyCalls().at(2).contains("string \"Endpoint down: Closed\""));

    // No bus to reach: one warning, and the watch does its work all the same (on a profile of
    // its own: "Closed" is stored as down already, so it would not change).
    addProfile(QStringLiteral("Unreachable"), QStringLiteral("http://127.0.0.1:9/v1"),
               {"--failures", "1"});
    QProcessEnvironment noBus = env();
    noBus.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                 QStringLiteral("unix:path=") + m_home->filePath(QStringLiteral("no-bus")));
    noBus.remove(QStringLiteral("DISPLAY"));
    const AppRun alone = runApp({"watch", "--once", "--notify", "--profile", "Unreachable"}, noBus);
    QCOMPARE(alone.exitCode, 1);
    QVERIFY2(alone.out.contains("ALERT down"), alone.all().constData());
    QCOMPARE(alone.err.count("desktop notifications are unavailable"), 1);
}

QTEST_GUILESS_MAIN(TestWatchAlerts)
#include "tst_watchalerts.moc"

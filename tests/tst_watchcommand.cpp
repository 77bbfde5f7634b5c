// `adminchat watch` end to end, against `adminchat serve-demo` processes restarted on the same
// port with other faults while it runs: up -> down -> up with the incident and its evidence in
// the database and the alert handed to --on-alert; 429 is degraded, never down; a failing
// content check, another model answering and a rejected key; a second watcher only shows.
#include "AppProcess.h"
#include "WatchProcess.h"
#include "watch/IncidentStore.h"

#include <QDirIterator>
#include <QFile>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <functional>

using namespace adminchat;

class TestWatchCommand : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void probeSettingsAreStoredWithTheProfile();
    void upDownUpWithIncidentAndAlert();
    void rateLimitedIsDegradedNotDown();
    void contentCheckModelMismatchAndRejectedKey();
    void secondWatcherOnlyShows();
    void demoProfileAndUsageErrors();
    void budgetUsedUpStopsProbing();

private:
    QProcessEnvironment env() const;
    void addProfile(const QString& name, const QString& baseUrl, const QStringList& probe);
    QString databasePath() const;

    std::unique_ptr<QTemporaryDir> m_home;
};

namespace {

std::function<bool(const QJsonObject&)> status(const QString& from, const QString& to)
{
    return [from, to](const QJsonObject& line) {
        return line.value(QStringLiteral("type")) == QLatin1String("status") &&
               (from.isEmpty() || line.value(QStringLiteral("from")).toString() == from) &&
               line.value(QStringLiteral("to")).toString() == to;
    };
}

QString portOf(const QString& baseUrl)
{
    return QString::number(QUrl(baseUrl).port());
}

} // namespace

void TestWatchCommand::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

QProcessEnvironment TestWatchCommand::env() const
{
    return isolatedAppEnvironment(m_home->path());
}

void TestWatchCommand::addProfile(const QString& name, const QString& baseUrl,
                                  const QStringList& probe)
{
    addWatchedProfile(env(), name, baseUrl, probe);
}

QString TestWatchCommand::databasePath() const
{
    QDirIterator files(m_home->path() + QStringLiteral("/data"), {"adminchat.sqlite"}, QDir::Files,
                       QDirIterator::Subdirectories);
    return files.hasNext() ? files.next() : QString();
}

void TestWatchCommand::probeSettingsAreStoredWithTheProfile()
{
    addProfile(QStringLiteral("Work"), QStringLiteral("http://127.0.0.1:9/v1"),
               {"--interval", "7", "--expect-regex", "\\b391\\b", "--prompt", "What is 17*23?",
                "--daily-token-budget", "5000", "--model", "demo-chat", "--model", "demo-reasoner",
                "--failures", "4"});
    const AppRun shown = runApp({"profile", "probe", "Work", "--json"}, env());
    QCOMPARE(shown.exitCode, 0);
    const QJsonObject probe = shown.json();
    QCOMPARE(probe.value("enabled").toBool(), true);
    QCOMPARE(probe.value("interval_s").toInt(), 7);
    QCOMPARE(probe.value("expect").toString(), QStringLiteral("\\b391\\b"));
    QCOMPARE(probe.value("expect_regex").toBool(), true);
    QCOMPARE(probe.value("prompts").toArray().first().toString(), QStringLiteral("What is 17*23?"));
    QCOMPARE(probe.value("daily_token_budget").toInt(), 5000);
    QCOMPARE(probe.value("models").toArray().size(), 2);
    QCOMPARE(probe.value("failures_for_down").toInt(), 4);
    // Replacing the profile keeps them; a bad expression is refused.
    QCOMPARE(runApp({"profile", "add", "Work", "--base-url", "http://127.0.0.1:9/v1", "--replace"},
                    env())
                 .exitCode,
             0);
    QCOMPARE(runApp({"profile", "probe", "Work", "--json"}, env()).json(), probe);
    const AppRun bad = runApp({"profile", "probe", "Work", "--expect-regex", "(x"}, env());
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains("regular expression"));
}

void TestWatchCommand::upDownUpWithIncidentAndAlert()
{
    BackgroundApp first;
    const QString base = first.startDemo({"--profile", "instant"});
    QVERIFY(!base.isEmpty());
    const QString port = portOf(base);
    addProfile(QStringLiteral("Work"), base, {"--failures", "2"});
    const QString alerts = m_home->filePath(QStringLiteral("alerts.jsonl"));

    WatchProcess watch;
    QVERIFY(watch.start({"--interval", "1", "--on-alert", "cat >> " + alerts}, env()));
    QVERIFY2(!watch.waitFor(status("unknown", "up"), 10000).isEmpty(), watch.errors().constData());

    // The same port, now answering 500 to everything.
    first.stop();
    BackgroundApp failing;
    QCOMPARE(failing.startDemo({"--port", port, "--profile", "instant", "--fault", "500"}), base);
    const QJsonObject down = watch.waitFor(status("up", "down"), 15000);
    QVERIFY2(!down.isEmpty(), watch.errors().constData());
    QVERIFY(down.value("cause").toString().contains(QLatin1String("2 failed probes")));
    QVERIFY(!watch
                 .waitFor(
                     [](const QJsonObject& line) {
                         return line.value("type") == QLatin1String("alert") &&
                                line.value("rule") == QLatin1String("down");
                     },
                     5000)
                 .isEmpty());

    failing.stop();
    BackgroundApp healthy;
    QCOMPARE(healthy.startDemo({"--port", port, "--profile", "instant"}), base);
    QVERIFY2(!watch.waitFor(status("down", "up"), 15000).isEmpty(), watch.errors().constData());
    QCOMPARE(watch.stop(), 0); // SIGTERM: a clean stop

    // The probes as printed.
    const QList<QJsonObject> probes = watch.lines(QStringLiteral("probe"));
    QStringList failedUids;
    for (const QJsonObject& probe : probes) {
        QCOMPARE(probe.value("profile").toString(), QStringLiteral("Work"));
        QCOMPARE(probe.value("model").toString(), QStringLiteral("demo-chat"));
        if (!probe.value("ok").toBool()) {
            QCOMPARE(probe.value("http_status").toInt(), 500);
            QVERIFY(probe.value("ttft_ms").isNull());
            QVERIFY(!probe.value("error").toString().isEmpty());
            failedUids << probe.value("request_uid").toString();
        } else {
            QVERIFY(jsonNumber(probe, QStringLiteral("ttft_ms")));
            QVERIFY(jsonNumber(probe, QStringLiteral("e2e_ms")));
        }
    }
    QVERIFY(failedUids.size() >= 2);

    // The incident, with the failing probes as its evidence.
    IncidentStore store(databasePath());
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    const auto target =
        store.target(store.targets().value(0).endpointId, QStringLiteral("demo-chat"), &error);
    QVERIFY(target);
    QCOMPARE(target->status, WatchState::Up);
    const QList<IncidentStore::Incident> incidents =
        store.incidents(target->endpointId, QStringLiteral("demo-chat"), 0, &error);
    QCOMPARE(incidents.size(), 1);
    const IncidentStore::Incident& incident = incidents.first();
    QCOMPARE(incident.status, WatchState::Down);
    QVERIFY(incident.endedMs);
    QStringList evidenceUids;
    for (const QJsonValue& item : incident.evidence)
        evidenceUids << item.toObject().value("request_uid").toString();
    QCOMPARE(evidenceUids, failedUids.mid(0, evidenceUids.size()));
    // It starts at the first failing probe and ends at the first good one after it.
    qint64 firstFailedMs = 0, recoveredMs = 0;
    for (const QJsonObject& probe : probes) {
        const qint64 at = QDateTime::fromString(probe.value("at").toString(), Qt::ISODateWithMs)
                              .toMSecsSinceEpoch();
        if (!probe.value("ok").toBool() && !firstFailedMs)
            firstFailedMs = at;
        if (probe.value("ok").toBool() && firstFailedMs && !recoveredMs)
            recoveredMs = at;
    }
    QCOMPARE(incident.startedMs, firstFailedMs);
    QCOMPARE(*incident.endedMs, recoveredMs);
    // Uptime from the first probe to the last: the outage's share is missing.
    const qint64 firstMs = target->firstProbeMs, lastMs = target->lastProbeMs;
    const auto uptime =
        store.uptime(target->endpointId, QStringLiteral("demo-chat"), firstMs, lastMs, &error);
    QVERIFY(uptime);
    const double expected = 1.0 - double(recoveredMs - firstFailedMs) / double(lastMs - firstMs);
    QVERIFY2(qAbs(*uptime - expected) < 1e-9,
             qPrintable(QStringLiteral("%1 vs %2").arg(*uptime).arg(expected)));
    QVERIFY(*uptime > 0 && *uptime < 1);

    // Each probe is a request of its own in the metrics, tagged probe.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    db.setDatabaseName(databasePath());
    QVERIFY(db.open());
    QSqlQuery query(db);
    QVERIFY(query.exec(QStringLiteral(
        "SELECT count(*), sum(status = 'error') FROM requests WHERE tag = 'probe'")));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), probes.size());
    QCOMPARE(query.value(1).toInt(), failedUids.size());
    query.finish();
    db.close();
    db = {};
    QSqlDatabase::removeDatabase(QStringLiteral("check"));

    // --on-alert got the alert's JSON on its stdin.
    QFile received(alerts);
    QVERIFY(received.open(QIODevice::ReadOnly));
    const QJsonObject alert = QJsonDocument::fromJson(received.readLine()).object();
    QCOMPARE(alert.value("type").toString(), QStringLiteral("alert"));
    QCOMPARE(alert.value("rule").toString(), QStringLiteral("down"));
    QCOMPARE(alert.value("profile").toString(), QStringLiteral("Work"));
    QVERIFY(alert.value("message").toString().contains(QLatin1String("HTTP 500")));
}

void TestWatchCommand::rateLimitedIsDegradedNotDown()
{
    BackgroundApp server;
    const QString base = server.startDemo({"--profile", "instant", "--fault", "429"});
    QVERIFY(!base.isEmpty());
    addProfile(QStringLiteral("Busy"), base, {"--failures", "2"});
    WatchProcess watch;
    QVERIFY(watch.start({"--interval", "1", "--duration", "4.5"}, env()));
    QCOMPARE(watch.waitForExit(20000), 1); // ended with an endpoint not up
    const QList<QJsonObject> probes = watch.lines(QStringLiteral("probe"));
    QVERIFY2(probes.size() >= 3, qPrintable(QString::number(probes.size())));
    for (const QJsonObject& probe : probes) {
        QCOMPARE(probe.value("outcome").toString(), QStringLiteral("rate_limited"));
        QCOMPARE(probe.value("http_status").toInt(), 429);
    }
    const QList<QJsonObject> statuses = watch.lines(QStringLiteral("status"));
    QCOMPARE(statuses.size(), 1);
    QCOMPARE(statuses.first().value("to").toString(), QStringLiteral("degraded"));
    QCOMPARE(statuses.first().value("cause").toString(), QStringLiteral("rate limited (HTTP 429)"));
}

void TestWatchCommand::contentCheckModelMismatchAndRejectedKey()
{
    BackgroundApp plain, other, locked;
    const QString plainBase = plain.startDemo({"--profile", "instant"});
    const QString otherBase =
        other.startDemo({"--profile", "instant", "--answer-model", "demo-big"});
    QProcessEnvironment lockedEnv = env();
    lockedEnv.insert(QStringLiteral("ADMINCHAT_DEMO_API_KEY"), QStringLiteral("sk-right"));
    const QString lockedBase = locked.startDemo({"--profile", "instant"}, lockedEnv);
    QVERIFY(!plainBase.isEmpty() && !otherBase.isEmpty() && !lockedBase.isEmpty());
    addProfile(QStringLiteral("Check"), plainBase, {"--expect", "391"});
    addProfile(QStringLiteral("Routed"), otherBase, {});
    addProfile(QStringLiteral("Locked"), lockedBase, {});
    addProfile(QStringLiteral("Fine"), plainBase, {"--expect-regex", "\\w"});

    const QString alerts = m_home->filePath(QStringLiteral("alerts.jsonl"));
    WatchProcess watch;
    QVERIFY(watch.start({"--once", "--on-alert", "cat >> " + alerts}, env()));
    QCOMPARE(watch.waitForExit(20000), 1);
    QHash<QString, QJsonObject> probes, statuses;
    for (const QJsonObject& line : watch.lines(QStringLiteral("probe")))
        probes.insert(line.value("profile").toString(), line);
    for (const QJsonObject& line : watch.lines(QStringLiteral("status")))
        statuses.insert(line.value("profile").toString(), line);
    QCOMPARE(probes.size(), 4);
    QCOMPARE(probes["Check"].value("outcome").toString(), QStringLiteral("content_mismatch"));
    QVERIFY(probes["Check"].value("error").toString().contains(QLatin1String("391")));
    QCOMPARE(probes["Routed"].value("outcome").toString(), QStringLiteral("model_mismatch"));
    QCOMPARE(probes["Routed"].value("answered_model").toString(), QStringLiteral("demo-big"));
    QCOMPARE(probes["Locked"].value("outcome").toString(), QStringLiteral("key_rejected"));
    QCOMPARE(probes["Locked"].value("error").toString(), QStringLiteral("key rejected (HTTP 401)"));
    QCOMPARE(probes["Fine"].value("outcome").toString(), QStringLiteral("ok"));
    QCOMPARE(statuses["Check"].value("to").toString(), QStringLiteral("degraded"));
    QCOMPARE(statuses["Routed"].value("to").toString(), QStringLiteral("degraded"));
    QCOMPARE(statuses["Locked"].value("to").toString(), QStringLiteral("key_rejected"));
    QCOMPARE(statuses["Fine"].value("to").toString(), QStringLiteral("up"));

    QSet<QString> rules;
    for (const QJsonObject& line : watch.lines(QStringLiteral("alert")))
        rules.insert(line.value("rule").toString() + '/' + line.value("profile").toString());
    QVERIFY(rules.contains(QStringLiteral("content_check/Check")));
    QVERIFY(rules.contains(QStringLiteral("degraded/Routed")));
    QVERIFY(rules.contains(QStringLiteral("key_rejected/Locked")));
    // Every alert printed reached the command, each on its own line.
    QFile received(alerts);
    QVERIFY(received.open(QIODevice::ReadOnly));
    QSet<QString> delivered;
    while (!received.atEnd()) {
        const QJsonObject alert = QJsonDocument::fromJson(received.readLine()).object();
        delivered.insert(alert.value("rule").toString() + '/' + alert.value("profile").toString());
    }
    QCOMPARE(delivered, rules);
}

void TestWatchCommand::secondWatcherOnlyShows()
{
    BackgroundApp server;
    const QString base = server.startDemo({"--profile", "instant"});
    QVERIFY(!base.isEmpty());
    addProfile(QStringLiteral("Shared"), base, {});
    WatchProcess holder;
    QVERIFY(holder.start({"--interval", "1"}, env()));
    QVERIFY(!holder.waitFor(status("unknown", "up"), 10000).isEmpty());

    WatchProcess second;
    QVERIFY(second.start({"--once", "--profile", "Shared"}, env()));
    QCOMPARE(second.waitForExit(15000), 0);
    QVERIFY(second.lines(QStringLiteral("probe")).isEmpty());
    const QList<QJsonObject> statuses = second.lines(QStringLiteral("status"));
    QCOMPARE(statuses.size(), 1);
    QCOMPARE(statuses.first().value("to").toString(), QStringLiteral("up"));
    QCOMPARE(statuses.first().value("observed").toBool(), true);
    QVERIFY(second.errors().contains("watched by another process"));
    QCOMPARE(holder.stop(), 0);

    // Once the holder is gone the next watcher probes itself.
    WatchProcess third;
    QVERIFY(third.start({"--once", "--profile", "Shared"}, env()));
    QCOMPARE(third.waitForExit(15000), 0);
    QCOMPARE(third.lines(QStringLiteral("probe")).size(), 1);
}

void TestWatchCommand::demoProfileAndUsageErrors()
{
    // The built-in demo endpoint needs no profile of its own and names its first model.
    const AppRun demo = runApp({"watch", "--json", "--once", "--profile", "Demo"}, env());
    QVERIFY2(demo.exitCode == 0, demo.all().constData());
    const QJsonObject probe = QJsonDocument::fromJson(demo.out.split('\n').first()).object();
    QCOMPARE(probe.value("type").toString(), QStringLiteral("probe"));
    QCOMPARE(probe.value("profile").toString(), QStringLiteral("Demo"));
    QCOMPARE(probe.value("model").toString(), QStringLiteral("demo-chat"));
    QCOMPARE(probe.value("ok").toBool(), true);

    // Nothing to watch, a profile that does not exist, contradicting options.
    const AppRun none = runApp({"watch", "--once"}, env());
    QCOMPARE(none.exitCode, 2);
    QVERIFY(none.err.contains("no profile has probing on"));
    QCOMPARE(runApp({"watch", "--once", "--profile", "Nowhere"}, env()).exitCode, 2);
    QCOMPARE(runApp({"watch", "--once", "--duration", "3"}, env()).exitCode, 2);
    const AppRun help = runApp({"watch", "--help"}, env());
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("Exit status:"));
}

void TestWatchCommand::budgetUsedUpStopsProbing()
{
    BackgroundApp server;
    const QString base = server.startDemo({"--profile", "instant"});
    QVERIFY(!base.isEmpty());
    // Each probe costs its prompt and answer tokens; the budget lasts for two of them.
    addProfile(QStringLiteral("Budget"), base, {});
    WatchProcess first;
    QVERIFY(first.start({"--once"}, env()));
    QCOMPARE(first.waitForExit(15000), 0);
    const qint64 perProbe =
        first.lines(QStringLiteral("probe")).first().value("tokens").toInteger();
    QVERIFY(perProbe > 0);
    QCOMPARE(runApp({"profile", "probe", "Budget", "--daily-token-budget",
                     QString::number(perProbe * 3 - 1)},
                    env())
                 .exitCode,
             0);

    WatchProcess watch;
    QVERIFY(watch.start({"--interval", "1", "--duration", "5"}, env()));
    QCOMPARE(watch.waitForExit(20000), 0);
    // The first run's probe counts too: two more, then the budget is used up.
    QCOMPARE(watch.lines(QStringLiteral("probe")).size(), 2);
    const QList<QJsonObject> alerts = watch.lines(QStringLiteral("alert"));
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts.first().value("rule").toString(), QStringLiteral("budget"));

    // A restart the same day probes nothing and says why at once.
    WatchProcess again;
    QVERIFY(again.start({"--once"}, env()));
    QCOMPARE(again.waitForExit(15000), 0);
    QVERIFY(again.lines(QStringLiteral("probe")).isEmpty());
    QCOMPARE(again.lines(QStringLiteral("alert")).value(0).value("rule").toString(),
             QStringLiteral("budget"));
}

QTEST_GUILESS_MAIN(TestWatchCommand)
#include "tst_watchcommand.moc"

// IncidentStore on a real SQLite file: status changes open and close incidents with their
// evidence, the target's row follows, uptime over a window comes from the incidents, and a
// second connection (another process) reads what the first wrote.
#include "store/DatabaseSchema.h"
#include "watch/IncidentStore.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestIncidentStore : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void changesOpenAndCloseIncidents();
    void uptimeFromIncidents();
    void probesKeepTheTargetRow();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

namespace {

constexpr qint64 hourMs = 3'600'000;
const qint64 t0 = 1'800'000'000'000;

ProbeResult probe(qint64 atMs, ProbeOutcome outcome, const QString& uid)
{
    ProbeResult result;
    result.profile = QStringLiteral("Work");
    result.endpointId = QStringLiteral("id-1");
    result.model = QStringLiteral("m");
    result.startedMs = atMs;
    result.outcome = outcome;
    result.requestUid = uid;
    result.httpStatus = outcome == ProbeOutcome::Ok ? 200 : 500;
    result.message = outcome == ProbeOutcome::Ok ? QString() : QStringLiteral("HTTP 500");
    result.e2eMs = 12.5;
    return result;
}

StatusChange change(WatchState from, WatchState to, qint64 sinceMs, qint64 atMs,
                    QList<ProbeResult> evidence = {})
{
    StatusChange c;
    c.profile = QStringLiteral("Work");
    c.endpointId = QStringLiteral("id-1");
    c.model = QStringLiteral("m");
    c.from = from;
    c.to = to;
    c.cause = watchStateName(to);
    c.sinceMs = sinceMs;
    c.atMs = atMs;
    c.evidence = evidence;
    return c;
}

} // namespace

void TestIncidentStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("adminchat.sqlite"));
}

void TestIncidentStore::changesOpenAndCloseIncidents()
{
    IncidentStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(store.recordProbe(probe(t0, ProbeOutcome::Ok, "a"), 0, 0, &error));
    QCOMPARE(store.recordChange(change(WatchState::Unknown, WatchState::Up, t0, t0), &error),
             qint64(0)); // up opens nothing

    const QList<ProbeResult> failures{probe(t0 + 60'000, ProbeOutcome::Error, "f1"),
                                      probe(t0 + 120'000, ProbeOutcome::Error, "f2"),
                                      probe(t0 + 180'000, ProbeOutcome::Error, "f3")};
    const qint64 down = store.recordChange(
        change(WatchState::Up, WatchState::Down, t0 + 60'000, t0 + 180'000, failures), &error);
    QVERIFY2(down > 0, qPrintable(error));
    // Degraded while recovering, then up.
    QVERIFY(store.recordChange(
                change(WatchState::Down, WatchState::Degraded, t0 + 300'000, t0 + 300'000),
                &error) > down);
    QCOMPARE(store.recordChange(
                 change(WatchState::Degraded, WatchState::Up, t0 + 360'000, t0 + 360'000), &error),
             qint64(0));

    // Another connection, as another process would read it.
    IncidentStore reader(m_path);
    QVERIFY(reader.open(&error));
    const QList<IncidentStore::Incident> incidents =
        reader.incidents(QStringLiteral("id-1"), QStringLiteral("m"), t0, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(incidents.size(), 2);
    const IncidentStore::Incident& first = incidents.first();
    QCOMPARE(first.id, down);
    QCOMPARE(first.status, WatchState::Down);
    QCOMPARE(first.startedMs, t0 + 60'000); // the first failing probe
    QCOMPARE(first.endedMs, std::optional<qint64>(t0 + 300'000));
    QCOMPARE(first.evidence.size(), 3);
    QCOMPARE(first.evidence.at(0).toObject().value("request_uid").toString(), QStringLiteral("f1"));
    QCOMPARE(first.evidence.at(2).toObject().value("http_status").toInt(), 500);
    QCOMPARE(incidents.at(1).status, WatchState::Degraded);
    QCOMPARE(incidents.at(1).endedMs, std::optional<qint64>(t0 + 360'000));
    // Only the incidents still open at or after the time asked for.
    QCOMPARE(reader.incidents({}, {}, t0 + 310'000, &error).size(), 1);

    const auto target = reader.target(QStringLiteral("id-1"), QStringLiteral("m"), &error);
    QVERIFY(target);
    QCOMPARE(target->status, WatchState::Up);
    QCOMPARE(target->firstProbeMs, t0);
}

void TestIncidentStore::uptimeFromIncidents()
{
    IncidentStore store(m_path);
    QString error;
    QVERIFY(store.open(&error));
    QVERIFY(!store.uptime(QStringLiteral("id-1"), QStringLiteral("m"), t0, t0 + hourMs));
    QVERIFY(store.recordProbe(probe(t0, ProbeOutcome::Ok, "a"), 0, 0, &error));
    store.recordChange(change(WatchState::Unknown, WatchState::Up, t0, t0));
    // Down for 6 minutes, degraded (still available) for 12, key rejected for 3 and open.
    const qint64 downAt = t0 + 10 * 60'000, upAt = downAt + 6 * 60'000;
    store.recordChange(change(WatchState::Up, WatchState::Down, downAt, downAt + 120'000));
    store.recordChange(change(WatchState::Down, WatchState::Degraded, upAt, upAt));
    store.recordChange(
        change(WatchState::Degraded, WatchState::Up, upAt + 12 * 60'000, upAt + 12 * 60'000));
    const qint64 rejectedAt = t0 + 57 * 60'000;
    store.recordChange(change(WatchState::Up, WatchState::KeyRejected, rejectedAt, rejectedAt));

    const auto hour = store.uptime(QStringLiteral("id-1"), QStringLiteral("m"), t0, t0 + hourMs);
    QVERIFY(hour);
    QCOMPARE(qRound(*hour * 1000), qRound((1 - 9.0 / 60) * 1000));
    // Time before the first probe is not counted: a window from an hour earlier says the same.
    const auto earlier =
        store.uptime(QStringLiteral("id-1"), QStringLiteral("m"), t0 - hourMs, t0 + hourMs);
    QCOMPARE(qRound(*earlier * 1000), qRound(*hour * 1000));
    // A window inside the outage.
    const auto inside = store.uptime(QStringLiteral("id-1"), QStringLiteral("m"), downAt + 60'000,
                                     downAt + 120'000);
    QCOMPARE(*inside, 0.0);
    // The plan SQLite picks for the window's incidents uses the index, not a scan.
    QSqlQuery plan(QSqlDatabase::database(QSqlDatabase::connectionNames().first()));
    QVERIFY(plan.exec(QStringLiteral(
        "EXPLAIN QUERY PLAN SELECT started_ms FROM incidents WHERE endpoint_id = 'id-1' AND "
        "model = 'm' AND started_ms < 5")));
    QString details;
    while (plan.next())
        details += plan.value(3).toString() + QLatin1Char(';');
    QVERIFY2(details.contains(QLatin1String("incidents_target")), qPrintable(details));
}

void TestIncidentStore::probesKeepTheTargetRow()
{
    IncidentStore store(m_path);
    QString error;
    QVERIFY(store.open(&error));
    ProbeResult first = probe(t0, ProbeOutcome::Ok, "a");
    first.systemFingerprint = QStringLiteral("fp_1");
    QVERIFY(store.recordProbe(first, 20'000, 40, &error));
    ProbeResult second = probe(t0 + 60'000, ProbeOutcome::Ok, "b"); // no fingerprint sent
    QVERIFY(store.recordProbe(second, 20'000, 80, &error));
    const auto target = store.target(QStringLiteral("id-1"), QStringLiteral("m"), &error);
    QVERIFY(target);
    QCOMPARE(target->firstProbeMs, t0);
    QCOMPARE(target->lastProbeMs, t0 + 60'000);
    QCOMPARE(target->fingerprint, QStringLiteral("fp_1"));
    QCOMPARE(target->budgetDay, qint64(20'000));
    QCOMPARE(target->budgetTokens, qint64(80));
    QCOMPARE(target->status, WatchState::Unknown);
    QCOMPARE(store.targets(&error).size(), 1);
    QCOMPARE(DatabaseSchema::steps().size(), size_t(DatabaseSchema::version));
}

QTEST_GUILESS_MAIN(TestIncidentStore)
#include "tst_incidentstore.moc"

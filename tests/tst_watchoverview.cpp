// WatchOverview on a real SQLite file: the status-page segments from incidents, and the rows the
// Endpoints tab shows (uptime, open incident, last error, the probes' figures from the rollups,
// never the chat's requests of the same endpoint).
#include "metrics/MetricsRecord.h"
#include "store/MetricsStore.h"
#include "watch/IncidentStore.h"
#include "watch/WatchOverview.h"

#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

constexpr qint64 hourMs = WatchOverview::hourMs;

IncidentStore::Incident incident(WatchState status, qint64 startedMs, std::optional<qint64> endedMs)
{
    IncidentStore::Incident result;
    result.status = status;
    result.startedMs = startedMs;
    result.endedMs = endedMs;
    return result;
}

ProbeResult probe(const QString& endpointId, qint64 atMs, ProbeOutcome outcome)
{
    ProbeResult result;
    result.profile = QStringLiteral("Lab");
    result.endpointId = endpointId;
    result.model = QStringLiteral("m");
    result.startedMs = atMs;
    result.outcome = outcome;
    result.requestUid = QStringLiteral("uid-%1").arg(atMs);
    result.httpStatus = outcome == ProbeOutcome::Ok ? 200 : 500;
    result.message = outcome == ProbeOutcome::Ok ? QString() : QStringLiteral("HTTP 500 boom");
    return result;
}

MetricsRecord record(qint64 atMs, const QString& tag, double ttftMs)
{
    MetricsRecord r;
    r.startedUtc = QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC);
    r.endpoint = QStringLiteral("http://127.0.0.1:9/v1");
    r.endpointId = QStringLiteral("ep-1");
    r.profile = QStringLiteral("Lab");
    r.model = QStringLiteral("m");
    r.tag = tag;
    r.status = RequestStatus::Ok;
    r.httpStatus = 200;
    r.ttftMs = ttftMs;
    r.e2eMs = ttftMs + 100;
    return r;
}

} // namespace

class TestWatchOverview : public QObject
{
    Q_OBJECT

private slots:
    void segmentsTakeTheWorstStateOfEach();
    void segmentsWithoutProbesAreUnknown();
    void rowsComeFromIncidentsAndProbeRollups();
};

void TestWatchOverview::segmentsTakeTheWorstStateOfEach()
{
    const qint64 from = 100 * hourMs;
    // Degraded over hours 2-5, down inside it over hour 3 (a few minutes), open down from 10.
    const QList<IncidentStore::Incident> incidents{
        incident(WatchState::Degraded, from + 2 * hourMs, from + 5 * hourMs),
        incident(WatchState::Down, from + 3 * hourMs + 60'000, from + 3 * hourMs + 300'000),
        incident(WatchState::KeyRejected, from + 10 * hourMs, std::nullopt),
    };
    const QList<WatchState> states =
        WatchOverview::segments(incidents, from, from + 12 * hourMs, from, from + 12 * hourMs, 12);
    QCOMPARE(states.size(), 12);
    QCOMPARE(states[0], WatchState::Up);
    QCOMPARE(states[1], WatchState::Up);
    QCOMPARE(states[2], WatchState::Degraded);
    QCOMPARE(states[3], WatchState::Down); // a few minutes down make the whole hour red
    QCOMPARE(states[4], WatchState::Degraded);
    QCOMPARE(states[5], WatchState::Up); // the degraded incident ended at its start
    QCOMPARE(states[9], WatchState::Up);
    QCOMPARE(states[10], WatchState::KeyRejected);
    QCOMPARE(states[11], WatchState::KeyRejected); // still open
}

void TestWatchOverview::segmentsWithoutProbesAreUnknown()
{
    const qint64 from = 100 * hourMs;
    // First probe in hour 4, last in hour 7: before and after (but the current one) unknown.
    const QList<WatchState> states = WatchOverview::segments(
        {}, from + 4 * hourMs + 1, from + 7 * hourMs + 5, from, from + 10 * hourMs, 10);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(states[i], WatchState::Unknown);
    for (int i = 4; i < 8; ++i)
        QCOMPARE(states[i], WatchState::Up);
    QCOMPARE(states[8], WatchState::Unknown);
    QCOMPARE(states[9], WatchState::Up); // the current segment: its probe may be on its way
    QVERIFY(WatchOverview::segments({}, 0, 0, from, from + hourMs, 4).count(WatchState::Unknown) ==
            4);
}

void TestWatchOverview::rowsComeFromIncidentsAndProbeRollups()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("metrics.sqlite"));
    MetricsStore metrics(path);
    IncidentStore incidents(path);
    QString error;
    QVERIFY2(metrics.open(&error), qPrintable(error));
    QVERIFY2(incidents.open(&error), qPrintable(error));

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 start = now - 10 * hourMs;
    // Probed from ten hours ago; down for the two hours from six hours ago, then up again.
    QVERIFY(incidents.recordProbe(probe(QStringLiteral("ep-1"), start, ProbeOutcome::Ok), 0, 0));
    StatusChange down;
    down.profile = QStringLiteral("Lab");
    down.endpointId = QStringLiteral("ep-1");
    down.model = QStringLiteral("m");
    down.from = WatchState::Up;
    down.to = WatchState::Down;
    down.cause = QStringLiteral("3 failed probes in a row: HTTP 500 boom");
    down.sinceMs = now - 6 * hourMs;
    down.atMs = down.sinceMs + 120'000;
    down.evidence = {probe(QStringLiteral("ep-1"), down.sinceMs, ProbeOutcome::Error)};
    QVERIFY(incidents.recordChange(down, &error) > 0);
    StatusChange up = down;
    up.from = WatchState::Down;
    up.to = WatchState::Up;
    up.cause = QStringLiteral("answered");
    up.sinceMs = up.atMs = now - 4 * hourMs;
    up.evidence.clear();
    QVERIFY(incidents.recordChange(up, &error) == 0);
    QVERIFY(
        incidents.recordProbe(probe(QStringLiteral("ep-1"), now - 60'000, ProbeOutcome::Ok), 0, 0));

    // Probes answer in 100-300 ms; chat requests to the same endpoint in 5 s must not count.
    std::vector<MetricsRecord> records;
    for (int i = 0; i < 30; ++i)
        records.push_back(record(start + i * 600'000, QStringLiteral("probe"), 100 + 10 * (i % 3)));
    for (int i = 0; i < 5; ++i)
        records.push_back(record(start + i * 600'000 + 1, QString(), 5000));
    QVERIFY2(metrics.insert(records, &error), qPrintable(error));

    QList<WatchOverview::Row> rows;
    QVERIFY2(WatchOverview::read(metrics, incidents, now, CategoryRule(), &rows, &error),
             qPrintable(error));
    QCOMPARE(rows.size(), 1);
    const WatchOverview::Row& row = rows.first();
    QCOMPARE(row.target.status, WatchState::Up);
    // Two unavailable hours of the ten probed ones.
    QVERIFY(row.uptime24h);
    QVERIFY2(qAbs(*row.uptime24h - 0.8) < 0.001, qPrintable(QString::number(*row.uptime24h)));
    QCOMPARE(*row.uptime7d, *row.uptime24h);
    QCOMPARE(row.day.size(), WatchOverview::daySegments);
    QCOMPARE(row.week.size(), WatchOverview::weekSegments);
    QCOMPARE(row.day.count(WatchState::Down), 2);     // the two hours of the incident
    QCOMPARE(row.day.count(WatchState::Unknown), 14); // the hours before the first probe
    QVERIFY(!row.openIncident);
    QCOMPARE(row.lastError, down.cause);
    QCOMPARE(row.lastErrorMs, down.sinceMs);
    QCOMPARE(row.figures.ttft.count, quint64(30));
    QCOMPARE(row.figures.ttft.p50, 110.0);
    QCOMPARE(row.figures.ttft.max, 120.0);
}

QTEST_GUILESS_MAIN(TestWatchOverview)
#include "tst_watchoverview.moc"

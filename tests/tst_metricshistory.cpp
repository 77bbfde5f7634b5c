// MetricsService over a long history, with a real SQLite file: a database from before the
// rollups gets them built on the metrics thread with progress and then shows the figures of its
// rows; rows older than the retention are pruned while their rollups keep counting; exports
// stream the rows.
#include "AggregatorTestData.h"
#include "CsvTestReader.h"
#include "RollupCompare.h"
#include "metrics/MetricsAggregator.h"
#include "store/DashboardSnapshot.h"
#include "store/MetricsService.h"
#include "store/MetricsStore.h"
#include "store/MetricsThread.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;
using namespace rollupcompare;

namespace {

constexpr qint64 dayMs = 86'400'000;

// count records over the last `days` days (ending a minute ago), 2 endpoints and 3 models.
std::vector<MetricsRecord> history(int count, int days, quint32 seed)
{
    QRandomGenerator random(seed);
    const QDateTime now = QDateTime::currentDateTimeUtc().addSecs(-60);
    std::vector<MetricsRecord> records;
    for (int i = 0; i < count; ++i) {
        const qint64 ago = qint64(random.bounded(double(days) * dayMs));
        MetricsRecord r = random.bounded(20) == 0
                              ? aggregatortest::failed(0)
                              : aggregatortest::record(0, 80 + random.bounded(2500.0),
                                                       i % 2 ? aggregatortest::endpointA
                                                             : aggregatortest::endpointB,
                                                       QStringLiteral("m%1").arg(i % 3));
        r.startedUtc = now.addMSecs(-ago);
        records.push_back(r);
    }
    return records;
}

DashboardSnapshot lastSnapshot(const QSignalSpy& spy)
{
    return spy.last().at(0).value<DashboardSnapshot>();
}

} // namespace

class TestMetricsHistory : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_path = m_dir->filePath(QStringLiteral("adminchat.sqlite"));
    }

    void olderDatabaseGetsItsRollupsWithProgress()
    {
        std::vector<MetricsRecord> records = history(12'000, 60, 3);
        {
            MetricsStore seed(m_path);
            QVERIFY(seed.open());
            QVERIFY(seed.insert(records));
        }
        // As the previous release left it: no rollup tables nor the columns of later steps,
        // schema version 5.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "older");
            db.setDatabaseName(m_path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            for (const char* sql :
                 {"DROP TABLE rollups", "DROP TABLE rollup_state", "DROP TABLE incidents",
                  "DROP TABLE watch_targets", "ALTER TABLE requests DROP COLUMN requested_model",
                  "ALTER TABLE conversations DROP COLUMN preset",
                  "ALTER TABLE conversations DROP COLUMN parameters",
                  "ALTER TABLE messages DROP COLUMN ttft_ms",
                  "ALTER TABLE messages DROP COLUMN tokens_per_s",
                  "ALTER TABLE messages DROP COLUMN e2e_ms",
                  "ALTER TABLE messages DROP COLUMN category",
                  "ALTER TABLE messages DROP COLUMN finish_reason", "PRAGMA user_version = 5"})
                QVERIFY2(query.exec(QString::fromLatin1(sql)), sql);
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("older"));

        MetricsThread thread(m_path);
        MetricsService* service = thread.service();
        QSignalSpy progress(service, &MetricsService::rollupsProgressed);
        QSignalSpy snapshots(service, &MetricsService::snapshotReady);
        thread.start();
        QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty(), 30'000);
        // A slice per pass: progress grows to the total; no snapshot before the last.
        QVERIFY(progress.size() >= 3);
        for (qsizetype i = 1; i < progress.size(); ++i)
            QVERIFY(progress[i].at(0).toLongLong() > progress[i - 1].at(0).toLongLong());
        QCOMPARE(progress.last().at(0).toLongLong(), 12'000);
        QCOMPARE(progress.last().at(1).toLongLong(), 12'000);

        const DashboardSnapshot snapshot = lastSnapshot(snapshots);
        QCOMPARE(snapshot.totalRecords, 12'000);
        // Minute buckets past their 8 days are gone (the rows are 60 days old at most); the
        // figures below come from hours and days there.
        MetricsStore reader(m_path);
        QVERIFY(reader.open());
        QTRY_VERIFY_WITH_TIMEOUT(
            reader.rollups().firstBucketMs(RollupKey::Resolution::Minute).value_or(0) >=
                RollupStore::minutesKeptSince(QDateTime::currentMSecsSinceEpoch()),
            10'000);
        // Week buckets too, from the rows folded before; then readers use them.
        QTRY_VERIFY_WITH_TIMEOUT(reader.rollups().weeksReady(), 10'000);
        QVERIFY(reader.rollups().firstBucketMs(RollupKey::Resolution::Hour).value() <
                QDateTime::currentMSecsSinceEpoch() - 50 * dayMs);
        QCOMPARE(snapshot.endpoints.size(), 2);
        QCOMPARE(snapshot.models.size(), 3);
        // The figures of the rows themselves.
        MetricsAggregator::Options options;
        options.timelineBuckets = 0;
        const AggregateReport want =
            MetricsAggregator::aggregate(reader.records(MetricsFilter{}, snapshot.computedAt),
                                         MetricsFilter{}, snapshot.computedAt, options);
        compare(snapshot.report.total, want.total, tolerance(want.total));
        QCOMPARE(snapshot.report.byModel.size(), want.byModel.size());
        for (qsizetype i = 0; i < want.byModel.size(); ++i)
            compare(snapshot.report.byModel[i], want.byModel[i], tolerance(want.byModel[i]));
    }

    void oldRowsArePrunedWhileTheirRollupsCount()
    {
        std::vector<MetricsRecord> old = history(300, 30, 5);
        for (MetricsRecord& r : old)
            r.startedUtc = r.startedUtc.addDays(-100); // 100 to 130 days ago
        std::vector<MetricsRecord> recent = history(200, 30, 6);
        {
            MetricsStore seed(m_path);
            QVERIFY(seed.open());
            QVERIFY(seed.insert(old));
            QVERIFY(seed.insert(recent));
        }
        MetricsThread thread(m_path);
        MetricsService* service = thread.service();
        QSignalSpy pruned(service, &MetricsService::rowsPruned);
        QSignalSpy snapshots(service, &MetricsService::snapshotReady);
        QSignalSpy exported(service, &MetricsService::exportFinished);
        thread.start();
        QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty() && !pruned.isEmpty(), 10'000);
        qint64 prunedRows = 0;
        for (const QList<QVariant>& signal : std::as_const(pruned))
            prunedRows += signal.at(0).toLongLong();
        QCOMPARE(prunedRows, 300);
        MetricsStore reader(m_path);
        QVERIFY(reader.open());
        QCOMPARE(reader.count(), 200);
        // All time still counts the pruned requests, from their buckets.
        QCOMPARE(lastSnapshot(snapshots).report.total.started, 500u);
        QCOMPARE(lastSnapshot(snapshots).totalRecords, 500);

        // The request export streams what rows remain: the recent ones, oldest first.
        const QString csv = m_dir->filePath(QStringLiteral("requests.csv"));
        QMetaObject::invokeMethod(service, [service, csv] { service->exportCsv(csv, false); });
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 10'000);
        QVERIFY2(exported.last().at(2).toString().isEmpty(),
                 qPrintable(exported.last().at(2).toString()));
        QCOMPARE(exported.last().at(1).toLongLong(), 200);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto rows = csvtest::parse(QString::fromUtf8(file.readAll()));
        QVERIFY(rows.has_value());
        QCOMPARE(rows->size(), 201);
        const qsizetype started = rows->first().indexOf(QStringLiteral("started_utc"));
        QVERIFY(started >= 0);
        QVERIFY(rows->at(1).at(started) <= rows->at(200).at(started));
    }

    void retentionZeroKeepsEveryRow()
    {
        std::vector<MetricsRecord> old = history(50, 10, 8);
        for (MetricsRecord& r : old)
            r.startedUtc = r.startedUtc.addDays(-400);
        {
            MetricsStore seed(m_path);
            QVERIFY(seed.open());
            QVERIFY(seed.insert(old));
        }
        MetricsThread thread(m_path);
        MetricsService* service = thread.service();
        QMetaObject::invokeMethod(service, [service] { service->setRetentionDays(0); });
        QSignalSpy pruned(service, &MetricsService::rowsPruned);
        QSignalSpy snapshots(service, &MetricsService::snapshotReady);
        thread.start();
        QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty(), 10'000);
        QCOMPARE(pruned.size(), 0);
        MetricsStore reader(m_path);
        QVERIFY(reader.open());
        QCOMPARE(reader.count(), 50);
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

QTEST_GUILESS_MAIN(TestMetricsHistory)
#include "tst_metricshistory.moc"

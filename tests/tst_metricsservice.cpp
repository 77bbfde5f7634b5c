// MetricsService on its own thread with a real SQLite file: records in, coalesced snapshots out,
// other writers picked up, filters, ratings and CSV exports.
#include "CsvTestReader.h"
#include "store/DashboardSnapshot.h"
#include "store/MetricsService.h"
#include "store/MetricsStore.h"
#include "store/MetricsThread.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

MetricsRecord record(const QString& model, double ttftMs, RequestStatus status = RequestStatus::Ok)
{
    MetricsRecord r;
    r.startedUtc = QDateTime::currentDateTimeUtc();
    r.endpoint = QStringLiteral("http://127.0.0.1:1/v1");
    r.model = model;
    r.status = status;
    r.httpStatus = status == RequestStatus::Error ? 500 : 200;
    if (status == RequestStatus::Error)
        r.errorKind = ApiError::Kind::Http;
    else {
        r.ttftMs = ttftMs;
        r.e2eMs = ttftMs + 1000;
        r.tokensPerSecond = 40;
        r.outputTokens = 40;
    }
    r.category = LatencyCategory::Excellent;
    return r;
}

DashboardSnapshot lastSnapshot(const QSignalSpy& spy)
{
    return spy.last().at(0).value<DashboardSnapshot>();
}

} // namespace

class TestMetricsService : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("m%1.sqlite").arg(++m_counter));
    }

    void recordsReachSnapshots()
    {
        MetricsThread thread(m_path);
        MetricsService* service = thread.service();
        QSignalSpy opened(service, &MetricsService::opened);
        QSignalSpy snapshots(service, &MetricsService::snapshotReady);
        thread.start();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 5000); // may come before a wait() starts
        for (int i = 0; i < 5; ++i)
            QMetaObject::invokeMethod(service, [service, i] {
                service->addRecord(record(QStringLiteral("m"), 100 + 10 * i));
            });
        QMetaObject::invokeMethod(
            service, [service] { service->addRecord(record("m", 0, RequestStatus::Error)); });
        QTRY_VERIFY_WITH_TIMEOUT(
            !snapshots.isEmpty() && lastSnapshot(snapshots).report.total.started == 6, 5000);
        const DashboardSnapshot snapshot = lastSnapshot(snapshots);
        QCOMPARE(snapshot.report.total.errors, 1u);
        QCOMPARE(snapshot.report.total.ttft.count, 5u);
        QVERIFY(qAbs(snapshot.report.total.ttft.p50 - 120.0) <= 1.2);
        QCOMPARE(snapshot.totalRecords, 6);
        QCOMPARE(snapshot.models, QStringList{"m"});
        // Six records in quick succession: coalesced into far fewer than six recomputations.
        QVERIFY2(snapshots.size() <= 3, qPrintable(QString::number(snapshots.size())));

        MetricsStore reader(m_path);
        QVERIFY(reader.open());
        QCOMPARE(reader.count(), 6);
    }

    void suggestionsFollowTheFilter()
    {
        // Six errors in twelve requests this minute: an error spike on the endpoint. The rules
        // run on their own cadence; their advice reaches a snapshot without a further record,
        // and another filter's labels show none until the rules have looked at them.
        MetricsThread thread(m_path);
        MetricsService* service = thread.service();
        QSignalSpy opened(service, &MetricsService::opened);
        QSignalSpy snapshots(service, &MetricsService::snapshotReady);
        thread.start();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 5000);
        for (int i = 0; i < 12; ++i)
            QMetaObject::invokeMethod(service, [service, i] {
                service->addRecord(record(QStringLiteral("m"), 100,
                                          i % 2 ? RequestStatus::Error : RequestStatus::Ok));
            });
        const auto spike = [](const DashboardSnapshot& s) {
            return std::any_of(s.suggestions.begin(), s.suggestions.end(),
                               [](const Suggestion& g) { return g.rule == "error-spike"; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty() && spike(lastSnapshot(snapshots)),
                                 MetricsService::suggestIntervalMs + 5000);

        MetricsFilter other;
        other.model = QStringLiteral("another-model");
        QMetaObject::invokeMethod(service, [service, other] { service->setFilter(other); });
        QTRY_VERIFY_WITH_TIMEOUT(lastSnapshot(snapshots).filter.model == "another-model", 5000);
        QVERIFY(!spike(lastSnapshot(snapshots)));
        MetricsFilter back;
        QMetaObject::invokeMethod(service, [service, back] { service->setFilter(back); });
        QTRY_VERIFY_WITH_TIMEOUT(
            lastSnapshot(snapshots).filter.model.isEmpty() && spike(lastSnapshot(snapshots)), 5000);
    }

    void otherWritersArePickedUp()
    {
        MetricsThread thread(m_path);
        MetricsService* service = thread.service();
        QSignalSpy opened(service, &MetricsService::opened);
        QSignalSpy stored(service, &MetricsService::recordStored);
        QSignalSpy snapshots(service, &MetricsService::snapshotReady);
        thread.start();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 5000); // may come before a wait() starts
        QMetaObject::invokeMethod(service, [service] { service->addRecord(record("own", 100)); });

        // Another process (an `adminchat ask`) writes to the same file.
        MetricsStore other(m_path);
        QVERIFY(other.open());
        MetricsRecord external = record(QStringLiteral("external"), 200);
        QVERIFY(other.insert(external));

        QTRY_VERIFY_WITH_TIMEOUT(
            !snapshots.isEmpty() && lastSnapshot(snapshots).report.total.started == 2, 5000);
        QTest::qWait(MetricsService::pollIntervalMs + 300); // a later poll adds nothing twice
        QCOMPARE(lastSnapshot(snapshots).report.total.started, 2u);
        QCOMPARE(stored.size(), 2);
    }

    void filterRatingAndExport()
    {
        {
            MetricsStore seed(m_path);
            QVERIFY(seed.open());
            std::vector<MetricsRecord> records{record("a", 100), record("a", 110),
                                               record("b", 3500)};
            QVERIFY(seed.insert(records));
        }
        MetricsThread thread(m_path);
        MetricsService* service = thread.service();
        QSignalSpy snapshots(service, &MetricsService::snapshotReady);
        QSignalSpy exported(service, &MetricsService::exportFinished);
        thread.start();
        QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty(), 5000);
        QCOMPARE(lastSnapshot(snapshots).report.total.started, 3u);

        MetricsFilter filter;
        filter.model = QStringLiteral("a");
        QMetaObject::invokeMethod(service, [service, filter] { service->setFilter(filter); });
        QTRY_VERIFY_WITH_TIMEOUT(lastSnapshot(snapshots).filter.model == QLatin1String("a"), 5000);
        QCOMPARE(lastSnapshot(snapshots).report.total.started, 2u);

        QMetaObject::invokeMethod(service, [service] { service->setRating(1, +1); });
        QTRY_VERIFY_WITH_TIMEOUT(lastSnapshot(snapshots).report.total.ratedUp == 1, 5000);

        const QString csv = m_dir.filePath(QStringLiteral("a.csv"));
        // The service thread may finish before a wait() would start: count instead.
        QMetaObject::invokeMethod(service, [service, csv] { service->exportCsv(csv, false); });
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 5000);
        QCOMPARE(exported.last().at(1).toLongLong(), 2); // what the filter shows
        QVERIFY(exported.last().at(2).toString().isEmpty());
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto rows = csvtest::parse(QString::fromUtf8(file.readAll()));
        QVERIFY(rows.has_value());
        QCOMPARE(rows->size(), 3);
        QCOMPARE(rows->at(1).at(rows->first().indexOf("rating")), QStringLiteral("1"));

        const QString summary = m_dir.filePath(QStringLiteral("s.csv"));
        QMetaObject::invokeMethod(service,
                                  [service, summary] { service->exportCsv(summary, true); });
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 2, 5000);
        QCOMPARE(exported.last().at(1).toLongLong(), 1); // one (endpoint, model) group

        QMetaObject::invokeMethod(service, [service] {
            service->exportCsv(QStringLiteral("/nonexistent-dir/x.csv"), false);
        });
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 3, 5000);
        QVERIFY(exported.last().at(2).toString().contains("/nonexistent-dir/x.csv"));
    }

    void experimentsAreComparedPerVariant()
    {
        {
            // An earlier experiment, already stored.
            MetricsStore seed(m_path);
            QVERIFY(seed.open());
            MetricsRecord old = record(QStringLiteral("m"), 100);
            old.startedUtc = QDateTime::currentDateTimeUtc().addDays(-2);
            old.experiment = QStringLiteral("old-test");
            old.variant = QStringLiteral("X");
            QVERIFY(seed.insert(old));
        }
        MetricsThread thread(m_path);
        MetricsService* service = thread.service();
        QSignalSpy snapshots(service, &MetricsService::snapshotReady);
        thread.start();
        QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty(), 5000);
        // None running: the most recent experiment seen is shown.
        QCOMPARE(lastSnapshot(snapshots).experiments, QStringList{"old-test"});
        QVERIFY(lastSnapshot(snapshots).experiment.has_value());
        QCOMPARE(lastSnapshot(snapshots).experiment->experiment, QStringLiteral("old-test"));

        QMetaObject::invokeMethod(service, [service] {
            service->setActiveExperiment(QStringLiteral("ab"), {"A", "B", "C"});
        });
        for (int i = 0; i < 4; ++i) {
            MetricsRecord r = record(QStringLiteral("m"), 100 + i);
            r.experiment = QStringLiteral("ab");
            r.variant = i % 2 ? QStringLiteral("B") : QStringLiteral("A");
            r.requestUid = QStringLiteral("uid-%1").arg(i);
            QMetaObject::invokeMethod(service, [service, r] { service->addRecord(r); });
        }
        // A request outside the experiment is not counted in it.
        QMetaObject::invokeMethod(service, [service] { service->addRecord(record("m", 50)); });
        QMetaObject::invokeMethod(service, [service] { service->setRequestRating("uid-1", -1); });
        QMetaObject::invokeMethod(service, [service] { service->setRequestRating("uid-3", 1); });
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const DashboardSnapshot s = lastSnapshot(snapshots);
                const VariantSummary* b = s.experiment ? s.experiment->summaryOf("B") : nullptr;
                return b && b->rated == 2;
            }(),
            5000);
        DashboardSnapshot snapshot = lastSnapshot(snapshots);
        QCOMPARE(snapshot.activeExperiment, QStringLiteral("ab"));
        QCOMPARE(snapshot.experiments, (QStringList{"ab", "old-test"}));
        const ExperimentComparison& ab = *snapshot.experiment;
        QCOMPARE(ab.experiment, QStringLiteral("ab"));
        QCOMPARE(ab.variants.size(), 3); // C is listed without records
        QCOMPARE(ab.variants.at(0).variant, QStringLiteral("A"));
        QCOMPARE(ab.variants.at(0).requests, 2);
        QCOMPARE(ab.variants.at(1).requests, 2);
        QCOMPARE(ab.variants.at(2).requests, 0);
        QCOMPARE(ab.variants.at(1).ratedUp, 1);
        QCOMPARE(ab.variants.at(1).satisfaction, std::optional<double>(0.5));
        QVERIFY(ab.find(ComparisonMetric::Ttft, "B"));
        QCOMPARE(ab.find(ComparisonMetric::Ttft, "B")->verdict,
                 MetricComparison::Verdict::NotEnoughData);

        // The panel's pick, then back to the running one once it stops.
        QMetaObject::invokeMethod(service, [service] { service->setShownExperiment("old-test"); });
        QTRY_VERIFY_WITH_TIMEOUT(lastSnapshot(snapshots).experiment->experiment == "old-test",
                                 5000);
        QCOMPARE(lastSnapshot(snapshots).experiment->variants.at(0).requests, 1);
        QMetaObject::invokeMethod(service, [service] {
            service->setShownExperiment(QString());
            service->setActiveExperiment(QString(), {});
        });
        QTRY_VERIFY_WITH_TIMEOUT(lastSnapshot(snapshots).activeExperiment.isEmpty() &&
                                     lastSnapshot(snapshots).experiment->experiment == "ab",
                                 5000);
        QCOMPARE(lastSnapshot(snapshots).experiment->variants.size(), 2); // as recorded
    }

    void unusableDatabaseIsMovedAside()
    {
        QFile garbage(m_path);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray(4096, 'x'));
        garbage.close();
        MetricsThread thread(m_path);
        QSignalSpy opened(thread.service(), &MetricsService::opened);
        thread.start();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 5000); // may come before a wait() starts
        const QString movedAside = opened.first().at(1).toString();
        QVERIFY(!movedAside.isEmpty());
        QFile moved(movedAside);
        QVERIFY(moved.open(QIODevice::ReadOnly));
        QCOMPARE(moved.readAll(), QByteArray(4096, 'x'));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_counter = 0;
};

QTEST_GUILESS_MAIN(TestMetricsService)
#include "tst_metricsservice.moc"

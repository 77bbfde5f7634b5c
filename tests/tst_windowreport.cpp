// WindowReport on a real SQLite file against MetricsAggregator over the same rows: every window
// the dashboard offers, its timeline, and the parts kept between refreshes as records arrive from
// this process (folded in), from another writer or with a rating (read again).
#include "AggregatorTestData.h"
#include "RollupCompare.h"
#include "metrics/MetricsAggregator.h"
#include "store/MetricsStore.h"
#include "store/WindowReport.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;
using namespace aggregatortest;
using namespace rollupcompare;

class TestWindowReport : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void sliceWidths();
    void sameFiguresAsTheRows_data();
    void sameFiguresAsTheRows();
    void timelineSlicesCountTheirRows();
    void keptPartsTakeInNewRecords();
    void anotherWritersRowsAreReadAgainAfterInvalidate();

private:
    void expectSame(WindowReport& window, const MetricsFilter& filter, const QDateTime& at);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MetricsStore> m_store;
};

void TestWindowReport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<MetricsStore>(m_dir->filePath(QStringLiteral("adminchat.sqlite")));
    QString error;
    QVERIFY2(m_store->open(&error), qPrintable(error));
    // 40 days, 2 endpoints, 2 models; denser in the last hour and in the last 5 minutes.
    QRandomGenerator random(7);
    std::vector<MetricsRecord> records;
    for (int i = 0; i < 600; ++i) {
        const qint64 ago = i < 60    ? qint64(random.bounded(5 * minute))
                           : i < 200 ? qint64(random.bounded(hour))
                                     : qint64(random.bounded(40 * 24 * hour));
        MetricsRecord r = random.bounded(9) == 0
                              ? failed(ago)
                              : record(ago, 50 + random.bounded(3000.0),
                                       i % 2 ? endpointA : endpointB, i % 3 ? "m1" : "m2");
        r.promptHash = QString::number(random.bounded(30)).repeated(64).left(64);
        records.push_back(r);
    }
    QVERIFY2(m_store->insert(records, &error), qPrintable(error));
}

void TestWindowReport::sliceWidths()
{
    QCOMPARE(WindowReport::sliceWidthMs(5 * minute + 1), minute); // 6 slices, not rows
    QCOMPARE(WindowReport::sliceWidthMs(hour + 1), minute);
    QCOMPARE(WindowReport::sliceWidthMs(24 * hour + 1), hour); // never minutes over half a day
    QCOMPARE(WindowReport::sliceWidthMs(30 * 24 * hour), 12 * hour);
    QCOMPARE(WindowReport::sliceWidthMs(365 * 24 * hour), 7 * 24 * hour);
}

void TestWindowReport::expectSame(WindowReport& window, const MetricsFilter& filter,
                                  const QDateTime& at)
{
    QString error;
    const std::vector<MetricsRecord> rows = m_store->records(filter, at, &error);
    MetricsAggregator::Options options;
    options.timelineBuckets = 0;
    const AggregateReport want = MetricsAggregator::aggregate(rows, filter, at, options);
    const AggregateReport got = window.compute(filter, at, CategoryRule{}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    compare(got.total, want.total, tolerance(want.total));
    QCOMPARE(got.byModel.size(), want.byModel.size());
    for (qsizetype i = 0; i < want.byModel.size(); ++i) {
        QCOMPARE(got.byModel[i].model, want.byModel[i].model); // same order: busiest first
        compare(got.byModel[i], want.byModel[i], tolerance(want.byModel[i]));
    }
    QCOMPARE(got.byEndpoint.size(), want.byEndpoint.size());
    for (qsizetype i = 0; i < want.byEndpoint.size(); ++i)
        compare(got.byEndpoint[i], want.byEndpoint[i], tolerance(want.byEndpoint[i]));
    quint64 inTimeline = 0;
    for (const TimeBucket& bucket : got.timeline)
        inTimeline += bucket.started;
    QCOMPARE(inTimeline, want.total.started);
}

void TestWindowReport::sameFiguresAsTheRows_data()
{
    QTest::addColumn<int>("window");
    QTest::addColumn<QString>("model");
    for (auto [window, name] : {std::pair{MetricsFilter::Window::Last5Minutes, "5m"},
                                {MetricsFilter::Window::LastHour, "1h"},
                                {MetricsFilter::Window::Last24Hours, "24h"},
                                {MetricsFilter::Window::All, "all"}}) {
        QTest::addRow("%s", name) << int(window) << QString();
        QTest::addRow("%s m2", name) << int(window) << QStringLiteral("m2");
    }
}

void TestWindowReport::sameFiguresAsTheRows()
{
    QFETCH(int, window);
    QFETCH(QString, model);
    MetricsFilter filter;
    filter.window = MetricsFilter::Window(window);
    filter.model = model;
    WindowReport report(*m_store);
    // Twice: the second refresh from the parts kept; then later in the minute and in the next.
    for (const qint64 offset : {30'500LL, 30'500LL, 45'000LL, 75'000LL}) {
        expectSame(report, filter, now.addMSecs(offset));
        if (QTest::currentTestFailed())
            return;
    }
}

void TestWindowReport::timelineSlicesCountTheirRows()
{
    MetricsFilter filter;
    filter.window = MetricsFilter::Window::Last24Hours;
    const QDateTime at = now.addMSecs(30'500);
    WindowReport window(*m_store);
    QString error;
    const AggregateReport got = window.compute(filter, at, CategoryRule{}, &error);
    QCOMPARE(got.timeline.size(), 25); // hour slices, the first one partial
    QCOMPARE(got.timeline.first().start, filter.start(at));
    for (qsizetype i = 0; i < got.timeline.size(); ++i) {
        MetricsFilter slice = filter;
        slice.since = got.timeline[i].start;
        slice.before = i + 1 < got.timeline.size() ? got.timeline[i + 1].start : at.addMSecs(1);
        const std::vector<MetricsRecord> rows = m_store->records(slice, at, &error);
        QCOMPARE(got.timeline[i].started, quint64(rows.size()));
        const quint64 errors = std::count_if(rows.cbegin(), rows.cend(),
                                             [](const MetricsRecord& r) { return r.isError(); });
        QCOMPARE(got.timeline[i].errors, errors);
    }
    for (qsizetype i = 1; i < got.timeline.size(); ++i)
        QCOMPARE(got.timeline[i].start.toMSecsSinceEpoch() % hour, 0);
}

void TestWindowReport::keptPartsTakeInNewRecords()
{
    MetricsFilter filter; // all time: the closed slices are kept across refreshes
    WindowReport window(*m_store);
    const QDateTime at = now.addMSecs(30'500);
    expectSame(window, filter, at);
    // This process stores records: in the current minute, a late one in the current slice's
    // earlier minutes, and one in a closed slice weeks ago (a request that started long before
    // its record was stored). Each is folded into the part that holds it, not read again.
    std::vector<MetricsRecord> arriving = {record(-10'000, 700), record(20 * minute, 900),
                                           failed(20 * 24 * hour)};
    arriving[1].model = QStringLiteral("m3");
    QString error;
    QVERIFY2(m_store->insert(arriving, &error), qPrintable(error));
    for (const MetricsRecord& r : arriving)
        window.recordAdded(r);
    expectSame(window, filter, at.addMSecs(5'000));
}

void TestWindowReport::anotherWritersRowsAreReadAgainAfterInvalidate()
{
    MetricsFilter filter;
    WindowReport window(*m_store);
    const QDateTime at = now.addMSecs(30'500);
    QString error;
    const quint64 before = window.compute(filter, at, CategoryRule{}, &error).total.started;
    // Another process (its own connection) stores a record in a closed slice.
    MetricsStore other(m_store->path());
    QVERIFY2(other.open(&error), qPrintable(error));
    MetricsRecord late = record(3 * 24 * hour, 400);
    QVERIFY2(other.insert(late, &error), qPrintable(error));
    // Unseen while the kept part stands (the poll has not told it yet) ...
    QCOMPARE(window.compute(filter, at, CategoryRule{}, &error).total.started, before);
    // ... and counted once when told.
    window.invalidate(late.startedUtc.toMSecsSinceEpoch());
    expectSame(window, filter, at);
    // A rating changed elsewhere: read again as well.
    std::vector<MetricsRecord> rated;
    QVERIFY2(other.setRating(late.id, 1, &error, &rated), qPrintable(error));
    QCOMPARE(rated.size(), std::size_t(1));
    window.invalidate(rated.front().startedUtc.toMSecsSinceEpoch());
    QCOMPARE(window.compute(filter, at, CategoryRule{}, &error).total.ratedUp, quint64(1));
}

QTEST_GUILESS_MAIN(TestWindowReport)
#include "tst_windowreport.moc"

// RollupReader against MetricsAggregator on the same real SQLite file: for every window and
// filter the dashboard offers, the report merged from buckets (raw rows at the edges) has the
// groups and figures of the aggregation over the rows.
#include "AggregatorTestData.h"
#include "RollupCompare.h"
#include "metrics/MetricsAggregator.h"
#include "store/MetricsStore.h"
#include "store/RollupReader.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;
using namespace aggregatortest;
using namespace rollupcompare;

class TestRollupReader : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void sameFiguresAsTheRows_data();
    void sameFiguresAsTheRows();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MetricsStore> m_store;
};

void TestRollupReader::initTestCase()
{
    m_store = std::make_unique<MetricsStore>(m_dir.filePath(QStringLiteral("adminchat.sqlite")));
    QString error;
    QVERIFY2(m_store->open(&error), qPrintable(error));
    // 10 days, 2 endpoints (one a profile), 2 models; denser in the last hour.
    QRandomGenerator random(11);
    std::vector<MetricsRecord> records;
    for (int i = 0; i < 400; ++i) {
        const qint64 ago =
            i < 120 ? qint64(random.bounded(hour)) : qint64(random.bounded(10 * 24 * hour));
        MetricsRecord r = random.bounded(9) == 0
                              ? failed(ago)
                              : record(ago, 50 + random.bounded(3000.0),
                                       i % 2 ? endpointA : endpointB, i % 3 ? "m1" : "m2");
        if (r.endpoint == endpointB) {
            r.endpointId = QStringLiteral("demo");
            r.profile = QStringLiteral("Demo");
        }
        r.promptHash = QString::number(random.bounded(20)).repeated(64).left(64);
        records.push_back(r);
    }
    QVERIFY2(m_store->insert(records, &error), qPrintable(error));
}

void TestRollupReader::sameFiguresAsTheRows_data()
{
    QTest::addColumn<int>("window");
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<QString>("model");
    for (auto [window, name] : {std::pair{MetricsFilter::Window::Last5Minutes, "5m"},
                                {MetricsFilter::Window::LastHour, "1h"},
                                {MetricsFilter::Window::Last24Hours, "24h"},
                                {MetricsFilter::Window::All, "all"}}) {
        QTest::addRow("%s", name) << int(window) << QString() << QString();
        QTest::addRow("%s demo", name) << int(window) << QStringLiteral("Demo") << QString();
        QTest::addRow("%s m2", name) << int(window) << QString() << QStringLiteral("m2");
    }
}

void TestRollupReader::sameFiguresAsTheRows()
{
    QFETCH(int, window);
    QFETCH(QString, endpoint);
    QFETCH(QString, model);
    MetricsFilter filter;
    filter.window = MetricsFilter::Window(window);
    filter.endpoint = endpoint;
    filter.model = model;
    // Not on a minute: the window's edges are partial minutes, read from the rows.
    const QDateTime at = now.addMSecs(30'500);
    QString error;
    const std::vector<MetricsRecord> rows = m_store->records(filter, at, &error);
    MetricsAggregator::Options options;
    options.timelineBuckets = 0;
    const AggregateReport want = MetricsAggregator::aggregate(rows, filter, at, options);
    const AggregateReport got = RollupReader::report(*m_store, filter, at, CategoryRule{}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(want.total.started > 0 || filter.window == MetricsFilter::Window::Last5Minutes);
    // Groups of at most 100 samples are exact; larger ones come from the same buckets.
    compare(got.total, want.total, tolerance(want.total));
    QCOMPARE(got.byModel.size(), want.byModel.size());
    QCOMPARE(got.byEndpoint.size(), want.byEndpoint.size());
    for (const GroupStats& w : want.byModel) {
        const auto it = std::find_if(got.byModel.cbegin(), got.byModel.cend(), [&](const auto& g) {
            return g.endpointId == w.endpointId && g.model == w.model && g.variant == w.variant;
        });
        QVERIFY(it != got.byModel.cend());
        compare(*it, w, tolerance(w));
    }
    for (const GroupStats& w : want.byEndpoint) {
        const auto it = std::find_if(got.byEndpoint.cbegin(), got.byEndpoint.cend(),
                                     [&](const auto& g) { return g.endpointId == w.endpointId; });
        QVERIFY(it != got.byEndpoint.cend());
        compare(*it, w, tolerance(w));
    }
}

QTEST_GUILESS_MAIN(TestRollupReader)
#include "tst_rollupreader.moc"

// RollupStore through MetricsStore on a real SQLite file: every insert lands in its minute, hour
// and day buckets in the same transaction, each resolution adds up to what MetricsAggregator
// computes from the raw rows, a rating moves between buckets' counts, and the newest labels
// name a bucket.
#include "AggregatorTestData.h"
#include "metrics/MetricsAggregator.h"
#include "store/DatabaseSchema.h"
#include "store/MetricsStore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;
using namespace aggregatortest;

class TestRollupStore : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void everyResolutionAddsUpToTheRows();
    void ratingMovesInEveryResolution();
    void newestLabelsNameTheBucket();
    void olderRowsAreFoldedInSlices();
    void labelsSelectCellsBeforeDecoding();
    void weeksAreBuiltFromDays();

private:
    std::vector<MetricsRecord> insertSpread();
    GroupStats mergedTotal(RollupKey::Resolution resolution);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MetricsStore> m_store;
};

void TestRollupStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<MetricsStore>(m_dir->filePath(QStringLiteral("adminchat.sqlite")));
    QString error;
    QVERIFY2(m_store->open(&error), qPrintable(error));
}

// Records over three days, two endpoints and two models, inserted in batches as the services do.
std::vector<MetricsRecord> TestRollupStore::insertSpread()
{
    std::vector<MetricsRecord> all;
    for (int batch = 0; batch < 6; ++batch) {
        std::vector<MetricsRecord> records;
        for (int i = 0; i < 25; ++i) {
            const int n = batch * 25 + i;
            MetricsRecord r = record(qint64(n) * 29 * minute, 80 + (n * 53) % 2000,
                                     n % 2 ? endpointA : endpointB, n % 3 ? "m1" : "m2");
            r.promptHash = QString::number(n % 5).repeated(64);
            if (n % 7 == 0)
                r = failed(qint64(n) * 29 * minute);
            records.push_back(r);
        }
        QString error;
        if (!m_store->insert(records, &error))
            qFatal("cannot insert: %s", qPrintable(error));
        all.insert(all.end(), records.begin(), records.end());
    }
    return all;
}

GroupStats TestRollupStore::mergedTotal(RollupKey::Resolution resolution)
{
    QString error;
    RollupCell total;
    m_store->rollups().forEachCell(
        resolution, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(),
        [&total](const RollupStore::StoredCell& stored) { total.merge(stored.cell); }, &error);
    GroupStats stats;
    total.summarizeInto(stats, CategoryRule{});
    return stats;
}

void TestRollupStore::everyResolutionAddsUpToTheRows()
{
    const std::vector<MetricsRecord> records = insertSpread();
    MetricsAggregator::Options options;
    options.timelineBuckets = 0;
    const GroupStats expected =
        MetricsAggregator::aggregate(records, MetricsFilter{}, now, options).total;
    QCOMPARE(expected.started, quint64(150));
    for (RollupKey::Resolution resolution : RollupKey::resolutions) {
        const GroupStats stats = mergedTotal(resolution);
        QCOMPARE(stats.started, expected.started);
        QCOMPARE(stats.errors, expected.errors);
        QCOMPARE(stats.categories, expected.categories);
        QCOMPARE(stats.repeatedPrompts, expected.repeatedPrompts);
        QCOMPARE(stats.ttft.count, expected.ttft.count);
        QCOMPARE(stats.ttft.p50, expected.ttft.p50);
        QCOMPARE(stats.ttft.p95, expected.ttft.p95);
        QCOMPARE(stats.e2e.p99, expected.e2e.p99);
    }
    // Fewer, wider buckets at each step up.
    QString error;
    const auto count = [&](RollupKey::Resolution resolution) {
        std::size_t n = 0;
        m_store->rollups().forEachCell(
            resolution, 0, std::numeric_limits<qint64>::max(),
            [&n](const RollupStore::StoredCell&) { ++n; }, &error);
        return n;
    };
    QVERIFY(count(RollupKey::Resolution::Minute) > count(RollupKey::Resolution::Hour));
    QVERIFY(count(RollupKey::Resolution::Hour) > count(RollupKey::Resolution::Day));
    QVERIFY(count(RollupKey::Resolution::Day) > count(RollupKey::Resolution::Week));
}

void TestRollupStore::labelsSelectCellsBeforeDecoding()
{
    const std::vector<MetricsRecord> records = insertSpread();
    QString error;
    // A model (matched by SQLite) and an endpoint (matched before decoding) select the cells of
    // those records, which add up to them; forEachCount counts every day cell without decoding.
    MetricsFilter filter;
    filter.model = QStringLiteral("m2");
    filter.endpoint = endpointA;
    quint64 started = 0;
    QVERIFY2(m_store->rollups().forEachCell(
                 RollupKey::Resolution::Hour, std::numeric_limits<qint64>::min(),
                 std::numeric_limits<qint64>::max(),
                 [&](const RollupStore::StoredCell& stored) {
                     QCOMPARE(stored.key.model, QStringLiteral("m2"));
                     started += stored.cell.started();
                 },
                 &error, &filter),
             qPrintable(error));
    const auto selected = std::count_if(records.begin(), records.end(),
                                        [&](const auto& r) { return filter.matchesLabels(r); });
    QVERIFY(selected > 0 && selected < qsizetype(records.size()));
    QCOMPARE(started, quint64(selected));

    quint64 counted = 0;
    QVERIFY2(m_store->rollups().forEachCount(
                 RollupKey::Resolution::Day,
                 [&counted](const RollupStore::StoredCell& stored, quint64 n) {
                     QVERIFY(stored.cell.isEmpty()); // not decoded
                     counted += n;
                 },
                 &error),
             qPrintable(error));
    QCOMPARE(counted, quint64(records.size()));
}

void TestRollupStore::ratingMovesInEveryResolution()
{
    std::vector<MetricsRecord> records = insertSpread();
    QString error;
    QVERIFY2(m_store->setRating(records[3].id, 1, &error), qPrintable(error));
    QVERIFY2(m_store->setRating(records[4].id, -1, &error), qPrintable(error));
    QVERIFY2(m_store->setRating(records[4].id, 1, &error), qPrintable(error));
    QVERIFY2(m_store->setRating(records[3].id, std::nullopt, &error), qPrintable(error));
    for (RollupKey::Resolution resolution : RollupKey::resolutions) {
        const GroupStats stats = mergedTotal(resolution);
        QCOMPARE(stats.ratedUp, quint64(1));
        QCOMPARE(stats.ratedDown, quint64(0));
    }
    // A rating for no record changes nothing and says so.
    QVERIFY(!m_store->setRating(999999, 1, &error));
    QVERIFY(error.contains(QStringLiteral("no request")));
    QCOMPARE(mergedTotal(RollupKey::Resolution::Day).ratedUp, quint64(1));
}

void TestRollupStore::newestLabelsNameTheBucket()
{
    MetricsRecord older = record(10 * second);
    older.endpointId = QStringLiteral("demo");
    older.profile = QStringLiteral("Demo");
    older.endpoint = QStringLiteral("http://127.0.0.1:40049/v1");
    MetricsRecord newer = older;
    newer.startedUtc = older.startedUtc.addSecs(5);
    newer.endpoint = QStringLiteral("http://127.0.0.1:34995/v1");
    std::vector<MetricsRecord> records = {newer, older}; // stored out of order
    QString error;
    QVERIFY2(m_store->insert(records, &error), qPrintable(error));
    std::vector<RollupStore::StoredCell> cells;
    QVERIFY(m_store->rollups().forEachCell(
        RollupKey::Resolution::Day, 0, std::numeric_limits<qint64>::max(),
        [&cells](const RollupStore::StoredCell& stored) { cells.push_back(stored); }, &error));
    QCOMPARE(cells.size(), std::size_t(1));
    QCOMPARE(cells[0].key.endpointKey, QStringLiteral("demo"));
    QCOMPARE(cells[0].endpoint, newer.endpoint);
    QCOMPARE(cells[0].cell.started(), quint64(2));
}

void TestRollupStore::olderRowsAreFoldedInSlices()
{
    // A database as the release before the rollups left it: schema steps 1 to 5 and 40 rows.
    m_store.reset();
    const QString path = m_dir->filePath(QStringLiteral("older.sqlite"));
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        for (std::size_t step = 0; step < 5; ++step) {
            for (const QString& sql : DatabaseSchema::steps()[step])
                QVERIFY2(query.exec(sql), qPrintable(sql));
        }
        for (int i = 0; i < 40; ++i) {
            const MetricsRecord r = record(qint64(i) * 37 * minute, 100 + 61 * i);
            QVERIFY(query.exec(
                QStringLiteral("INSERT INTO requests (started_utc, started_ms, endpoint, model, "
                               "status, ttft_ms, e2e_ms) VALUES ('', %1, '%2', 'm1', 'ok', %3, %4)")
                    .arg(r.startedUtc.toMSecsSinceEpoch())
                    .arg(r.endpoint)
                    .arg(*r.ttftMs)
                    .arg(*r.e2eMs)));
        }
        QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 5")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));

    m_store = std::make_unique<MetricsStore>(path);
    QString error;
    QVERIFY2(m_store->open(&error), qPrintable(error));
    // Written while the build has not run: folded at once, never twice.
    std::vector<MetricsRecord> fresh = {record(5 * second, 250)};
    QVERIFY2(m_store->insert(fresh, &error), qPrintable(error));
    QCOMPARE(mergedTotal(RollupKey::Resolution::Day).started, quint64(1));

    qint64 last = -1;
    int slices = 0;
    for (;;) {
        const std::optional<MetricsStore::RollupProgress> progress =
            m_store->buildRollups(7, &error);
        QVERIFY2(progress, qPrintable(error));
        QCOMPARE(progress->total, qint64(40));
        QVERIFY(progress->done > last);
        last = progress->done;
        ++slices;
        if (progress->complete())
            break;
    }
    QCOMPARE(slices, 6);                                   // 7 rows a slice
    QVERIFY(m_store->buildRollups(7, &error)->complete()); // done stays done

    const std::vector<MetricsRecord> rows =
        m_store->records(MetricsFilter{}, QDateTime::currentDateTimeUtc(), &error);
    QCOMPARE(rows.size(), std::size_t(41));
    MetricsAggregator::Options options;
    options.timelineBuckets = 0;
    const GroupStats expected =
        MetricsAggregator::aggregate(rows, MetricsFilter{}, now, options).total;
    for (RollupKey::Resolution resolution : RollupKey::resolutions) {
        const GroupStats stats = mergedTotal(resolution);
        QCOMPARE(stats.started, quint64(41));
        QCOMPARE(stats.categories, expected.categories);
        QCOMPARE(stats.ttft.p95, expected.ttft.p95);
    }
}

void TestRollupStore::weeksAreBuiltFromDays()
{
    // Three weeks of records in a database as release 7 left it: minute, hour and day buckets,
    // no week buckets, schema steps 8 and 9 not taken.
    std::vector<MetricsRecord> records;
    for (int i = 0; i < 100; ++i)
        records.push_back(record(qint64(i) * 5 * hour + 7 * minute, 90 + (i * 37) % 1500,
                                 i % 2 ? endpointA : endpointB, i % 3 ? "m1" : "m2"));
    QString error;
    QVERIFY2(m_store->insert(records, &error), qPrintable(error));
    const QString path = m_store->path();
    m_store.reset();
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        for (const char* sql :
             {"DELETE FROM rollups WHERE resolution_ms = 604800000",
              "ALTER TABLE rollup_state DROP COLUMN weeks_built_ms",
              "ALTER TABLE rollup_state DROP COLUMN weeks_until_ms", "DROP TABLE incidents",
              "DROP TABLE watch_targets", "ALTER TABLE requests DROP COLUMN requested_model",
              "PRAGMA user_version = 7"})
            QVERIFY2(query.exec(QLatin1String(sql)), sql);
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));

    m_store = std::make_unique<MetricsStore>(path);
    QVERIFY2(m_store->open(&error), qPrintable(error));
    QVERIFY(!m_store->rollups().weeksReady());
    QVERIFY(!m_store->rollups().kept(now.toMSecsSinceEpoch()).weeks);
    QCOMPARE(mergedTotal(RollupKey::Resolution::Week).started, quint64(0));
    // Stored before the build reaches its week: in the week once, not twice.
    std::vector<MetricsRecord> fresh = {record(3 * hour, 640)};
    QVERIFY2(m_store->insert(fresh, &error), qPrintable(error));
    QCOMPARE(mergedTotal(RollupKey::Resolution::Week).started, quint64(1));

    int slices = 0;
    for (std::optional<bool> built; !(built = m_store->buildRollupWeeks(1, &error)).value_or(true);)
        ++slices;
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(slices >= 3); // a week a slice, over at least three of them
    QVERIFY(m_store->rollups().weeksReady());
    QVERIFY(m_store->rollups().kept(now.toMSecsSinceEpoch()).weeks);
    QCOMPARE(m_store->buildRollupWeeks(1, &error), std::optional<bool>(true)); // done stays done

    const GroupStats days = mergedTotal(RollupKey::Resolution::Day);
    const GroupStats weeks = mergedTotal(RollupKey::Resolution::Week);
    QCOMPARE(weeks.started, quint64(101));
    QCOMPARE(weeks.started, days.started);
    QCOMPARE(weeks.categories, days.categories);
    QCOMPARE(weeks.ttft.p50, days.ttft.p50);
    QCOMPARE(weeks.e2e.p99, days.e2e.p99);
    // One cell per group and week, each the merge of its days.
    QHash<RollupKey, RollupCell> fromDays;
    m_store->rollups().forEachCell(
        RollupKey::Resolution::Day, 0, std::numeric_limits<qint64>::max(),
        [&fromDays](const RollupStore::StoredCell& day) {
            RollupKey key = day.key;
            key.resolution = RollupKey::Resolution::Week;
            key.bucketMs = RollupKey::bucketStart(key.bucketMs, RollupKey::Resolution::Week);
            fromDays[key].merge(day.cell);
        },
        &error);
    int weekCells = 0;
    m_store->rollups().forEachCell(
        RollupKey::Resolution::Week, 0, std::numeric_limits<qint64>::max(),
        [&](const RollupStore::StoredCell& week) {
            ++weekCells;
            QVERIFY(fromDays.contains(week.key));
            QCOMPARE(week.cell.toBytes(), fromDays.value(week.key).toBytes());
        },
        &error);
    QCOMPARE(weekCells, fromDays.size());
}

QTEST_GUILESS_MAIN(TestRollupStore)
#include "tst_rollupstore.moc"

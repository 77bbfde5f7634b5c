// The metrics database on real SQLite files in a temporary folder.
#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"
#include "metrics/QuantileSketch.h"
#include "store/DatabaseSchema.h"
#include "store/MetricsStore.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <functional>

using namespace adminchat;

namespace {

const QDateTime baseTime(QDate(2024, 5, 6), QTime(12, 0), Qt::UTC);

MetricsRecord makeRecord(const QDateTime& started, const QString& model = QStringLiteral("m1"))
{
    MetricsRecord r;
    r.startedUtc = started;
    r.endpoint = QStringLiteral("http://localhost:8000/v1");
    r.model = model;
    r.status = RequestStatus::Ok;
    r.httpStatus = 200;
    r.category = LatencyCategory::Good;
    r.ttftMs = 600;
    return r;
}

MetricsRecord fullRecord()
{
    MetricsRecord r;
    r.startedUtc = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9, 123), Qt::UTC);
    r.endpoint = QStringLiteral("https://api.example.com/v1/");
    r.profile = QStringLiteral("work");
    r.model = QStringLiteral("gpt-4o-mini");
    r.experiment = QStringLiteral("prompt-test");
    r.acceptedPredictionTokens = 12;
    r.rejectedPredictionTokens = 3;
    r.displayLagP95Ms = 41.5;
    r.requestedModel = QStringLiteral("gpt-4o");
    r.variant = QStringLiteral("B");
    r.tag = QStringLiteral("bench-7");
    r.streamed = false;
    r.status = RequestStatus::Length;
    r.httpStatus = 200;
    r.errorKind = ApiError::Kind::CutOff;
    r.ttftMs = 412.125;
    r.ttfatMs = 500.5;
    r.e2eMs = 2345.75;
    r.meanItlMs = 21.25;
    r.itlP50Ms = 20;
    r.itlP95Ms = 35.5;
    r.itlMaxMs = 80.0625;
    r.tpotMs = 22.5;
    r.outputTokens = 101;
    r.outputTokensEstimated = false;
    r.promptTokens = 4096;
    r.tokensPerSecond = 43.07;
    r.retries = 3;
    r.category = LatencyCategory::Acceptable;
    r.rating = -1;
    r.promptHash =
        QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    r.promptChars = 12345;
    QuantileSketch sketch;
    for (double gap : {10.0, 20.0, 30.0, 80.0625})
        sketch.add(gap);
    r.itlSketch = sketch.toBytes();
    return r;
}

// Reads one value with a separate connection, as sqlite3 on the command line would.
QVariant pragma(const QString& path, const QString& sql)
{
    const QString name = QStringLiteral("tst-inspect");
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(sql) && query.next())
                value = query.value(0);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestMetricsStore : public QObject
{
    Q_OBJECT

    QString dbPath(const QTemporaryDir& dir)
    {
        return dir.filePath(QStringLiteral("metrics.sqlite"));
    }

private slots:
    void opensNewDatabaseInNewFolder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a/b/metrics.sqlite"));
        MetricsStore store(path);
        QVERIFY(!store.isOpen());
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(store.isOpen());
        QVERIFY(QFile::exists(path));
        QVERIFY(store.movedAsidePath().isEmpty());
        QCOMPARE(store.count(), 0);
        QCOMPARE(pragma(path, QStringLiteral("PRAGMA user_version")).toInt(),
                 DatabaseSchema::version);
        QCOMPARE(pragma(path, QStringLiteral("PRAGMA journal_mode")).toString(),
                 QStringLiteral("wal"));
        QVERIFY(store.open(&error)); // already open: no-op
    }

    void defaultPathIsAdminchatSqlite()
    {
        QVERIFY(Database::defaultPath().endsWith(QLatin1String("/adminchat.sqlite")));
    }

    void roundTripsEveryField()
    {
        QTemporaryDir dir;
        MetricsStore store(dbPath(dir));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));

        MetricsRecord full = fullRecord();
        MetricsRecord empty; // every optional unset, every string empty, no start time
        std::vector<MetricsRecord> batch{full, empty};
        QVERIFY2(store.insert(batch, &error), qPrintable(error));
        QVERIFY(batch[0].id > 0);
        QVERIFY(batch[1].id > batch[0].id);

        const std::vector<MetricsRecord> rows = store.records({}, baseTime, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(rows.size(), std::size_t(2));
        // A NULL start sorts first.
        const MetricsRecord& e = rows[0];
        const MetricsRecord& r = rows[1];

        QCOMPARE(r.id, batch[0].id);
        QCOMPARE(r.startedUtc, full.startedUtc);
        QCOMPARE(r.startedUtc.timeSpec(), Qt::UTC);
        QCOMPARE(r.startedUtc.time().msec(), 123);
        QCOMPARE(r.endpoint, full.endpoint);
        QCOMPARE(r.profile, full.profile);
        QCOMPARE(r.model, full.model);
        QCOMPARE(r.experiment, full.experiment);
        QCOMPARE(r.acceptedPredictionTokens, full.acceptedPredictionTokens);
        QCOMPARE(r.rejectedPredictionTokens, full.rejectedPredictionTokens);
        QCOMPARE(r.displayLagP95Ms, full.displayLagP95Ms);
        QCOMPARE(r.requestedModel, full.requestedModel);
        QCOMPARE(r.variant, full.variant);
        QCOMPARE(r.tag, full.tag);
        QCOMPARE(r.streamed, false);
        QCOMPARE(r.status, full.status);
        QCOMPARE(r.httpStatus, full.httpStatus);
        QCOMPARE(r.errorKind, full.errorKind);
        QCOMPARE(r.ttftMs, full.ttftMs);
        QCOMPARE(r.ttfatMs, full.ttfatMs);
        QCOMPARE(r.e2eMs, full.e2eMs);
        QCOMPARE(r.meanItlMs, full.meanItlMs);
        QCOMPARE(r.itlP50Ms, full.itlP50Ms);
        QCOMPARE(r.itlP95Ms, full.itlP95Ms);
        QCOMPARE(r.itlMaxMs, full.itlMaxMs);
        QCOMPARE(r.tpotMs, full.tpotMs);
        QCOMPARE(r.outputTokens, full.outputTokens);
        QCOMPARE(r.outputTokensEstimated, false);
        QCOMPARE(r.promptTokens, full.promptTokens);
        QCOMPARE(r.tokensPerSecond, full.tokensPerSecond);
        QCOMPARE(r.retries, full.retries);
        QCOMPARE(r.category, full.category);
        QCOMPARE(r.rating, std::optional<int>(-1));
        QCOMPARE(r.promptHash, full.promptHash);
        QCOMPARE(r.promptChars, full.promptChars);
        QCOMPARE(r.itlSketch, full.itlSketch);
        const std::optional<QuantileSketch> sketch = QuantileSketch::fromBytes(r.itlSketch);
        QVERIFY(sketch);
        QCOMPARE(sketch->count(), quint64(4));

        QCOMPARE(e.id, batch[1].id);
        QVERIFY(!e.startedUtc.isValid());
        QVERIFY(e.endpoint.isEmpty() && e.model.isEmpty() && e.status == RequestStatus::Ok &&
                !e.errorKind && !e.category);
        QVERIFY(e.streamed);
        QVERIFY(e.outputTokensEstimated);
        QVERIFY(!e.ttftMs && !e.ttfatMs && !e.e2eMs && !e.meanItlMs && !e.itlP50Ms);
        QVERIFY(!e.itlP95Ms && !e.itlMaxMs && !e.tpotMs && !e.tokensPerSecond);
        QVERIFY(!e.promptTokens);
        QVERIFY(!e.rating);
        QVERIFY(e.itlSketch.isEmpty());

        // The NULLs are real SQL NULLs and the text time is sortable ISO 8601 with 'Z'.
        QCOMPARE(pragma(dbPath(dir), QStringLiteral("SELECT count(*) FROM requests WHERE "
                                                    "ttft_ms IS NULL AND rating IS NULL AND "
                                                    "prompt_tokens IS NULL AND itl_sketch IS NULL"))
                     .toInt(),
                 1);
        QCOMPARE(pragma(dbPath(dir), QStringLiteral("SELECT started_utc FROM requests WHERE "
                                                    "started_ms IS NOT NULL"))
                     .toString(),
                 QStringLiteral("2024-05-06T07:08:09.123Z"));
    }

    void reopenKeepsRows()
    {
        QTemporaryDir dir;
        QString error;
        qint64 id = 0;
        {
            MetricsStore store(dbPath(dir));
            QVERIFY2(store.open(&error), qPrintable(error));
            MetricsRecord r = makeRecord(baseTime);
            QVERIFY2(store.insert(r, &error), qPrintable(error));
            id = r.id;
            QVERIFY(id > 0);
        }
        MetricsStore again(dbPath(dir));
        QVERIFY2(again.open(&error), qPrintable(error));
        QVERIFY(again.movedAsidePath().isEmpty());
        QCOMPARE(again.count(), 1);
        const auto rows = again.records({}, baseTime);
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].id, id);
        QCOMPARE(rows[0].startedUtc, baseTime);
    }

    void filtersByWindowAndSince()
    {
        QTemporaryDir dir;
        MetricsStore store(dbPath(dir));
        QVERIFY(store.open());
        const QDateTime now = baseTime;
        std::vector<MetricsRecord> batch{makeRecord(now.addDays(-2)),
                                         makeRecord(now.addSecs(-7200)),
                                         makeRecord(now.addSecs(-600))};
        QVERIFY(store.insert(batch));

        MetricsFilter f;
        QCOMPARE(store.records(f, now).size(), std::size_t(3));
        f.window = MetricsFilter::Window::Last24Hours;
        QCOMPARE(store.records(f, now).size(), std::size_t(2));
        f.window = MetricsFilter::Window::LastHour;
        auto rows = store.records(f, now);
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].startedUtc, now.addSecs(-600));
        f.window = MetricsFilter::Window::Last5Minutes;
        QCOMPARE(store.records(f, now).size(), std::size_t(0));
        // The same window later in time: the newest record has aged out of the hour.
        f.window = MetricsFilter::Window::LastHour;
        QCOMPARE(store.records(f, now.addSecs(3600)).size(), std::size_t(0));

        f.since = now.addSecs(-7200); // inclusive lower bound, overrides the window
        rows = store.records(f, now);
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].startedUtc, now.addSecs(-7200));
    }

    void filtersByLabels()
    {
        QTemporaryDir dir;
        MetricsStore store(dbPath(dir));
        QVERIFY(store.open());
        std::vector<MetricsRecord> batch;
        const QString endpoints[] = {
            QStringLiteral("http://a:1/v1"), QStringLiteral("http://a:1/v1/"),
            QStringLiteral("http://a:1/v10"), QStringLiteral("http://b:2/v1")};
        for (const QString& endpoint : endpoints) {
            for (const char* model : {"m1", "m2"}) {
                for (const char* variant : {"", "A", "B"}) {
                    MetricsRecord r = makeRecord(baseTime.addSecs(-qint64(batch.size())),
                                                 QString::fromLatin1(model));
                    r.endpoint = endpoint;
                    r.variant = QString::fromLatin1(variant);
                    r.tag = batch.size() % 2 ? QStringLiteral("run-1") : QString();
                    batch.push_back(r);
                }
            }
        }
        QVERIFY(store.insert(batch));

        // The store's SQL must agree with MetricsFilter::matchesLabels for every filter.
        const QStringList endpointFilters = {
            QString(), QStringLiteral("http://a:1/v1"), QStringLiteral("http://a:1/v1/"),
            QStringLiteral("http://a:1/v10"), QStringLiteral("http://nowhere")};
        int checked = 0;
        for (const QString& endpoint : endpointFilters) {
            for (const QString& model : {QString(), QStringLiteral("m2")}) {
                for (const QString& variant : {QString(), QStringLiteral("A")}) {
                    for (const QString& tag : {QString(), QStringLiteral("run-1")}) {
                        MetricsFilter f;
                        f.endpoint = endpoint;
                        f.model = model;
                        f.variant = variant;
                        f.tag = tag;
                        std::vector<qint64> expected;
                        for (const MetricsRecord& r : batch) {
                            if (f.matchesLabels(r))
                                expected.push_back(r.id);
                        }
                        std::sort(expected.begin(), expected.end(), std::greater<>());
                        std::vector<qint64> actual;
                        for (const MetricsRecord& r : store.records(f, baseTime))
                            actual.push_back(r.id); // oldest first = highest id here
                        QCOMPARE(actual, expected);
                        ++checked;
                    }
                }
            }
        }
        QCOMPARE(checked, 40);

        MetricsFilter f;
        f.endpoint = QStringLiteral("http://a:1/v1");
        QCOMPARE(store.records(f, baseTime).size(), std::size_t(12)); // with and without '/'
        f.model = QStringLiteral("m1");
        f.variant = QStringLiteral("B");
        const auto rows = store.records(f, baseTime);
        QCOMPARE(rows.size(), std::size_t(2));
        for (const MetricsRecord& r : rows)
            QVERIFY(r.model == QLatin1String("m1") && r.variant == QLatin1String("B"));
        MetricsFilter byTag;
        byTag.tag = QStringLiteral("run-1");
        QCOMPARE(store.records(byTag, baseTime).size(), batch.size() / 2);
    }

    void ordersByStartThenId()
    {
        QTemporaryDir dir;
        MetricsStore store(dbPath(dir));
        QVERIFY(store.open());
        std::vector<MetricsRecord> batch{makeRecord(baseTime.addSecs(30)), makeRecord(baseTime),
                                         makeRecord(baseTime.addSecs(30)),
                                         makeRecord(baseTime.addMSecs(-1))};
        QVERIFY(store.insert(batch));
        const auto rows = store.records({}, baseTime);
        QCOMPARE(rows.size(), std::size_t(4));
        QCOMPARE(rows[0].id, batch[3].id);
        QCOMPARE(rows[1].id, batch[1].id);
        QCOMPARE(rows[2].id, batch[0].id); // same start: insertion order
        QCOMPARE(rows[3].id, batch[2].id);
    }

    void setsRating()
    {
        QTemporaryDir dir;
        MetricsStore store(dbPath(dir));
        QVERIFY(store.open());
        MetricsRecord r = makeRecord(baseTime);
        QVERIFY(store.insert(r));
        QString error;
        QVERIFY2(store.setRating(r.id, 1, &error), qPrintable(error));
        QCOMPARE(store.records({}, baseTime)[0].rating, std::optional<int>(1));
        QVERIFY(store.setRating(r.id, -1));
        QCOMPARE(store.records({}, baseTime)[0].rating, std::optional<int>(-1));
        QVERIFY(store.setRating(r.id, std::nullopt));
        QVERIFY(!store.records({}, baseTime)[0].rating);

        QVERIFY(!store.setRating(r.id, 2, &error));
        QVERIFY(error.contains(QLatin1String("rating")));
        QVERIFY(error.startsWith(QLatin1String("metrics database ")));
        QVERIFY(!error.contains(QLatin1Char('\n')));
        QVERIFY(!store.setRating(r.id, 0));
        QVERIFY(!store.setRating(r.id + 100, 1, &error));
        QVERIFY(error.contains(QString::number(r.id + 100)));
        QVERIFY(!store.records({}, baseTime)[0].rating);

        // The schema refuses other values too, so a bad record fails as a whole batch.
        std::vector<MetricsRecord> bad{makeRecord(baseTime), makeRecord(baseTime)};
        bad[1].rating = 5;
        QVERIFY(!store.insert(bad, &error));
        QVERIFY(error.contains(QLatin1String("cannot insert")));
        QCOMPARE(bad[0].id, 0); // rolled back: no ids handed out
        QCOMPARE(store.count(), 1);
    }

    void closedStoreFailsCleanly()
    {
        MetricsStore store(QStringLiteral("/nonexistent/never-opened.sqlite"));
        MetricsRecord r;
        QString error;
        QVERIFY(!store.insert(r, &error));
        QVERIFY(error.contains(QLatin1String("not open")));
        error.clear();
        QVERIFY(store.records({}, baseTime, &error).empty());
        QVERIFY(!error.isEmpty());
        QVERIFY(!store.setRating(1, 1));
        QCOMPARE(store.count(), -1);
    }

    void unopenablePathFails()
    {
        QTemporaryDir dir;
        // A folder where the file should be: SQLite cannot open it; nothing is moved aside.
        const QString path = dbPath(dir);
        QVERIFY(QDir().mkpath(path));
        MetricsStore store(path);
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY2(error.startsWith(
                     QStringLiteral("metrics database %1: ").arg(QDir::toNativeSeparators(path))),
                 qPrintable(error));
        QVERIFY(store.movedAsidePath().isEmpty());
        QVERIFY(!store.isOpen());
    }

    void movesGarbageAside_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("text") << QByteArray("this is not a database, just some text\n");
        QTest::newRow("4 KiB") << QByteArray(4096, 'x');
        QTest::newRow("short") << QByteArray("garbage");
    }

    void movesGarbageAside()
    {
        QFETCH(QByteArray, bytes);
        QTemporaryDir dir;
        const QString path = dbPath(dir);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(bytes);
        }
        MetricsStore store(path);
        QString error;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("moved it aside")));
        QVERIFY2(store.open(&error), qPrintable(error));
        checkMovedAside(store, path, bytes);
    }

    void movesNewerSchemaAside()
    {
        QTemporaryDir dir;
        const QString path = dbPath(dir);
        {
            const QString name = QStringLiteral("tst-future");
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                db.setDatabaseName(path);
                QVERIFY(db.open());
                QSqlQuery query(db);
                QVERIFY(query.exec(QStringLiteral("CREATE TABLE future (x INTEGER)")));
                QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 99")));
                query.finish();
                db.close();
            }
            QSqlDatabase::removeDatabase(name);
        }
        const QByteArray bytes = readAll(path);
        QVERIFY(!bytes.isEmpty());
        MetricsStore store(path);
        QString error;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("version 99")));
        QVERIFY2(store.open(&error), qPrintable(error));
        checkMovedAside(store, path, bytes);
        QCOMPARE(pragma(store.movedAsidePath(), QStringLiteral("PRAGMA user_version")).toInt(), 99);
    }

    void concurrentWritersInOneThread()
    {
        QTemporaryDir dir;
        MetricsStore gui(dbPath(dir));
        MetricsStore ask(dbPath(dir));
        QString error;
        QVERIFY2(gui.open(&error), qPrintable(error));
        QVERIFY2(ask.open(&error), qPrintable(error));
        std::vector<qint64> ids;
        for (int i = 0; i < 100; ++i) {
            MetricsStore& store = i % 2 ? ask : gui;
            MetricsRecord r = makeRecord(baseTime.addMSecs(i));
            QVERIFY2(store.insert(r, &error), qPrintable(error));
            ids.push_back(r.id);
            if (i % 10 == 0) {
                // A reader on one connection does not block the other's writes.
                QCOMPARE(gui.count(), i + 1);
            }
        }
        QCOMPARE(gui.count(), 100);
        QCOMPARE(ask.count(), 100);
        const auto rows = ask.records({}, baseTime);
        QCOMPARE(rows.size(), std::size_t(100));
        for (std::size_t i = 0; i < rows.size(); ++i)
            QCOMPARE(rows[i].id, ids[i]); // distinct, in order
    }

    void concurrentWriterThread()
    {
        QTemporaryDir dir;
        const QString path = dbPath(dir);
        MetricsStore main(path);
        QString error;
        QVERIFY2(main.open(&error), qPrintable(error));

        constexpr int perWriter = 300;
        QString threadError;
        // The store is made, used and destroyed on the thread, as MetricsService does.
        std::unique_ptr<QThread> thread(QThread::create([&] {
            MetricsStore store(path);
            if (!store.open(&threadError))
                return;
            for (int i = 0; i < perWriter; ++i) {
                MetricsRecord r = makeRecord(baseTime.addMSecs(i), QStringLiteral("thread"));
                if (!store.insert(r, &threadError))
                    return;
            }
        }));
        thread->start();
        for (int i = 0; i < perWriter; ++i) {
            MetricsRecord r = makeRecord(baseTime.addMSecs(i), QStringLiteral("main"));
            QVERIFY2(main.insert(r, &error), qPrintable(error));
        }
        QVERIFY(thread->wait(60000));
        QVERIFY2(threadError.isEmpty(), qPrintable(threadError));
        QCOMPARE(main.count(), 2 * perWriter);
        MetricsFilter f;
        f.model = QStringLiteral("thread");
        QCOMPARE(main.records(f, baseTime).size(), std::size_t(perWriter));
    }

    void tenThousandInOneCall()
    {
        QTemporaryDir dir;
        MetricsStore store(dbPath(dir));
        QVERIFY(store.open());
        std::vector<MetricsRecord> batch;
        batch.reserve(10000);
        const MetricsRecord full = fullRecord();
        for (int i = 0; i < 10000; ++i) {
            MetricsRecord r = full;
            r.startedUtc = baseTime.addMSecs(i);
            batch.push_back(r);
        }
        QString error;
        QVERIFY2(store.insert(batch, &error), qPrintable(error));
        QCOMPARE(store.count(), 10000);
        QVERIFY(batch.back().id > 0);
        QCOMPARE(store.records({}, baseTime).size(), std::size_t(10000));
    }

private:
    void checkMovedAside(MetricsStore& store, const QString& path, const QByteArray& bytes)
    {
        const QString moved = store.movedAsidePath();
        QVERIFY(!moved.isEmpty());
        QVERIFY2(moved.startsWith(path + QStringLiteral(".broken-")), qPrintable(moved));
        QVERIFY(
            QRegularExpression(QStringLiteral("\\.broken-\\d{8}-\\d{6}$")).match(moved).hasMatch());
        QCOMPARE(readAll(moved), bytes);
        QVERIFY(store.isOpen());
        QCOMPARE(store.count(), 0);
        QCOMPARE(pragma(path, QStringLiteral("PRAGMA user_version")).toInt(),
                 DatabaseSchema::version);
        // The fresh database works.
        MetricsRecord r = makeRecord(baseTime);
        QString error;
        QVERIFY2(store.insert(r, &error), qPrintable(error));
        QCOMPARE(store.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestMetricsStore)
#include "tst_metricsstore.moc"

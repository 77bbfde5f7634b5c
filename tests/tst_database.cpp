// The app database file: migration from the metrics-only schema, unusable files moved aside,
// and the old metrics.sqlite adopted under its new name. Real SQLite files throughout.
#include "metrics/MetricsFilter.h"
#include "store/ConversationStore.h"
#include "store/Database.h"
#include "store/DatabaseSchema.h"
#include "store/MetricsStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <future>
#include <thread>

using namespace adminchat;

namespace {

// Schema version 1 exactly as it shipped: a file made by that version looks like this.
const char* const schemaOne[] = {
    R"(CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    started_utc TEXT, started_ms INTEGER,
    endpoint TEXT NOT NULL DEFAULT '', profile TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '', variant TEXT NOT NULL DEFAULT '',
    tag TEXT NOT NULL DEFAULT '', streamed INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT '', http_status INTEGER NOT NULL DEFAULT 0,
    error_kind TEXT NOT NULL DEFAULT '',
    ttft_ms REAL, ttfat_ms REAL, e2e_ms REAL, mean_itl_ms REAL,
    itl_p50_ms REAL, itl_p95_ms REAL, itl_max_ms REAL, tpot_ms REAL,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens_estimated INTEGER NOT NULL DEFAULT 1,
    prompt_tokens INTEGER, tokens_per_s REAL,
    retries INTEGER NOT NULL DEFAULT 0,
    category TEXT NOT NULL DEFAULT '',
    rating INTEGER CHECK (rating IN (-1, 1)),
    prompt_hash TEXT NOT NULL DEFAULT '', prompt_chars INTEGER NOT NULL DEFAULT 0,
    itl_sketch BLOB))",
    "CREATE INDEX requests_started_ms ON requests (started_ms)",
    "CREATE INDEX requests_labels ON requests (endpoint, model, variant)",
    "INSERT INTO requests (started_utc, started_ms, endpoint, model, status, http_status, ttft_ms)"
    " VALUES ('2024-05-06T12:00:00.000Z', 1714996800000, 'http://localhost:8000/v1', 'm1', 'ok',"
    " 200, 410.5)",
    "INSERT INTO requests (started_utc, started_ms, endpoint, model, status, http_status, rating)"
    " VALUES ('2024-05-06T12:01:00.000Z', 1714996860000, 'http://localhost:8000/v1', 'm2',"
    " 'error', 500, -1)",
    "PRAGMA user_version = 1",
};

// Runs statements on the file through a connection of its own, closed before returning.
void runSql(const QString& path, const QStringList& statements,
            const std::function<void(QSqlDatabase&)>& inspect = {})
{
    const QString name = QStringLiteral("tst_database.raw");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        for (const QString& sql : statements) {
            QSqlQuery query(db);
            QVERIFY2(query.exec(sql),
                     qPrintable(query.lastError().text() + QLatin1Char(' ') + sql));
        }
        if (inspect)
            inspect(db);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

QStringList schemaOneStatements()
{
    QStringList statements;
    for (const char* sql : schemaOne)
        statements << QString::fromUtf8(sql);
    return statements;
}

QVariant scalar(const QString& path, const QString& sql)
{
    QVariant value;
    runSql(path, {}, [&](QSqlDatabase& db) {
        QSqlQuery query(db);
        if (query.exec(sql) && query.next())
            value = query.value(0);
    });
    return value;
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void migratesFromVersionOne_data();
    void migratesFromVersionOne();
    void newerVersionIsMovedAside();
    void garbageIsMovedAside();
    void waitsForAnotherWriter();
    void defaultPathAdoptsMetricsFile();
    void defaultPathKeepsBothWhenNewFileExists();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestDatabase::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestDatabase::migratesFromVersionOne_data()
{
    QTest::addColumn<bool>("conversationsFirst");
    QTest::newRow("opened by ConversationStore") << true;
    QTest::newRow("opened by MetricsStore") << false;
}

void TestDatabase::migratesFromVersionOne()
{
    QFETCH(bool, conversationsFirst);
    const QString path = m_dir->filePath(QStringLiteral("adminchat.sqlite"));
    runSql(path, schemaOneStatements());
    QCOMPARE(scalar(path, QStringLiteral("PRAGMA user_version")).toInt(), 1);

    QString error;
    {
        ConversationStore conversations(path);
        MetricsStore metrics(path);
        if (conversationsFirst) {
            QVERIFY2(conversations.open(&error), qPrintable(error));
            QVERIFY2(metrics.open(&error), qPrintable(error));
        } else {
            QVERIFY2(metrics.open(&error), qPrintable(error));
            QVERIFY2(conversations.open(&error), qPrintable(error));
        }
        QVERIFY(conversations.movedAsidePath().isEmpty());
        QVERIFY(metrics.movedAsidePath().isEmpty());

        const std::vector<MetricsRecord> records =
            metrics.records(MetricsFilter{}, QDateTime::currentDateTimeUtc(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(records.size(), std::size_t(2));
        QCOMPARE(records[0].model, QStringLiteral("m1"));
        QCOMPARE(records[0].ttftMs, std::optional<double>(410.5));
        QCOMPARE(records[1].rating, std::optional<int>(-1));
        QCOMPARE(records[0].requestUid, QString());
        QCOMPARE(records[1].requestUid, QString());

        ConversationRecord c;
        QVERIFY2(conversations.create(c, &error), qPrintable(error));
        MessageRecord m;
        m.conversationId = c.id;
        m.role = MessageRole::User;
        m.content = QStringLiteral("after the migration");
        QVERIFY2(conversations.saveMessage(m, &error), qPrintable(error));
        QCOMPARE(conversations.conversations().size(), 1);
        QCOMPARE(conversations.conversations().first().title, m.content);
    }
    QCOMPARE(scalar(path, QStringLiteral("PRAGMA user_version")).toInt(), DatabaseSchema::version);
    QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM requests WHERE request_uid = ''"))
                 .toInt(),
             2);
}

void TestDatabase::newerVersionIsMovedAside()
{
    const QString path = m_dir->filePath(QStringLiteral("adminchat.sqlite"));
    runSql(path, {QStringLiteral("CREATE TABLE future (x TEXT)"),
                  QStringLiteral("INSERT INTO future VALUES ('keep me')"),
                  QStringLiteral("PRAGMA user_version = %1").arg(DatabaseSchema::version + 1)});
    QString movedTo;
    {
        ConversationStore store(path);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("moved it aside")));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        movedTo = store.movedAsidePath();
        QVERIFY(!movedTo.isEmpty());
        QVERIFY(movedTo.startsWith(path + QStringLiteral(".broken-")));
        QVERIFY(store.conversations().isEmpty());
        ConversationRecord c;
        QVERIFY(store.create(c, &error));
    }
    QVERIFY(QFile::exists(movedTo));
    QCOMPARE(scalar(movedTo, QStringLiteral("SELECT x FROM future")).toString(),
             QStringLiteral("keep me"));
    QCOMPARE(scalar(movedTo, QStringLiteral("PRAGMA user_version")).toInt(),
             DatabaseSchema::version + 1);
    QCOMPARE(scalar(path, QStringLiteral("PRAGMA user_version")).toInt(), DatabaseSchema::version);
}

void TestDatabase::garbageIsMovedAside()
{
    const QString path = m_dir->filePath(QStringLiteral("adminchat.sqlite"));
    QByteArray garbage;
    for (int i = 0; i < 200; ++i)
        garbage += "this is not a SQLite database, just text. ";
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(garbage);
    }
    ConversationStore store(path);
    QString error;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not a database")));
    QVERIFY2(store.open(&error), qPrintable(error));
    const QString movedTo = store.movedAsidePath();
    QVERIFY(!movedTo.isEmpty());
    QFile moved(movedTo);
    QVERIFY(moved.open(QIODevice::ReadOnly));
    QCOMPARE(moved.readAll(), garbage); // untouched, for the user to inspect
    ConversationRecord c;
    QVERIFY2(store.create(c, &error), qPrintable(error));
    QCOMPARE(store.conversations().size(), 1);
}

void TestDatabase::waitsForAnotherWriter()
{
    const QString path = m_dir->filePath(QStringLiteral("adminchat.sqlite"));
    ConversationStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    // Another process holds the write lock for a moment, as an `adminchat ask` saving its
    // answer would: the write waits for it (busy timeout) instead of failing at once.
    std::promise<void> locked;
    std::thread writer([&] {
        {
            QSqlDatabase other =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
            other.setDatabaseName(path);
            other.open();
            QSqlQuery(other).exec(QStringLiteral("BEGIN IMMEDIATE"));
            locked.set_value();
            std::this_thread::sleep_for(std::chrono::milliseconds(400));
            QSqlQuery(other).exec(QStringLiteral("COMMIT"));
            other.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
    });
    locked.get_future().wait();
    QElapsedTimer clock;
    clock.start();
    ConversationRecord c;
    const bool created = store.create(c, &error);
    const qint64 waitedMs = clock.elapsed();
    writer.join();
    QVERIFY2(created, qPrintable(error));
    QVERIFY2(waitedMs >= 300, qPrintable(QString::number(waitedMs))); // it did wait
    QCOMPARE(store.conversations().size(), 1);
}

void TestDatabase::defaultPathAdoptsMetricsFile()
{
    // QStandardPaths reads XDG_DATA_HOME on each call: point it into the temporary folder.
    qputenv("XDG_DATA_HOME", m_dir->filePath(QStringLiteral("data")).toLocal8Bit());
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QVERIFY2(folder.startsWith(m_dir->path()), qPrintable(folder));
    QVERIFY(QDir().mkpath(folder));
    const QString legacy = folder + QStringLiteral("/metrics.sqlite");
    runSql(legacy, schemaOneStatements());

    const QString path = Database::defaultPath();
    QCOMPARE(path, folder + QStringLiteral("/adminchat.sqlite"));
    QVERIFY(QFile::exists(path));
    QVERIFY(!QFile::exists(legacy));

    MetricsStore metrics(path);
    QString error;
    QVERIFY2(metrics.open(&error), qPrintable(error));
    QCOMPARE(metrics.count(), 2);
}

void TestDatabase::defaultPathKeepsBothWhenNewFileExists()
{
    qputenv("XDG_DATA_HOME", m_dir->filePath(QStringLiteral("data")).toLocal8Bit());
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QVERIFY(QDir().mkpath(folder));
    const QString legacy = folder + QStringLiteral("/metrics.sqlite");
    runSql(legacy, schemaOneStatements());
    const QString current = folder + QStringLiteral("/adminchat.sqlite");
    {
        ConversationStore store(current);
        QVERIFY(store.open());
    }
    QCOMPARE(Database::defaultPath(), current);
    QVERIFY(QFile::exists(legacy)); // never overwrites a file already in use
    QCOMPARE(scalar(current, QStringLiteral("SELECT count(*) FROM requests")).toInt(), 0);
}

int main(int argc, char** argv)
{
    // The names decide AppDataLocation, as in the app (settings/ApplicationNames).
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("AdminChat"));
    QCoreApplication::setApplicationName(QStringLiteral("adminchat"));
    TestDatabase test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_database.moc"

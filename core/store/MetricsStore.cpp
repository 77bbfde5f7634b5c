#include "store/MetricsStore.h"

#include "store/StoreLog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStringList>
#include <QVariant>
#include <atomic>
#include <utility>

namespace adminchat {

namespace {

// SQLite primary result codes (sqlite3.h), as QSqlError::nativeErrorCode() reports them.
constexpr int sqliteCorrupt = 11;
constexpr int sqliteNotADatabase = 26;

// Column order shared by INSERT (bind index) and SELECT (value index, after id).
constexpr const char* columnList =
    "started_utc,started_ms,endpoint,profile,model,variant,tag,streamed,status,http_status,"
    "error_kind,ttft_ms,ttfat_ms,e2e_ms,mean_itl_ms,itl_p50_ms,itl_p95_ms,itl_max_ms,tpot_ms,"
    "output_tokens,output_tokens_estimated,prompt_tokens,tokens_per_s,retries,category,rating,"
    "prompt_hash,prompt_chars,itl_sketch";
constexpr int columnCount = 29;

// Step i takes the schema from user_version i to i + 1. Append new steps; never edit a shipped
// one, since databases out there already ran it. started_utc is the readable, sortable twin of
// started_ms (ISO 8601, UTC, milliseconds, 'Z'); queries use started_ms.
const std::vector<QStringList>& migrationSteps()
{
    static const std::vector<QStringList> steps = {
        {
            QStringLiteral(R"(CREATE TABLE requests (
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
    itl_sketch BLOB))"),
            QStringLiteral("CREATE INDEX requests_started_ms ON requests (started_ms)"),
            QStringLiteral("CREATE INDEX requests_labels ON requests (endpoint, model, variant)"),
        },
    };
    return steps;
}

QString describe(const QSqlError& error)
{
    const QString text = error.databaseText().isEmpty() ? error.driverText() : error.databaseText();
    return text.isEmpty() ? QStringLiteral("unknown error") : text.simplified(); // one line
}

QSqlError run(const QSqlDatabase& db, const QString& sql)
{
    QSqlQuery query(db);
    query.exec(sql);
    return query.lastError();
}

// Qt binds a null QString as SQL NULL; the label columns are NOT NULL, so send '' instead.
QVariant text(const QString& value)
{
    return value.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(value);
}

template <typename T> QVariant nullable(const std::optional<T>& value)
{
    return value ? QVariant::fromValue(*value) : QVariant();
}

template <typename T> std::optional<T> optionalValue(const QVariant& value)
{
    return value.isNull() ? std::nullopt : std::optional<T>(value.value<T>());
}

void bindRecord(QSqlQuery& query, const MetricsRecord& r)
{
    const bool hasStart = r.startedUtc.isValid();
    const QDateTime start = r.startedUtc.toUTC();
    int i = 0;
    query.bindValue(i++, hasStart ? QVariant(start.toString(Qt::ISODateWithMs)) : QVariant());
    query.bindValue(i++, hasStart ? QVariant(start.toMSecsSinceEpoch()) : QVariant());
    query.bindValue(i++, text(r.endpoint));
    query.bindValue(i++, text(r.profile));
    query.bindValue(i++, text(r.model));
    query.bindValue(i++, text(r.variant));
    query.bindValue(i++, text(r.tag));
    query.bindValue(i++, int(r.streamed));
    query.bindValue(i++, text(r.status));
    query.bindValue(i++, r.httpStatus);
    query.bindValue(i++, text(r.errorKind));
    query.bindValue(i++, nullable(r.ttftMs));
    query.bindValue(i++, nullable(r.ttfatMs));
    query.bindValue(i++, nullable(r.e2eMs));
    query.bindValue(i++, nullable(r.meanItlMs));
    query.bindValue(i++, nullable(r.itlP50Ms));
    query.bindValue(i++, nullable(r.itlP95Ms));
    query.bindValue(i++, nullable(r.itlMaxMs));
    query.bindValue(i++, nullable(r.tpotMs));
    query.bindValue(i++, r.outputTokens);
    query.bindValue(i++, int(r.outputTokensEstimated));
    query.bindValue(i++, nullable(r.promptTokens));
    query.bindValue(i++, nullable(r.tokensPerSecond));
    query.bindValue(i++, r.retries);
    query.bindValue(i++, text(r.category));
    query.bindValue(i++, nullable(r.rating));
    query.bindValue(i++, text(r.promptHash));
    query.bindValue(i++, r.promptChars);
    query.bindValue(i++, r.itlSketch.isEmpty() ? QVariant() : QVariant(r.itlSketch));
    Q_ASSERT(i == columnCount);
}

MetricsRecord readRecord(const QSqlQuery& query)
{
    MetricsRecord r;
    int i = 0;
    r.id = query.value(i++).toLongLong();
    ++i; // started_utc: the text form of started_ms, for people and sqlite3 sessions
    const QVariant startedMs = query.value(i++);
    if (!startedMs.isNull())
        r.startedUtc = QDateTime::fromMSecsSinceEpoch(startedMs.toLongLong(), Qt::UTC);
    r.endpoint = query.value(i++).toString();
    r.profile = query.value(i++).toString();
    r.model = query.value(i++).toString();
    r.variant = query.value(i++).toString();
    r.tag = query.value(i++).toString();
    r.streamed = query.value(i++).toInt() != 0;
    r.status = query.value(i++).toString();
    r.httpStatus = query.value(i++).toInt();
    r.errorKind = query.value(i++).toString();
    r.ttftMs = optionalValue<double>(query.value(i++));
    r.ttfatMs = optionalValue<double>(query.value(i++));
    r.e2eMs = optionalValue<double>(query.value(i++));
    r.meanItlMs = optionalValue<double>(query.value(i++));
    r.itlP50Ms = optionalValue<double>(query.value(i++));
    r.itlP95Ms = optionalValue<double>(query.value(i++));
    r.itlMaxMs = optionalValue<double>(query.value(i++));
    r.tpotMs = optionalValue<double>(query.value(i++));
    r.outputTokens = query.value(i++).toLongLong();
    r.outputTokensEstimated = query.value(i++).toInt() != 0;
    r.promptTokens = optionalValue<qint64>(query.value(i++));
    r.tokensPerSecond = optionalValue<double>(query.value(i++));
    r.retries = query.value(i++).toInt();
    r.category = query.value(i++).toString();
    r.rating = optionalValue<int>(query.value(i++));
    r.promptHash = query.value(i++).toString();
    r.promptChars = query.value(i++).toLongLong();
    r.itlSketch = query.value(i++).toByteArray();
    return r;
}

bool isUnusableFile(const QSqlError& error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff; // extended -> primary code
    if (ok && (code == sqliteNotADatabase || code == sqliteCorrupt))
        return true;
    return error.databaseText().contains(QLatin1String("not a database"));
}

} // namespace

MetricsStore::MetricsStore(QString path) : m_path(std::move(path))
{
    // Connection names are process-wide; two stores on one file must not share a connection.
    static std::atomic<quint64> counter{0};
    m_connectionName = QStringLiteral("adminchat.metrics.%1").arg(++counter);
}

MetricsStore::~MetricsStore()
{
    closeConnection();
    if (m_db.isValid()) {
        m_db = QSqlDatabase(); // drop the last handle first, else removeDatabase warns
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QString MetricsStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/metrics.sqlite");
}

bool MetricsStore::isOpen() const
{
    return m_db.isValid() && m_db.isOpen();
}

bool MetricsStore::fail(QString* error, const QString& what, const QString& detail) const
{
    if (error)
        *error = QStringLiteral("metrics database %1: %2: %3")
                     .arg(QDir::toNativeSeparators(m_path), what, detail);
    return false;
}

bool MetricsStore::open(QString* error)
{
    if (isOpen())
        return true;
    m_movedAside.clear();
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder))
        return fail(error, QStringLiteral("cannot create folder"),
                    QDir::toNativeSeparators(folder));
    if (!openConnection(error))
        return false;

    QString reason;
    Health health = checkHealth(&reason, error);
    if (health == Health::Unusable) {
        // Keep the user's file for inspection or recovery, and carry on with an empty one.
        if (!moveAside(reason, error) || !openConnection(error)) {
            closeConnection();
            return false;
        }
        health = checkHealth(&reason, error);
        if (health == Health::Unusable)
            fail(error, QStringLiteral("fresh database unusable"), reason);
    }
    if (health != Health::Usable || !configure(error) || !migrate(error)) {
        closeConnection();
        return false;
    }
    return true;
}

bool MetricsStore::openConnection(QString* error)
{
    if (!m_db.isValid()) {
        // Created here, not in the constructor: a connection belongs to the thread that adds it.
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        if (!m_db.isValid())
            return fail(error, QStringLiteral("cannot open"),
                        QStringLiteral("the Qt SQLite driver (QSQLITE) is not available"));
    }
    m_db.setDatabaseName(m_path);
    // Another writer (the GUI, an `ask` process) may hold the lock for a moment: wait, not fail.
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open())
        return fail(error, QStringLiteral("cannot open"), describe(m_db.lastError()));
    return true;
}

void MetricsStore::closeConnection()
{
    m_insert.reset(); // a live statement would keep the connection from closing
    if (m_db.isValid())
        m_db.close();
}

MetricsStore::Health MetricsStore::checkHealth(QString* reason, QString* error)
{
    // SQLite opens lazily: only the first read of the header and schema finds out what the
    // file really is.
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) ||
        !query.exec(QStringLiteral("PRAGMA user_version")) || !query.next()) {
        const QSqlError sqlError = query.lastError();
        if (isUnusableFile(sqlError)) {
            *reason = describe(sqlError);
            return Health::Unusable;
        }
        fail(error, QStringLiteral("cannot read schema"), describe(sqlError));
        return Health::Failed;
    }
    const int version = query.value(0).toInt();
    if (version > schemaVersion) {
        *reason = QStringLiteral("schema version %1 is newer than this program's %2")
                      .arg(version)
                      .arg(schemaVersion);
        return Health::Unusable;
    }
    return Health::Usable;
}

bool MetricsStore::moveAside(const QString& reason, QString* error)
{
    closeConnection();
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString target = m_path + QStringLiteral(".broken-") + stamp;
    for (int n = 2; QFile::exists(target) || QFile::exists(target + QStringLiteral("-wal")); ++n)
        target = m_path + QStringLiteral(".broken-%1-%2").arg(stamp).arg(n);

    QFile file(m_path);
    if (!file.rename(target))
        return fail(error, QStringLiteral("cannot move aside to %1").arg(target),
                    file.errorString());
    // The journal files travel with it: a stale -wal next to a fresh database would be replayed
    // into it.
    for (const QString& suffix : {QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        QFile side(m_path + suffix);
        if (side.exists() && !side.rename(target + suffix))
            return fail(error, QStringLiteral("cannot move aside %1").arg(side.fileName()),
                        side.errorString());
    }
    m_movedAside = target;
    qCWarning(lcStore).noquote() << QStringLiteral(
                                        "metrics database %1: %2; moved it aside to %3 and "
                                        "started a fresh one")
                                        .arg(QDir::toNativeSeparators(m_path), reason,
                                             QDir::toNativeSeparators(target));
    return true;
}

bool MetricsStore::configure(QString* error)
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next())
        return fail(error, QStringLiteral("cannot set WAL mode"), describe(query.lastError()));
    const QString mode = query.value(0).toString();
    query.finish();
    if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        // Some file systems (network shares) cannot do WAL; the store still works, serialised.
        qCWarning(lcStore).noquote()
            << QStringLiteral("metrics database %1: journal mode is %2, not WAL")
                   .arg(QDir::toNativeSeparators(m_path), mode);
    }
    for (const QString& pragma :
         {QStringLiteral("PRAGMA synchronous=NORMAL"), QStringLiteral("PRAGMA busy_timeout=5000"),
          QStringLiteral("PRAGMA foreign_keys=ON")}) {
        const QSqlError sqlError = run(m_db, pragma);
        if (sqlError.isValid())
            return fail(error, QStringLiteral("cannot run %1").arg(pragma), describe(sqlError));
    }
    return true;
}

bool MetricsStore::migrate(QString* error)
{
    const std::vector<QStringList>& steps = migrationSteps();
    Q_ASSERT(int(steps.size()) == schemaVersion);
    // Usually up to date already: then no write lock is taken at all.
    if (QSqlQuery query(m_db); query.exec(QStringLiteral("PRAGMA user_version")) && query.next() &&
                               query.value(0).toInt() == schemaVersion)
        return true;
    for (int target = 1; target <= schemaVersion; ++target) {
        // IMMEDIATE takes the write lock before reading the version, so two processes opening a
        // new file at once migrate it once, one after the other.
        QSqlError sqlError = run(m_db, QStringLiteral("BEGIN IMMEDIATE"));
        if (sqlError.isValid())
            return fail(error, QStringLiteral("cannot start migration"), describe(sqlError));
        int version = -1;
        if (QSqlQuery query(m_db);
            query.exec(QStringLiteral("PRAGMA user_version")) && query.next())
            version = query.value(0).toInt();
        else
            sqlError = query.lastError();
        if (version < 0 || version > schemaVersion) {
            run(m_db, QStringLiteral("ROLLBACK"));
            return fail(error, QStringLiteral("cannot migrate"),
                        version < 0 ? describe(sqlError)
                                    : QStringLiteral("schema version %1 is too new").arg(version));
        }
        if (version < target) {
            QStringList statements = steps[std::size_t(target - 1)];
            // PRAGMA takes no bound parameters; target is our own integer.
            statements << QStringLiteral("PRAGMA user_version = %1").arg(target);
            for (const QString& sql : statements) {
                sqlError = run(m_db, sql);
                if (sqlError.isValid()) {
                    run(m_db, QStringLiteral("ROLLBACK"));
                    return fail(error, QStringLiteral("cannot migrate to version %1").arg(target),
                                describe(sqlError));
                }
            }
        }
        sqlError = run(m_db, QStringLiteral("COMMIT"));
        if (sqlError.isValid()) {
            run(m_db, QStringLiteral("ROLLBACK"));
            return fail(error, QStringLiteral("cannot commit migration to version %1").arg(target),
                        describe(sqlError));
        }
    }
    return true;
}

bool MetricsStore::insert(MetricsRecord& record, QString* error)
{
    std::vector<MetricsRecord> one{record};
    if (!insert(one, error))
        return false;
    record.id = one.front().id;
    return true;
}

bool MetricsStore::insert(std::vector<MetricsRecord>& records, QString* error)
{
    if (!isOpen())
        return fail(error, QStringLiteral("cannot insert"), QStringLiteral("not open"));
    if (records.empty())
        return true;
    if (!m_insert) {
        auto query = std::make_unique<QSqlQuery>(m_db);
        QStringList marks;
        for (int i = 0; i < columnCount; ++i)
            marks << QStringLiteral("?");
        const QString sql = QStringLiteral("INSERT INTO requests (%1) VALUES (%2)")
                                .arg(QLatin1String(columnList), marks.join(QLatin1Char(',')));
        if (!query->prepare(sql))
            return fail(error, QStringLiteral("cannot prepare insert"),
                        describe(query->lastError()));
        m_insert = std::move(query);
    }

    QSqlError sqlError = run(m_db, QStringLiteral("BEGIN IMMEDIATE"));
    if (sqlError.isValid())
        return fail(error, QStringLiteral("cannot start insert"), describe(sqlError));
    // Ids are handed out only after COMMIT: a rolled-back batch must not look stored.
    std::vector<qint64> ids;
    ids.reserve(records.size());
    for (const MetricsRecord& record : records) {
        bindRecord(*m_insert, record);
        if (!m_insert->exec()) {
            const QString detail = describe(m_insert->lastError());
            m_insert->finish();
            run(m_db, QStringLiteral("ROLLBACK"));
            return fail(error, QStringLiteral("cannot insert"), detail);
        }
        ids.push_back(m_insert->lastInsertId().toLongLong());
    }
    m_insert->finish();
    sqlError = run(m_db, QStringLiteral("COMMIT"));
    if (sqlError.isValid()) {
        run(m_db, QStringLiteral("ROLLBACK"));
        return fail(error, QStringLiteral("cannot commit insert"), describe(sqlError));
    }
    for (std::size_t i = 0; i < records.size(); ++i)
        records[i].id = ids[i];
    return true;
}

std::vector<MetricsRecord> MetricsStore::records(const MetricsFilter& filter, const QDateTime& now,
                                                 QString* error) const
{
    std::vector<MetricsRecord> result;
    if (!isOpen()) {
        fail(error, QStringLiteral("cannot read"), QStringLiteral("not open"));
        return result;
    }
    QStringList conditions;
    QVariantList values;
    const QDateTime start = filter.start(now);
    if (start.isValid()) {
        conditions << QStringLiteral("started_ms >= ?");
        values << start.toMSecsSinceEpoch();
    }
    if (filter.afterId > 0) {
        conditions << QStringLiteral("id > ?");
        values << filter.afterId;
    }
    if (!filter.endpoint.isEmpty()) {
        // Same rule as MetricsFilter::matchesLabels (trailing slashes ignored), written as a
        // range so the (endpoint, model, variant) index still applies: every string that is
        // e followed by slashes sorts in [e, e + "0"), as '0' follows '/'.
        QString base = filter.endpoint;
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        conditions << QStringLiteral("endpoint >= ? AND endpoint < ? AND rtrim(endpoint, '/') = ?");
        values << text(base) << base + QLatin1Char('0') << text(base);
    }
    const std::pair<const char*, const QString*> labels[] = {
        {"model = ?", &filter.model}, {"variant = ?", &filter.variant}, {"tag = ?", &filter.tag}};
    for (const auto& [condition, value] : labels) {
        if (!value->isEmpty()) {
            conditions << QString::fromLatin1(condition);
            values << *value;
        }
    }

    QString sql = QStringLiteral("SELECT id,%1 FROM requests").arg(QLatin1String(columnList));
    if (!conditions.isEmpty())
        sql += QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY started_ms, id");

    QSqlQuery query(m_db);
    query.setForwardOnly(true); // no client-side row cache: rows are read once, in order
    if (!query.prepare(sql)) {
        fail(error, QStringLiteral("cannot prepare read"), describe(query.lastError()));
        return result;
    }
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values[i]);
    if (!query.exec()) {
        fail(error, QStringLiteral("cannot read"), describe(query.lastError()));
        return result;
    }
    while (query.next())
        result.push_back(readRecord(query));
    if (query.lastError().isValid()) {
        fail(error, QStringLiteral("cannot read"), describe(query.lastError()));
        result.clear();
    }
    return result;
}

qint64 MetricsStore::count() const
{
    if (!isOpen())
        return -1;
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT count(*) FROM requests")) || !query.next()) {
        qCWarning(lcStore).noquote()
            << QStringLiteral("metrics database %1: cannot count: %2")
                   .arg(QDir::toNativeSeparators(m_path), describe(query.lastError()));
        return -1;
    }
    return query.value(0).toLongLong();
}

bool MetricsStore::setRating(qint64 id, std::optional<int> rating, QString* error)
{
    if (rating && *rating != 1 && *rating != -1)
        return fail(error, QStringLiteral("cannot set rating"),
                    QStringLiteral("rating must be -1 or +1, not %1").arg(*rating));
    if (!isOpen())
        return fail(error, QStringLiteral("cannot set rating"), QStringLiteral("not open"));
    QSqlQuery query(m_db);
    if (!query.prepare(QStringLiteral("UPDATE requests SET rating = ? WHERE id = ?")))
        return fail(error, QStringLiteral("cannot set rating"), describe(query.lastError()));
    query.bindValue(0, nullable(rating));
    query.bindValue(1, id);
    if (!query.exec())
        return fail(error, QStringLiteral("cannot set rating"), describe(query.lastError()));
    if (query.numRowsAffected() < 1)
        return fail(error, QStringLiteral("cannot set rating"),
                    QStringLiteral("no request with id %1").arg(id));
    return true;
}

} // namespace adminchat

#include "store/Database.h"

#include "store/DatabaseSchema.h"
#include "store/StoreLog.h"
#include "store/WriteTransaction.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>
#include <atomic>
#include <utility>

namespace adminchat {

namespace {

// SQLite primary result codes (sqlite3.h), as QSqlError::nativeErrorCode() reports them.
constexpr int sqliteBusy = 5;
constexpr int sqliteLocked = 6;
constexpr int sqliteCorrupt = 11;
constexpr int sqliteNotADatabase = 26;

const QString journalSuffixes[] = {QStringLiteral("-wal"), QStringLiteral("-shm")};

bool isUnusableFile(const QSqlError& error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff; // extended -> primary code
    if (ok && (code == sqliteNotADatabase || code == sqliteCorrupt))
        return true;
    return error.databaseText().contains(QLatin1String("not a database"));
}

// Moves a database and its journal files together: a stale -wal next to another database
// would be replayed into it.
bool moveWithJournal(const QString& from, const QString& to, QString* detail)
{
    QFile file(from);
    if (!file.rename(to)) {
        *detail = file.errorString();
        return false;
    }
    for (const QString& suffix : journalSuffixes) {
        QFile side(from + suffix);
        if (side.exists() && !side.rename(to + suffix)) {
            *detail = QStringLiteral("%1: %2").arg(side.fileName(), side.errorString());
            return false;
        }
    }
    return true;
}

} // namespace

Database::Database(QString path, QString purpose)
    : m_path(std::move(path)), m_purpose(std::move(purpose))
{
    // Connection names are process-wide; two stores on one file must not share a connection.
    static std::atomic<quint64> counter{0};
    m_connectionName = QStringLiteral("adminchat.db.%1").arg(++counter);
}

Database::~Database()
{
    close();
    if (m_db.isValid()) {
        m_db = QSqlDatabase(); // drop the last handle first, else removeDatabase warns
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QString Database::defaultPath()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    const QString path = folder + QStringLiteral("/adminchat.sqlite");
    const QString legacy = folder + QStringLiteral("/metrics.sqlite");
    QString detail;
    if (!QFile::exists(path) && QFile::exists(legacy) && !moveWithJournal(legacy, path, &detail))
        qCWarning(lcStore).noquote()
            << QStringLiteral("cannot rename %1 to %2: %3")
                   .arg(QDir::toNativeSeparators(legacy), QDir::toNativeSeparators(path), detail);
    return path;
}

bool Database::isOpen() const
{
    return m_db.isValid() && m_db.isOpen();
}

void Database::close()
{
    if (m_db.isValid())
        m_db.close();
}

QString Database::describe(const QSqlError& error)
{
    const QString text = error.databaseText().isEmpty() ? error.driverText() : error.databaseText();
    return text.isEmpty() ? QStringLiteral("unknown error") : text.simplified();
}

QSqlError Database::run(const QString& sql) const
{
    QSqlQuery query(m_db);
    query.exec(sql);
    return query.lastError();
}

bool Database::fail(QString* error, const QString& what, const QString& detail) const
{
    if (!error)
        return false;
    *error = QStringLiteral("%1 %2: %3: %4")
                 .arg(m_purpose, QDir::toNativeSeparators(m_path), what, detail);
    if (m_readOnly)
        *error += QStringLiteral(" (opened read-only: %1)").arg(readOnlyReason());
    return false;
}

QString Database::readOnlyReason() const
{
    // access(2): also false for root on a read-only file system or bind mount.
    const QFileInfo file(m_path);
    const QString folder = file.absolutePath();
    if (!QFileInfo(folder).isWritable())
        return QStringLiteral("the folder %1 is not writable")
            .arg(QDir::toNativeSeparators(folder));
    if (!file.isWritable())
        return QStringLiteral("the file is not writable");
    return QStringLiteral("it could not be opened for writing");
}

bool Database::open(QString* error)
{
    if (isOpen())
        return true;
    m_movedAside.clear();
    m_readOnly = false;
    // A reader needs no folder it can write: an existing file is tried read-only when the
    // writable open fails for any reason.
    const bool exists = QFileInfo(m_path).isFile();
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder))
        return readOnlyFallback(exists, error) ||
               fail(error, QStringLiteral("cannot create folder"),
                    QDir::toNativeSeparators(folder));
    if (!openConnection(error))
        return readOnlyFallback(exists, error);

    QString reason;
    Health health = checkHealth(&reason, error);
    if (health == Health::Unusable) {
        // Keep the user's file for inspection or recovery, and carry on with an empty one.
        if (!moveAside(reason, error) || !openConnection(error)) {
            close();
            return false;
        }
        health = checkHealth(&reason, error);
        if (health == Health::Unusable)
            fail(error, QStringLiteral("fresh database unusable"), reason);
    }
    if (health != Health::Usable || !configure(error) || !migrate(error)) {
        close();
        // Not for a file that was moved aside: the fresh one is ours to write.
        return m_movedAside.isEmpty() && readOnlyFallback(exists, error);
    }
    // SQLite opens a write-protected file read-only without a word: say so at the first write.
    m_readOnly = !QFileInfo(m_path).isWritable();
    return true;
}

bool Database::readOnlyFallback(bool exists, QString* error)
{
    // The writable attempt's error stays when this fails too; when it works there is none.
    if (!exists || !openReadOnly(nullptr))
        return false;
    if (error)
        error->clear();
    return true;
}

bool Database::openReadOnly(QString* error)
{
    // mode=ro first; a WAL file in a folder where SQLite cannot create its -shm needs
    // immutable=1 as well, which is safe there: nobody can write beside it either.
    const QString uri =
        QUrl::fromLocalFile(QFileInfo(m_path).absoluteFilePath()).toString(QUrl::FullyEncoded);
    if (!m_db.isValid())
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    for (const QString& parameters :
         {QStringLiteral("?mode=ro"), QStringLiteral("?mode=ro&immutable=1")}) {
        close();
        m_db.setDatabaseName(uri + parameters);
        m_db.setConnectOptions(
            QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000;QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"));
        if (!m_db.open())
            continue;
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) ||
            !query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
            continue;
        // An older schema would need a migration, which cannot be written.
        const int version = query.value(0).toInt();
        query.finish();
        if (version != DatabaseSchema::version) {
            close();
            return fail(error, QStringLiteral("cannot open read-only"),
                        QStringLiteral("schema version %1, this program needs %2")
                            .arg(version)
                            .arg(DatabaseSchema::version));
        }
        m_readOnly = true;
        qCDebug(lcStore).noquote()
            << QStringLiteral("%1 %2: opened read-only: %3")
                   .arg(m_purpose, QDir::toNativeSeparators(m_path), readOnlyReason());
        return true;
    }
    close();
    return fail(error, QStringLiteral("cannot open read-only"), describe(m_db.lastError()));
}

bool Database::openConnection(QString* error)
{
    if (!m_db.isValid()) {
        // Created here, not in the constructor: a connection belongs to the thread that adds it.
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        if (!m_db.isValid())
            return fail(error, QStringLiteral("cannot open"),
                        QStringLiteral("the Qt SQLite driver (QSQLITE) is not available"));
    }
    m_db.setDatabaseName(m_path);
    m_readOnly = false;
    // Another writer (the GUI, an `ask` process) may hold the lock for a moment: wait, not fail.
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open())
        return fail(error, QStringLiteral("cannot open"), describe(m_db.lastError()));
    return true;
}

Database::Health Database::checkHealth(QString* reason, QString* error)
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
    if (version > DatabaseSchema::version) {
        *reason = QStringLiteral("schema version %1 is newer than this program's %2")
                      .arg(version)
                      .arg(DatabaseSchema::version);
        return Health::Unusable;
    }
    return Health::Usable;
}

bool Database::moveAside(const QString& reason, QString* error)
{
    close();
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString target = m_path + QStringLiteral(".broken-") + stamp;
    for (int n = 2; QFile::exists(target) || QFile::exists(target + QStringLiteral("-wal")); ++n)
        target = m_path + QStringLiteral(".broken-%1-%2").arg(stamp).arg(n);

    QString detail;
    if (!moveWithJournal(m_path, target, &detail))
        return fail(error, QStringLiteral("cannot move aside to %1").arg(target), detail);
    m_movedAside = target;
    qCWarning(lcStore).noquote() << QStringLiteral(
                                        "%1 %2: %3; moved it aside to %4 and started a fresh one")
                                        .arg(m_purpose, QDir::toNativeSeparators(m_path), reason,
                                             QDir::toNativeSeparators(target));
    return true;
}

bool Database::configure(QString* error)
{
    QSqlQuery query(m_db);
    // Switching a fresh file to WAL needs it to itself and SQLite reports "locked" at once
    // rather than waiting, so a second connection opening the same new file at the same moment
    // (the GUI's metrics and history threads, an `ask`) retries for up to the busy timeout.
    // Stores never run on the GUI thread, so the short sleeps block no window.
    for (int attempt = 0;; ++attempt) {
        if (query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) && query.next())
            break;
        const QSqlError sqlError = query.lastError();
        bool ok = false;
        const int code = sqlError.nativeErrorCode().toInt(&ok) & 0xff;
        const bool locked = (ok && (code == sqliteBusy || code == sqliteLocked)) ||
                            sqlError.databaseText().contains(QLatin1String("locked"));
        if (!locked || attempt >= 100)
            return fail(error, QStringLiteral("cannot set WAL mode"), describe(sqlError));
        QThread::msleep(50);
    }
    const QString mode = query.value(0).toString();
    query.finish();
    if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        // Some file systems (network shares) cannot do WAL; the store still works, serialised.
        qCWarning(lcStore).noquote() << QStringLiteral("%1 %2: journal mode is %3, not WAL")
                                            .arg(m_purpose, QDir::toNativeSeparators(m_path), mode);
    }
    for (const QString& pragma :
         {QStringLiteral("PRAGMA synchronous=NORMAL"), QStringLiteral("PRAGMA busy_timeout=5000"),
          QStringLiteral("PRAGMA foreign_keys=ON")}) {
        const QSqlError sqlError = run(pragma);
        if (sqlError.isValid())
            return fail(error, QStringLiteral("cannot run %1").arg(pragma), describe(sqlError));
    }
    return true;
}

bool Database::migrate(QString* error)
{
    const std::vector<QStringList>& steps = DatabaseSchema::steps();
    Q_ASSERT(int(steps.size()) == DatabaseSchema::version);
    // Usually up to date already: then no write lock is taken at all.
    if (QSqlQuery query(m_db); query.exec(QStringLiteral("PRAGMA user_version")) && query.next() &&
                               query.value(0).toInt() == DatabaseSchema::version)
        return true;
    for (int target = 1; target <= DatabaseSchema::version; ++target) {
        // IMMEDIATE takes the write lock before reading the version, so two processes opening a
        // new file at once migrate it once, one after the other.
        WriteTransaction transaction(*this);
        if (!transaction.begin(error, QStringLiteral("cannot start migration")))
            return false;
        QSqlError sqlError;
        int version = -1;
        if (QSqlQuery query(m_db);
            query.exec(QStringLiteral("PRAGMA user_version")) && query.next())
            version = query.value(0).toInt();
        else
            sqlError = query.lastError();
        if (version < 0 || version > DatabaseSchema::version)
            return fail(error, QStringLiteral("cannot migrate"),
                        version < 0 ? describe(sqlError)
                                    : QStringLiteral("schema version %1 is too new").arg(version));
        if (version < target) {
            QStringList statements = steps[std::size_t(target - 1)];
            // PRAGMA takes no bound parameters; target is our own integer.
            statements << QStringLiteral("PRAGMA user_version = %1").arg(target);
            for (const QString& sql : statements) {
                sqlError = run(sql);
                if (sqlError.isValid())
                    return fail(error, QStringLiteral("cannot migrate to version %1").arg(target),
                                describe(sqlError));
            }
        }
        if (!transaction.commit(
                error, QStringLiteral("cannot commit migration to version %1").arg(target)))
            return false;
    }
    return true;
}

} // namespace adminchat

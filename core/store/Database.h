#pragma once

#include <QSqlDatabase>
#include <QString>

class QSqlError;

namespace adminchat {

// One connection to the app's SQLite file (metrics, conversations): opened with WAL and a busy
// timeout, its schema (DatabaseSchema) migrated forward by PRAGMA user_version. A file that is
// not a SQLite database, is corrupt, or comes from a newer version is moved aside to
// "<name>.broken-<timestamp>" (never deleted) and a fresh one is started. Each store owns its
// own Database, so a GUI thread, a metrics thread and an `adminchat ask` process can share the
// file. Used from one thread at a time.
//
// A file that exists but cannot be written (a read-only folder, file or file system) is opened
// read-only when its schema is current, so readers still work; every write then fails with
// SQLite's "attempt to write a readonly database" and why the file is read-only.
class Database
{
public:
    explicit Database(QString path, QString purpose = QStringLiteral("database"));
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // <AppDataLocation>/adminchat.sqlite. The file was called metrics.sqlite before it held
    // conversations; an old file of that name is adopted on first use.
    static QString defaultPath();

    bool open(QString* error = nullptr);
    void close();
    bool isOpen() const;
    // Opened read-only because the file could not be opened for writing.
    bool isReadOnly() const { return m_readOnly; }
    QString path() const { return m_path; }
    QString movedAsidePath() const { return m_movedAside; }
    QSqlDatabase& connection() { return m_db; }
    const QSqlDatabase& connection() const { return m_db; }

    // Runs one statement without bound values; returns its error (invalid when it worked).
    QSqlError run(const QString& sql) const;
    // "<purpose> <path>: <what>: <detail>" into *error; always false, for `return fail(...)`.
    bool fail(QString* error, const QString& what, const QString& detail) const;
    static QString describe(const QSqlError& error); // one line

private:
    enum class Health
    {
        Usable,
        Unusable,
        Failed
    };

    bool openConnection(QString* error);
    bool openReadOnly(QString* error);
    bool readOnlyFallback(bool exists, QString* error); // openReadOnly for an existing file
    QString readOnlyReason() const;
    Health checkHealth(QString* reason, QString* error);
    bool configure(QString* error);
    bool migrate(QString* error);
    bool moveAside(const QString& reason, QString* error);

    QString m_path;
    QString m_purpose;
    QString m_connectionName;
    QString m_movedAside;
    bool m_readOnly = false;
    // Kept rather than looked up by name: the lookup refuses callers on another thread, and the
    // store may be destroyed on a different thread than the one that used it.
    QSqlDatabase m_db;
};

} // namespace adminchat

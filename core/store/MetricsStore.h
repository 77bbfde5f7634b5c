#pragma once

#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"

#include <QSqlDatabase>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

class QSqlQuery;

namespace adminchat {

// The metrics database: one SQLite file (WAL, busy timeout, schema versioned with
// PRAGMA user_version and migrated forward on open). Used from one thread at a time; each
// instance has its own connection, so the GUI's metrics thread and an `adminchat ask` process
// can write to the same file at once.
class MetricsStore
{
public:
    static constexpr int schemaVersion = 1;

    explicit MetricsStore(QString path);
    ~MetricsStore();
    MetricsStore(const MetricsStore&) = delete;
    MetricsStore& operator=(const MetricsStore&) = delete;

    // <AppDataLocation>/metrics.sqlite
    static QString defaultPath();

    // Opens (creating folders and file as needed) and migrates. A file that is not a SQLite
    // database, or one from a newer version, is moved aside to "<name>.broken-<timestamp>"
    // (never deleted) and a fresh database is started; movedAsidePath() then names it.
    bool open(QString* error = nullptr);
    bool isOpen() const;
    QString path() const { return m_path; }
    QString movedAsidePath() const { return m_movedAside; }

    // Inserts in one transaction and sets each record's id.
    bool insert(std::vector<MetricsRecord>& records, QString* error = nullptr);
    bool insert(MetricsRecord& record, QString* error = nullptr);

    // Records the filter selects at time now, oldest first.
    std::vector<MetricsRecord> records(const MetricsFilter& filter, const QDateTime& now,
                                       QString* error = nullptr) const;
    qint64 count() const;

    bool setRating(qint64 id, std::optional<int> rating, QString* error = nullptr);

private:
    // What a freshly opened file turned out to be, before anything is written to it.
    enum class Health
    {
        Usable,
        Unusable,
        Failed
    };

    bool openConnection(QString* error);
    void closeConnection();
    Health checkHealth(QString* reason, QString* error);
    bool configure(QString* error);
    bool migrate(QString* error);
    bool moveAside(const QString& reason, QString* error);
    bool fail(QString* error, const QString& what, const QString& detail) const;

    QString m_path;
    QString m_connectionName;
    QString m_movedAside;
    // Kept rather than looked up by name: the lookup refuses callers on another thread, and the
    // store may be destroyed on a different thread than the one that used it.
    QSqlDatabase m_db;
    std::unique_ptr<QSqlQuery> m_insert; // prepared once, reused by every insert()
};

} // namespace adminchat

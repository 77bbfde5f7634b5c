#pragma once

#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"

#include <QString>

#include <optional>
#include <vector>

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
    bool migrate(QString* error);
    bool moveAside(QString* error);

    QString m_path;
    QString m_connectionName;
    QString m_movedAside;
};

} // namespace adminchat

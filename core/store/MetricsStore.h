#pragma once

#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"
#include "store/Database.h"
#include "store/RollupStore.h"

#include <QString>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QSqlQuery;

namespace adminchat {

// The request metrics in the app database (table requests). Used from one thread at a time;
// each instance has its own connection, so the GUI's metrics thread and an `adminchat ask`
// process can write to the same file at once.
class MetricsStore
{
public:
    explicit MetricsStore(QString path);
    ~MetricsStore();
    MetricsStore(const MetricsStore&) = delete;
    MetricsStore& operator=(const MetricsStore&) = delete;

    // Opens (creating folders and file as needed) and migrates; see Database for what happens
    // to an unusable file (movedAsidePath() then names where it went).
    bool open(QString* error = nullptr);
    bool isOpen() const;
    QString path() const { return m_database.path(); }
    QString movedAsidePath() const { return m_database.movedAsidePath(); }

    // Inserts in one transaction and sets each record's id.
    bool insert(std::vector<MetricsRecord>& records, QString* error = nullptr);
    bool insert(MetricsRecord& record, QString* error = nullptr);

    // Records the filter selects at time now, oldest first.
    // The same, one at a time, without holding them all (an export of millions of rows); visit
    // returns false to stop. False when reading failed.
    bool forEachRecord(const MetricsFilter& filter, const QDateTime& now,
                       const std::function<bool(const MetricsRecord&)>& visit,
                       QString* error = nullptr) const;
    std::vector<MetricsRecord> records(const MetricsFilter& filter, const QDateTime& now,
                                       QString* error = nullptr) const;
    qint64 count() const;
    qint64 maxId() const; // the newest row's id; 0 when empty
    const RollupStore& rollups() const { return m_rollups; }
    // RollupStore::pruneMinutes on this store's connection.
    qint64 pruneRollupMinutes(qint64 nowMs, qint64 sliceMs, QString* error = nullptr)
    {
        return m_rollups.pruneMinutes(nowMs, sliceMs, error);
    }
    // RollupStore::buildWeeks on this store's connection.
    std::optional<bool> buildRollupWeeks(int maxWeeks, QString* error = nullptr)
    {
        return m_rollups.buildWeeks(maxWeeks, error);
    }
    // Folds up to maxRows of the rows stored before the rollups existed into their buckets, in
    // one transaction, and says how far that is: done of total rows (done == total: the rollups
    // cover every row). Resumable: another process may insert, or build, meanwhile.
    struct RollupProgress
    {
        qint64 done = 0;
        qint64 total = 0;
        bool complete() const { return done >= total; }
    };
    std::optional<RollupProgress> buildRollups(int maxRows, QString* error = nullptr);

    // rated, when given, receives the records as they were before (their old rating).
    bool setRating(qint64 id, std::optional<int> rating, QString* error = nullptr,
                   std::vector<MetricsRecord>* rated = nullptr);
    // The same for the record of the request with this uid (the link a chat message keeps).
    bool setRatingForRequest(const QString& requestUid, std::optional<int> rating,
                             QString* error = nullptr, std::vector<MetricsRecord>* rated = nullptr);

    // Deletes up to maxRows rows started before beforeMs, oldest first, in one short transaction
    // (their rollups stay). Returns the rows deleted (fewer than maxRows: none older are left),
    // or -1 on failure.
    qint64 pruneRows(qint64 beforeMs, int maxRows, QString* error = nullptr);

    // Called with every record this process stored (after COMMIT, id set), from the thread that
    // stored it: how a telemetry exporter sees the window's, ask's, bench's and the watch's
    // records alike. Set once before any store is used (nullptr: none); must not block.
    using StoredRecordObserver = void (*)(const MetricsRecord& record);
    static void setStoredRecordObserver(StoredRecordObserver observer);

private:
    bool updateRating(const QString& column, const QVariant& key, std::optional<int> rating,
                      QString* error, std::vector<MetricsRecord>* ratedOut);
    bool fail(QString* error, const QString& what, const QString& detail) const;

    Database m_database;
    RollupStore m_rollups{m_database};   // written in the same transactions as the rows
    std::unique_ptr<QSqlQuery> m_insert; // prepared once, reused by every insert()
};

} // namespace adminchat

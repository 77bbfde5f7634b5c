#pragma once

#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"
#include "metrics/RollupCell.h"
#include "metrics/RollupKey.h"
#include "metrics/RollupPlan.h"

#include <QString>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

class QSqlQuery;

namespace adminchat {

class Database;
struct MetricsRecord;

// The rollups table: one RollupCell per bucket (minute, hour, day and week) and group, with the
// labels of the newest record folded in (to name the endpoint as its records last did). Works on
// the connection of the MetricsStore that owns it, inside that store's transactions, so a record
// and its buckets are written together or not at all.
class RollupStore
{
public:
    struct StoredCell
    {
        RollupKey key;
        QString endpointId; // the newest record's labels
        QString endpoint;
        QString profile;
        qint64 newestMs = 0;
        RollupCell cell;

        // The labels a filter and a report's groups look at, as a record carries them.
        MetricsRecord labels() const;
    };

    // Minute buckets are kept for 8 days (whole hours), for the short windows and the edges of
    // long ones; hour, day and week buckets for good. A minute bucket is about one record when
    // traffic is sparse, so keeping them all would cost as much as the rows.
    static constexpr qint64 minuteRetentionMs = 8 * 86'400'000LL;
    // The oldest minute bucket a reader at nowMs may count on (pruneMinutes deletes only older
    // ones).
    static qint64 minutesKeptSince(qint64 nowMs);
    // What a reader at nowMs may count on: minute buckets from minutesKeptSince, and week
    // buckets once they are complete (weeksReady).
    RollupPlan::Kept kept(qint64 nowMs) const;

    explicit RollupStore(Database& database);
    ~RollupStore();
    RollupStore(const RollupStore&) = delete;
    RollupStore& operator=(const RollupStore&) = delete;

    // Folds records (with valid start times) into their buckets of every resolution. Call inside
    // a transaction.
    bool fold(const std::vector<MetricsRecord>& records, QString* error);
    // A rating of a folded record changed from `from` to `to`. Call inside a transaction.
    bool changeRating(const MetricsRecord& record, std::optional<int> from, std::optional<int> to,
                      QString* error);
    // The cells of one resolution whose buckets start in [fromMs, toMs), oldest first, one at a
    // time, decoded into one reused cell, so reading a year of buckets holds one; with labels,
    // only the cells whose labels it matches (MetricsFilter::matchesLabels). False (error set)
    // when reading or decoding failed.
    bool forEachCell(RollupKey::Resolution resolution, qint64 fromMs, qint64 toMs,
                     const std::function<void(const StoredCell&)>& visit, QString* error,
                     const MetricsFilter* labels = nullptr) const;

    // Every bucket of one resolution, in no particular order, with its labels (the cell left
    // empty) and how many records it counts: what naming every label ever seen needs, without
    // decoding a year of cells.
    bool forEachCount(RollupKey::Resolution resolution,
                      const std::function<void(const StoredCell&, quint64 started)>& visit,
                      QString* error) const;

    // Week buckets of a database whose day buckets were stored before it had weeks: each week
    // of up to maxWeeks (the oldest not yet built) is written again as the merge of its days,
    // in one transaction. Returns whether all are built (then readers use them), std::nullopt
    // on failure (nothing changed).
    std::optional<bool> buildWeeks(int maxWeeks, QString* error);
    bool weeksReady() const;

    // Deletes minute buckets older than minutesKeptSince(nowMs), at most a span of sliceMs of them
    // (the oldest) per call, in one statement. Returns how many were deleted, -1 on failure; 0
    // when none is left to prune.
    qint64 pruneMinutes(qint64 nowMs, qint64 sliceMs, QString* error);

    // Start of the oldest bucket of this resolution from sinceMs on; std::nullopt when none.
    std::optional<qint64> firstBucketMs(RollupKey::Resolution resolution,
                                        qint64 sinceMs = std::numeric_limits<qint64>::min()) const;

private:
    // Columns 0-9 of a rollup read: bucket, key and the newest record's labels.
    static void readLabels(const QSqlQuery& query, StoredCell& into);
    bool load(const RollupKey& key, StoredCell& into, bool& found, QString* error);
    bool save(const StoredCell& cell, QString* error);

    Database& m_database;
    std::unique_ptr<QSqlQuery> m_select; // prepared once, reused
    std::unique_ptr<QSqlQuery> m_save;
    mutable bool m_weeksReady = false; // once true, stays true
};

} // namespace adminchat

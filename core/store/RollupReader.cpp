#include "store/RollupReader.h"

#include "metrics/MetricsRecord.h"
#include "metrics/RollupCell.h"
#include "metrics/RollupGroups.h"
#include "metrics/RollupPlan.h"
#include "store/MetricsStore.h"

#include <limits>

namespace adminchat {

bool RollupReader::read(const MetricsStore& store, const MetricsFilter& filter, qint64 fromMs,
                        qint64 toMs, qint64 maxWidthMs, RollupGroups& groups, QString* error)
{
    return read(
        store, filter, fromMs, toMs, maxWidthMs,
        [&groups](const MetricsRecord& labels, qint64, qint64 newestMs, const RollupCell& cell) {
            groups.add(labels, newestMs, cell);
        },
        error);
}

bool RollupReader::read(const MetricsStore& store, const MetricsFilter& filter, qint64 fromMs,
                        qint64 toMs, qint64 maxWidthMs, const Visitor& visit, QString* error)
{
    bool ok = true;
    const auto failed = [&](const QString& readError) {
        if (readError.isEmpty())
            return;
        ok = false;
        if (error)
            *error = readError;
    };
    for (const RollupPlan::Segment& segment :
         RollupPlan::segments(fromMs, toMs, maxWidthMs, store.rollups().kept(toMs))) {
        QString readError;
        if (segment.kind == RollupPlan::Segment::Kind::Raw) {
            MetricsFilter slice = filter;
            slice.since = QDateTime::fromMSecsSinceEpoch(segment.fromMs, Qt::UTC);
            slice.before = QDateTime::fromMSecsSinceEpoch(segment.toMs, Qt::UTC);
            for (const MetricsRecord& record : store.records(slice, slice.since, &readError)) {
                RollupCell cell;
                cell.add(record);
                const qint64 ms = record.startedUtc.toMSecsSinceEpoch();
                visit(record, ms, ms, cell);
            }
            failed(readError);
            continue;
        }
        store.rollups().forEachCell(
            segment.resolution, segment.fromMs, segment.toMs,
            [&](const RollupStore::StoredCell& stored) {
                visit(stored.labels(), stored.key.bucketMs, stored.newestMs, stored.cell);
            },
            &readError, &filter);
        failed(readError);
    }
    return ok;
}

qint64 RollupReader::firstBucketMs(const MetricsStore& store, qint64 toMs)
{
    // Narrowed down day, hour, minute, each a lookup on the table's key.
    const std::optional<qint64> day = store.rollups().firstBucketMs(RollupKey::Resolution::Day);
    if (!day)
        return toMs;
    qint64 since = *day;
    qint64 width = qint64(RollupKey::Resolution::Day);
    for (RollupKey::Resolution resolution :
         {RollupKey::Resolution::Hour, RollupKey::Resolution::Minute}) {
        // Within the coarser bucket only: a finer one further on means these were pruned.
        const std::optional<qint64> first = store.rollups().firstBucketMs(resolution, since);
        if (!first || *first >= since + width)
            break;
        since = *first;
        width = qint64(resolution);
    }
    return std::min(since, toMs);
}

AggregateReport RollupReader::report(const MetricsStore& store, const MetricsFilter& filter,
                                     const QDateTime& now, const CategoryRule& rule, QString* error)
{
    AggregateReport report;
    report.from = filter.start(now);
    report.to = now;
    const qint64 toMs = now.toMSecsSinceEpoch() + 1; // a record started at now is in
    const qint64 fromMs =
        report.from.isValid() ? report.from.toMSecsSinceEpoch() : firstBucketMs(store, toMs);
    RollupGroups groups;
    read(store, filter, fromMs, toMs, qint64(RollupKey::Resolution::Week), groups, error);
    groups.finish(report, rule);
    return report;
}

} // namespace adminchat

#include "store/RollupReader.h"

#include "metrics/MetricsRecord.h"
#include "metrics/RollupCell.h"
#include "metrics/RollupPlan.h"
#include "store/MetricsStore.h"

#include <QHash>
#include <algorithm>
#include <limits>

namespace adminchat {

namespace {

// A group's cell and the labels of its newest record.
struct Accumulated
{
    RollupCell cell;
    MetricsRecord labels; // endpoint, endpointId, profile, model, variant
    qint64 newestMs = std::numeric_limits<qint64>::min();
    qsizetype order = 0; // first seen: ties in size keep it

    void take(const MetricsRecord& record, qint64 ms)
    {
        if (ms < newestMs)
            return;
        newestMs = ms;
        labels = record;
    }
};

class Groups
{
public:
    void add(const MetricsRecord& labels, qint64 newestMs, const RollupCell& cell)
    {
        Accumulated& group = find(m_byModel, labels.endpointKey() + QChar(0) + labels.model +
                                                 QChar(0) + labels.variant);
        group.cell.merge(cell);
        group.take(labels, newestMs);
        Accumulated& endpoint = find(m_byEndpoint, labels.endpointKey());
        endpoint.cell.merge(cell);
        endpoint.take(labels, newestMs);
        m_total.merge(cell);
    }

    void finish(AggregateReport& report, const CategoryRule& rule) const
    {
        const auto labelsOf = [&](const Accumulated& a, GroupStats& stats, bool model) {
            const Accumulated& endpoint = m_byEndpoint[a.labels.endpointKey()];
            stats.endpoint = endpoint.labels.endpointLabel();
            stats.endpointId = a.labels.endpointKey();
            stats.endpointUrl = endpoint.labels.endpoint;
            if (model) {
                stats.model = a.labels.model;
                stats.variant = a.labels.variant;
            }
        };
        report.byModel = summaries(
            m_byModel, rule, [&](const Accumulated& a, GroupStats& s) { labelsOf(a, s, true); });
        report.byEndpoint = summaries(m_byEndpoint, rule, [&](const Accumulated& a, GroupStats& s) {
            labelsOf(a, s, false);
        });
        m_total.summarizeInto(report.total, rule);
    }

private:
    Accumulated& find(QHash<QString, Accumulated>& in, const QString& key)
    {
        auto it = in.find(key);
        if (it == in.end()) {
            it = in.insert(key, {});
            it->order = in.size();
        }
        return *it;
    }

    template <typename Label>
    static QList<GroupStats> summaries(const QHash<QString, Accumulated>& groups,
                                       const CategoryRule& rule, const Label& label)
    {
        std::vector<const Accumulated*> sorted;
        for (const Accumulated& group : groups)
            sorted.push_back(&group);
        std::sort(sorted.begin(), sorted.end(), [](const Accumulated* a, const Accumulated* b) {
            return a->cell.started() != b->cell.started() ? a->cell.started() > b->cell.started()
                                                          : a->order < b->order;
        });
        QList<GroupStats> out;
        for (const Accumulated* group : sorted) {
            GroupStats stats;
            group->cell.summarizeInto(stats, rule);
            label(*group, stats);
            out.append(std::move(stats));
        }
        return out;
    }

    QHash<QString, Accumulated> m_byModel; // endpoint key, model, variant
    QHash<QString, Accumulated> m_byEndpoint;
    RollupCell m_total;
};

} // namespace

AggregateReport RollupReader::report(const MetricsStore& store, const MetricsFilter& filter,
                                     const QDateTime& now, const CategoryRule& rule, QString* error)
{
    AggregateReport report;
    report.from = filter.start(now);
    report.to = now;
    const qint64 toMs = now.toMSecsSinceEpoch() + 1; // a record started at now is in
    qint64 fromMs = report.from.isValid() ? report.from.toMSecsSinceEpoch() : toMs;
    if (!report.from.isValid()) { // since the first day with a record
        QString readError;
        const auto days = store.rollups().cells(
            RollupKey::Resolution::Day, std::numeric_limits<qint64>::min(), toMs, &readError);
        if (!days.empty())
            fromMs = days.front().key.bucketMs;
    }
    Groups groups;
    for (const RollupPlan::Segment& segment :
         RollupPlan::segments(fromMs, toMs, qint64(RollupKey::Resolution::Day), {})) {
        if (segment.kind == RollupPlan::Segment::Kind::Raw) {
            MetricsFilter slice = filter;
            slice.since = QDateTime::fromMSecsSinceEpoch(segment.fromMs, Qt::UTC);
            slice.before = QDateTime::fromMSecsSinceEpoch(segment.toMs, Qt::UTC);
            QString readError;
            for (const MetricsRecord& record : store.records(slice, now, &readError)) {
                RollupCell cell;
                cell.add(record);
                groups.add(record, record.startedUtc.toMSecsSinceEpoch(), cell);
            }
            if (!readError.isEmpty() && error)
                *error = readError;
            continue;
        }
        QString readError;
        for (const RollupStore::StoredCell& stored :
             store.rollups().cells(segment.resolution, segment.fromMs, segment.toMs, &readError)) {
            MetricsRecord labels; // what the filter and the groups look at
            labels.endpoint = stored.endpoint;
            labels.endpointId = stored.endpointId;
            labels.profile = stored.profile;
            labels.model = stored.key.model;
            labels.variant = stored.key.variant;
            labels.experiment = stored.key.experiment;
            labels.tag = stored.key.tag;
            if (filter.matchesLabels(labels))
                groups.add(labels, stored.newestMs, stored.cell);
        }
        if (!readError.isEmpty() && error)
            *error = readError;
    }
    groups.finish(report, rule);
    return report;
}

} // namespace adminchat

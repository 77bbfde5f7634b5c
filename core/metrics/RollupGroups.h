#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/LatencyCategory.h"
#include "metrics/MetricsRecord.h"
#include "metrics/RollupCell.h"

#include <QHash>
#include <limits>

namespace adminchat {

// The groups of a report being merged from rollup cells: per (endpoint, model, variant), and from
// those per endpoint and the total, each named by the labels of its newest record. Adding cells in
// any order gives the same figures; groups of equal size keep the order they were first seen in.
class RollupGroups
{
public:
    // labels: the endpoint (endpoint, endpointId, profile), model and variant of the cell's
    // newest record, which started at newestMs.
    void add(const MetricsRecord& labels, qint64 newestMs, const RollupCell& cell);
    void merge(const RollupGroups& other);
    bool isEmpty() const { return m_byModel.isEmpty(); }
    RollupCell total() const;
    // Each (endpoint, model, variant) group: the labels of its newest record and its cell.
    template <typename Visit> void forEachGroup(const Visit& visit) const
    {
        for (const Group& group : m_byModel)
            visit(group.labels, group.cell);
    }

    // Fills report.total, byModel and byEndpoint.
    void finish(AggregateReport& report, const CategoryRule& rule) const;

private:
    struct Group
    {
        RollupCell cell;
        MetricsRecord labels;
        qint64 newestMs = std::numeric_limits<qint64>::min();
        qsizetype order = 0; // first seen: ties in size keep it

        void take(const MetricsRecord& record, qint64 ms);
    };

    static Group& find(QHash<QString, Group>& in, const QString& key);
    static void mergeInto(QHash<QString, Group>& into, const QHash<QString, Group>& from);
    template <typename Label>
    static QList<GroupStats> summaries(const QHash<QString, Group>& groups,
                                       const CategoryRule& rule, const Label& label);

    // Per endpoint key, model and variant only: endpoints and the total are merged from these
    // once, in finish(), rather than once per cell added.
    QHash<QString, Group> m_byModel;
};

} // namespace adminchat

#include "metrics/RollupGroups.h"

#include <algorithm>

namespace adminchat {

void RollupGroups::Group::take(const MetricsRecord& record, qint64 ms)
{
    if (ms < newestMs)
        return;
    newestMs = ms;
    labels = record;
}

RollupGroups::Group& RollupGroups::find(QHash<QString, Group>& in, const QString& key)
{
    auto it = in.find(key);
    if (it == in.end()) {
        it = in.insert(key, {});
        it->order = in.size();
    }
    return *it;
}

void RollupGroups::add(const MetricsRecord& labels, qint64 newestMs, const RollupCell& cell)
{
    Group& group =
        find(m_byModel, labels.endpointKey() + QChar(0) + labels.model + QChar(0) + labels.variant);
    group.cell.merge(cell);
    group.take(labels, newestMs);
}

RollupCell RollupGroups::total() const
{
    RollupCell total;
    for (const Group& group : m_byModel)
        total.merge(group.cell);
    return total;
}

void RollupGroups::mergeInto(QHash<QString, Group>& into, const QHash<QString, Group>& from)
{
    std::vector<std::pair<qsizetype, QHash<QString, Group>::const_iterator>> inOrder;
    for (auto it = from.cbegin(); it != from.cend(); ++it)
        inOrder.push_back({it->order, it});
    std::sort(inOrder.begin(), inOrder.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [order, it] : inOrder) {
        Group& group = find(into, it.key());
        group.cell.merge(it->cell);
        group.take(it->labels, it->newestMs);
    }
}

void RollupGroups::merge(const RollupGroups& other)
{
    mergeInto(m_byModel, other.m_byModel);
}

template <typename Label>
QList<GroupStats> RollupGroups::summaries(const QHash<QString, Group>& groups,
                                          const CategoryRule& rule, const Label& label)
{
    std::vector<const Group*> sorted;
    for (const Group& group : groups)
        sorted.push_back(&group);
    std::sort(sorted.begin(), sorted.end(), [](const Group* a, const Group* b) {
        return a->cell.started() != b->cell.started() ? a->cell.started() > b->cell.started()
                                                      : a->order < b->order;
    });
    QList<GroupStats> out;
    for (const Group* group : sorted) {
        GroupStats stats;
        group->cell.summarizeInto(stats, rule);
        label(*group, stats);
        out.append(std::move(stats));
    }
    return out;
}

void RollupGroups::finish(AggregateReport& report, const CategoryRule& rule) const
{
    // Endpoints in the order their first group was seen.
    std::vector<const Group*> inOrder;
    for (const Group& group : m_byModel)
        inOrder.push_back(&group);
    std::sort(inOrder.begin(), inOrder.end(),
              [](const Group* a, const Group* b) { return a->order < b->order; });
    QHash<QString, Group> byEndpoint;
    RollupCell total;
    for (const Group* group : inOrder) {
        Group& endpoint = find(byEndpoint, group->labels.endpointKey());
        endpoint.cell.merge(group->cell);
        endpoint.take(group->labels, group->newestMs);
        total.merge(group->cell);
    }
    const auto labelsOf = [&](const Group& group, GroupStats& stats, bool model) {
        const Group& endpoint = byEndpoint[group.labels.endpointKey()];
        stats.endpoint = endpoint.labels.endpointLabel();
        stats.endpointId = group.labels.endpointKey();
        stats.endpointUrl = endpoint.labels.endpoint;
        if (model) {
            stats.model = group.labels.model;
            stats.variant = group.labels.variant;
        }
    };
    report.byModel =
        summaries(m_byModel, rule, [&](const Group& g, GroupStats& s) { labelsOf(g, s, true); });
    report.byEndpoint =
        summaries(byEndpoint, rule, [&](const Group& g, GroupStats& s) { labelsOf(g, s, false); });
    total.summarizeInto(report.total, rule);
}

} // namespace adminchat

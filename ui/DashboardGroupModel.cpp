#include "DashboardGroupModel.h"

#include "DashboardFormat.h"

#include <QColor>
#include <cmath>

namespace adminchat {

namespace {

QVariant number(double value)
{
    // Invalid sorts after every number in QSortFilterProxyModel, so "no data" rows go last.
    return std::isfinite(value) ? QVariant(value) : QVariant();
}

} // namespace

DashboardGroupModel::DashboardGroupModel(QObject* parent) : QAbstractTableModel(parent) {}

void DashboardGroupModel::setGroups(const QList<GroupStats>& groups)
{
    if (groups.size() != m_groups.size()) {
        beginResetModel();
        m_groups = groups;
        endResetModel();
        return;
    }
    m_groups = groups;
    if (!m_groups.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_groups.size()) - 1, ColumnCount - 1));
}

int DashboardGroupModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int DashboardGroupModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DashboardGroupModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_groups.size())
        return {};
    const GroupStats& group = m_groups[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return displayData(group, index.column());
    case SortRole:
        return sortData(group, index.column());
    case Qt::TextAlignmentRole:
        return index.column() >= RequestsColumn ? int(Qt::AlignRight | Qt::AlignVCenter)
                                                : int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (index.column() == ErrorsColumn && group.errors > 0)
            return DashboardFormat::alertColor();
        if (index.column() >= RequestsColumn && !sortData(group, index.column()).isValid())
            return QColor(Qt::gray);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == EndpointColumn && !group.endpointUrl.isEmpty() &&
            group.endpointUrl != group.endpoint)
            return group.endpointUrl; // the profile's name is shown, its URL on demand
        if (index.column() == PredictionColumn)
            return tr("Predicted Outputs: %1 of %2 predicted tokens accepted")
                .arg(group.acceptedPredictionTokens)
                .arg(group.acceptedPredictionTokens + group.rejectedPredictionTokens);
        return tr("%1 started, %2 completed, %3 errors, %4 cancelled; TTFT mean %5, max %6")
            .arg(group.started)
            .arg(group.completed)
            .arg(group.errors)
            .arg(group.cancelled)
            .arg(DashboardFormat::milliseconds(group.ttft.mean),
                 DashboardFormat::milliseconds(group.ttft.max));
    default:
        return {};
    }
}

QVariant DashboardGroupModel::displayData(const GroupStats& group, int column) const
{
    using F = DashboardFormat;
    switch (column) {
    case EndpointColumn:
        return group.endpoint.isEmpty() ? tr("all") : group.endpoint; // spans endpoints
    case ModelColumn:
        return group.model.isEmpty() ? tr("all") : group.model;
    case VariantColumn:
        return group.variant;
    case RequestsColumn:
        return F::count(group.started);
    case TtftP50Column:
        return F::milliseconds(group.ttft.p50);
    case TtftP95Column:
        return F::milliseconds(group.ttft.p95);
    case TtftP99Column:
        return F::milliseconds(group.ttft.p99);
    case E2eP95Column:
        return F::milliseconds(group.e2e.p95);
    case ItlP50Column:
        return F::milliseconds(group.itl.p50);
    case TokensP50Column: // the header carries the unit: keeps the 12 columns narrow
        return std::isfinite(group.tokensPerSecond.p50)
                   ? QString::number(group.tokensPerSecond.p50, 'f',
                                     group.tokensPerSecond.p50 < 100 ? 1 : 0)
                   : F::noData();
    case ErrorsColumn:
        return group.started ? F::percent(group.errorRate()) : F::noData();
    case CompletionColumn:
        return group.started ? F::percent(group.completionRate()) : F::noData();
    case PredictionColumn:
        return F::percent(group.predictionAcceptance()); // no data without predictions
    default:
        return {};
    }
}

QVariant DashboardGroupModel::sortData(const GroupStats& group, int column) const
{
    switch (column) {
    case EndpointColumn:
        return group.endpoint;
    case ModelColumn:
        return group.model;
    case VariantColumn:
        return group.variant;
    case RequestsColumn:
        return group.started;
    case TtftP50Column:
        return number(group.ttft.p50);
    case TtftP95Column:
        return number(group.ttft.p95);
    case TtftP99Column:
        return number(group.ttft.p99);
    case E2eP95Column:
        return number(group.e2e.p95);
    case ItlP50Column:
        return number(group.itl.p50);
    case TokensP50Column:
        return number(group.tokensPerSecond.p50);
    case ErrorsColumn:
        return group.started ? QVariant(group.errorRate()) : QVariant();
    case CompletionColumn:
        return group.started ? QVariant(group.completionRate()) : QVariant();
    case PredictionColumn:
        return number(group.predictionAcceptance());
    default:
        return {};
    }
}

QVariant DashboardGroupModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char* const titles[ColumnCount] = {
        QT_TR_NOOP("Endpoint"),     QT_TR_NOOP("Model"),    QT_TR_NOOP("Variant"),
        QT_TR_NOOP("Requests"),     QT_TR_NOOP("TTFT P50"), QT_TR_NOOP("TTFT P95"),
        QT_TR_NOOP("TTFT P99"),     QT_TR_NOOP("E2E P95"),  QT_TR_NOOP("ITL P50"),
        QT_TR_NOOP("Tokens/s P50"), QT_TR_NOOP("Errors %"), QT_TR_NOOP("Completion %"),
        QT_TR_NOOP("Prediction %")};
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return tr(titles[section]);
    if (role == Qt::TextAlignmentRole)
        return section >= RequestsColumn ? int(Qt::AlignRight | Qt::AlignVCenter)
                                         : int(Qt::AlignLeft | Qt::AlignVCenter);
    return {};
}

} // namespace adminchat

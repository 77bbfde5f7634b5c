#include "EndpointsModel.h"

#include "DashboardFormat.h"
#include "WatchStatusStyle.h"

#include <QDateTime>
#include <QLocale>

namespace adminchat {

namespace {

QString uptimeText(const std::optional<double>& uptime)
{
    return uptime ? DashboardFormat::percent(*uptime) : DashboardFormat::noData();
}

QString pair(const MetricSummary& summary)
{
    if (summary.count == 0)
        return DashboardFormat::noData();
    return QStringLiteral("%1 / %2").arg(DashboardFormat::milliseconds(summary.p50),
                                         DashboardFormat::milliseconds(summary.p95));
}

QString when(qint64 ms)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    const bool today = at.date() == QDate::currentDate();
    return QLocale().toString(at, today ? QLocale().timeFormat(QLocale::ShortFormat)
                                        : QLocale().dateTimeFormat(QLocale::ShortFormat));
}

QString duration(qint64 ms)
{
    const qint64 minutes = std::max<qint64>(0, ms / 60'000);
    if (minutes < 60)
        return QObject::tr("%n min", nullptr, int(minutes));
    if (minutes < 48 * 60)
        return QObject::tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
    return QObject::tr("%n days", nullptr, int(minutes / (24 * 60)));
}

QVariantList segmentList(const QList<WatchState>& states)
{
    QVariantList result;
    for (const WatchState state : states)
        result.append(int(state));
    return result;
}

// "Down 2 of 24 hours, degraded 1": what the bar shows, for tooltips and screen readers.
QString segmentsText(const QList<WatchState>& states, const QString& unit)
{
    int down = 0, degraded = 0, unknown = 0;
    for (const WatchState state : states) {
        down += state == WatchState::Down || state == WatchState::KeyRejected;
        degraded += state == WatchState::Degraded;
        unknown += state == WatchState::Unknown;
    }
    QStringList parts;
    if (down)
        parts << QObject::tr("down in %1 of %2 %3").arg(down).arg(states.size()).arg(unit);
    if (degraded)
        parts << QObject::tr("degraded in %1").arg(degraded);
    if (unknown)
        parts << QObject::tr("not probed in %1").arg(unknown);
    return parts.isEmpty() ? QObject::tr("up in every one of %1 %2").arg(states.size()).arg(unit)
                           : parts.join(QStringLiteral(", "));
}

} // namespace

EndpointsModel::EndpointsModel(WatchController* controller, QObject* parent)
    : QAbstractTableModel(parent), m_controller(controller)
{
    connect(controller, &WatchController::rowsChanged, this, &EndpointsModel::reset);
    reset();
}

void EndpointsModel::reset()
{
    const QList<WatchOverview::Row>& rows = m_controller->rows();
    // Same rows in the same order (the usual refresh): update in place, so selection and
    // scrolling stay where the user left them.
    bool same = rows.size() == m_rows.size();
    for (qsizetype i = 0; same && i < rows.size(); ++i)
        same = rows[i].target.endpointId == m_rows[i].target.endpointId &&
               rows[i].target.model == m_rows[i].target.model;
    if (same) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int EndpointsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EndpointsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const WatchOverview::Row* EndpointsModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int EndpointsModel::rowOf(const QString& endpointId, const QString& model) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].target.endpointId == endpointId && m_rows[i].target.model == model)
            return int(i);
    }
    return -1;
}

QVariant EndpointsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case TtftColumn:
            return tr("Time to first token of the probes over the last 72 hours: P50 / P95");
        case E2eColumn:
            return tr("Whole request of the probes over the last 72 hours: P50 / P95");
        case SpeedColumn:
            return tr("Output tokens per second of the probes over the last 72 hours (P50)");
        case DayColumn:
            return tr("Uptime over the last 24 hours; each block is an hour");
        case WeekColumn:
            return tr("Uptime over the last 7 days; each block is six hours");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ProfileColumn:
        return tr("Endpoint");
    case ModelColumn:
        return tr("Model");
    case StatusColumn:
        return tr("Status");
    case DayColumn:
        return tr("Last 24 h");
    case WeekColumn:
        return tr("Last 7 days");
    case MonthColumn:
        return tr("30 days");
    case TtftColumn:
        return tr("TTFT (72 h)");
    case E2eColumn:
        return tr("E2E (72 h)");
    case SpeedColumn:
        return tr("Output speed");
    case LastErrorColumn:
        return tr("Last error");
    case IncidentColumn:
        return tr("Open incident");
    case HolderColumn:
        return tr("Watched by");
    }
    return {};
}

QVariant EndpointsModel::display(const WatchOverview::Row& row, int column) const
{
    switch (column) {
    case ProfileColumn:
        return row.target.profile;
    case ModelColumn:
        return row.target.model;
    case StatusColumn:
        return WatchStatusStyle::label(row.target.status);
    case DayColumn:
        return uptimeText(row.uptime24h);
    case WeekColumn:
        return uptimeText(row.uptime7d);
    case MonthColumn:
        return uptimeText(row.uptime30d);
    case TtftColumn:
        return pair(row.figures.ttft);
    case E2eColumn:
        return pair(row.figures.e2e);
    case SpeedColumn:
        return row.figures.tokensPerSecond.count
                   ? DashboardFormat::tokensPerSecond(row.figures.tokensPerSecond.p50)
                   : DashboardFormat::noData();
    case LastErrorColumn:
        return row.lastError.isEmpty() ? tr("None in 7 days")
                                       : tr("%1 (%2)").arg(row.lastError, when(row.lastErrorMs));
    case IncidentColumn:
        if (!row.openIncident)
            return tr("None");
        return tr("%1 for %2")
            .arg(WatchStatusStyle::label(row.openIncident->status),
                 duration(QDateTime::currentMSecsSinceEpoch() - row.openIncident->startedMs));
    case HolderColumn:
        switch (m_controller->holder(row.target.endpointId, row.target.model)) {
        case WatchController::Holder::Here:
            return m_controller->isPaused() ? tr("Paused") : tr("This window");
        case WatchController::Holder::Elsewhere:
            return tr("Another process");
        case WatchController::Holder::None:
            return tr("Nobody (last known)");
        }
    }
    return {};
}

QString EndpointsModel::toolTip(const WatchOverview::Row& row, int column) const
{
    switch (column) {
    case StatusColumn:
        return row.target.cause.isEmpty()
                   ? tr("%1 since %2")
                         .arg(WatchStatusStyle::label(row.target.status), when(row.target.sinceMs))
                   : tr("%1 since %2: %3")
                         .arg(WatchStatusStyle::label(row.target.status), when(row.target.sinceMs),
                              row.target.cause);
    case DayColumn:
        return tr("%1 available over 24 hours; %2")
            .arg(uptimeText(row.uptime24h), segmentsText(row.day, tr("hours")));
    case WeekColumn:
        return tr("%1 available over 7 days; %2")
            .arg(uptimeText(row.uptime7d), segmentsText(row.week, tr("six-hour blocks")));
    case ProfileColumn:
        return row.target.endpointId;
    case LastErrorColumn:
        return row.lastError;
    default:
        return {};
    }
}

QVariant EndpointsModel::data(const QModelIndex& index, int role) const
{
    const WatchOverview::Row* row = rowAt(index.row());
    if (!row)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return display(*row, index.column());
    case Qt::ToolTipRole:
        return toolTip(*row, index.column());
    case Qt::AccessibleTextRole: {
        const QString tip = toolTip(*row, index.column());
        return tip.isEmpty() ? display(*row, index.column()) : QVariant(tip);
    }
    case Qt::DecorationRole:
        if (index.column() == StatusColumn)
            return WatchStatusStyle::badge(row->target.status);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= MonthColumn && index.column() <= SpeedColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SegmentsRole:
        if (index.column() == DayColumn)
            return segmentList(row->day);
        if (index.column() == WeekColumn)
            return segmentList(row->week);
        return {};
    case EndpointIdRole:
        return row->target.endpointId;
    case ModelRole:
        return row->target.model;
    }
    return {};
}

} // namespace adminchat

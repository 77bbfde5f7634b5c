#include "AlertListModel.h"

#include <QDateTime>
#include <QFont>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

namespace adminchat {

QString AlertListModel::ruleLabel(const QString& rule)
{
    if (rule == QLatin1String("down"))
        return tr("Endpoint down");
    if (rule == QLatin1String("degraded"))
        return tr("Degraded");
    if (rule == QLatin1String("key_rejected"))
        return tr("Key rejected");
    if (rule == QLatin1String("content_check"))
        return tr("Content check failing");
    if (rule == QLatin1String("budget"))
        return tr("Probe budget used up");
    if (rule == QLatin1String("degraded_for"))
        return tr("Degraded for long");
    if (rule == QLatin1String("ttft_p95"))
        return tr("TTFT P95 high");
    if (rule == QLatin1String("e2e_p95"))
        return tr("E2E P95 high");
    if (rule == QLatin1String("error_rate"))
        return tr("Error rate high");
    return rule; // a newer rule: its name is still clear
}

void AlertListModel::add(const Alert& alert)
{
    beginInsertRows({}, 0, 0);
    m_entries.prepend({alert, alert.resolved}); // a resolution is news, not a call to act
    endInsertRows();
    while (m_entries.size() > maxAlerts) {
        // The oldest acknowledged one, else the oldest.
        qsizetype drop = m_entries.size() - 1;
        for (qsizetype i = m_entries.size() - 1; i >= 0; --i) {
            if (m_entries[i].acknowledged) {
                drop = i;
                break;
            }
        }
        beginRemoveRows({}, int(drop), int(drop));
        m_entries.removeAt(drop);
        endRemoveRows();
    }
    emit unacknowledgedChanged(unacknowledged());
}

void AlertListModel::acknowledge(int row)
{
    if (row < 0 || row >= m_entries.size() || m_entries[row].acknowledged)
        return;
    m_entries[row].acknowledged = true;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    emit unacknowledgedChanged(unacknowledged());
}

void AlertListModel::acknowledgeAll()
{
    for (qsizetype i = 0; i < m_entries.size(); ++i)
        m_entries[i].acknowledged = true;
    if (!m_entries.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit unacknowledgedChanged(0);
}

const Alert* AlertListModel::alertAt(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries[row].alert : nullptr;
}

int AlertListModel::unacknowledged() const
{
    return int(std::count_if(m_entries.cbegin(), m_entries.cend(),
                             [](const Entry& entry) { return !entry.acknowledged; }));
}

int AlertListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AlertListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case EndpointColumn:
        return tr("Endpoint");
    case RuleColumn:
        return tr("Alert");
    case MessageColumn:
        return tr("Message");
    }
    return {};
}

QVariant AlertListModel::data(const QModelIndex& index, int role) const
{
    if (index.row() < 0 || index.row() >= m_entries.size())
        return {};
    const Entry& entry = m_entries[index.row()];
    const Alert& alert = entry.alert;
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case TimeColumn:
            return QLocale().toString(QDateTime::fromMSecsSinceEpoch(alert.atMs),
                                      QLocale::ShortFormat);
        case EndpointColumn:
            return alert.model.isEmpty() ? alert.profile
                                         : tr("%1 (%2)").arg(alert.profile, alert.model);
        case RuleColumn:
            if (alert.resolved)
                return tr("Resolved: %1").arg(ruleLabel(alert.rule));
            return entry.acknowledged ? tr("%1 (acknowledged)").arg(ruleLabel(alert.rule))
                                      : ruleLabel(alert.rule);
        case MessageColumn:
            return alert.message;
        }
    }
    if (role == Qt::FontRole && !entry.acknowledged) {
        QFont font;
        font.setBold(true);
        return font;
    }
    if (role == Qt::ForegroundRole && entry.acknowledged)
        return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    return {};
}

} // namespace adminchat

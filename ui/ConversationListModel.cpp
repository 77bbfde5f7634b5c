#include "ConversationListModel.h"

#include <QLocale>

namespace adminchat {

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

void ConversationListModel::setConversations(const QList<ConversationRecord>& conversations)
{
    bool sameIds = conversations.size() == m_conversations.size();
    for (qsizetype i = 0; sameIds && i < conversations.size(); ++i)
        sameIds = conversations[i].id == m_conversations[i].id;
    if (sameIds) {
        m_conversations = conversations;
        if (!m_conversations.isEmpty())
            emit dataChanged(index(0), index(int(m_conversations.size()) - 1));
        return;
    }
    beginResetModel();
    m_conversations = conversations;
    endResetModel();
}

int ConversationListModel::rowOf(const QString& id) const
{
    for (qsizetype i = 0; i < m_conversations.size(); ++i) {
        if (m_conversations[i].id == id)
            return int(i);
    }
    return -1;
}

QString ConversationListModel::idAt(int row) const
{
    return row >= 0 && row < m_conversations.size() ? m_conversations[row].id : QString();
}

int ConversationListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_conversations.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_conversations.size())
        return {};
    const ConversationRecord& record = m_conversations[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return displayTitle(record.title);
    case Qt::EditRole:
        return record.title;
    case Qt::ToolTipRole: {
        const QString when =
            QLocale().toString(record.updatedUtc.toLocalTime(), QLocale::LongFormat);
        return record.model.isEmpty()
                   ? QStringLiteral("%1\n%2").arg(displayTitle(record.title), when)
                   : QStringLiteral("%1\n%2 · %3")
                         .arg(displayTitle(record.title), when, record.model);
    }
    case IdRole:
        return record.id;
    case SubtitleRole: {
        if (!record.snippet.isEmpty())
            return record.snippet.simplified();
        QString line = relativeTime(record.updatedUtc, QDateTime::currentDateTimeUtc());
        if (!record.model.isEmpty())
            line += QStringLiteral(" · ") + record.model;
        return line;
    }
    default:
        return {};
    }
}

bool ConversationListModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || index.row() >= m_conversations.size())
        return false;
    const QString title = value.toString().simplified();
    ConversationRecord& record = m_conversations[index.row()];
    if (title.isEmpty() || title == record.title)
        return false;
    // Shown at once; the listing that follows the store's rename confirms it.
    record.title = title;
    record.titleEdited = true;
    emit dataChanged(index, index);
    emit renameRequested(record.id, title);
    return true;
}

Qt::ItemFlags ConversationListModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable | Qt::ItemNeverHasChildren;
}

QString ConversationListModel::relativeTime(const QDateTime& whenUtc, const QDateTime& nowUtc)
{
    if (!whenUtc.isValid())
        return {};
    const qint64 seconds = whenUtc.secsTo(nowUtc);
    if (seconds < 60)
        return tr("just now"); // also a clock slightly behind the store's
    if (seconds < 3600)
        return tr("%n min ago", nullptr, int(seconds / 60));
    const QDate day = whenUtc.toLocalTime().date();
    const QDate today = nowUtc.toLocalTime().date();
    if (seconds < 6 * 3600 || day == today)
        return tr("%n h ago", nullptr, int(seconds / 3600));
    if (day.daysTo(today) == 1)
        return tr("yesterday");
    const QLocale locale;
    if (day.daysTo(today) < 7)
        return locale.dayName(day.dayOfWeek(), QLocale::LongFormat);
    return locale.toString(day, day.year() == today.year() ? QStringLiteral("d MMM")
                                                           : QStringLiteral("d MMM yyyy"));
}

QString ConversationListModel::displayTitle(const QString& title)
{
    const QString trimmed = title.simplified();
    return trimmed.isEmpty() ? tr("New conversation") : trimmed;
}

} // namespace adminchat

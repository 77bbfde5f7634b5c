#pragma once

#include "store/ConversationRecord.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>

namespace adminchat {

// The conversations of the sidebar, newest first, as the last listing or search returned them.
// DisplayRole is the title ("New conversation" when empty), EditRole the title as stored;
// editing it asks for a rename instead of changing the row, so the store stays the one truth.
class ConversationListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        SubtitleRole, // the dim second line: search snippet, or relative time and model
    };

    explicit ConversationListModel(QObject* parent = nullptr);

    // Same ids in the same order only refresh the rows, so an open editor survives a relisting.
    void setConversations(const QList<ConversationRecord>& conversations);
    const QList<ConversationRecord>& conversations() const { return m_conversations; }
    int rowOf(const QString& id) const; // -1 when absent
    QString idAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    // "just now", "5 min ago", "3 h ago", "yesterday", a weekday within a week, else the date.
    static QString relativeTime(const QDateTime& whenUtc, const QDateTime& nowUtc);
    static QString displayTitle(const QString& title);

signals:
    void renameRequested(const QString& id, const QString& title);

private:
    QList<ConversationRecord> m_conversations;
};

} // namespace adminchat

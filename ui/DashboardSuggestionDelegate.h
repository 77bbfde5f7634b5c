#pragma once

#include <QStyledItemDelegate>

class QListView;

namespace adminchat {

// Paints a suggestion as a coloured severity dot, the message, and below it the evidence in
// smaller grey text, both wrapped to the list's width.
class DashboardSuggestionDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    static constexpr int ColorRole = Qt::UserRole + 1;    // QColor of the severity dot
    static constexpr int EvidenceRole = Qt::UserRole + 2; // QString, may be empty

    explicit DashboardSuggestionDelegate(QListView* view);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    struct Layout
    {
        QRect dot;
        QRect message;
        QRect evidence;
    };
    Layout layoutFor(const QStyleOptionViewItem& option, const QModelIndex& index,
                     const QRect& bounds) const;
    QFont evidenceFont(const QFont& base) const;

    QListView* m_view;
};

} // namespace adminchat

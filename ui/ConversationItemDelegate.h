#pragma once

#include <QStyledItemDelegate>

namespace adminchat {

// A conversation row: the title on one elided line, the subtitle (relative time and model, or
// the search snippet) dimmer and smaller below. Inline renaming edits the title line only.
class ConversationItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit ConversationItemDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void updateEditorGeometry(QWidget* editor, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const override;

private:
    static QFont subtitleFont(const QFont& base);
    static QRect titleRect(const QStyleOptionViewItem& option);
};

} // namespace adminchat

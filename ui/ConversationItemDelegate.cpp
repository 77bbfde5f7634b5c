#include "ConversationItemDelegate.h"

#include "ConversationListModel.h"

#include <QApplication>
#include <QPainter>

namespace adminchat {

namespace {

constexpr int hMargin = 8;
constexpr int vMargin = 5;
constexpr int lineGap = 2;

} // namespace

ConversationItemDelegate::ConversationItemDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

QFont ConversationItemDelegate::subtitleFont(const QFont& base)
{
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * 0.85);
    return font;
}

QRect ConversationItemDelegate::titleRect(const QStyleOptionViewItem& option)
{
    const QFontMetrics metrics(option.font);
    return QRect(option.rect.left() + hMargin, option.rect.top() + vMargin,
                 option.rect.width() - 2 * hMargin, metrics.height());
}

QSize ConversationItemDelegate::sizeHint(const QStyleOptionViewItem& option,
                                         const QModelIndex&) const
{
    const QFontMetrics title(option.font);
    const QFontMetrics subtitle(subtitleFont(option.font));
    return QSize(160, vMargin + title.height() + lineGap + subtitle.height() + vMargin);
}

void ConversationItemDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                     const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background, selection

    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette& palette = opt.palette;
    const QColor text = palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QColor dim = text;
    dim.setAlphaF(0.6);

    painter->save();
    const QRect title = titleRect(option);
    painter->setFont(option.font);
    painter->setPen(text);
    const QString titleText =
        QFontMetrics(option.font)
            .elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideRight, title.width());
    painter->drawText(title, Qt::AlignLeft | Qt::AlignVCenter, titleText);

    const QFont small = subtitleFont(option.font);
    const QFontMetrics smallMetrics(small);
    const QRect subtitle(title.left(), title.bottom() + 1 + lineGap, title.width(),
                         smallMetrics.height());
    painter->setFont(small);
    painter->setPen(dim);
    painter->drawText(
        subtitle, Qt::AlignLeft | Qt::AlignVCenter,
        smallMetrics.elidedText(index.data(ConversationListModel::SubtitleRole).toString(),
                                Qt::ElideRight, subtitle.width()));
    painter->restore();
}

void ConversationItemDelegate::updateEditorGeometry(QWidget* editor,
                                                    const QStyleOptionViewItem& option,
                                                    const QModelIndex&) const
{
    const QRect title = titleRect(option);
    const int height = std::max(title.height() + 4, editor->sizeHint().height());
    editor->setGeometry(title.left() - 2, title.center().y() - height / 2, title.width() + 4,
                        height);
}

} // namespace adminchat

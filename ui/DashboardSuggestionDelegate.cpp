#include "DashboardSuggestionDelegate.h"

#include <QApplication>
#include <QListView>
#include <QPainter>

namespace adminchat {

namespace {

constexpr int margin = 6;
constexpr int dotSize = 10;
constexpr int textFlags = Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop;

} // namespace

DashboardSuggestionDelegate::DashboardSuggestionDelegate(QListView* view)
    : QStyledItemDelegate(view), m_view(view)
{}

QFont DashboardSuggestionDelegate::evidenceFont(const QFont& base) const
{
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * 0.85);
    return font;
}

DashboardSuggestionDelegate::Layout
DashboardSuggestionDelegate::layoutFor(const QStyleOptionViewItem& option, const QModelIndex& index,
                                       const QRect& bounds) const
{
    Layout layout;
    const QFontMetrics metrics(option.font);
    const int textLeft = bounds.left() + margin + dotSize + margin;
    const int textWidth = std::max(40, bounds.right() - margin - textLeft);
    layout.dot = QRect(bounds.left() + margin,
                       bounds.top() + margin + (metrics.height() - dotSize) / 2, dotSize, dotSize);
    const QString message = index.data(Qt::DisplayRole).toString();
    layout.message = metrics.boundingRect(QRect(textLeft, bounds.top() + margin, textWidth, 10000),
                                          textFlags, message);
    const QString evidence = index.data(EvidenceRole).toString();
    if (!evidence.isEmpty()) {
        const QFontMetrics small(evidenceFont(option.font));
        layout.evidence = small.boundingRect(
            QRect(textLeft, layout.message.bottom() + 3, textWidth, 10000), textFlags, evidence);
    }
    return layout;
}

QSize DashboardSuggestionDelegate::sizeHint(const QStyleOptionViewItem& option,
                                            const QModelIndex& index) const
{
    // Wrap to the viewport: option.rect is not the final width when the view asks for hints.
    const int width = std::max(200, m_view->viewport()->width());
    const Layout layout = layoutFor(option, index, QRect(0, 0, width, 0));
    const int bottom =
        layout.evidence.isNull() ? layout.message.bottom() : layout.evidence.bottom();
    return QSize(width, bottom + margin + 1);
}

void DashboardSuggestionDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                        const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    opt.text.clear();
    opt.icon = QIcon();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background, selection

    const Layout layout = layoutFor(option, index, option.rect);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QVariant color = index.data(ColorRole);
    if (color.isValid()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(color.value<QColor>());
        painter->drawEllipse(layout.dot);
    }
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette& palette = opt.palette;
    painter->setPen(palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    painter->setFont(option.font);
    painter->drawText(layout.message, textFlags, index.data(Qt::DisplayRole).toString());
    if (!layout.evidence.isNull()) {
        painter->setPen(
            palette.color(selected ? QPalette::HighlightedText : QPalette::PlaceholderText));
        painter->setFont(evidenceFont(option.font));
        painter->drawText(layout.evidence, textFlags, index.data(EvidenceRole).toString());
    }
    painter->restore();
}

} // namespace adminchat

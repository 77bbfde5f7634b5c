#include "UptimeBarDelegate.h"

#include "EndpointsModel.h"
#include "WatchStatusStyle.h"

#include <QApplication>
#include <QPainter>

namespace adminchat {

void UptimeBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const
{
    const QVariantList segments = index.data(EndpointsModel::SegmentsRole).toList();
    QStyleOptionViewItem text = option;
    initStyleOption(&text, index);
    const QString figure = text.text;
    text.text.clear();
    QStyle* style = option.widget ? option.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &text, painter, option.widget); // background

    const QRect area = option.rect.adjusted(4, 4, -4, -4);
    const int barWidth = int(segments.size()) * (blockWidth + gap);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const auto state = WatchState(segments[i].toInt());
        QColor color = WatchStatusStyle::color(state);
        if (state == WatchState::Unknown)
            color.setAlphaF(0.35f); // no data: present, but quiet
        painter->setBrush(color);
        painter->drawRoundedRect(
            QRectF(area.left() + i * (blockWidth + gap), area.top(), blockWidth, area.height()),
            1.5, 1.5);
    }
    painter->setPen(option.state & QStyle::State_Selected
                        ? option.palette.color(QPalette::HighlightedText)
                        : option.palette.color(QPalette::Text));
    painter->drawText(area.adjusted(barWidth + 6, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
                      figure);
    painter->restore();
}

QSize UptimeBarDelegate::sizeHint(const QStyleOptionViewItem& option,
                                  const QModelIndex& index) const
{
    const QSize base = QStyledItemDelegate::sizeHint(option, index);
    const int blocks = int(index.data(EndpointsModel::SegmentsRole).toList().size());
    return {blocks * (blockWidth + gap) + 14 +
                option.fontMetrics.horizontalAdvance(QStringLiteral("100.0 %")),
            std::max(base.height(), option.fontMetrics.height() + 10)};
}

} // namespace adminchat

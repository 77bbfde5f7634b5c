#pragma once

#include <QStyledItemDelegate>

namespace adminchat {

// Paints a status-page bar: one block per segment (EndpointsModel::SegmentsRole) in its
// status's colour, the uptime figure (the display text) after it.
class UptimeBarDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    static constexpr int blockWidth = 4;
    static constexpr int gap = 1;
};

} // namespace adminchat

#include "DashboardKpiTile.h"

#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

namespace adminchat {

DashboardKpiTile::DashboardKpiTile(const QString& valueObjectName, const QString& title,
                                   const QString& toolTip, QWidget* parent)
    : QFrame(parent), m_value(new QLabel(this)), m_detail(new QLabel(this))
{
    setObjectName(QStringLiteral("kpiTile"));
    setToolTip(toolTip);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->setSpacing(1);

    // Muted text through the foreground role, not a copied colour, so it follows the palette.
    auto* titleLabel = new QLabel(title, this);
    titleLabel->setForegroundRole(QPalette::PlaceholderText);

    m_value->setObjectName(valueObjectName);
    m_value->setAccessibleName(title);
    QFont big = m_value->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_value->setFont(big);
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);

    QFont small = m_detail->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_detail->setFont(small);
    m_detail->setForegroundRole(QPalette::PlaceholderText);

    layout->addWidget(titleLabel);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
}

void DashboardKpiTile::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
}

} // namespace adminchat

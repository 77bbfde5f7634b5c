#include "DashboardChartView.h"

#include "ShellTheme.h"

#include <QAbstractAxis>
#include <QChart>
#include <QCursor>
#include <QHelpEvent>
#include <QLegend>
#include <QToolTip>
#include <QValueAxis>
#include <cmath>

namespace adminchat {

DashboardChartView::DashboardChartView(const QString& objectName, const QString& title,
                                       QWidget* parent)
    : QChartView(new QChart, parent)
{
    setObjectName(objectName);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(240);

    QChart* chart = this->chart();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(title);
    QFont titleFont = chart->titleFont();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(4);
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
    chart->legend()->setFont(legendFont);
}

void DashboardChartView::applyPalette()
{
    const QPalette& pal = palette();
    if (pal.cacheKey() == m_appliedPaletteKey)
        return;
    m_appliedPaletteKey = pal.cacheKey();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = pal.color(QPalette::PlaceholderText);
    const QColor grid = ShellTheme::mix(base, text, 0.15);
    const QColor line = ShellTheme::mix(base, text, 0.4);
    setBackgroundBrush(pal.color(QPalette::Window)); // around the card's rounded corners
    QChart* chart = this->chart();
    chart->setBackgroundBrush(base);
    chart->setBackgroundPen(QPen(pal.color(QPalette::Mid)));
    chart->setPlotAreaBackgroundBrush(base);
    chart->setPlotAreaBackgroundVisible(true);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(muted);
        axis->setLinePenColor(line);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
    }
    applyPaletteExtras(pal);
}

void DashboardChartView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QChartView::changeEvent(event);
}

void DashboardChartView::showEvent(QShowEvent* event)
{
    applyPalette(); // the subclass's axes exist by now
    QChartView::showEvent(event);
}

void DashboardChartView::applyNiceRange(QValueAxis* axis, double max, bool integers)
{
    if (!std::isfinite(max) || max <= 0)
        max = 1;
    // Aim for about four intervals with a step of 1, 2, 2.5 or 5 times a power of ten.
    const double rough = max / 4.0;
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    double step = power * 10;
    for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (power * factor >= rough) {
            step = power * factor;
            break;
        }
    }
    if (integers)
        step = std::max(1.0, std::ceil(step));
    const int intervals = std::max(1, int(std::ceil(max / step - 1e-9)));
    const double top = step * intervals;
    if (axis->min() != 0 || axis->max() != top)
        axis->setRange(0, top);
    if (axis->tickCount() != intervals + 1)
        axis->setTickCount(intervals + 1);
    const QString format = step == std::floor(step) ? QStringLiteral("%.0f") : QStringLiteral("%g");
    if (axis->labelFormat() != format)
        axis->setLabelFormat(format);
}

void DashboardChartView::setHoverTip(const QString& text)
{
    m_hoverTip = text;
    if (text.isEmpty())
        QToolTip::hideText();
    else if (QToolTip::isVisible()) // already showing: follow the mouse to the next element
        QToolTip::showText(QCursor::pos(), text, this);
}

bool DashboardChartView::viewportEvent(QEvent* event)
{
    // The graphics scene would answer tooltip events itself (with nothing, as chart items carry
    // no tooltips) and hide ours; answer them here with the hovered element's text.
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const QString text = m_hoverTip.isEmpty() ? toolTip() : m_hoverTip;
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QChartView::viewportEvent(event);
}

} // namespace adminchat

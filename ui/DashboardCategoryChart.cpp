#include "DashboardCategoryChart.h"

#include "DashboardFormat.h"

#include <QLegend>
#include <QPieSeries>
#include <QPieSlice>

namespace adminchat {

DashboardCategoryChart::DashboardCategoryChart(QWidget* parent)
    : DashboardChartView(QStringLiteral("categoryChart"), tr("Categories"), parent),
      m_series(new QPieSeries)
{
    QChart* chart = this->chart();
    chart->legend()->setAlignment(Qt::AlignRight);

    m_names = {tr("Excellent"), tr("Good"),   tr("Acceptable"),
               tr("Slow"),      tr("Errors"), tr("Cancelled")};
    const QList<QColor> colors{
        DashboardFormat::excellentColor(),  DashboardFormat::goodColor(),
        DashboardFormat::acceptableColor(), DashboardFormat::slowColor(),
        DashboardFormat::errorColor(),      DashboardFormat::cancelledColor()};
    m_series->setHoleSize(0.4);
    m_series->setPieSize(0.85);
    for (int i = 0; i < m_names.size(); ++i) {
        auto* slice = new QPieSlice(QStringLiteral("%1: 0").arg(m_names[i]), 0);
        slice->setColor(colors[i]);
        slice->setLabelVisible(false); // the legend carries the labels; slices stay uncluttered
        connect(slice, &QPieSlice::hovered, this, [this, slice](bool state) {
            slice->setExploded(state);
            const double share = m_total ? slice->value() / double(m_total) : 0.0;
            setHoverTip(state ? QStringLiteral("%1 (%2)").arg(slice->label(),
                                                              DashboardFormat::percent(share))
                              : QString());
        });
        m_series->append(slice);
        m_slices.append(slice);
    }
    chart->addSeries(m_series);
    setCategoryRule(CategoryRule());
}

void DashboardCategoryChart::setCategoryRule(const CategoryRule& rule)
{
    const QString metric = rule.metric == CategoryMetric::E2e     ? tr("E2E")
                           : rule.metric == CategoryMetric::Ttfat ? tr("TTFAT")
                                                                  : tr("TTFT");
    using F = DashboardFormat;
    setToolTip(tr("Excellent: %1 under %2, good: under %3, acceptable: under %4, slow: %4 or more")
                   .arg(metric, F::milliseconds(rule.thresholds.excellentBelowMs),
                        F::milliseconds(rule.thresholds.goodBelowMs),
                        F::milliseconds(rule.thresholds.acceptableBelowMs)));
}

void DashboardCategoryChart::applyPaletteExtras(const QPalette& palette)
{
    // Slices are separated by the card's own colour.
    for (QPieSlice* slice : m_slices)
        slice->setBorderColor(palette.color(QPalette::Base));
}

void DashboardCategoryChart::setStats(const GroupStats& stats)
{
    const QList<quint64> counts{stats.categories[0], stats.categories[1], stats.categories[2],
                                stats.categories[3], stats.errors,        stats.cancelled};
    m_total = 0;
    for (quint64 count : counts)
        m_total += count;
    for (int i = 0; i < m_slices.size(); ++i) {
        // Counts only: the legend beside the donut is narrow; the share is in the tooltip.
        const QString label = QStringLiteral("%1: %2").arg(m_names[i]).arg(counts[i]);
        if (m_slices[i]->label() != label)
            m_slices[i]->setLabel(label);
        if (m_slices[i]->value() != double(counts[i]))
            m_slices[i]->setValue(double(counts[i]));
    }
}

} // namespace adminchat

#include "DashboardPercentileChart.h"

#include "DashboardFormat.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QLegend>
#include <QLegendMarker>
#include <QValueAxis>
#include <cmath>

namespace adminchat {

namespace {

double percentile(const MetricSummary& summary, int set)
{
    return set == 0 ? summary.p50 : set == 1 ? summary.p95 : summary.p99;
}

} // namespace

DashboardPercentileChart::DashboardPercentileChart(QWidget* parent)
    : DashboardChartView(QStringLiteral("percentileChart"), tr("Percentiles"), parent),
      m_valueAxis(new QValueAxis), m_itlAxis(new QValueAxis)
{
    QChart* chart = this->chart();

    auto* series = new QBarSeries;
    auto* itlSeries = new QBarSeries;
    const QStringList names{tr("P50"), tr("P95"), tr("P99")};
    const QList<QColor> colors{DashboardFormat::infoColor(), DashboardFormat::warningColor(),
                               DashboardFormat::alertColor()};
    for (int i = 0; i < names.size(); ++i) {
        for (QBarSeries* target : {series, itlSeries}) {
            auto* set = new QBarSet(names[i]);
            set->setColor(colors[i]);
            set->setBorderColor(colors[i]);
            set->append(QList<qreal>{0, 0, 0, 0});
            connect(set, &QBarSet::hovered, this,
                    [this, set](bool state, int index) { showTip(set, state, index); });
            target->append(set);
            (target == series ? m_sets : m_itlSets).append(set);
        }
    }
    chart->addSeries(series);
    chart->addSeries(itlSeries);

    auto* categories = new QBarCategoryAxis;
    categories->append(QStringList{tr("TTFT"), tr("TTFAT"), tr("E2E"), tr("ITL")});
    chart->addAxis(categories, Qt::AlignBottom);
    series->attachAxis(categories);
    itlSeries->attachAxis(categories);
    m_valueAxis->setTitleText(tr("ms"));
    chart->addAxis(m_valueAxis, Qt::AlignLeft);
    series->attachAxis(m_valueAxis);
    m_itlAxis->setTitleText(tr("ITL ms"));
    m_itlAxis->setGridLineVisible(false); // one grid, the left axis's
    chart->addAxis(m_itlAxis, Qt::AlignRight);
    itlSeries->attachAxis(m_itlAxis);
    // The ITL sets repeat P50/P95/P99: one legend entry each is enough.
    for (QLegendMarker* marker : chart->legend()->markers(itlSeries))
        marker->setVisible(false);
    DashboardChartView::applyNiceRange(m_valueAxis, 1);
    DashboardChartView::applyNiceRange(m_itlAxis, 1);
    setToolTip(tr("TTFT: time to first token; TTFAT: to first answer token (after reasoning); "
                  "E2E: end to end; ITL: between tokens (right axis)"));
}

void DashboardPercentileChart::setStats(const GroupStats& stats)
{
    m_summaries = {stats.ttft, stats.ttfat, stats.e2e, stats.itl};
    double maxValue = 0;
    double maxItl = 0;
    for (int s = 0; s < m_sets.size(); ++s) {
        for (int c = 0; c < m_summaries.size(); ++c) {
            const double raw = percentile(m_summaries[c], s);
            const double value = std::isfinite(raw) ? raw : 0;
            const bool itl = c == itlIndex;
            if (itl)
                maxItl = std::max(maxItl, value);
            else
                maxValue = std::max(maxValue, value);
            // Each category's bars live in one of the two series; the other holds a zero.
            const double left = itl ? 0 : value;
            const double right = itl ? value : 0;
            if (m_sets[s]->at(c) != left)
                m_sets[s]->replace(c, left);
            if (m_itlSets[s]->at(c) != right)
                m_itlSets[s]->replace(c, right);
        }
    }
    DashboardChartView::applyNiceRange(m_valueAxis, maxValue);
    DashboardChartView::applyNiceRange(m_itlAxis, maxItl);
}

void DashboardPercentileChart::showTip(QBarSet* set, bool state, int index)
{
    if (!state || index < 0 || index >= m_summaries.size()) {
        setHoverTip({});
        return;
    }
    const int s = int(m_sets.contains(set) ? m_sets.indexOf(set) : m_itlSets.indexOf(set));
    const QString metric =
        static_cast<QBarCategoryAxis*>(chart()->axes(Qt::Horizontal).first())->at(index);
    const double value = percentile(m_summaries[index], s);
    setHoverTip(
        tr("%1 %2: %3 (%4 samples)")
            .arg(metric, set->label(),
                 std::isfinite(value) ? DashboardFormat::milliseconds(value) : tr("no data"))
            .arg(m_summaries[index].count));
}

} // namespace adminchat

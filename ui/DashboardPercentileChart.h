#pragma once

#include "DashboardChartView.h"
#include "metrics/AggregateReport.h"

#include <QList>

class QBarSet;
class QValueAxis;

namespace adminchat {

// Grouped bars: P50, P95 and P99 (one bar set each) of TTFT, TTFAT, E2E and ITL, in ms. ITL is
// tens of ms where E2E is seconds, so its bars have their own axis on the right (a second series
// over the same categories, empty elsewhere). No data shows as a zero-height bar; the tooltip
// says "no data".
class DashboardPercentileChart : public DashboardChartView
{
    Q_OBJECT
public:
    static constexpr int itlIndex = 3; // the category ITL's bars sit in

    explicit DashboardPercentileChart(QWidget* parent = nullptr);

    QValueAxis* valueAxis() const { return m_valueAxis; }
    QValueAxis* itlAxis() const { return m_itlAxis; }

    void setStats(const GroupStats& stats);

private:
    void showTip(QBarSet* set, bool state, int index);

    QList<QBarSet*> m_sets;    // P50, P95, P99 of TTFT, TTFAT, E2E
    QList<QBarSet*> m_itlSets; // P50, P95, P99 of ITL
    QValueAxis* m_valueAxis;
    QValueAxis* m_itlAxis;
    QList<MetricSummary> m_summaries; // TTFT, TTFAT, E2E, ITL: for the tooltips
};

} // namespace adminchat

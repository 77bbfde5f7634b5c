#pragma once

#include "DashboardChartView.h"
#include "metrics/AggregateReport.h"

#include <QList>

class QBarSet;
class QValueAxis;

namespace adminchat {

// Grouped bars: P50, P95 and P99 (one bar set each) of TTFT, TTFAT, E2E and ITL, in ms. No data
// shows as a zero-height bar; the tooltip says "no data".
class DashboardPercentileChart : public DashboardChartView
{
    Q_OBJECT
public:
    explicit DashboardPercentileChart(QWidget* parent = nullptr);

    void setStats(const GroupStats& stats);

private:
    void showTip(QBarSet* set, bool state, int index);

    QList<QBarSet*> m_sets; // P50, P95, P99
    QValueAxis* m_valueAxis;
    QList<MetricSummary> m_summaries; // TTFT, TTFAT, E2E, ITL: for the tooltips
};

} // namespace adminchat

#pragma once

#include "DashboardChartView.h"
#include "metrics/AggregateReport.h"
#include "metrics/LatencyCategory.h"

#include <QList>

class QPieSeries;
class QPieSlice;

namespace adminchat {

// How the requests felt: excellent / good / acceptable / slow (from the category rule, TTFT by
// default), plus errors and cancelled, as a donut with counts in the slice labels.
class DashboardCategoryChart : public DashboardChartView
{
    Q_OBJECT
public:
    explicit DashboardCategoryChart(QWidget* parent = nullptr);

    void setStats(const GroupStats& stats);
    // What the categories mean, for the tooltip (the counts come computed with it).
    void setCategoryRule(const CategoryRule& rule);
    QList<QPieSlice*> slices() const { return m_slices; }

protected:
    void applyPaletteExtras(const QPalette& palette) override;

private:
    QPieSeries* m_series;
    QList<QPieSlice*> m_slices; // excellent, good, acceptable, slow, errors, cancelled
    QStringList m_names;
    quint64 m_total = 0;
};

} // namespace adminchat

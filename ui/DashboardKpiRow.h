#pragma once

#include "metrics/AggregateReport.h"

#include <QList>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace adminchat {

// The headline figures as tiles, as many per row as the width takes (up to six), wrapping onto
// more rows when narrow: requests, TTFT P50/P95/P99, E2E P95, ITL P50, tokens/s P50,
// error, completion and satisfaction rates, display lag P95. Each value QLabel carries an
// objectName
// ("kpiRequests", "kpiTtftP50", ...) so tests can read it.
class DashboardKpiRow : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardKpiRow(QWidget* parent = nullptr);

    void setStats(const GroupStats& total);
    int columns() const { return m_columns; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Tile
    {
        QLabel* value = nullptr;
        QLabel* detail = nullptr;
    };

    Tile addTile(const QString& objectName, const QString& title, const QString& toolTip);
    static void setTile(const Tile& tile, const QString& value, const QString& detail);
    void placeTiles(int columns);
    void colourErrorRate();

    QGridLayout* m_grid;
    QList<QWidget*> m_tiles;
    int m_columns = 0;
    quint64 m_errors = 0;
    Tile m_requests;
    Tile m_ttftP50;
    Tile m_ttftP95;
    Tile m_ttftP99;
    Tile m_e2eP95;
    Tile m_itlP50;
    Tile m_tokensP50;
    Tile m_errorRate;
    Tile m_completionRate;
    Tile m_satisfaction;
    Tile m_displayLagP95;
};

} // namespace adminchat

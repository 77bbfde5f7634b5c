#include "DashboardKpiRow.h"

#include "DashboardFormat.h"
#include "DashboardKpiTile.h"

#include <QGridLayout>
#include <QLabel>
#include <QResizeEvent>
#include <algorithm>

namespace adminchat {

namespace {

constexpr int maxTilesPerRow = 6; // two rows of six fit a ~1000 px wide dashboard

} // namespace

DashboardKpiRow::DashboardKpiRow(QWidget* parent) : QWidget(parent), m_grid(new QGridLayout(this))
{
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setSpacing(8);
    // The tiles wrap instead of widening the dashboard: one tile is the least width it needs.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_requests = addTile(QStringLiteral("kpiRequests"), tr("Requests"),
                         tr("Requests started in the selected window"));
    m_ttftP50 =
        addTile(QStringLiteral("kpiTtftP50"), tr("TTFT P50"), tr("Time to first token, median"));
    m_ttftP95 = addTile(QStringLiteral("kpiTtftP95"), tr("TTFT P95"),
                        tr("Time to first token, 95th percentile"));
    m_ttftP99 = addTile(QStringLiteral("kpiTtftP99"), tr("TTFT P99"),
                        tr("Time to first token, 99th percentile"));
    m_e2eP95 = addTile(QStringLiteral("kpiE2eP95"), tr("E2E P95"),
                       tr("End-to-end latency (request sent to end of stream), 95th percentile"));
    m_itlP50 = addTile(QStringLiteral("kpiItlP50"), tr("ITL P50"),
                       tr("Inter-token latency (gap between streamed tokens), median"));
    m_tokensP50 = addTile(QStringLiteral("kpiTokensP50"), tr("Tokens/s P50"),
                          tr("Output tokens / E2E per request, median"));
    m_errorRate = addTile(QStringLiteral("kpiErrorRate"), tr("Error rate"),
                          tr("Share of requests that ended in an error"));
    m_completionRate = addTile(QStringLiteral("kpiCompletionRate"), tr("Completion rate"),
                               tr("Share of requests that finished normally"));
    m_satisfaction = addTile(QStringLiteral("kpiSatisfaction"), tr("Satisfaction"),
                             tr("Thumbs-up share of the answers you rated"));
    m_displayLagP95 = addTile(QStringLiteral("kpiDisplayLagP95"), tr("Display lag P95"),
                              tr("Time from text arriving to it being shown in the window: the "
                                 "95th percentile of the requests' own 95th percentiles"));
    setStats(GroupStats());
}

DashboardKpiRow::Tile DashboardKpiRow::addTile(const QString& objectName, const QString& title,
                                               const QString& toolTip)
{
    auto* frame = new DashboardKpiTile(objectName, title, toolTip, this);
    m_tiles.append(frame);
    placeTiles(maxTilesPerRow);
    return Tile{frame->value(), frame->detail()};
}

void DashboardKpiRow::placeTiles(int columns)
{
    if (columns == m_columns && m_grid->count() == m_tiles.size())
        return;
    for (QWidget* tile : m_tiles)
        m_grid->removeWidget(tile);
    for (int c = 0; c < maxTilesPerRow; ++c)
        m_grid->setColumnStretch(c, c < columns ? 1 : 0);
    for (int i = 0; i < m_tiles.size(); ++i)
        m_grid->addWidget(m_tiles[i], i / columns, i % columns);
    m_columns = columns;
}

void DashboardKpiRow::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    int tileWidth = 0;
    for (QWidget* tile : m_tiles)
        tileWidth = std::max(tileWidth, tile->minimumSizeHint().width());
    const int spacing = m_grid->horizontalSpacing();
    const int fit = (width() + spacing) / std::max(1, tileWidth + spacing);
    placeTiles(std::clamp(fit, 1, maxTilesPerRow));
}

void DashboardKpiRow::setTile(const Tile& tile, const QString& value, const QString& detail)
{
    // Labels repaint only when the text really changes; most figures stay put between updates.
    if (tile.value->text() != value)
        tile.value->setText(value);
    if (tile.detail->text() != detail)
        tile.detail->setText(detail);
}

void DashboardKpiRow::setStats(const GroupStats& total)
{
    using F = DashboardFormat;
    const bool any = total.started > 0;

    setTile(m_requests, F::count(total.started),
            tr("%1 completed · %2 cancelled").arg(total.completed).arg(total.cancelled));
    setTile(m_ttftP50, F::milliseconds(total.ttft.p50),
            tr("mean %1").arg(F::milliseconds(total.ttft.mean)));
    setTile(m_ttftP95, F::milliseconds(total.ttft.p95), tr("time to first token"));
    setTile(m_ttftP99, F::milliseconds(total.ttft.p99),
            tr("max %1").arg(F::milliseconds(total.ttft.max)));
    setTile(m_e2eP95, F::milliseconds(total.e2e.p95),
            tr("P50 %1").arg(F::milliseconds(total.e2e.p50)));
    setTile(m_itlP50, F::milliseconds(total.itl.p50),
            tr("P95 %1").arg(F::milliseconds(total.itl.p95)));
    setTile(m_tokensP50, F::tokensPerSecond(total.tokensPerSecond.p50),
            tr("P95 %1").arg(F::tokensPerSecond(total.tokensPerSecond.p95)));
    setTile(m_errorRate, any ? F::percent(total.errorRate()) : F::noData(),
            total.errors == 1 ? tr("1 error") : tr("%1 errors").arg(total.errors));
    setTile(m_completionRate, any ? F::percent(total.completionRate()) : F::noData(),
            tr("%1 length-limited").arg(total.lengthFinishes));

    const quint64 rated = total.ratedUp + total.ratedDown;
    setTile(m_satisfaction, F::percent(total.satisfaction()),
            rated ? tr("%1 up · %2 down").arg(total.ratedUp).arg(total.ratedDown)
                  : tr("no rated answers"));
    setTile(m_displayLagP95, F::milliseconds(total.displayLag.p95),
            total.displayLag.count ? tr("max %1").arg(F::milliseconds(total.displayLag.max))
                                   : tr("no answers shown"));

    m_errors = total.errors;
    colourErrorRate();
}

void DashboardKpiRow::colourErrorRate()
{
    // Errors stand out in red as soon as there is one: they are what users chase first.
    QLabel* label = m_errorRate.value;
    const QPalette::ColorRole role = m_errors > 0 ? QPalette::BrightText : QPalette::WindowText;
    if (m_errors > 0) {
        QPalette alert = label->palette();
        alert.setColor(QPalette::BrightText, DashboardFormat::alertColor());
        label->setPalette(alert);
    }
    if (label->foregroundRole() != role)
        label->setForegroundRole(role);
}

} // namespace adminchat

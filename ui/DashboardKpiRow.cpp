#include "DashboardKpiRow.h"

#include "DashboardFormat.h"

#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace adminchat {

namespace {

constexpr int tilesPerRow = 6; // two rows of six fit a ~1000 px wide dashboard

} // namespace

DashboardKpiRow::DashboardKpiRow(QWidget* parent) : QWidget(parent), m_grid(new QGridLayout(this))
{
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setSpacing(8);
    setStyleSheet(QStringLiteral("QFrame#kpiTile { border: 1px solid palette(mid); "
                                 "border-radius: 6px; background: palette(base); }"));

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
    auto* frame = new QFrame(this);
    frame->setObjectName(QStringLiteral("kpiTile"));
    frame->setToolTip(toolTip);
    auto* layout = new QVBoxLayout(frame);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->setSpacing(1);

    auto* titleLabel = new QLabel(title, frame);
    QPalette muted = titleLabel->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    titleLabel->setPalette(muted);

    Tile tile;
    tile.value = new QLabel(frame);
    tile.value->setObjectName(objectName);
    QFont big = tile.value->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    tile.value->setFont(big);
    tile.value->setTextInteractionFlags(Qt::TextSelectableByMouse);

    tile.detail = new QLabel(frame);
    QFont small = tile.detail->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    tile.detail->setFont(small);
    tile.detail->setPalette(muted);

    layout->addWidget(titleLabel);
    layout->addWidget(tile.value);
    layout->addWidget(tile.detail);
    m_grid->addWidget(frame, m_tileCount / tilesPerRow, m_tileCount % tilesPerRow);
    ++m_tileCount;
    return tile;
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

    // Errors stand out in red as soon as there is one: they are what users chase first.
    const QColor errorColor =
        total.errors > 0 ? DashboardFormat::alertColor() : palette().color(QPalette::WindowText);
    if (m_errorRate.value->palette().color(QPalette::WindowText) != errorColor) {
        QPalette errorPalette = m_errorRate.value->palette();
        errorPalette.setColor(QPalette::WindowText, errorColor);
        m_errorRate.value->setPalette(errorPalette);
    }
}

} // namespace adminchat

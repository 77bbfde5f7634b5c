#include "DashboardWidget.h"

#include "DashboardCategoryChart.h"
#include "DashboardFormat.h"
#include "DashboardGroupModel.h"
#include "DashboardKpiRow.h"
#include "DashboardPercentileChart.h"
#include "DashboardSuggestionList.h"
#include "DashboardTimelineChart.h"
#include "ExperimentPanel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace adminchat {

namespace {

bool sameFilter(const MetricsFilter& a, const MetricsFilter& b)
{
    return a.window == b.window && a.since == b.since && a.endpoint == b.endpoint &&
           a.model == b.model && a.experiment == b.experiment && a.variant == b.variant &&
           a.tag == b.tag;
}

QLabel* sectionTitle(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

DashboardTimelineChart::BucketValue percentileOf(MetricSummary TimeBucket::*metric,
                                                 double MetricSummary::*percentile)
{
    return [metric, percentile](const TimeBucket& bucket) {
        return (bucket.*metric).*percentile;
    };
}

// P50/P95/P99 lines in the same colours as the percentile bars.
QList<DashboardTimelineChart::Line> percentileLines(MetricSummary TimeBucket::*metric)
{
    return {
        {QStringLiteral("P50"), DashboardFormat::infoColor(),
         percentileOf(metric, &MetricSummary::p50)},
        {QStringLiteral("P95"), DashboardFormat::warningColor(),
         percentileOf(metric, &MetricSummary::p95)},
        {QStringLiteral("P99"), DashboardFormat::alertColor(),
         percentileOf(metric, &MetricSummary::p99)},
    };
}

} // namespace

DashboardWidget::DashboardWidget(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("dashboard"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(buildHeader());

    m_pages = new QStackedWidget(this);
    m_content = buildContent();
    m_emptyState = buildEmptyState();
    m_pages->addWidget(m_content);
    m_pages->addWidget(m_emptyState);
    m_sections = new QTabWidget(this);
    m_sections->setObjectName(QStringLiteral("dashboardSections"));
    m_sections->setDocumentMode(true);
    m_sections->addTab(m_pages, tr("Performance"));
    m_experimentPanel = new ExperimentPanel(m_sections);
    m_sections->addTab(m_experimentPanel, tr("Experiment"));
    layout->addWidget(m_sections, 1);

    setSnapshot(DashboardSnapshot());
}

QWidget* DashboardWidget::buildHeader()
{
    auto* header = new QWidget(this);
    auto* column = new QVBoxLayout(header);
    column->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;

    m_windowBox = new QComboBox(header);
    m_windowBox->setObjectName(QStringLiteral("windowBox"));
    for (auto window : {MetricsFilter::Window::Last5Minutes, MetricsFilter::Window::LastHour,
                        MetricsFilter::Window::Last24Hours, MetricsFilter::Window::All})
        m_windowBox->addItem(DashboardFormat::windowLabel(window), int(window));

    m_endpointBox = new QComboBox(header);
    m_endpointBox->setObjectName(QStringLiteral("endpointFilter"));
    m_endpointBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_endpointBox->setMinimumContentsLength(12);
    m_modelBox = new QComboBox(header);
    m_modelBox->setObjectName(QStringLiteral("modelFilter"));
    m_modelBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_modelBox->setMinimumContentsLength(12);
    m_tagBox = new QComboBox(header);
    m_tagBox->setObjectName(QStringLiteral("tagFilter"));
    m_tagBox->setToolTip(tr("Requests with this tag, such as one `adminchat bench` run"));
    m_tagBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_tagBox->setMinimumContentsLength(10);

    m_status = new QLabel(header);
    m_status->setObjectName(QStringLiteral("dashboardStatus"));
    m_status->setForegroundRole(QPalette::PlaceholderText); // follows theme changes
    // The status gives way first when the header is narrow (elided, full text in the tooltip).
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_status->installEventFilter(this);

    auto* exportButton = new QToolButton(header);
    exportButton->setObjectName(QStringLiteral("exportButton"));
    exportButton->setText(tr("Export CSV…"));
    exportButton->setToolTip(tr("Write what the current filter selects to a CSV file"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    exportButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* menu = new QMenu(exportButton);
    QAction* requests = menu->addAction(tr("Requests…"));
    requests->setObjectName(QStringLiteral("exportRequests"));
    requests->setToolTip(tr("One row per request"));
    QAction* summary = menu->addAction(tr("Summary…"));
    summary->setObjectName(QStringLiteral("exportSummary"));
    summary->setToolTip(tr("One row per endpoint, model and variant"));
    exportButton->setMenu(menu);
    // Room for the menu arrow, which InstantPopup otherwise draws over the end of the text.
    exportButton->setMinimumWidth(
        exportButton->sizeHint().width() +
        exportButton->style()->pixelMetric(QStyle::PM_MenuButtonIndicator, nullptr, exportButton));
    connect(requests, &QAction::triggered, this, [this] { emit exportRequested(false); });
    connect(summary, &QAction::triggered, this, [this] { emit exportRequested(true); });

    auto* windowLabel = new QLabel(tr("Window"), header);
    windowLabel->setBuddy(m_windowBox);
    row->addWidget(windowLabel);
    row->addWidget(m_windowBox);
    row->addSpacing(8);
    row->addWidget(m_endpointBox);
    row->addWidget(m_modelBox);
    row->addWidget(m_tagBox);
    row->addWidget(m_status, 1);
    row->addStretch(0); // keeps Export at the right end when the status moves to its own line
    row->addWidget(exportButton);
    m_headerRow = row;
    m_headerFixed = {windowLabel, m_windowBox, m_endpointBox, m_modelBox, m_tagBox, exportButton};
    // A narrow panel shows the status on a line of its own under the pickers, in full.
    m_statusRow = new QHBoxLayout;
    m_statusRow->setContentsMargins(0, 0, 0, 0);
    column->addLayout(row);
    column->addLayout(m_statusRow);

    // Signals are blocked while snapshots refill the boxes, so these fire on user choices only.
    for (QComboBox* box : {m_windowBox, m_endpointBox, m_modelBox, m_tagBox})
        connect(box, &QComboBox::currentIndexChanged, this, &DashboardWidget::onFilterEdited);
    return header;
}

QWidget* DashboardWidget::buildContent()
{
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* content = new QWidget(scroll);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 4, 0);

    m_kpis = new DashboardKpiRow(content);
    layout->addWidget(m_kpis);

    layout->addWidget(sectionTitle(tr("Suggestions"), content));
    m_suggestions = new DashboardSuggestionList(content);
    layout->addWidget(m_suggestions);

    const DashboardTimelineChart::ValueText ms = &DashboardFormat::milliseconds;
    m_ttftChart =
        new DashboardTimelineChart(QStringLiteral("ttftChart"), tr("TTFT over time"), tr("ms"),
                                   percentileLines(&TimeBucket::ttft), ms, {}, content);
    m_e2eChart =
        new DashboardTimelineChart(QStringLiteral("e2eChart"), tr("E2E over time"), tr("ms"),
                                   percentileLines(&TimeBucket::e2e), ms, {}, content);
    // Errors as bars under the throughput line: a drop in tokens/s and a burst of errors often
    // have the same cause, so they read best side by side.
    const DashboardTimelineChart::Line tokensLine{
        tr("Tokens/s P50"), DashboardFormat::goodColor(),
        percentileOf(&TimeBucket::tokensPerSecond, &MetricSummary::p50)};
    const DashboardTimelineChart::Bars errorBars{tr("Errors"), DashboardFormat::alertColor(),
                                                 [](const TimeBucket& bucket) {
                                                     return double(bucket.errors);
                                                 }};
    m_tokensChart = new DashboardTimelineChart(
        QStringLiteral("tokensChart"), tr("Tokens/s and errors over time"), tr("tokens/s"),
        {tokensLine}, &DashboardFormat::tokensPerSecond, errorBars, content);
    m_percentileChart = new DashboardPercentileChart(content);
    m_categoryChart = new DashboardCategoryChart(content);

    m_charts = new QGridLayout;
    placeCharts(2);
    layout->addLayout(m_charts);

    m_modelGroups = new DashboardGroupModel(this);
    m_endpointGroups = new DashboardGroupModel(this);
    auto* tabs = new QTabWidget(content);
    tabs->addTab(buildTable(QStringLiteral("modelTable"), m_modelGroups), tr("By model"));
    QTableView* endpointTable = buildTable(QStringLiteral("endpointTable"), m_endpointGroups);
    endpointTable->setColumnHidden(DashboardGroupModel::ModelColumn, true);
    endpointTable->setColumnHidden(DashboardGroupModel::VariantColumn, true);
    tabs->addTab(endpointTable, tr("By endpoint"));
    tabs->setMinimumHeight(220);
    layout->addWidget(tabs);

    scroll->setWidget(content);
    return scroll;
}

void DashboardWidget::placeCharts(int columns)
{
    if (columns == m_chartColumns)
        return;
    m_chartColumns = columns;
    const QList<QWidget*> charts{m_ttftChart, m_e2eChart, m_percentileChart, m_categoryChart};
    for (QWidget* chart : charts)
        m_charts->removeWidget(chart);
    m_charts->removeWidget(m_tokensChart);
    for (int i = 0; i < charts.size(); ++i)
        m_charts->addWidget(charts[i], i / columns, i % columns);
    m_charts->addWidget(m_tokensChart, int(charts.size()) / columns, 0, 1, columns);
    m_charts->setColumnStretch(0, 1);
    m_charts->setColumnStretch(1, columns > 1 ? 1 : 0);
}

void DashboardWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // Below this a chart's axes, legend and plot no longer fit half the width.
    constexpr int twoColumnsFrom = 760;
    placeCharts(width() >= twoColumnsFrom ? 2 : 1);
    placeStatus();
}

void DashboardWidget::placeStatus()
{
    int needed = m_status->fontMetrics().horizontalAdvance(m_statusText) + 24;
    for (QWidget* widget : m_headerFixed)
        needed += widget->sizeHint().width() + m_headerRow->spacing();
    const bool inRow = m_headerRow->indexOf(m_status) >= 0;
    const bool fits = needed + 8 <= width();
    if (fits == inRow)
        return;
    if (fits) {
        m_statusRow->removeWidget(m_status);
        m_headerRow->insertWidget(m_headerRow->count() - 2, m_status, 1);
    } else {
        m_headerRow->removeWidget(m_status);
        m_statusRow->addWidget(m_status, 1);
    }
}

void DashboardWidget::setCategoryRule(const CategoryRule& rule)
{
    m_categoryChart->setCategoryRule(rule);
}

QTableView* DashboardWidget::buildTable(const QString& objectName, DashboardGroupModel* model)
{
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setSortRole(DashboardGroupModel::SortRole);
    auto* table = new QTableView(this);
    table->setObjectName(objectName);
    table->setModel(proxy);
    table->setSortingEnabled(true);
    table->sortByColumn(DashboardGroupModel::RequestsColumn, Qt::DescendingOrder);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    // Fit the columns when the rows change, not on every update: widths would jitter.
    connect(model, &QAbstractItemModel::modelReset, table,
            [table] { table->resizeColumnsToContents(); });
    return table;
}

QWidget* DashboardWidget::buildEmptyState()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("emptyState"));
    // A centred column of limited width (long lines are hard to read on a wide panel). Stretches
    // rather than alignment flags centre it: aligned items lose word-wrapped labels' heights.
    auto* row = new QHBoxLayout(page);
    row->setContentsMargins(24, 24, 24, 24);
    auto* column = new QWidget(page);
    column->setMaximumWidth(640);
    row->addStretch(1);
    row->addWidget(column, 8);
    row->addStretch(1);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* explanation = new QLabel(
        tr("No requests yet in this window. Every answer you get in the chat (and every "
           "adminchat ask) is measured here: time to first token, end-to-end latency, "
           "inter-token latency, tokens/s, categories, errors, with suggestions when something "
           "degrades."),
        column);
    explanation->setObjectName(QStringLiteral("emptyStateText"));
    explanation->setWordWrap(true);
    explanation->setAlignment(Qt::AlignCenter);
    QFont font = explanation->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    explanation->setFont(font);

    m_emptyFilter = new QLabel(column);
    m_emptyFilter->setObjectName(QStringLiteral("emptyStateFilter"));
    m_emptyFilter->setWordWrap(true);
    m_emptyFilter->setAlignment(Qt::AlignCenter);
    m_emptyRecords = new QLabel(column);
    m_emptyRecords->setWordWrap(true);
    m_emptyRecords->setAlignment(Qt::AlignCenter);
    m_emptyRecords->setForegroundRole(QPalette::PlaceholderText);

    layout->addStretch(1);
    layout->addWidget(explanation);
    layout->addSpacing(12);
    layout->addWidget(m_emptyFilter);
    layout->addWidget(m_emptyRecords);
    layout->addStretch(2);
    return page;
}

void DashboardWidget::showExperimentPanel()
{
    m_sections->setCurrentWidget(m_experimentPanel);
}

void DashboardWidget::setSnapshot(const DashboardSnapshot& snapshot)
{
    syncFilterControls(snapshot);
    m_experimentPanel->setSnapshot(snapshot);

    const AggregateReport& report = snapshot.report;
    const bool empty = report.total.started == 0;
    m_kpis->setStats(report.total);
    m_suggestions->setSuggestions(snapshot.suggestions);
    const auto timeSlots = DashboardTimelineChart::slotsFor(report.timeline, report.to);
    m_ttftChart->setTimeline(report.timeline, timeSlots);
    m_e2eChart->setTimeline(report.timeline, timeSlots);
    m_tokensChart->setTimeline(report.timeline, timeSlots);
    m_percentileChart->setStats(report.total);
    m_categoryChart->setStats(report.total);
    m_modelGroups->setGroups(report.byModel);
    m_endpointGroups->setGroups(report.byEndpoint);

    QString status;
    if (snapshot.computedAt.isValid())
        status = tr("Updated %1")
                     .arg(snapshot.computedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
    if (snapshot.totalRecords > 0)
        status += (status.isEmpty() ? QString() : QStringLiteral(" · ")) +
                  tr("%1 of %2 requests").arg(report.total.started).arg(snapshot.totalRecords);
    if (status != m_statusText) {
        m_statusText = status;
        m_status->setToolTip(status);
        placeStatus();
        showStatus();
    }

    if (empty) {
        const QString endpointLabel =
            snapshot.endpointLabels.value(snapshot.endpoints.indexOf(snapshot.filter.endpoint));
        m_emptyFilter->setText(
            tr("Active filter: %1.")
                .arg(DashboardFormat::filterDescription(snapshot.filter, endpointLabel)));
        m_emptyRecords->setText(
            snapshot.totalRecords > 0
                ? tr("%1 requests are recorded outside this filter: widen the window or choose "
                     "all endpoints and models to see them.")
                      .arg(snapshot.totalRecords)
                : QString());
    }
    m_pages->setCurrentWidget(empty ? m_emptyState : m_content);
}

bool DashboardWidget::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_status && event->type() == QEvent::Resize)
        showStatus();
    return QWidget::eventFilter(watched, event);
}

void DashboardWidget::showStatus()
{
    m_status->setText(
        m_status->fontMetrics().elidedText(m_statusText, Qt::ElideRight, m_status->width()));
}

void DashboardWidget::syncFilterControls(const DashboardSnapshot& snapshot)
{
    // Adopt the snapshot's filter unless the user just picked another one that the snapshots have
    // not caught up with yet (they arrive up to a few hundred ms later): no flicker back.
    if (!m_filterPending || sameFilter(snapshot.filter, m_filter)) {
        m_filterPending = false;
        m_filter = snapshot.filter;
    }

    const QSignalBlocker blockWindow(m_windowBox);
    const QSignalBlocker blockEndpoint(m_endpointBox);
    const QSignalBlocker blockModel(m_modelBox);
    const QSignalBlocker blockTag(m_tagBox);
    const int windowIndex = m_windowBox->findData(int(m_filter.window));
    if (windowIndex >= 0 && windowIndex != m_windowBox->currentIndex())
        m_windowBox->setCurrentIndex(windowIndex);
    fillCombo(m_endpointBox, tr("All endpoints"), snapshot.endpoints, snapshot.endpointLabels,
              m_filter.endpoint, m_shownEndpoints);
    fillCombo(m_modelBox, tr("All models"), snapshot.models, {}, m_filter.model, m_shownModels);
    fillCombo(m_tagBox, tr("All tags"), snapshot.tags, {}, m_filter.tag, m_shownTags);
}

void DashboardWidget::fillCombo(QComboBox* box, const QString& allText, const QStringList& values,
                                const QStringList& labels, const QString& current,
                                QStringList& shown)
{
    QStringList wanted = values;
    QStringList texts = labels.size() == values.size() ? labels : values;
    if (!current.isEmpty() && !wanted.contains(current)) {
        wanted.append(current); // keep a chosen value selectable even when no record has it now
        texts.append(current);
    }
    // Rebuilding the items closes an open popup, so only do it when the items really changed.
    const QStringList items = wanted + texts;
    if (items != shown || box->count() != wanted.size() + 1) {
        box->clear();
        box->addItem(allText, QString());
        for (qsizetype i = 0; i < wanted.size(); ++i)
            box->addItem(texts.at(i), wanted.at(i));
        shown = items;
    }
    const int index = std::max(0, box->findData(current));
    if (index != box->currentIndex())
        box->setCurrentIndex(index);
}

void DashboardWidget::showFilter(const MetricsFilter& filter)
{
    if (sameFilter(filter, m_filter))
        return;
    m_filter = filter;
    m_filterPending = true;
    emit filterChanged(m_filter);
}

void DashboardWidget::onFilterEdited()
{
    MetricsFilter filter = m_filter;
    const auto window = MetricsFilter::Window(m_windowBox->currentData().toInt());
    if (window != filter.window) {
        filter.window = window;
        filter.since = QDateTime(); // a window picked here replaces a --since start
    }
    filter.endpoint = m_endpointBox->currentData().toString();
    filter.model = m_modelBox->currentData().toString();
    filter.tag = m_tagBox->currentData().toString();
    if (sameFilter(filter, m_filter))
        return;
    m_filter = filter;
    m_filterPending = true;
    emit filterChanged(m_filter);
}

} // namespace adminchat

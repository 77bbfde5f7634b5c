#pragma once

#include "metrics/LatencyCategory.h"
#include "metrics/MetricsFilter.h"
#include "store/DashboardSnapshot.h"

#include <QStringList>
#include <QWidget>

class QComboBox;
class QGridLayout;
class QHBoxLayout;
class QLabel;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace adminchat {

class DashboardCategoryChart;
class DashboardGroupModel;
class DashboardKpiRow;
class DashboardPercentileChart;
class DashboardSuggestionList;
class DashboardTimelineChart;
class ExperimentPanel;

// The live performance dashboard: filter pickers, KPI tiles, latency charts over time,
// percentiles, categories, tokens/s and errors, per-model and per-endpoint tables and
// suggestions. It only displays DashboardSnapshots computed elsewhere (off the GUI thread); each
// setSnapshot() reuses the existing series, axes and models so updates stay cheap.
class DashboardWidget : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardWidget(QWidget* parent = nullptr);

    void setSnapshot(const DashboardSnapshot& snapshot);
    // Shows this filter's records (the pickers follow when its snapshot arrives).
    void showFilter(const MetricsFilter& filter);
    ExperimentPanel* experimentPanel() const { return m_experimentPanel; }
    void showExperimentPanel();
    // What the category chart's counts mean (they are computed with it elsewhere).
    void setCategoryRule(const CategoryRule& rule);
    // Charts side by side (2) or stacked (1, when the panel is too narrow for two).
    int chartColumns() const { return m_chartColumns; }

signals:
    // The user picked another window, endpoint or model; the caller recomputes with it.
    void filterChanged(const adminchat::MetricsFilter& filter);
    // "Export CSV…": one row per request (false) or one per group (true); the caller asks where.
    void exportRequested(bool summary);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QWidget* buildHeader();
    QWidget* buildContent();
    QWidget* buildEmptyState();
    QTableView* buildTable(const QString& objectName, DashboardGroupModel* model);

    void syncFilterControls(const DashboardSnapshot& snapshot);
    // values are what the filter takes, labels what is shown (empty: the values themselves).
    static void fillCombo(QComboBox* box, const QString& allText, const QStringList& values,
                          const QStringList& labels, const QString& current, QStringList& shown);
    void onFilterEdited();
    void showStatus(); // m_statusText, elided to the label's width
    void placeCharts(int columns);
    void placeStatus(); // beside the pickers when it fits in full, else on its own line

    MetricsFilter m_filter;       // what the pickers show
    bool m_filterPending = false; // emitted, and no snapshot computed with it has arrived yet
    QStringList m_shownEndpoints;
    QStringList m_shownModels;
    QStringList m_shownTags;

    QComboBox* m_windowBox = nullptr;
    QComboBox* m_endpointBox = nullptr;
    QComboBox* m_modelBox = nullptr;
    QComboBox* m_tagBox = nullptr;
    QLabel* m_status = nullptr;
    QHBoxLayout* m_headerRow = nullptr;
    QHBoxLayout* m_statusRow = nullptr;
    QList<QWidget*> m_headerFixed; // what stays in the header row, for the status's fit
    QString m_statusText;
    QTabWidget* m_sections = nullptr; // performance, experiment
    ExperimentPanel* m_experimentPanel = nullptr;
    QStackedWidget* m_pages = nullptr;
    QWidget* m_content = nullptr;
    QWidget* m_emptyState = nullptr;
    QLabel* m_emptyFilter = nullptr;
    QLabel* m_emptyRecords = nullptr;

    QGridLayout* m_charts = nullptr;
    int m_chartColumns = 0;
    DashboardKpiRow* m_kpis = nullptr;
    DashboardSuggestionList* m_suggestions = nullptr;
    DashboardTimelineChart* m_ttftChart = nullptr;
    DashboardTimelineChart* m_e2eChart = nullptr;
    DashboardTimelineChart* m_tokensChart = nullptr;
    DashboardPercentileChart* m_percentileChart = nullptr;
    DashboardCategoryChart* m_categoryChart = nullptr;
    DashboardGroupModel* m_modelGroups = nullptr;
    DashboardGroupModel* m_endpointGroups = nullptr;
};

} // namespace adminchat

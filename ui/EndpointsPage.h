#pragma once

#include "metrics/MetricsFilter.h"
#include "watch/IncidentStore.h"

#include <QWidget>

class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTreeView;
class QTreeWidget;

namespace adminchat {

class AlertListModel;
class EndpointsModel;
class ToneLabel;
class WatchController;
struct Alert;

// The Endpoints tab: every watched endpoint and model with its status, uptime bars and the
// probes' figures; below it the selected one's incident log (each incident with its evidence:
// the probes that made it) and the alerts raised while the window runs.
class EndpointsPage : public QWidget
{
    Q_OBJECT
public:
    EndpointsPage(WatchController* controller, AlertListModel* alerts, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QTreeWidget* incidentLog() const { return m_incidents; }
    QTreeView* alertList() const { return m_alertView; }
    // Selects the alert's endpoint and shows its incidents around the alert's time.
    void showEvidence(const Alert& alert);

signals:
    // Open the dashboard on this endpoint and model.
    void dashboardRequested(const adminchat::MetricsFilter& filter);
    // Edit a profile's watch settings (empty: the profile editor as it is).
    void settingsRequested(const QString& profile);

private:
    QWidget* buildHeader();
    QWidget* buildEmptyState();
    QWidget* buildDetails();
    void updateSummary();
    void onSelectionChanged();
    void openDashboard();
    void showIncidents(const QString& endpointId, const QString& model,
                       const QList<IncidentStore::Incident>& incidents);
    QString selectedProfile() const;

    WatchController* m_controller;
    AlertListModel* m_alertModel;
    EndpointsModel* m_model;
    ToneLabel* m_summary = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_dashboardButton = nullptr;
    QStackedWidget* m_pages = nullptr;
    QTableView* m_table = nullptr;
    QTabWidget* m_details = nullptr;
    QTreeWidget* m_incidents = nullptr;
    QTreeView* m_alertView = nullptr;
    QPushButton* m_acknowledge = nullptr;
    QPushButton* m_evidence = nullptr;
    QStringList m_incidentSignature; // what the log shows
    qint64 m_highlightMs = 0;        // the alert whose incident to select when the log arrives
};

} // namespace adminchat

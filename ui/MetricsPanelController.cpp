#include "MetricsPanelController.h"

#include "DashboardWidget.h"
#include "ExperimentPanel.h"
#include "store/MetricsService.h"

#include <QDateTime>
#include <QFileDialog>

namespace adminchat {

MetricsPanelController::MetricsPanelController(DashboardWidget* dashboard, MetricsService* service,
                                               QObject* parent)
    : QObject(parent), m_dashboard(dashboard), m_service(service)
{
    connect(m_service, &MetricsService::snapshotReady, m_dashboard, &DashboardWidget::setSnapshot);
    connect(m_dashboard, &DashboardWidget::filterChanged, m_service,
            [service = m_service](const MetricsFilter& filter) {
                QMetaObject::invokeMethod(service,
                                          [service, filter] { service->setFilter(filter); });
            });
    connect(m_dashboard->experimentPanel(), &ExperimentPanel::experimentChosen, m_service,
            [service = m_service](const QString& name) {
                QMetaObject::invokeMethod(service,
                                          [service, name] { service->setShownExperiment(name); });
            });
    connect(m_dashboard, &DashboardWidget::exportRequested, this,
            &MetricsPanelController::onExportRequested);
    connect(m_service, &MetricsService::exportFinished, this,
            &MetricsPanelController::exportFinished);
}

void MetricsPanelController::onExportRequested(bool summary)
{
    const QString suggested =
        QStringLiteral("adminchat-%1-%2.csv")
            .arg(summary ? QStringLiteral("summary") : QStringLiteral("requests"),
                 QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    // open(), not exec(): the dialog is window-modal without a nested event loop, so streams and
    // the dashboard keep updating behind it.
    const ExportFolder folder = m_exportFolder.value_or(ExportFolder(QString()));
    QFileDialog* dialog = folder.saveDialog(
        m_dashboard, summary ? tr("Export summary as CSV") : tr("Export requests as CSV"),
        suggested, tr("CSV files (*.csv)"), QStringLiteral("csv"));
    dialog->setObjectName(QStringLiteral("csvExportDialog"));
    connect(dialog, &QFileDialog::fileSelected, this,
            [this, summary](const QString& path) { exportTo(path, summary); });
    dialog->open();
}

void MetricsPanelController::exportTo(const QString& path, bool summary)
{
    // Written on the metrics thread: a large export never stalls the window.
    QMetaObject::invokeMethod(
        m_service, [service = m_service, path, summary] { service->exportCsv(path, summary); });
}

} // namespace adminchat

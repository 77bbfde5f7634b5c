#pragma once

#include "ExportFolder.h"

#include <QObject>
#include <optional>

class QWidget;

namespace adminchat {

class DashboardWidget;
class MetricsService;
struct DashboardSnapshot;

// Connects the dashboard to the metrics service across threads: snapshots in, filter changes and
// exports out. The export's file dialog is the only modal step, and it runs before any work.
class MetricsPanelController : public QObject
{
    Q_OBJECT
public:
    MetricsPanelController(DashboardWidget* dashboard, MetricsService* service,
                           QObject* parent = nullptr);

    // Tests and scripted use: export without asking for a file name.
    void exportTo(const QString& path, bool summary);
    // Where the export dialogs start (shared with the other exports); home when not set.
    void setExportFolder(const ExportFolder& folder) { m_exportFolder = folder; }

signals:
    void exportFinished(const QString& path, qint64 rows, const QString& error);

private:
    void onExportRequested(bool summary);

    std::optional<ExportFolder> m_exportFolder;

    DashboardWidget* m_dashboard;
    MetricsService* m_service;
};

} // namespace adminchat

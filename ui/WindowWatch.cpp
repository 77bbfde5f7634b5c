#include "WindowWatch.h"

#include "AlertListModel.h"
#include "DashboardWidget.h"
#include "EndpointsPage.h"
#include "MainWindow.h"
#include "ProfileEditorDialog.h"
#include "ProfileFileWatcher.h"
#include "WatchController.h"
#include "WatchTrayIcon.h"
#include "endpoints/ProfileStore.h"
#include "settings/AppSettings.h"
#include "telemetry/TelemetryRegistry.h"
#include "watch/DesktopNotifier.h"

#include <QStatusBar>
#include <QTabWidget>

namespace adminchat {

WindowWatch::WindowWatch(MainWindow* window, QTabWidget* tabs, ProfileStore* profiles,
                         const QString& databasePath)
    : QObject(window), m_window(window),
      m_controller(new WatchController(profiles, databasePath, window->settings()->categoryRule(),
                                       window->settings()->alertThresholds(), this)),
      m_alerts(new AlertListModel(this)), m_page(new EndpointsPage(m_controller, m_alerts, tabs)),
      m_tray(new WatchTrayIcon(m_controller, window, this))
{
    m_page->setObjectName(QStringLiteral("endpointsPage"));
    const int tab = tabs->addTab(m_page, tr("Endpoints"));
    connect(m_alerts, &AlertListModel::unacknowledgedChanged, this, [tabs, tab](int count) {
        tabs->setTabText(tab, count ? tr("Endpoints (%1)").arg(count) : tr("Endpoints"));
    });
    connect(m_controller, &WatchController::alerted, this, [this](const Alert& alert) {
        m_alerts->add(alert);
        m_window->statusBar()->showMessage(alert.resolved ? tr("Resolved: %1").arg(alert.message)
                                                          : tr("Alert: %1").arg(alert.message),
                                           15'000);
        if (m_notifier)
            m_notifier->notify(alert);
    });
    setNotifications(window->settings()->desktopNotifications());
    connect(m_controller, &WatchController::failed, this, [this](const QString& error) {
        m_window->statusBar()->showMessage(tr("Watch: %1").arg(error), 10'000);
    });
    connect(m_page, &EndpointsPage::dashboardRequested, this, [this](const MetricsFilter& filter) {
        m_window->dashboard()->showFilter(filter);
        m_window->showDashboard();
    });
    connect(m_page, &EndpointsPage::settingsRequested, this, [this](const QString& profile) {
        ProfileEditorDialog* editor = m_window->profileEditor();
        editor->showWatchSettings(profile);
        editor->show();
        editor->raise();
    });
    // Probe settings saved here or by `adminchat profile probe` reach the watch, provider names
    // the telemetry.
    TelemetryRegistry::setProviderNames(profiles->providerNames());
    connect(new ProfileFileWatcher(profiles, this), &ProfileFileWatcher::profilesChanged, this,
            [this, profiles] {
                TelemetryRegistry::setProviderNames(profiles->providerNames());
                m_controller->reload();
            });
    connect(m_tray, &WatchTrayIcon::quitRequested, window, &QWidget::close);
}

void WindowWatch::setNotifications(bool on)
{
    if (!on) {
        delete std::exchange(m_notifier, nullptr);
        return;
    }
    if (m_notifier)
        return;
    m_notifier = new DesktopNotifier(this);
    // A click on a notification brings the window up on the alert's evidence.
    connect(m_notifier, &DesktopNotifier::alertActivated, this, [this](const Alert& alert) {
        m_window->showNormal();
        m_window->raise();
        m_window->activateWindow();
        m_window->showEndpoints();
        m_page->showEvidence(alert);
    });
}

void WindowWatch::start()
{
    m_controller->start();
}

} // namespace adminchat

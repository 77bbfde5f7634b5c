#pragma once

#include <QObject>

class QTabWidget;

namespace adminchat {

class AlertListModel;
class DesktopNotifier;
class EndpointsPage;
class MainWindow;
class ProfileStore;
class WatchController;
class WatchTrayIcon;

// The window's endpoint watch put together: the WatchController, the Endpoints tab (added to
// the window's tabs), the alerts, their desktop notifications and the tray icon, wired to the
// window's status bar, dashboard and profile editor.
class WindowWatch : public QObject
{
    Q_OBJECT
public:
    WindowWatch(MainWindow* window, QTabWidget* tabs, ProfileStore* profiles,
                const QString& databasePath);

    void start();
    // Desktop notifications of the alerts (Preferences; on unless turned off).
    void setNotifications(bool on);
    DesktopNotifier* notifier() const { return m_notifier; } // null while off
    WatchController* controller() const { return m_controller; }
    EndpointsPage* page() const { return m_page; }
    AlertListModel* alerts() const { return m_alerts; }
    WatchTrayIcon* tray() const { return m_tray; }

private:
    MainWindow* m_window;
    WatchController* m_controller;
    AlertListModel* m_alerts;
    EndpointsPage* m_page;
    WatchTrayIcon* m_tray;
    DesktopNotifier* m_notifier = nullptr;
};

} // namespace adminchat

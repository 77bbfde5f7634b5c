#pragma once

#include "watch/WatchState.h"

#include <QSystemTrayIcon>

class QAction;
class QMenu;
class QWidget;

namespace adminchat {

class WatchController;

// The tray icon while endpoints are watched: a badge in the colour of the worst current status,
// a tooltip that says which endpoints are in trouble, and a menu to open the window, pause
// watching or quit. Hidden while nothing is watched, and where no tray exists.
class WatchTrayIcon : public QObject
{
    Q_OBJECT
public:
    WatchTrayIcon(WatchController* controller, QWidget* window, QObject* parent = nullptr);
    ~WatchTrayIcon() override;

    QSystemTrayIcon* icon() const { return m_icon; }
    QMenu* menu() const { return m_menu; }
    QAction* pauseAction() const { return m_pause; }

signals:
    void quitRequested();

private:
    void update();
    void showWindow();

    WatchController* m_controller;
    QWidget* m_window;
    QSystemTrayIcon* m_icon;
    QMenu* m_menu;
    QAction* m_pause;
};

} // namespace adminchat

#include "WatchTrayIcon.h"

#include "WatchController.h"
#include "WatchStatusStyle.h"

#include <QMenu>
#include <QWidget>

namespace adminchat {

WatchTrayIcon::WatchTrayIcon(WatchController* controller, QWidget* window, QObject* parent)
    : QObject(parent), m_controller(controller), m_window(window),
      m_icon(new QSystemTrayIcon(this)), m_menu(new QMenu(window))
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_menu->addAction(tr("&Open AdminChat"), this, &WatchTrayIcon::showWindow);
    m_pause = m_menu->addAction(tr("&Pause Watching"));
    m_pause->setCheckable(true);
    connect(m_pause, &QAction::toggled, controller, &WatchController::setPaused);
    m_menu->addSeparator();
    m_menu->addAction(tr("&Quit"), this, &WatchTrayIcon::quitRequested);
    m_icon->setContextMenu(m_menu);
    connect(m_icon, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                    showWindow();
            });
    connect(controller, &WatchController::rowsChanged, this, &WatchTrayIcon::update);
    connect(controller, &WatchController::pausedChanged, this, &WatchTrayIcon::update);
    update();
}

WatchTrayIcon::~WatchTrayIcon()
{
    delete m_menu; // parented to the window only for its style
}

void WatchTrayIcon::showWindow()
{
    m_window->showNormal();
    m_window->raise();
    m_window->activateWindow();
}

void WatchTrayIcon::update()
{
    {
        const QSignalBlocker block(m_pause);
        m_pause->setChecked(m_controller->isPaused());
    }
    const WatchState worst =
        m_controller->isPaused() ? WatchState::Unknown : m_controller->worstState();
    m_icon->setIcon(WatchStatusStyle::badge(worst));
    QStringList lines{m_controller->isPaused()
                          ? tr("AdminChat: watching paused")
                          : tr("AdminChat: %1").arg(WatchStatusStyle::label(worst))};
    for (const WatchOverview::Row& row : m_controller->rows()) {
        if (m_controller->holder(row.target.endpointId, row.target.model) !=
            WatchController::Holder::None)
            lines << tr("%1 (%2): %3")
                         .arg(row.target.profile, row.target.model,
                              WatchStatusStyle::label(row.target.status));
    }
    m_icon->setToolTip(lines.join(QLatin1Char('\n')));
    m_icon->setVisible(m_controller->watchedCount() > 0 &&
                       QSystemTrayIcon::isSystemTrayAvailable());
}

} // namespace adminchat

#include "WindowShell.h"

#include "ConversationController.h"
#include "DashboardWidget.h"
#include "EndpointPicker.h"
#include "MainMenus.h"
#include "MainWindow.h"
#include "PreferencesDialog.h"
#include "ShellTheme.h"
#include "WatchController.h"
#include "WindowCommands.h"
#include "WindowWatch.h"
#include "chat/ChatSession.h"
#include "demo/DemoServerThread.h"
#include "settings/AppSettings.h"
#include "store/HistoryService.h"
#include "store/HistoryThread.h"
#include "store/MetricsService.h"
#include "store/MetricsThread.h"
#include "telemetry/MetricsServeThread.h"

#include <QApplication>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QSplitter>
#include <QStatusBar>
#include <memory>

namespace adminchat {

WindowShell::WindowShell(MainWindow* window)
    : QObject(window), m_window(window), m_menus(nullptr), m_commands(nullptr)
{
    AppSettings* settings = window->m_settings.get();
    ShellTheme::apply(settings->theme());
    m_menus = new MainMenus(window);
    m_menus->setTheme(settings->theme());
    m_commands = new WindowCommands(window, m_menus, window->m_guiNetwork, dataFolder());
    connect(m_menus, &MainMenus::exportRequested, this, &WindowShell::exportCurrentConversation);
    connect(m_menus, &MainMenus::quitRequested, window, &QWidget::close);
    connect(m_menus, &MainMenus::preferencesRequested, this, [this] {
        PreferencesDialog* dialog = preferences();
        dialog->reload();
        dialog->show();
        dialog->raise();
    });
    connect(m_menus, &MainMenus::chatRequested, window, &MainWindow::showChat);
    connect(m_menus, &MainMenus::dashboardRequested, window, &MainWindow::showDashboard);
    connect(m_menus, &MainMenus::endpointsRequested, window, &MainWindow::showEndpoints);
    connect(m_menus, &MainMenus::zoomRequested, this, &WindowShell::zoomBy);
    connect(m_menus, &MainMenus::themeChosen, this, [settings](ThemeChoice theme) {
        settings->setTheme(theme);
        ShellTheme::apply(theme);
    });
    connect(m_menus, &MainMenus::profilesRequested, window->m_picker,
            &EndpointPicker::editProfilesRequested);
    connect(m_menus, &MainMenus::stopRequested, window, &MainWindow::stopOrCancel);
    applyZoom(settings->zoomPercent());
}

void WindowShell::connectParts()
{
    connect(m_menus, &MainMenus::newConversationRequested, m_window->m_conversations,
            &ConversationController::newConversation);
    m_window->m_dashboard->setCategoryRule(m_window->m_settings->categoryRule());
}

QString WindowShell::dataFolder() const
{
    return QFileInfo(m_window->m_databasePath).absolutePath();
}

PreferencesDialog* WindowShell::preferences()
{
    if (m_preferences)
        return m_preferences;
    auto* dialog = m_preferences =
        new PreferencesDialog(m_window->m_settings.get(), dataFolder(), m_window);
    connect(dialog, &PreferencesDialog::categoryRuleChanged, this, &WindowShell::applyCategoryRule);
    connect(dialog, &PreferencesDialog::streamingChanged, m_window->m_conversations,
            &ConversationController::setStreaming);
    connect(dialog, &PreferencesDialog::themeChanged, this, [this](ThemeChoice theme) {
        ShellTheme::apply(theme);
        m_menus->setTheme(theme);
    });
    MetricsService* service = m_window->m_metrics->service();
    connect(dialog, &PreferencesDialog::retentionChanged, this, [service](int days) {
        QMetaObject::invokeMethod(service, [service, days] { service->setRetentionDays(days); });
    });
    connect(dialog, &PreferencesDialog::metricsServeChanged, this, &WindowShell::serveMetrics);
    connect(dialog, &PreferencesDialog::alertThresholdsChanged, m_window->m_watch->controller(),
            &WatchController::setAlertThresholds);
    connect(dialog, &PreferencesDialog::notificationsChanged, m_window->m_watch,
            &WindowWatch::setNotifications);
    connect(dialog, &PreferencesDialog::openDataFolderRequested, m_commands,
            &WindowCommands::openDataFolder);
    return dialog;
}

void WindowShell::applyCategoryRule(const CategoryRule& rule)
{
    // New answers are judged with it; the dashboard recounts every request in its window.
    m_window->m_conversations->setCategoryRule(rule);
    m_window->m_dashboard->setCategoryRule(rule);
    MetricsService* service = m_window->m_metrics->service();
    QMetaObject::invokeMethod(service, [service, rule] { service->setCategoryRule(rule); });
}

void WindowShell::zoomBy(int step)
{
    constexpr int stepPercent = 10;
    AppSettings* settings = m_window->m_settings.get();
    settings->setZoomPercent(step == 0 ? 100 : settings->zoomPercent() + step * stepPercent);
    applyZoom(settings->zoomPercent());
    m_window->statusBar()->showMessage(tr("Zoom %1 %").arg(settings->zoomPercent()), 3000);
}

void WindowShell::applyZoom(int percent)
{
    // The conversation and the message box only: menus and the dashboard keep the desktop's size.
    QFont font = QApplication::font();
    font.setPointSizeF(font.pointSizeF() * percent / 100.0);
    m_window->m_chatPage->setFont(font);
}

void WindowShell::exportCurrentConversation()
{
    const ChatSession* current = m_window->session();
    if (!current || current->entries().isEmpty()) {
        m_window->statusBar()->showMessage(tr("Nothing to export: the conversation is empty"),
                                           8000);
        return;
    }
    // One dialog for both formats; the name's suffix decides (Markdown unless .json).
    auto* dialog = new QFileDialog(m_window, tr("Export conversation"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setNameFilters({tr("Markdown (*.md)"), tr("JSON (*.json)")});
    dialog->setDefaultSuffix(QStringLiteral("md"));
    const QString id = current->conversationId();
    dialog->selectFile(QStringLiteral("conversation-%1.md").arg(id));
    HistoryService* history = m_window->m_history->service();
    connect(dialog, &QFileDialog::fileSelected, this, [history, id](const QString& path) {
        const QString format = path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)
                                   ? QStringLiteral("json")
                                   : QStringLiteral("md");
        QMetaObject::invokeMethod(history, [=] { history->exportConversation(id, format, path); });
    });
    dialog->open();
}

void WindowShell::restore()
{
    const AppSettings* settings = m_window->m_settings.get();
    if (const QByteArray geometry = settings->windowGeometry(); !geometry.isEmpty())
        m_window->restoreGeometry(geometry);
    if (const QByteArray state = settings->windowState(); !state.isEmpty())
        m_window->restoreState(state);
    // The splitter divides the width it has: restored once the window is shown at its size.
    m_splitterState = settings->splitterState();
    if (!m_splitterState.isEmpty())
        m_window->installEventFilter(this);
    const QString profile = settings->lastProfile();
    const QString model = settings->lastModel();
    EndpointPicker* picker = m_window->m_picker;
    if (!profile.isEmpty() && !picker->selectProfile(profile, model) && m_window->m_demo) {
        // The demo endpoint is listed once it listens: choose it then, once.
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(m_window->m_demo, &DemoServerThread::started, this,
                              [picker, connection, profile, model] {
                                  disconnect(*connection);
                                  picker->selectProfile(profile, model);
                              });
    }
    if (const QString id = settings->lastConversation(); !id.isEmpty())
        m_window->m_conversations->open(id);
    serveMetrics(settings->metricsServePort());
}

void WindowShell::serveMetrics(quint16 port)
{
    delete std::exchange(m_serve, nullptr); // stops listening before another port is taken
    if (port == 0)
        return;
    m_serve = new MetricsServeThread(m_window->m_databasePath,
                                     QHostAddress(QHostAddress::LocalHost), port, this);
    QStatusBar* status = m_window->statusBar();
    connect(m_serve->service(), &MetricsServeService::listening, status,
            [status](const QString& url) {
                status->showMessage(tr("Serving metrics for Prometheus at %1").arg(url), 10'000);
            });
    connect(m_serve->service(), &MetricsServeService::failed, status,
            [status](const QString& error) {
                status->showMessage(tr("Metrics for Prometheus: %1").arg(error), 15'000);
            });
    m_serve->start();
}

bool WindowShell::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_window && event->type() == QEvent::Show && !m_splitterState.isEmpty()) {
        m_window->m_splitter->restoreState(m_splitterState);
        m_splitterState.clear();
        m_window->removeEventFilter(this);
    }
    return QObject::eventFilter(watched, event);
}

void WindowShell::save()
{
    AppSettings* settings = m_window->m_settings.get();
    settings->setWindowGeometry(m_window->saveGeometry());
    settings->setWindowState(m_window->saveState());
    settings->setSplitterState(m_window->m_splitter->saveState());
    settings->setLastEndpoint(m_window->m_picker->profileName(), m_window->m_picker->model());
    // A conversation is stored with its first message: an empty one has nothing to reopen.
    const ChatSession* current = m_window->session();
    settings->setLastConversation(
        current && !current->entries().isEmpty() ? current->conversationId() : QString());
    settings->sync();
}

} // namespace adminchat

#include "MainMenus.h"

#include <QAction>
#include <QActionGroup>
#include <QIcon>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QSignalBlocker>

namespace adminchat {

namespace {

QList<QKeySequence> standard(QKeySequence::StandardKey key)
{
    return QKeySequence::keyBindings(key);
}

// The platform's standard keys, plus the one the desktop guidelines name where the platform
// binds none or another (Preferences is Ctrl+, on KDE and GNOME alike).
QList<QKeySequence> standardOr(QKeySequence::StandardKey key, const QKeySequence& wanted)
{
    QList<QKeySequence> keys = QKeySequence::keyBindings(key);
    if (!keys.contains(wanted))
        keys.prepend(wanted);
    return keys;
}

} // namespace

MainMenus::MainMenus(QMainWindow* window) : QObject(window), m_window(window)
{
    QMenuBar* bar = window->menuBar();
    auto menu = [this, bar](const QString& objectName, const QString& title) {
        QMenu* m = bar->addMenu(title);
        m->setObjectName(objectName);
        m_menus.append(m);
        return m;
    };
    buildFile(menu(QStringLiteral("fileMenu"), tr("&File")));
    buildEdit(menu(QStringLiteral("editMenu"), tr("&Edit")));
    buildView(menu(QStringLiteral("viewMenu"), tr("&View")));
    buildEndpoint(menu(QStringLiteral("endpointMenu"), tr("E&ndpoint")));
    m_experimentMenu = menu(QStringLiteral("experimentMenu"), tr("E&xperiment"));
    buildHelp(menu(QStringLiteral("helpMenu"), tr("&Help")));
}

QAction* MainMenus::add(QMenu* menu, const QString& objectName, const QString& text,
                        const QString& iconName, const QList<QKeySequence>& keys,
                        const QString& statusTip)
{
    QAction* action = menu->addAction(text);
    action->setObjectName(objectName);
    if (!iconName.isEmpty())
        action->setIcon(QIcon::fromTheme(iconName));
    action->setShortcuts(keys);
    action->setStatusTip(statusTip);
    // Shortcuts work with the menu bar hidden or the focus anywhere in the window.
    action->setShortcutContext(Qt::WindowShortcut);
    return action;
}

void MainMenus::buildFile(QMenu* menu)
{
    QAction* newConversation = add(menu, QStringLiteral("actionNewConversation"),
                                   tr("&New Conversation"), QStringLiteral("document-new"),
                                   standard(QKeySequence::New), tr("Start an empty conversation"));
    QAction* exportAction =
        add(menu, QStringLiteral("actionExport"), tr("&Export…"), QStringLiteral("document-export"),
            {}, tr("Save the shown conversation as Markdown or JSON"));
    menu->addSeparator();
    QAction* quit =
        add(menu, QStringLiteral("actionQuit"), tr("&Quit"), QStringLiteral("application-exit"),
            standardOr(QKeySequence::Quit, QKeySequence(Qt::CTRL | Qt::Key_Q)),
            tr("Close the window and quit"));
    quit->setMenuRole(QAction::QuitRole);
    connect(newConversation, &QAction::triggered, this, &MainMenus::newConversationRequested);
    connect(exportAction, &QAction::triggered, this, &MainMenus::exportRequested);
    connect(quit, &QAction::triggered, this, &MainMenus::quitRequested);
}

void MainMenus::buildEdit(QMenu* menu)
{
    // Ctrl+C stays with the focused widget (fields, the chat view): the item shows the key and
    // copies the focused widget's selection when chosen from the menu.
    QAction* copy =
        add(menu, QStringLiteral("actionCopy"), tr("&Copy"), QStringLiteral("edit-copy"),
            standard(QKeySequence::Copy), tr("Copy the selected text"));
    copy->setShortcutContext(Qt::WidgetShortcut);
    QAction* copyAnswer =
        add(menu, QStringLiteral("actionCopyLastAnswer"), tr("Copy &Last Answer"),
            QStringLiteral("edit-copy"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C)},
            tr("Copy the latest answer of the conversation"));
    menu->addSeparator();
    QAction* find = add(menu, QStringLiteral("actionFind"), tr("&Find in Conversations…"),
                        QStringLiteral("edit-find"), standard(QKeySequence::Find),
                        tr("Search the text of every conversation"));
    menu->addSeparator();
    QAction* stop = m_stop =
        add(menu, QStringLiteral("actionStop"), tr("&Stop Answer"), QStringLiteral("process-stop"),
            {QKeySequence(Qt::Key_Escape)}, tr("Stop the answer being written"));
    stop->setEnabled(false);
    QAction* regenerate = add(menu, QStringLiteral("actionRegenerate"), tr("&Regenerate Answer"),
                              QStringLiteral("view-refresh"), {QKeySequence(Qt::CTRL | Qt::Key_R)},
                              tr("Ask again for the latest answer"));
    menu->addSeparator();
    QAction* preferences =
        add(menu, QStringLiteral("actionPreferences"), tr("&Preferences…"),
            QStringLiteral("preferences-system"),
            standardOr(QKeySequence::Preferences, QKeySequence(Qt::CTRL | Qt::Key_Comma)),
            tr("Latency categories, streaming, theme, data retention"));
    preferences->setMenuRole(QAction::PreferencesRole);
    connect(copy, &QAction::triggered, this, &MainMenus::copyRequested);
    connect(copyAnswer, &QAction::triggered, this, &MainMenus::copyLastAnswerRequested);
    connect(find, &QAction::triggered, this, &MainMenus::findRequested);
    connect(stop, &QAction::triggered, this, &MainMenus::stopRequested);
    connect(regenerate, &QAction::triggered, this, &MainMenus::regenerateRequested);
    connect(preferences, &QAction::triggered, this, &MainMenus::preferencesRequested);
}

void MainMenus::buildView(QMenu* menu)
{
    QAction* chat =
        add(menu, QStringLiteral("actionShowChat"), tr("&Chat"), QStringLiteral("user-available"),
            {QKeySequence(Qt::CTRL | Qt::Key_1)}, tr("Show the conversation"));
    QAction* dashboard =
        add(menu, QStringLiteral("actionShowDashboard"), tr("&Dashboard"),
            QStringLiteral("utilities-system-monitor"), {QKeySequence(Qt::CTRL | Qt::Key_2)},
            tr("Show the performance dashboard"));
    QAction* endpoints =
        add(menu, QStringLiteral("actionShowEndpoints"), tr("&Endpoints"),
            QStringLiteral("network-server"), {QKeySequence(Qt::CTRL | Qt::Key_3)},
            tr("Show the watched endpoints: status, uptime, incidents and alerts"));
    menu->addSeparator();
    QAction* zoomIn =
        add(menu, QStringLiteral("actionZoomIn"), tr("Zoom &In"), QStringLiteral("zoom-in"),
            standard(QKeySequence::ZoomIn), tr("Larger text in the conversation"));
    QAction* zoomOut =
        add(menu, QStringLiteral("actionZoomOut"), tr("Zoom &Out"), QStringLiteral("zoom-out"),
            standard(QKeySequence::ZoomOut), tr("Smaller text in the conversation"));
    QAction* zoomReset = add(menu, QStringLiteral("actionZoomReset"), tr("&Actual Size"),
                             QStringLiteral("zoom-original"), {QKeySequence(Qt::CTRL | Qt::Key_0)},
                             tr("The conversation's text at its normal size"));
    menu->addSeparator();
    QMenu* themes = menu->addMenu(tr("&Theme"));
    themes->setObjectName(QStringLiteral("themeMenu"));
    m_themes = new QActionGroup(this);
    m_themes->setExclusive(true);
    const QList<std::pair<ThemeChoice, QString>> choices{
        {ThemeChoice::System, tr("Follow &System")},
        {ThemeChoice::Light, tr("&Light")},
        {ThemeChoice::Dark, tr("&Dark")}};
    for (const auto& [theme, text] : choices) {
        QAction* action = themes->addAction(text);
        action->setObjectName(QStringLiteral("actionTheme_") + AppSettings::themeName(theme));
        action->setCheckable(true);
        action->setData(int(theme));
        m_themes->addAction(action);
        connect(action, &QAction::triggered, this,
                [this, theme = theme] { emit themeChosen(theme); });
    }
    connect(chat, &QAction::triggered, this, &MainMenus::chatRequested);
    connect(dashboard, &QAction::triggered, this, &MainMenus::dashboardRequested);
    connect(endpoints, &QAction::triggered, this, &MainMenus::endpointsRequested);
    connect(zoomIn, &QAction::triggered, this, [this] { emit zoomRequested(1); });
    connect(zoomOut, &QAction::triggered, this, [this] { emit zoomRequested(-1); });
    connect(zoomReset, &QAction::triggered, this, [this] { emit zoomRequested(0); });
}

void MainMenus::buildEndpoint(QMenu* menu)
{
    QAction* profiles = add(menu, QStringLiteral("actionProfiles"), tr("&Profiles…"),
                            QStringLiteral("network-server"), {},
                            tr("Add or edit endpoint profiles and their keys"));
    QAction* refresh = add(menu, QStringLiteral("actionRefreshModels"), tr("&Refresh Models"),
                           QStringLiteral("view-refresh"), {QKeySequence(Qt::Key_F5)},
                           tr("Ask the endpoint for its models again"));
    QAction* test = add(menu, QStringLiteral("actionTestConnection"), tr("&Test Connection"),
                        QStringLiteral("network-transmit-receive"), {},
                        tr("List the endpoint's models and time the round trip"));
    connect(profiles, &QAction::triggered, this, &MainMenus::profilesRequested);
    connect(refresh, &QAction::triggered, this, &MainMenus::refreshModelsRequested);
    connect(test, &QAction::triggered, this, &MainMenus::testConnectionRequested);
}

void MainMenus::buildHelp(QMenu* menu)
{
    QAction* shortcuts =
        add(menu, QStringLiteral("actionShortcuts"), tr("&Keyboard Shortcuts"),
            QStringLiteral("preferences-desktop-keyboard-shortcuts"),
            {QKeySequence(Qt::CTRL | Qt::Key_Question)}, tr("List the keyboard shortcuts"));
    QAction* dataFolder = add(menu, QStringLiteral("actionOpenDataFolder"), tr("Open &Data Folder"),
                              QStringLiteral("folder-open"), {},
                              tr("Show the folder holding the conversations and metrics"));
    menu->addSeparator();
    QAction* about = add(menu, QStringLiteral("actionAbout"), tr("&About AdminChat"),
                         QStringLiteral("help-about"), {},
                         tr("Versions of AdminChat and its libraries, and the licences"));
    about->setMenuRole(QAction::AboutRole);
    connect(shortcuts, &QAction::triggered, this, &MainMenus::shortcutsRequested);
    connect(dataFolder, &QAction::triggered, this, &MainMenus::dataFolderRequested);
    connect(about, &QAction::triggered, this, &MainMenus::aboutRequested);
}

QList<MainMenus::Entry> MainMenus::shortcutEntries() const
{
    QList<Entry> entries;
    for (QMenu* menu : m_menus) {
        const QString title = menu->title().remove(QLatin1Char('&'));
        for (QAction* action : menu->actions()) {
            if (!action->isSeparator() && !action->shortcut().isEmpty())
                entries.append({title, action});
        }
    }
    return entries;
}

void MainMenus::setStopEnabled(bool enabled)
{
    m_stop->setEnabled(enabled);
}

void MainMenus::setTheme(ThemeChoice theme)
{
    for (QAction* action : m_themes->actions()) {
        const QSignalBlocker blocker(action);
        action->setChecked(action->data().toInt() == int(theme));
    }
}

} // namespace adminchat

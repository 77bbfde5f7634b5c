#pragma once

#include <QObject>
#include <QPointer>

class QNetworkAccessManager;

namespace adminchat {

class AboutDialog;
class MainMenus;
class MainWindow;
class ShortcutsDialog;

// The menu commands that only need what the main window shows publicly: copying, the last
// answer, regenerating, finding, the endpoint's models and connection test, the data folder and
// the Help dialogs. Keeps MainWindow to wiring. Results go to the window's status bar.
class WindowCommands : public QObject
{
    Q_OBJECT
public:
    WindowCommands(MainWindow* window, MainMenus* menus, QNetworkAccessManager* network,
                   const QString& dataFolder);

    void copySelection();
    bool copyLastAnswer(); // false when there is no answer to copy
    bool regenerateLast(); // false when there is nothing to regenerate (or it is busy)
    void findInConversations();
    void testConnection();
    void openDataFolder();
    AboutDialog* showAbout();
    ShortcutsDialog* showShortcuts();

signals:
    // Help > Open Data Folder, for tests: the folder asked for (opened through the desktop).
    void dataFolderOpened(const QString& folder);
    void connectionTested(bool ok, const QString& summary);

private:
    void say(const QString& message);

    MainWindow* m_window;
    MainMenus* m_menus;
    QNetworkAccessManager* m_network;
    QString m_dataFolder;
    QPointer<AboutDialog> m_about;
    QPointer<ShortcutsDialog> m_shortcuts;
    int m_testGeneration = 0; // a test replaced by a newer one is not reported
};

} // namespace adminchat

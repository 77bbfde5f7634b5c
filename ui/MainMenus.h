#pragma once

#include "settings/AppSettings.h"

#include <QList>
#include <QObject>
#include <QString>

class QAction;
class QActionGroup;
class QMainWindow;
class QMenu;

namespace adminchat {

// The main window's menu bar: File, Edit, View, Endpoint, Experiment (its actions come from the
// ExperimentController) and Help, with standard shortcuts (QKeySequence's standard keys where one
// exists) and theme icons. It only makes the actions and says what was asked; the window does
// the work. Every action has an objectName ("actionNewConversation", ...) for tests and a
// status tip.
class MainMenus : public QObject
{
    Q_OBJECT
public:
    explicit MainMenus(QMainWindow* window);

    QMenu* experimentMenu() const { return m_experimentMenu; }
    // Every action with a shortcut, in menu order, with the menu it is in (for the help).
    struct Entry
    {
        QString menu;
        QAction* action = nullptr;
    };
    QList<Entry> shortcutEntries() const;

    // Esc: enabled while there is something to stop or cancel, so it never takes the key from
    // widgets (item editors, popups) the rest of the time.
    void setStopEnabled(bool enabled);
    void setTheme(ThemeChoice theme); // checks the matching View > Theme item, silently

signals:
    void newConversationRequested();
    void exportRequested();
    void quitRequested();
    void copyRequested();
    void findRequested();
    void preferencesRequested();
    void chatRequested();
    void dashboardRequested();
    void endpointsRequested();
    void zoomRequested(int step); // +1 larger, -1 smaller, 0 back to 100 %
    void themeChosen(adminchat::ThemeChoice theme);
    void profilesRequested();
    void refreshModelsRequested();
    void testConnectionRequested();
    void shortcutsRequested();
    void dataFolderRequested();
    void aboutRequested();
    void stopRequested();
    void copyLastAnswerRequested();
    void regenerateRequested();

private:
    QAction* add(QMenu* menu, const QString& objectName, const QString& text,
                 const QString& iconName, const QList<QKeySequence>& keys,
                 const QString& statusTip);
    void buildFile(QMenu* menu);
    void buildEdit(QMenu* menu);
    void buildView(QMenu* menu);
    void buildEndpoint(QMenu* menu);
    void buildHelp(QMenu* menu);

    QMainWindow* m_window;
    QList<QMenu*> m_menus;
    QMenu* m_experimentMenu = nullptr;
    QAction* m_stop = nullptr;
    QActionGroup* m_themes = nullptr;
};

} // namespace adminchat

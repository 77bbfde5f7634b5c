#pragma once

#include "metrics/LatencyCategory.h"

#include <QByteArray>
#include <QObject>

namespace adminchat {

class MainMenus;
class MainWindow;
class MetricsServeThread;
class PreferencesDialog;
class WindowCommands;

// The main window's shell: its menus and their commands, the Preferences dialog and what its
// changes apply to, the theme, the conversation's zoom, and the window's state kept between
// runs (geometry, splitter, endpoint, model, conversation), and /metrics served for Prometheus.
class WindowShell : public QObject
{
    Q_OBJECT
public:
    explicit WindowShell(MainWindow* window); // menus, commands, theme: before the parts connect
    void connectParts();                      // once the conversations and metrics exist

    MainMenus* menus() const { return m_menus; }
    WindowCommands* commands() const { return m_commands; }
    PreferencesDialog* preferences(); // created on first use

    void restore(); // at start
    void save();    // at close

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyCategoryRule(const CategoryRule& rule);
    void applyZoom(int percent);
    void serveMetrics(quint16 port); // 0: stops serving
    void zoomBy(int step);
    void exportCurrentConversation();
    QString dataFolder() const;

    MainWindow* m_window;
    MainMenus* m_menus;
    WindowCommands* m_commands;
    PreferencesDialog* m_preferences = nullptr;
    MetricsServeThread* m_serve = nullptr;
    QByteArray m_splitterState; // applied at the first show, once the window has its size
};

} // namespace adminchat

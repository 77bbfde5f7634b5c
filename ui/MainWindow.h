#pragma once

#include <QMainWindow>
#include <QUrl>
#include <memory>

class QLabel;
class QNetworkAccessManager;
class QPushButton;
class QSplitter;
class QTabWidget;
class QToolBar;

namespace adminchat {

class AppSettings;
class ChatSession;
class ChatView;
class ComposerEdit;
class ConnectionWarmer;
class ConversationController;
class ConversationSidebar;
class DashboardWidget;
class DemoServerThread;
class EndpointPicker;
class ExperimentController;
class HistoryThread;
class KeyStore;
class MainMenus;
class MetricsPanelController;
class MetricsThread;
class NetworkThread;
class ParametersBar;
class PreferencesDialog;
class ProfileEditorDialog;
class ProfileStore;
struct RequestMetrics;
struct RequestTrace;
class WindowCommands;
class WindowShell;
class WindowWatch;

struct GuiOptions
{
    QString demoProfile = QStringLiteral("realistic");
    QString databasePath; // empty: Database::defaultPath()
    QString settingsPath; // empty: the user's settings
    enum class Page
    {
        Chat,
        Dashboard,
        Endpoints
    };
    Page page = Page::Chat;
};

// The main window: conversations on the left, the chat (endpoint and model pickers, messages,
// composer, a status line with the last answer's timings) and the dashboard on the right.
// Network work runs on a NetworkThread, the databases on their own threads.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const GuiOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    ChatSession* session() const; // the conversation shown
    ConversationController* conversations() const { return m_conversations; }
    ConversationSidebar* sidebar() const { return m_sidebar; }
    ChatView* chatView() const { return m_chatView; }
    EndpointPicker* endpointPicker() const { return m_picker; }
    MetricsPanelController* metricsPanel() const { return m_metricsPanel; }
    ExperimentController* experiments() const { return m_experiments; }
    ConnectionWarmer* connectionWarmer() const { return m_warmer; }
    DashboardWidget* dashboard() const { return m_dashboard; }
    WindowWatch* watch() const { return m_watch; } // the Endpoints tab, alerts and tray
    ProfileEditorDialog* profileEditor();          // created on first use
    PreferencesDialog* preferences();              // created on first use
    MainMenus* menus() const;
    WindowCommands* commands() const;
    AppSettings* settings() const { return m_settings.get(); }
    void showChat();
    void showDashboard();
    void showEndpoints();
    QUrl demoEndpointUrl() const; // empty until the built-in demo endpoint listens

signals:
    void endpointReady(); // the selected endpoint is usable and its models were asked for

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildUi();
    QWidget* buildChatPage();
    void startMetrics();
    void startHistory();
    void startDemoEndpoint(const QString& profile);
    void connectConversations();
    void startExperiments();
    void startConnectionWarming();
    void send();
    void beginEdit(int index, const QString& text);
    void cancelEdit();
    void exportConversation(const QString& id, const QString& format);
    void onBusyChanged(bool busy);
    void onRequestCompleted(const RequestTrace& trace, const RequestMetrics& metrics);
    void stopOrCancel(); // Esc: cancel an edit, else stop the answer
    void updateStopAction();

    // Menus, preferences, theme, zoom and the window's saved state; reaches into the parts.
    friend class WindowShell;

    std::unique_ptr<AppSettings> m_settings;
    QString m_databasePath;
    std::unique_ptr<ProfileStore> m_profiles;
    KeyStore* m_keys;
    NetworkThread* m_network;
    ConnectionWarmer* m_warmer = nullptr;
    MetricsThread* m_metrics = nullptr;
    HistoryThread* m_history = nullptr;
    MetricsPanelController* m_metricsPanel = nullptr;
    DemoServerThread* m_demo = nullptr;
    QNetworkAccessManager* m_guiNetwork; // model lists and connection tests: small and rare
    ConversationController* m_conversations = nullptr;
    ProfileEditorDialog* m_profileEditor = nullptr;
    ExperimentController* m_experiments = nullptr;
    WindowShell* m_shell = nullptr;
    int m_editIndex = -1; // the user message being edited, or -1

    QToolBar* m_toolbar = nullptr;
    QTabWidget* m_tabs = nullptr;
    QSplitter* m_splitter = nullptr;
    QWidget* m_chatPage = nullptr;
    ConversationSidebar* m_sidebar = nullptr;
    EndpointPicker* m_picker = nullptr;
    DashboardWidget* m_dashboard = nullptr;
    WindowWatch* m_watch = nullptr;
    ParametersBar* m_parametersBar = nullptr;
    ChatView* m_chatView = nullptr;
    QLabel* m_editBanner = nullptr;
    ComposerEdit* m_composer = nullptr;
    QPushButton* m_sendButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QLabel* m_statusLine = nullptr;
};

} // namespace adminchat

#pragma once

#include "demo/DemoConfig.h"
#include "net/EndpointConfig.h"

#include <QList>
#include <QMainWindow>
#include <memory>

class QComboBox;
class QLabel;
class QNetworkAccessManager;
class QPushButton;
class QTabWidget;
class QToolButton;

namespace adminchat {

class ChatSession;
class AppSettings;
class ChatView;
class ComposerEdit;
class DashboardWidget;
class DemoServerThread;
class MetricsPanelController;
class MetricsThread;
class NetworkThread;
struct RequestMetrics;
struct RequestTrace;

struct GuiOptions
{
    QString demoProfile = QStringLiteral("realistic");
    QString databasePath; // empty: Database::defaultPath()
    QString settingsPath; // empty: the user's settings
    bool showDashboard = false;
};

// The chat window: endpoint and model pickers, the conversation, the composer and a status
// line with the last answer's timings. Network work runs on a NetworkThread.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const GuiOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    ChatSession* session() const { return m_session; }
    MetricsPanelController* metricsPanel() const { return m_metricsPanel; }
    void showDashboard();
    QUrl demoEndpointUrl() const; // empty until the built-in demo endpoint listens

signals:
    void endpointReady(); // the selected endpoint is usable and its models were asked for

private:
    struct EndpointChoice
    {
        QString label;
        QString profileName; // stored with each metrics record
        EndpointConfig config;
        bool simulated = false;
    };

    void buildUi();
    QWidget* buildChatPage();
    void startMetrics(const GuiOptions& options);
    void addEnvironmentEndpoint();
    void startDemoEndpoint(const QString& profile);
    void onEndpointSelected(int index);
    void refreshModels();
    void send();
    void onBusyChanged(bool busy);
    void onRequestCompleted(const RequestTrace& trace, const RequestMetrics& metrics);

    std::unique_ptr<AppSettings> m_settings;
    NetworkThread* m_network;
    MetricsThread* m_metrics = nullptr;
    MetricsPanelController* m_metricsPanel = nullptr;
    ChatSession* m_session;
    DemoServerThread* m_demo = nullptr;
    QNetworkAccessManager* m_modelsManager; // GUI thread: model lists are small and rare
    QList<EndpointChoice> m_endpoints;

    QTabWidget* m_tabs = nullptr;
    DashboardWidget* m_dashboard = nullptr;
    QComboBox* m_endpointBox = nullptr;
    QComboBox* m_modelBox = nullptr;
    QToolButton* m_refreshButton = nullptr;
    ChatView* m_chatView = nullptr;
    ComposerEdit* m_composer = nullptr;
    QPushButton* m_sendButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QLabel* m_statusLine = nullptr;
    QLabel* m_endpointNote = nullptr;
};

} // namespace adminchat

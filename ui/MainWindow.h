#pragma once

#include "demo/DemoConfig.h"
#include "net/EndpointConfig.h"

#include <QList>
#include <QMainWindow>

class QComboBox;
class QLabel;
class QNetworkAccessManager;
class QPushButton;
class QToolButton;

namespace adminchat {

class ChatSession;
class ChatView;
class ComposerEdit;
class DemoServerThread;
class NetworkThread;
struct RequestMetrics;
struct RequestTrace;

struct GuiOptions
{
    QString demoProfile = QStringLiteral("realistic");
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

signals:
    void endpointReady(); // the selected endpoint is usable and its models were asked for

private:
    struct EndpointChoice
    {
        QString label;
        EndpointConfig config;
        bool simulated = false;
    };

    void buildUi();
    void addEnvironmentEndpoint();
    void startDemoEndpoint(const QString& profile);
    void onEndpointSelected(int index);
    void refreshModels();
    void send();
    void onBusyChanged(bool busy);
    void onRequestCompleted(const RequestTrace& trace, const RequestMetrics& metrics);

    NetworkThread* m_network;
    ChatSession* m_session;
    DemoServerThread* m_demo = nullptr;
    QNetworkAccessManager* m_modelsManager; // GUI thread: model lists are small and rare
    QList<EndpointChoice> m_endpoints;

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

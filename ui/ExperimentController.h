#pragma once

#include <QObject>
#include <QPointer>
#include <QUrl>
#include <memory>

class QAction;
class QLabel;
class QMenu;
class QWidget;

namespace adminchat {

class AppSettings;
class ConversationController;
class EndpointPicker;
class ExperimentBuilderDialog;
class ExperimentSteering;
class MetricsService;
struct ExperimentDefinition;

// Starts and stops the window's A/B experiment: the Experiment menu, the indicator beside the
// endpoint picker, the definition kept in the settings across restarts, and the endpoints of the
// profiles the variants name (resolved before the experiment steers anything). The running
// experiment goes to the conversations (assignment, steering), to the picker (what it sets for
// the shown conversation) and to the metrics service (the dashboard's comparison).
class ExperimentController : public QObject
{
    Q_OBJECT
public:
    ExperimentController(AppSettings* settings, QString profilesFile,
                         ConversationController* conversations, EndpointPicker* picker,
                         MetricsService* metrics, QWidget* window);
    ~ExperimentController() override;

    void addActions(QMenu* menu); // "Start experiment…", "Stop experiment"
    // The dialog that builds, opens, saves and starts an experiment (one at a time); filled with
    // the running or stored experiment, else two variants of the window's endpoint and model.
    ExperimentBuilderDialog* openBuilder();
    QLabel* indicator() const { return m_indicator; }

    // Reads and starts an experiment file. A file that does not parse changes nothing: false,
    // and messageChanged says why in one line.
    bool startFromFile(const QString& path);
    // Starts once the variants' endpoints are known (saved profiles need their keys, "Demo" the
    // built-in endpoint); started() or messageChanged() tells how it went. persist: kept in the
    // settings (a restored experiment is already there).
    void start(const ExperimentDefinition& definition, bool persist = true);
    void stop();
    void restore(); // the experiment running when the app was last closed, if any

    void setDemoEndpoint(const QUrl& baseUrl);
    const ExperimentSteering* active() const { return m_active.get(); }
    QString indicatorText() const;

signals:
    void started(const QString& name);
    void stopped();
    void messageChanged(const QString& message); // one line for the status bar
    void failed(const QString& message);         // a start that did not happen, why

private:
    void resolveDemo();
    void activateIfReady();
    void fail(const QString& message);
    void syncPicker();
    void syncControls();

    AppSettings* m_settings;
    QString m_profilesFile;
    ConversationController* m_conversations;
    EndpointPicker* m_picker;
    MetricsService* m_metrics;
    QWidget* m_window;
    QUrl m_demoUrl;
    std::shared_ptr<const ExperimentSteering> m_active;
    std::shared_ptr<ExperimentSteering> m_pending; // until its endpoints are resolved
    bool m_pendingPersist = false;
    int m_generation = 0; // drops resolutions of a start that was replaced or stopped
    QAction* m_startAction;
    QAction* m_stopAction;
    QLabel* m_indicator;
    QPointer<ExperimentBuilderDialog> m_builder;
};

} // namespace adminchat

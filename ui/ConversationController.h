#pragma once

#include "ChatView.h"
#include "metrics/LatencyCategory.h"
#include "net/EndpointConfig.h"
#include "store/ConversationRecord.h"

#include <QHash>
#include <QObject>
#include <memory>
#include <optional>

namespace adminchat {

class ChatClient;
class ChatSession;
class ExperimentSteering;
class HistoryService;
class MetricsService;
class SessionRecorder;
struct RequestMetrics;
struct RequestTrace;

// Keeps one ChatSession per open conversation and shows the current one in the ChatView.
// Conversations are saved through the HistoryService (on its own thread) while they stream; a
// conversation left while it streams keeps streaming and saving in the background. Every
// finished request becomes a metrics record, linked to its message by the request uid.
class ConversationController : public QObject
{
    Q_OBJECT
public:
    ConversationController(ChatClient* client, HistoryService* history, MetricsService* metrics,
                           ChatView* view, QObject* parent = nullptr);
    ~ConversationController() override;

    ChatSession* current() const { return m_current; }
    QString currentId() const;

    // An empty conversation; stored when its first message is sent.
    void newConversation();
    // Loads a stored conversation (asynchronously) and shows it.
    void open(const QString& id);
    // The endpoint and model of the current conversation (the picker's choice).
    void setEndpoint(const EndpointConfig& endpoint, const QString& profile);
    void setModel(const QString& model);
    void setCategoryRule(const CategoryRule& rule); // for every session, open or new
    // The running A/B experiment, or nullptr to stop: new conversations are assigned a variant
    // and requests steered by it. Conversations already stored keep their labels.
    void setExperiment(std::shared_ptr<const ExperimentSteering> experiment);
    const ExperimentSteering* experiment() const { return m_experiment.get(); }

    bool send(const QString& text);
    bool editAndResend(int index, const QString& text);
    void onViewAction(int index, ChatView::Action action);
    void stop();

    // Hides a conversation (undoable); a current one is replaced by a new, empty one.
    void deleteConversation(const QString& id);
    void flushAll(); // writes streaming text now (closing the window)

signals:
    // A different conversation is shown: the picker follows its profile and model.
    void currentChanged(const QString& id, const QString& profile, const QString& model);
    void busyChanged(bool busy); // of the current conversation
    void editRequested(int index, const QString& text);
    void requestCompleted(const adminchat::RequestTrace& trace,
                          const adminchat::RequestMetrics& metrics);
    // A finished request of the current conversation asked the profile to stop sending
    // stream_options (the endpoint rejected it).
    void streamOptionsRejected(const QString& profile);

private:
    struct Open
    {
        ChatSession* session = nullptr;
        SessionRecorder* recorder = nullptr;
    };

    Open create(const QString& id, bool stored);
    void show(ChatSession* session);
    void release(const QString& id); // frees a session that is neither shown nor streaming
    void onLoaded(const ConversationRecord& conversation, const QList<MessageRecord>& messages);
    void onRequestCompleted(ChatSession* session, const RequestTrace& trace,
                            const RequestMetrics& metrics, const QString& requestUid);
    void toggleRating(int index, int rating);
    void assignExperiment(ChatSession* session) const; // a conversation not stored yet

    ChatClient* m_client;
    HistoryService* m_history;
    MetricsService* m_metrics;
    ChatView* m_view;
    QHash<QString, Open> m_open;
    ChatSession* m_current = nullptr;
    QString m_loading; // id asked for by open(), until it is loaded
    EndpointConfig m_endpoint;
    QString m_profile;
    QString m_model;
    CategoryRule m_categoryRule;
    std::shared_ptr<const ExperimentSteering> m_experiment;
};

} // namespace adminchat

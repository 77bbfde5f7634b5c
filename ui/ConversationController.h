#pragma once

#include "ChatView.h"
#include "chat/RequestFinisher.h"
#include "metrics/LatencyCategory.h"
#include "net/EndpointConfig.h"
#include "settings/AppSettings.h"
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
class StreamPacer;
struct RequestMetrics;
struct RequestTrace;

// Keeps one ChatSession per open conversation and shows the current one in the ChatView.
// Conversations are saved through the HistoryService (on its own thread) while they stream; a
// conversation left while it streams keeps streaming and saving in the background. Every
// finished request goes through a RequestFinisher: its record, linked to its message by the
// request uid, to the MetricsService.
//
// The answer shown streams through a StreamPacer (one per open conversation): the session keeps
// the full text at once (and saves it), the view gets it paced. What the pacer holds back is
// shown at once when the answer ends, is stopped or fails, and when another conversation is
// shown. The display lag (arrival to shown) of the text shown while streaming becomes the
// record's displayLagP95Ms; a conversation streaming in the background shows nothing, so adds
// no samples.
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
    // How answers appear while streaming (AppSettings display/streaming and display/maxLagMs).
    // The mode applies at once, the lag bound from the next answer on.
    void setStreaming(StreamingMode mode, int maxLagMs);
    StreamingMode streamingMode() const { return m_streamingMode; }
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
    // A finished request asked its profile to stop sending stream_options (the endpoint
    // rejected them).
    void streamOptionsRejected(const QString& profile);

private:
    // The pacer of a session's answer and what it measured, shared with the connections.
    struct Pacing
    {
        StreamPacer* pacer = nullptr; // owned by the session
        int index = -1;               // the entry it paces
        QString endedUid;             // the last answer that ended, and its display lag
        std::optional<double> endedLagP95Ms;
    };

    struct Open
    {
        ChatSession* session = nullptr;
        SessionRecorder* recorder = nullptr;
        std::shared_ptr<Pacing> pacing;
    };

    Open create(const QString& id, bool stored);
    void show(ChatSession* session);
    void showEntries(ChatSession* session); // with the marks of messages not saved
    void connectPacing(ChatSession* session, const std::shared_ptr<Pacing>& pacing);
    void flushPacer(ChatSession* session); // shows what it holds back
    void release(const QString& id);       // frees a session that is neither shown nor streaming
    void onLoaded(const ConversationRecord& conversation, const QList<MessageRecord>& messages);
    void onRequestCompleted(ChatSession* session, SessionRecorder* recorder,
                            const RequestTrace& trace, const RequestMetrics& metrics,
                            const QString& requestUid, std::optional<double> displayLagP95Ms);
    void toggleRating(int index, int rating);
    void assignExperiment(ChatSession* session) const; // a conversation not stored yet

    ChatClient* m_client;
    HistoryService* m_history;
    MetricsService* m_metrics;
    ChatView* m_view;
    RequestFinisher m_finisher;
    QHash<QString, Open> m_open;
    QHash<QString, QHash<int, QString>> m_notSaved; // conversation -> seq -> why
    ChatSession* m_current = nullptr;
    QString m_loading; // id asked for by open(), until it is loaded
    EndpointConfig m_endpoint;
    QString m_profile;
    QString m_model;
    CategoryRule m_categoryRule;
    std::shared_ptr<const ExperimentSteering> m_experiment;
    StreamingMode m_streamingMode = StreamingMode::Smooth;
    int m_maxLagMs = AppSettings::defaultMaxDisplayLagMs;
};

} // namespace adminchat

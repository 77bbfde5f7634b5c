#pragma once

#include "chat/ChatEntry.h"
#include "chat/RequestSteering.h"
#include "metrics/RequestMetrics.h"
#include "net/EndpointConfig.h"
#include "net/RequestTrace.h"
#include "openai/ChatMessage.h"
#include "openai/ChunkUpdate.h"
#include "openai/RequestParameters.h"

#include <QList>
#include <QObject>
#include <functional>
#include <optional>

namespace adminchat {

class ChatClient;
class RequestMeter;

// One conversation: what the user sent, the answers as they stream, and their metrics. The
// ChatClient may live on another thread; all calls to it are queued. Several sessions may share
// one client (one per open conversation): each only reacts to its own requests, so a
// conversation keeps streaming while another is shown. A request's metrics are computed on the
// client's thread by the session's RequestMeter; the session receives them with the trace.
class ChatSession : public QObject
{
    Q_OBJECT
public:
    explicit ChatSession(ChatClient* client, QObject* parent = nullptr);
    ~ChatSession() override;

    // The stored conversation this session is (ConversationStore::newId()); set before the first
    // message, kept by load().
    void setConversationId(const QString& id) { m_conversationId = id; }
    const QString& conversationId() const { return m_conversationId; }
    void setProfileName(const QString& name) { m_profileName = name; }
    const QString& profileName() const { return m_profileName; }
    void setEndpoint(const EndpointConfig& endpoint) { m_endpoint = endpoint; }
    const EndpointConfig& endpoint() const { return m_endpoint; }
    void setModel(const QString& model) { m_model = model; }
    const QString& model() const { return m_model; }
    // What every request of this conversation is sent with (unset fields are not sent), and the
    // preset they came from, empty when set by hand. Applies from the next request on.
    void setParameters(const QString& preset, const RequestParameters& parameters);
    const RequestParameters& parameters() const { return m_parameters; }
    const QString& presetName() const { return m_preset; }
    void setSystemPrompt(const QString& prompt) { m_parameters.system = prompt; }
    void setMaxTokens(std::optional<int> maxTokens) { m_parameters.maxTokens = maxTokens; }
    void setTemperature(std::optional<double> temperature)
    {
        m_parameters.temperature = temperature;
    }
    void setStreaming(bool stream) { m_stream = stream; } // false: one JSON answer at the end
    void setCategoryRule(const CategoryRule& rule) { m_categoryRule = rule; }

    // The A/B experiment this conversation was assigned to when it was created (stored with it);
    // empty outside experiments.
    void setExperiment(const QString& experiment, const QString& variant);
    const QString& experiment() const { return m_experiment; }
    const QString& variant() const { return m_variant; }
    // Asked once per request, with the uid the answer will carry, before anything is sent: an
    // active experiment may route it elsewhere and label it (nullopt: sent as chosen).
    using SteeringProvider =
        std::function<std::optional<RequestSteering>(const ChatSession&, const QString&)>;
    void setSteeringProvider(SteeringProvider provider) { m_steering = std::move(provider); }
    // Predicted Outputs for the next request only (ask --predict-file). Without one, a
    // regenerate or an edit sends the answer it replaces when the endpoint's sendPrediction is on.
    void setNextPrediction(std::optional<QString> prediction)
    {
        m_nextPrediction = std::move(prediction);
    }

    // Replaces the entries with a saved conversation's (no signals per entry; entriesReset).
    // An answer still pending or streaming when it was saved (the app was closed or killed)
    // comes back as failed, so it can be retried. False when busy.
    bool load(const QList<ChatEntry>& entries);

    // Adds the user's message at once and starts the answer. False when busy or empty.
    bool send(const QString& text);
    // Edit-and-resend: the user entry at index gets the new text, everything after it is
    // dropped, and a new answer starts. The edited entry is replaced, not changed in place:
    // entriesTruncated(index), then entryAdded for it and for the answer. False when busy,
    // empty, or index is not a user entry.
    bool editAndResend(int index, const QString& text);
    // Regenerate (or Retry a failed answer): drops the assistant entry at index and everything
    // after it, then asks again with the history before it. False when busy or index is not an
    // assistant entry.
    bool regenerate(int index);
    // +1, -1, or nullopt to clear; only for finished (Done) assistant entries. Emits entryRated
    // when the rating changed.
    bool setRating(int index, std::optional<int> rating);
    void stop();
    bool isBusy() const { return m_activeRequest != 0; }

    const QList<ChatEntry>& entries() const { return m_entries; }
    // Lives on the client's thread; its `measured` is emitted there.
    RequestMeter* meter() const { return m_meter; }
    // The entry whose answer carries this request uid, nullptr when there is none.
    const ChatEntry* entryForRequest(const QString& requestUid) const;

signals:
    void entriesReset(); // load()
    // Entries from index on were removed (edit-and-resend, regenerate).
    void entriesTruncated(int fromIndex);
    void entryAdded(int index);
    // Only the new text, so a view can append in O(delta). arrivalNs: when its bytes arrived
    // (ChunkUpdate::arrivalNs, the clock of StreamPacer::monotonicNowNs()), -1 when unknown.
    void entryAppended(int index, const QString& content, const QString& reasoning,
                       qint64 arrivalNs);
    // The answer at index has all its text; its final state follows (entryStateChanged). A view
    // that holds text back shows it now.
    void answerEnded(int index);
    void entryStateChanged(int index);
    void entryRated(int index);
    void busyChanged(bool busy);
    // requestUid is the answer's ChatEntry::requestUid (for MetricsRecord::requestUid).
    void requestCompleted(const adminchat::RequestTrace& trace,
                          const adminchat::RequestMetrics& metrics, const QString& requestUid);

private:
    // System prompt and the entries before `end`: user entries, and answers that completed.
    QList<ChatMessage> historyBefore(int end) const;
    void appendUser(const QString& text);
    // previousAnswer: the answer a regenerate or an edit replaces (a prediction candidate).
    void startAnswer(QList<ChatMessage> messages, const QString& previousAnswer = {});
    void onOutputReceived(quint64 id, const ChunkUpdate& update);
    void onRequestMeasured(quint64 id, const RequestTrace& trace, const RequestMetrics& metrics);
    int indexOfRequest(quint64 id) const;

    ChatClient* m_client;
    RequestMeter* m_meter;
    QString m_conversationId;
    QString m_profileName;
    EndpointConfig m_endpoint;
    QString m_model;
    RequestParameters m_parameters;
    QString m_preset;
    bool m_stream = true;
    CategoryRule m_categoryRule;
    QString m_experiment;
    QString m_variant;
    SteeringProvider m_steering;
    std::optional<QString> m_nextPrediction;
    QList<ChatEntry> m_entries;
    quint64 m_activeRequest = 0;
};

} // namespace adminchat

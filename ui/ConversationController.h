#pragma once

#include "ChatView.h"
#include "endpoints/ParameterPreset.h"
#include "metrics/LatencyCategory.h"
#include "net/EndpointConfig.h"
#include "settings/AppSettings.h"
#include "store/ConversationRecord.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <functional>
#include <memory>
#include <optional>

namespace adminchat {

class ChatClient;
class ChatSession;
class ConversationDisplay;
class ConversationPersistence;
class ExperimentSteering;
struct RequestMetrics;
struct RequestTrace;

// Keeps one ChatSession per open conversation and which one is shown, and turns the window's
// commands (send, stop, the view's buttons, the picker's choices) into calls on it. What the
// sessions become is left to two others: a ConversationPersistence saves them and records their
// requests (a conversation left while it streams keeps streaming and saving in the background),
// a ConversationDisplay shows the current one in the ChatView, paced. Takes ownership of both.
class ConversationController : public QObject
{
    Q_OBJECT
public:
    ConversationController(ChatClient* client, ConversationPersistence* persistence,
                           ConversationDisplay* display, QObject* parent = nullptr);
    ~ConversationController() override;

    ChatSession* current() const;
    ConversationPersistence* persistence() const { return m_persistence; }
    ConversationDisplay* display() const { return m_display; }
    QString currentId() const;

    // An empty conversation; stored when its first message is sent.
    void newConversation();
    // Loads a stored conversation (asynchronously) and shows it.
    void open(const QString& id);
    // The endpoint and model of the current conversation (the picker's choice).
    void setEndpoint(const EndpointConfig& endpoint, const QString& profile);
    void setModel(const QString& model);
    void setCategoryRule(const CategoryRule& rule); // for every session, open or new
    // How answers appear while streaming; see ConversationDisplay::setStreaming.
    void setStreaming(StreamingMode mode, int maxLagMs);
    StreamingMode streamingMode() const;
    // The running A/B experiment, or nullptr to stop: new conversations are assigned a variant
    // and requests steered by it. Conversations already stored keep their labels.
    void setExperiment(std::shared_ptr<const ExperimentSteering> experiment);
    const ExperimentSteering* experiment() const { return m_experiment.get(); }

    // The request parameters of the current conversation, from its next request on (saved with
    // it). A new conversation starts with the default preset for its profile and model, asked
    // of defaultPreset, until its first message or a choice by hand.
    void setParameters(const QString& preset, const RequestParameters& parameters);
    using DefaultPreset =
        std::function<std::optional<ParameterPreset>(const QString& profile, const QString& model)>;
    void setDefaultPreset(DefaultPreset defaultPreset);

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
    // Of the current conversation: another is shown, or its parameters changed.
    void parametersChanged(const QString& preset, const adminchat::RequestParameters& parameters);
    void requestCompleted(const adminchat::RequestTrace& trace,
                          const adminchat::RequestMetrics& metrics);

private:
    ChatSession* create(const QString& id, bool stored);
    void show(ChatSession* session);
    void release(const QString& id); // frees a session that is neither shown nor streaming
    void forget(const QString& id);  // frees it now
    void onLoaded(const ConversationRecord& conversation, const QList<MessageRecord>& messages);
    void toggleRating(int index, int rating);
    void assignExperiment(ChatSession* session) const; // a conversation not stored yet
    void applyDefaultPreset(ChatSession* session);     // while it has no message

    ChatClient* m_client;
    ConversationPersistence* m_persistence;
    ConversationDisplay* m_display;
    QHash<QString, ChatSession*> m_open;
    QString m_loading; // id asked for by open(), until it is loaded
    EndpointConfig m_endpoint;
    QString m_profile;
    QString m_model;
    CategoryRule m_categoryRule;
    std::shared_ptr<const ExperimentSteering> m_experiment;
    DefaultPreset m_defaultPreset;
    QSet<QString> m_parametersByHand; // conversations whose parameters were chosen by hand
};

} // namespace adminchat

#include "ConversationController.h"

#include "ConversationDisplay.h"
#include "chat/ChatSession.h"
#include "chat/ConversationPersistence.h"
#include "chat/ExperimentSteering.h"
#include "chat/SessionRecorder.h"
#include "store/ConversationStore.h"

namespace adminchat {

ConversationController::ConversationController(ChatClient* client,
                                               ConversationPersistence* persistence,
                                               ConversationDisplay* display, QObject* parent)
    : QObject(parent), m_client(client), m_persistence(persistence), m_display(display)
{
    // Owned here, so that both outlive the sessions' last writes in the destructor.
    m_persistence->setParent(this);
    m_display->setParent(this);
    connect(m_persistence, &ConversationPersistence::loaded, this,
            &ConversationController::onLoaded);
    connect(m_display->view(), &ChatView::actionTriggered, this,
            &ConversationController::onViewAction);
    // A message the history could not write is marked in the view until a retry (timed, or
    // the button) writes it.
    connect(m_persistence, &ConversationPersistence::notSavedChanged, this,
            [this](const QString& id, int seq, const QString& error) {
                m_display->setNotSaved(m_open.value(id), seq, error);
            });
    connect(m_display->view(), &ChatView::saveRetryRequested, m_persistence,
            &ConversationPersistence::retryUnsaved);
    newConversation();
}

ConversationController::~ConversationController()
{
    flushAll();
}

ChatSession* ConversationController::current() const
{
    return m_display->current();
}

QString ConversationController::currentId() const
{
    return current() ? current()->conversationId() : QString();
}

ChatSession* ConversationController::create(const QString& id, bool stored)
{
    auto* session = new ChatSession(m_client, this);
    session->setConversationId(id);
    session->setEndpoint(m_endpoint);
    session->setProfileName(m_profile);
    session->setModel(m_model);
    session->setCategoryRule(m_categoryRule);
    // Read at each request, so starting or stopping an experiment applies to open sessions.
    session->setSteeringProvider(
        [this](const ChatSession& s, const QString& uid) -> std::optional<RequestSteering> {
            if (!m_experiment)
                return std::nullopt;
            return m_experiment->steer(s.experiment(), s.variant(), uid);
        });
    if (!stored) {
        assignExperiment(session);
        applyDefaultPreset(session);
    }

    m_display->attach(session);
    m_persistence->attach(session, stored, m_display->displayLag(session));
    connect(session, &ChatSession::entriesReset, this, [this, session] {
        if (session == current())
            m_display->show(session, m_persistence->notSaved(session->conversationId()));
    });
    connect(session, &ChatSession::busyChanged, this, [this, session, id](bool busy) {
        if (session == current())
            emit busyChanged(busy);
        else if (!busy)
            release(id);
    });
    connect(session, &ChatSession::requestCompleted, this,
            [this, session](const RequestTrace& trace, const RequestMetrics& metrics) {
                if (session == current())
                    emit requestCompleted(trace, metrics);
            });
    m_open.insert(id, session);
    return session;
}

void ConversationController::setStreaming(StreamingMode mode, int maxLagMs)
{
    m_display->setStreaming(mode, maxLagMs);
}

StreamingMode ConversationController::streamingMode() const
{
    return m_display->streamingMode();
}

void ConversationController::show(ChatSession* session)
{
    ChatSession* previous = current();
    m_display->show(session, m_persistence->notSaved(session->conversationId()));
    emit busyChanged(session->isBusy());
    emit currentChanged(session->conversationId(), session->profileName(), session->model());
    emit parametersChanged(session->presetName(), session->parameters());
    if (previous && previous != session)
        release(previous->conversationId());
}

void ConversationController::release(const QString& id)
{
    ChatSession* session = m_open.value(id);
    if (!session || session == current() || session->isBusy())
        return;
    forget(id);
}

void ConversationController::forget(const QString& id)
{
    ChatSession* session = m_open.take(id);
    if (!session)
        return;
    m_parametersByHand.remove(id);
    m_persistence->detach(id);
    m_display->detach(session);
    session->deleteLater(); // owns its recorder and pacer
}

void ConversationController::newConversation()
{
    // A new conversation is the one shown after start and after "New": reuse an empty one.
    if (current() && current()->entries().isEmpty())
        return;
    m_loading.clear();
    show(create(ConversationStore::newId(), false));
}

void ConversationController::open(const QString& id)
{
    if (id == currentId())
        return;
    if (ChatSession* session = m_open.value(id)) {
        m_loading.clear();
        show(session); // still streaming in the background: shown as it is
        return;
    }
    m_loading = id;
    m_persistence->load(id);
}

void ConversationController::onLoaded(const ConversationRecord& conversation,
                                      const QList<MessageRecord>& messages)
{
    if (conversation.id != m_loading)
        return; // the user moved on
    m_loading.clear();
    if (ChatSession* session = m_open.value(conversation.id))
        return show(session);
    QList<ChatEntry> entries;
    entries.reserve(messages.size());
    for (const MessageRecord& message : messages)
        entries.append(SessionRecorder::toChatEntry(message));
    ChatSession* session = create(conversation.id, true);
    session->setExperiment(conversation.experiment, conversation.variant);
    session->setParameters(conversation.preset, conversation.parameters);
    session->setProfileName(conversation.profile.isEmpty() ? m_profile : conversation.profile);
    if (!conversation.model.isEmpty())
        session->setModel(conversation.model);
    session->load(entries);
    show(session);
}

void ConversationController::setEndpoint(const EndpointConfig& endpoint, const QString& profile)
{
    m_endpoint = endpoint;
    m_profile = profile;
    ChatSession* session = current();
    if (!session)
        return;
    const bool changed = session->profileName() != profile;
    session->setEndpoint(endpoint);
    session->setProfileName(profile);
    if (changed)
        applyDefaultPreset(session);
    if (changed && !session->entries().isEmpty())
        m_persistence->setProfileAndModel(session->conversationId(), profile, session->model());
}

void ConversationController::setModel(const QString& model)
{
    m_model = model;
    ChatSession* session = current();
    if (!session || session->model() == model)
        return;
    session->setModel(model);
    applyDefaultPreset(session);
    if (!session->entries().isEmpty())
        m_persistence->setProfileAndModel(session->conversationId(), session->profileName(), model);
}

void ConversationController::setParameters(const QString& preset,
                                           const RequestParameters& parameters)
{
    ChatSession* session = current();
    if (!session)
        return;
    m_parametersByHand.insert(session->conversationId());
    session->setParameters(preset, parameters);
    // A conversation not stored yet gets them with its row (SessionRecorder).
    if (m_persistence->isStored(session->conversationId()))
        m_persistence->setParameters(session->conversationId(), preset, parameters);
    emit parametersChanged(preset, parameters);
}

void ConversationController::setDefaultPreset(DefaultPreset defaultPreset)
{
    m_defaultPreset = std::move(defaultPreset);
    if (ChatSession* session = current())
        applyDefaultPreset(session);
}

void ConversationController::applyDefaultPreset(ChatSession* session)
{
    // Only a conversation yet to be sent whose parameters nobody chose follows the default.
    if (!m_defaultPreset || !session->entries().isEmpty() ||
        m_parametersByHand.contains(session->conversationId()) ||
        m_persistence->isStored(session->conversationId()))
        return;
    const std::optional<ParameterPreset> preset =
        m_defaultPreset(session->profileName(), session->model());
    const QString name = preset ? preset->name : QString();
    const RequestParameters parameters = preset ? preset->parameters : RequestParameters();
    if (name == session->presetName() && parameters == session->parameters())
        return;
    session->setParameters(name, parameters);
    if (session == current())
        emit parametersChanged(name, parameters);
}

void ConversationController::setExperiment(std::shared_ptr<const ExperimentSteering> experiment)
{
    m_experiment = std::move(experiment);
    for (ChatSession* session : std::as_const(m_open)) {
        if (!m_persistence->isStored(session->conversationId()))
            assignExperiment(session);
    }
}

void ConversationController::assignExperiment(ChatSession* session) const
{
    if (!m_experiment)
        return session->setExperiment({}, {});
    session->setExperiment(m_experiment->name(),
                           m_experiment->conversationVariant(session->conversationId()));
}

void ConversationController::setCategoryRule(const CategoryRule& rule)
{
    m_categoryRule = rule;
    for (ChatSession* session : std::as_const(m_open))
        session->setCategoryRule(rule);
}

bool ConversationController::send(const QString& text)
{
    return current() && current()->send(text);
}

bool ConversationController::editAndResend(int index, const QString& text)
{
    return current() && current()->editAndResend(index, text);
}

void ConversationController::stop()
{
    if (current())
        current()->stop();
}

void ConversationController::onViewAction(int index, ChatView::Action action)
{
    ChatSession* session = current();
    if (!session || index < 0 || index >= session->entries().size())
        return;
    switch (action) {
    case ChatView::Action::Edit:
        emit editRequested(index, session->entries().at(index).text);
        break;
    case ChatView::Action::Regenerate:
    case ChatView::Action::Retry:
        session->regenerate(index);
        break;
    case ChatView::Action::Stop:
        session->stop();
        break;
    case ChatView::Action::RateUp:
        toggleRating(index, 1);
        break;
    case ChatView::Action::RateDown:
        toggleRating(index, -1);
        break;
    case ChatView::Action::Copy:
        break; // the view copies by itself
    }
}

void ConversationController::toggleRating(int index, int rating)
{
    ChatSession* session = current();
    const ChatEntry& entry = session->entries().at(index);
    // Clicking the current rating again clears it.
    const std::optional<int> value =
        entry.rating == rating ? std::nullopt : std::optional<int>(rating);
    const QString uid = entry.requestUid;
    if (session->setRating(index, value))
        m_persistence->rateRequest(uid, value);
}

void ConversationController::deleteConversation(const QString& id)
{
    ChatSession* session = m_open.value(id);
    if (session) {
        session->stop();
        m_persistence->flush(id);
    }
    m_persistence->markDeleted(id);
    if (id == currentId()) {
        m_display->clear();
        newConversation();
    }
    if (session && !session->isBusy())
        forget(id);
}

void ConversationController::flushAll()
{
    m_persistence->flushAll();
}

} // namespace adminchat

#include "ConversationController.h"

#include "chat/ChatSession.h"
#include "chat/ExperimentSteering.h"
#include "chat/RequestFinisher.h"
#include "chat/SessionRecorder.h"
#include "chat/StreamPacer.h"
#include "net/ChatClient.h"
#include "store/ConversationStore.h"
#include "store/HistoryService.h"
#include "store/MetricsService.h"

#include <algorithm>

namespace adminchat {

namespace {

// Queued onto the service's thread, in the order the calls are made.
template <typename Service, typename Call> void post(Service* service, Call call)
{
    QMetaObject::invokeMethod(
        service, [service, call] { call(service); }, Qt::QueuedConnection);
}

} // namespace

ConversationController::ConversationController(ChatClient* client, HistoryService* history,
                                               MetricsService* metrics, ChatView* view,
                                               QObject* parent)
    : QObject(parent), m_client(client), m_history(history), m_metrics(metrics), m_view(view),
      m_finisher(
          [metrics](const MetricsRecord& record) {
              post(metrics, [record](MetricsService* m) { m->addRecord(record); });
          },
          [this](const QString& profile) { emit streamOptionsRejected(profile); })
{
    connect(m_history, &HistoryService::loaded, this, &ConversationController::onLoaded);
    connect(m_view, &ChatView::actionTriggered, this, &ConversationController::onViewAction);
    // A message the history could not write stays in memory there, marked in the view until
    // a retry (timed, or the button) writes it.
    connect(m_history, &HistoryService::messageSaveFailed, this,
            [this](const QString& id, int seq, const QString& error) {
                m_notSaved[id].insert(seq, error);
                if (id == currentId())
                    m_view->setNotSaved(seq, error);
            });
    connect(m_history, &HistoryService::messageSaved, this, [this](const QString& id, int seq) {
        const auto it = m_notSaved.find(id);
        if (it == m_notSaved.end())
            return;
        it->remove(seq);
        if (it->isEmpty())
            m_notSaved.erase(it);
        if (id == currentId())
            m_view->setNotSaved(seq, {});
    });
    connect(m_view, &ChatView::saveRetryRequested, this,
            [this] { post(m_history, [](HistoryService* h) { h->retryUnsaved(); }); });
    newConversation();
}

ConversationController::~ConversationController()
{
    flushAll();
}

QString ConversationController::currentId() const
{
    return m_current ? m_current->conversationId() : QString();
}

ConversationController::Open ConversationController::create(const QString& id, bool stored)
{
    Open open;
    open.session = new ChatSession(m_client, this);
    open.session->setConversationId(id);
    open.session->setEndpoint(m_endpoint);
    open.session->setProfileName(m_profile);
    open.session->setModel(m_model);
    open.session->setCategoryRule(m_categoryRule);
    // Read at each request, so starting or stopping an experiment applies to open sessions.
    open.session->setSteeringProvider(
        [this](const ChatSession& s, const QString& uid) -> std::optional<RequestSteering> {
            if (!m_experiment)
                return std::nullopt;
            return m_experiment->steer(s.experiment(), s.variant(), uid);
        });
    if (!stored)
        assignExperiment(open.session);
    open.recorder = new SessionRecorder(open.session, open.session);
    open.recorder->setConversationStored(stored);

    ChatSession* session = open.session;
    HistoryService* history = m_history;
    connect(open.recorder, &SessionRecorder::conversationCreated, this,
            [history](const ConversationRecord& c) {
                post(history, [c](HistoryService* h) { h->create(c); });
            });
    connect(open.recorder, &SessionRecorder::messageSaved, this, [history](const MessageRecord& m) {
        post(history, [m](HistoryService* h) { h->saveMessage(m); });
    });
    connect(open.recorder, &SessionRecorder::messagesTruncated, this,
            [this, history](const QString& id, int from) {
                // Replaced messages need no saving: the history drops them too.
                if (const auto it = m_notSaved.find(id); it != m_notSaved.end())
                    it->removeIf([from](const auto& seq) { return seq.key() >= from; });
                post(history, [id, from](HistoryService* h) { h->truncate(id, from); });
            });
    connect(open.recorder, &SessionRecorder::ratingChanged, this,
            [history](const QString& id, int seq, int rating) {
                post(history,
                     [id, seq, rating](HistoryService* h) { h->setRating(id, seq, rating); });
            });

    // The view mirrors the current session only; the others stream in the background.
    connect(session, &ChatSession::entriesReset, this, [this, session] {
        if (session == m_current)
            showEntries(session);
    });
    connect(session, &ChatSession::entriesTruncated, this, [this, session](int from) {
        if (session == m_current)
            m_view->truncate(from);
    });
    connect(session, &ChatSession::entryAdded, this, [this, session](int index) {
        if (session == m_current)
            m_view->addEntry(session->entries().at(index));
    });
    open.pacing = std::make_shared<Pacing>();
    connectPacing(session, open.pacing);
    connect(session, &ChatSession::busyChanged, this, [this, session, id](bool busy) {
        if (session == m_current)
            emit busyChanged(busy);
        else if (!busy)
            release(id);
    });
    connect(session, &ChatSession::requestCompleted, this,
            [this, session, recorder = open.recorder, pacing = open.pacing](
                const RequestTrace& trace, const RequestMetrics& metrics, const QString& uid) {
                const std::optional<double> lag =
                    pacing->endedUid == uid ? pacing->endedLagP95Ms : std::nullopt;
                onRequestCompleted(session, recorder, trace, metrics, uid, lag);
            });
    m_open.insert(id, open);
    return open;
}

void ConversationController::connectPacing(ChatSession* session,
                                           const std::shared_ptr<Pacing>& pacing)
{
    SmartChunkerOptions options;
    options.maxLagNs = qint64(m_maxLagMs) * 1'000'000;
    pacing->pacer = new StreamPacer(options, session);
    pacing->pacer->setSmoothing(m_streamingMode == StreamingMode::Smooth);
    connect(session, &ChatSession::busyChanged, this, [this, pacing](bool busy) {
        if (!busy)
            return;
        // A new answer: fresh lag samples, under the lag bound set now.
        SmartChunkerOptions next;
        next.maxLagNs = qint64(m_maxLagMs) * 1'000'000;
        pacing->pacer->setOptions(next);
        pacing->index = -1;
    });
    // Text goes to the pacer only while its conversation is shown: show() gives the view the
    // whole text of any other.
    connect(session, &ChatSession::entryAppended, this,
            [this, session, pacing](int index, const QString& content, const QString& reasoning,
                                    qint64 arrivalNs) {
                if (session != m_current)
                    return;
                if (pacing->index != index) {
                    pacing->pacer->flush();
                    pacing->index = index;
                }
                pacing->pacer->push(content, reasoning, arrivalNs);
            });
    connect(pacing->pacer, &StreamPacer::released, this,
            [this, session, pacing](const QString& content, const QString& reasoning) {
                if (session == m_current && pacing->index >= 0)
                    m_view->appendToEntry(pacing->index, content, reasoning);
            });
    // Before the final state is shown (Markdown rendered from the whole text): the rest at once.
    connect(session, &ChatSession::answerEnded, this, [session, pacing](int index) {
        pacing->pacer->flush();
        pacing->endedUid = session->entries().at(index).requestUid;
        pacing->endedLagP95Ms = pacing->pacer->displayLagP95Ms();
    });
    // A refresh while text is held back shows the entry as far as the view has it, never ahead.
    auto refresh = [this, session, pacing](int index) {
        if (session != m_current)
            return;
        const ChatEntry& entry = session->entries().at(index);
        if (index != pacing->index || !pacing->pacer->hasPending())
            return m_view->updateEntry(index, entry);
        ChatEntry shown = entry;
        shown.text.chop(pacing->pacer->pendingContentSize());
        shown.reasoning.chop(pacing->pacer->pendingReasoningSize());
        m_view->updateEntry(index, shown);
    };
    connect(session, &ChatSession::entryStateChanged, this, refresh);
    connect(session, &ChatSession::entryRated, this, refresh);
}

void ConversationController::flushPacer(ChatSession* session)
{
    if (const auto it = m_open.constFind(session->conversationId()); it != m_open.cend())
        it->pacing->pacer->flush();
}

void ConversationController::setStreaming(StreamingMode mode, int maxLagMs)
{
    m_streamingMode = mode;
    m_maxLagMs = std::clamp(maxLagMs, 0, AppSettings::maxDisplayLagLimitMs);
    for (const Open& open : std::as_const(m_open))
        open.pacing->pacer->setSmoothing(mode == StreamingMode::Smooth);
}

void ConversationController::show(ChatSession* session)
{
    ChatSession* previous = m_current;
    // The view is about to be rebuilt from the sessions' whole texts: nothing may stay held
    // back, or it would be appended twice. The previous one's rest still reaches its view.
    if (previous)
        flushPacer(previous);
    flushPacer(session);
    m_current = session;
    showEntries(session);
    emit busyChanged(session->isBusy());
    emit currentChanged(session->conversationId(), session->profileName(), session->model());
    if (previous && previous != session)
        release(previous->conversationId());
}

void ConversationController::showEntries(ChatSession* session)
{
    m_view->setEntries(session->entries());
    const auto it = m_notSaved.constFind(session->conversationId());
    if (it == m_notSaved.cend())
        return;
    for (auto mark = it->cbegin(); mark != it->cend(); ++mark)
        m_view->setNotSaved(mark.key(), mark.value());
}

void ConversationController::release(const QString& id)
{
    const auto it = m_open.find(id);
    if (it == m_open.end() || it->session == m_current || it->session->isBusy())
        return;
    it->recorder->flush();
    it->session->deleteLater(); // owns its recorder
    m_open.erase(it);
}

void ConversationController::newConversation()
{
    // A new conversation is the one shown after start and after "New": reuse an empty one.
    if (m_current && m_current->entries().isEmpty())
        return;
    m_loading.clear();
    show(create(ConversationStore::newId(), false).session);
}

void ConversationController::open(const QString& id)
{
    if (id == currentId())
        return;
    if (const auto it = m_open.find(id); it != m_open.end()) {
        m_loading.clear();
        show(it->session); // still streaming in the background: shown as it is
        return;
    }
    m_loading = id;
    post(m_history, [id](HistoryService* h) { h->load(id); });
}

void ConversationController::onLoaded(const ConversationRecord& conversation,
                                      const QList<MessageRecord>& messages)
{
    if (conversation.id != m_loading)
        return; // the user moved on
    m_loading.clear();
    if (m_open.contains(conversation.id))
        return show(m_open.value(conversation.id).session);
    QList<ChatEntry> entries;
    entries.reserve(messages.size());
    for (const MessageRecord& message : messages)
        entries.append(SessionRecorder::toChatEntry(message));
    Open open = create(conversation.id, true);
    open.session->setExperiment(conversation.experiment, conversation.variant);
    open.session->setProfileName(conversation.profile.isEmpty() ? m_profile : conversation.profile);
    if (!conversation.model.isEmpty())
        open.session->setModel(conversation.model);
    open.session->load(entries);
    show(open.session);
}

void ConversationController::setEndpoint(const EndpointConfig& endpoint, const QString& profile)
{
    m_endpoint = endpoint;
    m_profile = profile;
    if (!m_current)
        return;
    const bool changed = m_current->profileName() != profile;
    m_current->setEndpoint(endpoint);
    m_current->setProfileName(profile);
    if (changed && !m_current->entries().isEmpty()) {
        const QString id = m_current->conversationId();
        const QString model = m_current->model();
        post(m_history, [id, profile, model](HistoryService* h) {
            h->setProfileAndModel(id, profile, model);
        });
    }
}

void ConversationController::setModel(const QString& model)
{
    m_model = model;
    if (!m_current || m_current->model() == model)
        return;
    m_current->setModel(model);
    if (!m_current->entries().isEmpty()) {
        const QString id = m_current->conversationId();
        const QString profile = m_current->profileName();
        post(m_history, [id, profile, model](HistoryService* h) {
            h->setProfileAndModel(id, profile, model);
        });
    }
}

void ConversationController::setExperiment(std::shared_ptr<const ExperimentSteering> experiment)
{
    m_experiment = std::move(experiment);
    for (const Open& open : std::as_const(m_open)) {
        if (!open.recorder->isConversationStored())
            assignExperiment(open.session);
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
    for (const Open& open : std::as_const(m_open))
        open.session->setCategoryRule(rule);
}

bool ConversationController::send(const QString& text)
{
    return m_current && m_current->send(text);
}

bool ConversationController::editAndResend(int index, const QString& text)
{
    return m_current && m_current->editAndResend(index, text);
}

void ConversationController::stop()
{
    if (m_current)
        m_current->stop();
}

void ConversationController::onViewAction(int index, ChatView::Action action)
{
    if (!m_current || index < 0 || index >= m_current->entries().size())
        return;
    switch (action) {
    case ChatView::Action::Edit:
        emit editRequested(index, m_current->entries().at(index).text);
        break;
    case ChatView::Action::Regenerate:
    case ChatView::Action::Retry:
        m_current->regenerate(index);
        break;
    case ChatView::Action::Stop:
        m_current->stop();
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
    const ChatEntry& entry = m_current->entries().at(index);
    // Clicking the current rating again clears it.
    const std::optional<int> value =
        entry.rating == rating ? std::nullopt : std::optional<int>(rating);
    const QString uid = entry.requestUid;
    if (!m_current->setRating(index, value))
        return;
    // Satisfaction in the metrics: the record of the request that produced this answer.
    if (!uid.isEmpty())
        post(m_metrics,
             [uid, v = value.value_or(0)](MetricsService* m) { m->setRequestRating(uid, v); });
}

void ConversationController::deleteConversation(const QString& id)
{
    if (const auto it = m_open.find(id); it != m_open.end()) {
        it->session->stop();
        it->recorder->flush();
    }
    post(m_history, [id](HistoryService* h) { h->markDeleted(id); });
    if (id == currentId()) {
        m_current = nullptr;
        newConversation();
    }
    if (const auto it = m_open.find(id); it != m_open.end() && !it->session->isBusy()) {
        it->session->deleteLater();
        m_open.erase(it);
    }
}

void ConversationController::flushAll()
{
    for (const Open& open : std::as_const(m_open))
        open.recorder->flush();
}

void ConversationController::onRequestCompleted(ChatSession* session, SessionRecorder* recorder,
                                                const RequestTrace& trace,
                                                const RequestMetrics& metrics,
                                                const QString& requestUid,
                                                std::optional<double> displayLagP95Ms)
{
    m_finisher.finishAnswer(*session, recorder, trace, metrics, requestUid, displayLagP95Ms);
    if (session == m_current)
        emit requestCompleted(trace, metrics);
}

} // namespace adminchat

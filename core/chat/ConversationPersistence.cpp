#include "chat/ConversationPersistence.h"

#include "chat/ChatSession.h"
#include "chat/SessionRecorder.h"
#include "store/HistoryService.h"
#include "store/MetricsService.h"

namespace adminchat {

namespace {

// Queued onto the service's thread, in the order the calls are made.
template <typename Service, typename Call> void post(Service* service, Call call)
{
    QMetaObject::invokeMethod(
        service, [service, call] { call(service); }, Qt::QueuedConnection);
}

} // namespace

ConversationPersistence::ConversationPersistence(HistoryService* history, MetricsService* metrics,
                                                 QObject* parent)
    : QObject(parent), m_history(history), m_metrics(metrics),
      m_finisher(
          [metrics](const MetricsRecord& record) {
              post(metrics, [record](MetricsService* m) { m->addRecord(record); });
          },
          [this](const QString& profile) { emit streamOptionsRejected(profile); })
{
    connect(m_history, &HistoryService::loaded, this, &ConversationPersistence::loaded);
    // A message the history could not write stays in memory there until a retry (timed, or
    // asked for) writes it.
    connect(m_history, &HistoryService::messageSaveFailed, this,
            [this](const QString& id, int seq, const QString& error) {
                m_notSaved[id].insert(seq, error);
                emit notSavedChanged(id, seq, error);
            });
    connect(m_history, &HistoryService::messageSaved, this, [this](const QString& id, int seq) {
        const auto it = m_notSaved.find(id);
        if (it == m_notSaved.end())
            return;
        it->remove(seq);
        if (it->isEmpty())
            m_notSaved.erase(it);
        emit notSavedChanged(id, seq, {});
    });
}

void ConversationPersistence::attach(ChatSession* session, bool stored, DisplayLag displayLag)
{
    auto* recorder = new SessionRecorder(session, session);
    recorder->setConversationStored(stored);
    m_recorders.insert(session->conversationId(), recorder);

    HistoryService* history = m_history;
    connect(recorder, &SessionRecorder::conversationCreated, this,
            [history](const ConversationRecord& c) {
                post(history, [c](HistoryService* h) { h->create(c); });
            });
    connect(recorder, &SessionRecorder::messageSaved, this, [history](const MessageRecord& m) {
        post(history, [m](HistoryService* h) { h->saveMessage(m); });
    });
    connect(recorder, &SessionRecorder::messagesTruncated, this,
            [this, history](const QString& id, int from) {
                // Replaced messages need no saving: the history drops them too.
                if (const auto it = m_notSaved.find(id); it != m_notSaved.end())
                    it->removeIf([from](const auto& seq) { return seq.key() >= from; });
                post(history, [id, from](HistoryService* h) { h->truncate(id, from); });
            });
    connect(recorder, &SessionRecorder::ratingChanged, this,
            [history](const QString& id, int seq, int rating) {
                post(history,
                     [id, seq, rating](HistoryService* h) { h->setRating(id, seq, rating); });
            });
    // The session may be released (busy ends first) before this runs; it and its recorder are
    // deleted later, so both are still there.
    connect(session, &ChatSession::requestCompleted, this,
            [this, session, recorder, displayLag = std::move(displayLag)](
                const RequestTrace& trace, const RequestMetrics& metrics, const QString& uid) {
                m_finisher.finishAnswer(*session, recorder, trace, metrics, uid,
                                        displayLag ? displayLag(uid) : std::nullopt);
            });
}

void ConversationPersistence::detach(const QString& conversationId)
{
    if (SessionRecorder* recorder = m_recorders.take(conversationId))
        recorder->flush();
}

bool ConversationPersistence::isStored(const QString& conversationId) const
{
    const SessionRecorder* recorder = m_recorders.value(conversationId);
    return recorder && recorder->isConversationStored();
}

void ConversationPersistence::flush(const QString& conversationId)
{
    if (SessionRecorder* recorder = m_recorders.value(conversationId))
        recorder->flush();
}

void ConversationPersistence::flushAll()
{
    for (SessionRecorder* recorder : std::as_const(m_recorders))
        recorder->flush();
}

void ConversationPersistence::load(const QString& conversationId)
{
    post(m_history, [conversationId](HistoryService* h) { h->load(conversationId); });
}

void ConversationPersistence::setProfileAndModel(const QString& conversationId,
                                                 const QString& profile, const QString& model)
{
    post(m_history, [conversationId, profile, model](HistoryService* h) {
        h->setProfileAndModel(conversationId, profile, model);
    });
}

void ConversationPersistence::setParameters(const QString& conversationId, const QString& preset,
                                            const RequestParameters& parameters)
{
    post(m_history, [conversationId, preset, parameters](HistoryService* h) {
        h->setParameters(conversationId, preset, parameters);
    });
}

void ConversationPersistence::markDeleted(const QString& conversationId)
{
    post(m_history, [conversationId](HistoryService* h) { h->markDeleted(conversationId); });
}

void ConversationPersistence::retryUnsaved()
{
    post(m_history, [](HistoryService* h) { h->retryUnsaved(); });
}

void ConversationPersistence::rateRequest(const QString& requestUid, std::optional<int> rating)
{
    if (requestUid.isEmpty())
        return;
    post(m_metrics, [requestUid, v = rating.value_or(0)](MetricsService* m) {
        m->setRequestRating(requestUid, v);
    });
}

QHash<int, QString> ConversationPersistence::notSaved(const QString& conversationId) const
{
    return m_notSaved.value(conversationId);
}

} // namespace adminchat

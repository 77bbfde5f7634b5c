#pragma once

#include "chat/RequestFinisher.h"
#include "store/ConversationRecord.h"

#include <QHash>
#include <QObject>
#include <functional>
#include <optional>

namespace adminchat {

class ChatSession;
class HistoryService;
class MetricsService;
class SessionRecorder;

// Where the window's conversations are kept: each open session's recorder writes to the
// HistoryService, each finished request goes through a RequestFinisher to the MetricsService,
// both queued onto their threads in the order the calls are made. Also remembers which
// messages the history could not write yet, so a view can mark them.
class ConversationPersistence : public QObject
{
    Q_OBJECT
public:
    // The display lag of an answer (by request uid), when a view measured one.
    using DisplayLag = std::function<std::optional<double>(const QString& requestUid)>;

    ConversationPersistence(HistoryService* history, MetricsService* metrics,
                            QObject* parent = nullptr);

    // Starts keeping a session: stored says whether its conversation row exists already. The
    // recorder belongs to the session; detach() before the session goes.
    void attach(ChatSession* session, bool stored, DisplayLag displayLag = {});
    void detach(const QString& conversationId); // writes its pending text first
    bool isStored(const QString& conversationId) const;
    void flush(const QString& conversationId);
    void flushAll(); // writes streaming text now (closing the window)

    void load(const QString& conversationId); // answered by loaded()
    void setProfileAndModel(const QString& conversationId, const QString& profile,
                            const QString& model);
    void setParameters(const QString& conversationId, const QString& preset,
                       const RequestParameters& parameters);
    void markDeleted(const QString& conversationId);
    void retryUnsaved();
    // Satisfaction in the metrics: the record of the request that produced a rated answer.
    void rateRequest(const QString& requestUid, std::optional<int> rating);

    // seq -> why, for the messages of a conversation the history could not write yet.
    QHash<int, QString> notSaved(const QString& conversationId) const;

signals:
    void loaded(const adminchat::ConversationRecord& conversation,
                const QList<adminchat::MessageRecord>& messages);
    // A message could not be written (error), or was written after all (error empty).
    void notSavedChanged(const QString& conversationId, int seq, const QString& error);
    // A finished request asked its profile to stop sending stream_options (the endpoint
    // rejected them).
    void streamOptionsRejected(const QString& profile);

private:
    HistoryService* m_history;
    MetricsService* m_metrics;
    RequestFinisher m_finisher;
    QHash<QString, SessionRecorder*> m_recorders; // by conversation id
    QHash<QString, QHash<int, QString>> m_notSaved;
};

} // namespace adminchat

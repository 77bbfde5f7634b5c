#pragma once

#include "store/ConversationRecord.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QTimer>
#include <memory>
#include <optional>

namespace adminchat {

class ConversationStore;

// The GUI's access to conversations: a ConversationStore on the thread this object lives in
// (HistoryThread), so no disk work ever runs on the GUI thread. Call its slots with queued
// invocations; results come back as signals. Writes are applied in the order they were sent.
//
// A conversation or message that cannot be written (a full disk, a read-only database) is not
// lost: the latest version of each is kept in memory, shown by load() and exportConversation()
// as if stored, and written again after 1 s, 2 s, 4 s ... (at most 60 s), at the next write that
// works, and on retryUnsaved(). messageSaveFailed says so once per message, messageSaved when
// it was written after all.
class HistoryService : public QObject
{
    Q_OBJECT
public:
    static constexpr int firstRetryMs = 1000;
    static constexpr int maxRetryMs = 60000;

    explicit HistoryService(QString databasePath, QObject* parent = nullptr);
    ~HistoryService() override;

    Q_INVOKABLE void open(); // also purges conversations marked deleted in an earlier run
    Q_INVOKABLE void list(const QString& search);
    Q_INVOKABLE void load(const QString& conversationId);
    Q_INVOKABLE void create(const adminchat::ConversationRecord& conversation);
    Q_INVOKABLE void saveMessage(const adminchat::MessageRecord& message);
    Q_INVOKABLE void truncate(const QString& conversationId, int fromSeq);
    Q_INVOKABLE void rename(const QString& conversationId, const QString& title);
    Q_INVOKABLE void setProfileAndModel(const QString& conversationId, const QString& profile,
                                        const QString& model);
    Q_INVOKABLE void setParameters(const QString& conversationId, const QString& preset,
                                   const adminchat::RequestParameters& parameters);
    Q_INVOKABLE void setRating(const QString& conversationId, int seq, int rating); // 0 clears
    Q_INVOKABLE void markDeleted(const QString& conversationId);
    Q_INVOKABLE void restore(const QString& conversationId);
    // Writes the conversation as Markdown ("md") or JSON ("json") to path (atomically).
    Q_INVOKABLE void exportConversation(const QString& conversationId, const QString& format,
                                        const QString& path);
    Q_INVOKABLE void retryUnsaved(); // now, rather than at the next retry

    int unsavedCount() const { return int(m_unsavedMessages.size()); } // on this thread

signals:
    void opened(const QString& path, const QString& movedAsidePath);
    void failed(const QString& error); // one line
    void listed(const QString& search, const QList<adminchat::ConversationRecord>& conversations);
    void loaded(const adminchat::ConversationRecord& conversation,
                const QList<adminchat::MessageRecord>& messages);
    // The listing may have changed (create, rename, delete, restore, a new message's first save
    // or a title change); the sidebar lists again. Not emitted for every streaming save.
    void conversationsChanged();
    void exported(const QString& path, const QString& error); // error empty on success
    // A message could not be written and is kept in memory (once, until it is written).
    void messageSaveFailed(const QString& conversationId, int seq, const QString& error);
    // A message that had failed is written now.
    void messageSaved(const QString& conversationId, int seq);

private:
    void report(const QString& error); // logs and emits failed
    bool applied(bool ok, const QString& error);
    // Writes what was kept; false at the first that still fails (the rest wait).
    bool writeUnsaved();
    void scheduleRetry();
    // messages with the kept versions of conversationId's unsaved messages in their place.
    void overlayUnsaved(const QString& conversationId, QList<MessageRecord>& messages) const;

    QString m_databasePath;
    QDateTime m_startedUtc; // deletions marked before this are purged on open
    std::unique_ptr<ConversationStore> m_store;
    QMap<QString, ConversationRecord> m_unsavedConversations;
    QMap<QPair<QString, int>, MessageRecord> m_unsavedMessages; // (conversation, seq)
    QString m_lastError; // why the last conversation could not be created
    QTimer m_retryTimer;
    int m_retryMs = firstRetryMs;
};

} // namespace adminchat

#pragma once

#include "chat/ChatEntry.h"
#include "store/ConversationRecord.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <optional>

namespace adminchat {

class ChatSession;

// Turns what happens in a ChatSession into database writes, as signals, so the same logic
// serves the GUI (queued to HistoryService) and the command line (straight into a
// ConversationStore). A streaming answer is saved at most every saveIntervalMs and once more at
// its end, so a crash or kill -9 loses at most that much of what was shown.
class SessionRecorder : public QObject
{
    Q_OBJECT
public:
    static constexpr int saveIntervalMs = 250;

    explicit SessionRecorder(ChatSession* session, QObject* parent = nullptr);

    // A session opened from the store already has its conversation row: set this before the
    // session's load(), which alone does not tell. Until the row exists, truncations and
    // ratings have nothing to change and are not emitted.
    void setConversationStored(bool stored) { m_conversationStored = stored; }
    bool isConversationStored() const { return m_conversationStored; }

    // Writes pending streaming text now (the GUI calls this when closing).
    void flush();

    static MessageRecord toMessageRecord(const ChatEntry& entry, const QString& conversationId,
                                         int seq);
    static ChatEntry toChatEntry(const MessageRecord& message);
    static QString toolCallsToJson(const QList<ToolCall>& toolCalls); // empty when none
    static QList<ToolCall> toolCallsFromJson(const QString& json);

signals:
    // Before the first message of a conversation that is not stored yet.
    void conversationCreated(const adminchat::ConversationRecord& conversation);
    void messageSaved(const adminchat::MessageRecord& message);
    void messagesTruncated(const QString& conversationId, int fromSeq);
    void ratingChanged(const QString& conversationId, int seq, int rating); // 0: cleared

private:
    void onEntryAdded(int index);
    void onEntryAppended(int index);
    void onEntryStateChanged(int index);
    void onEntriesTruncated(int fromIndex);
    void onEntryRated(int index);
    void onEntriesReset();
    void ensureConversation();
    void save(int index);

    ChatSession* m_session;
    bool m_conversationStored = false;
    QTimer m_saveTimer;
    QHash<int, bool> m_dirty; // entry index -> text changed since its last save
};

} // namespace adminchat

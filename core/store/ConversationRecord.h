#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <optional>

namespace adminchat {

// One conversation as stored (table conversations). Never holds a secret.
struct ConversationRecord
{
    QString id;    // ConversationStore::newId(): sortable by creation, 16 hex characters
    QString title; // from the first user message unless the user renamed it
    bool titleEdited = false;
    QDateTime createdUtc;
    QDateTime updatedUtc; // last message saved or rename
    QString profile;      // endpoint profile the conversation uses
    QString model;
    QString experiment;   // A/B experiment the conversation takes part in, else empty
    QString variant;      // its assigned variant, empty outside experiments
    int messageCount = 0; // filled by listings
    QString snippet;      // filled by searches: where the text matched, one line
};

// One message (table messages), keyed by (conversationId, seq): seq is its position in the
// conversation, 0-based, so a session can save a message before any id comes back.
struct MessageRecord
{
    QString conversationId;
    int seq = 0;
    QString role; // "user", "assistant" or "system"
    QString content;
    QString reasoning;
    QString toolCallsJson; // JSON array of {id, name, arguments}; empty when none
    QString model;
    QString endpoint; // display URL, no credentials
    QDateTime createdUtc;
    QString status;            // "done", "pending", "streaming", "failed", "cancelled"
    QString error;             // one line, shown with the partial text
    QString errorKind;         // ApiError::kindName()
    QString requestUid;        // the request's metrics record (MetricsRecord::requestUid)
    std::optional<int> rating; // +1, -1
    QString experiment;        // A/B labels of the request that produced an answer
    QString variant;

    bool operator==(const MessageRecord&) const = default;
};

} // namespace adminchat

// Passed between the GUI thread and HistoryService's thread in queued signals and calls.
Q_DECLARE_METATYPE(adminchat::ConversationRecord)
Q_DECLARE_METATYPE(adminchat::MessageRecord)

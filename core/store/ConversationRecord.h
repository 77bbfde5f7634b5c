#pragma once

#include "metrics/LatencyCategory.h"
#include "openai/ApiError.h"
#include "openai/RequestParameters.h"

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
    QDateTime updatedUtc; // last message saved (a rename leaves it)
    QString profile;      // endpoint profile the conversation uses
    QString model;
    QString experiment; // A/B experiment the conversation takes part in, else empty
    QString variant;    // its assigned variant, empty outside experiments
    // The parameters its requests are sent with, and the preset they came from (empty when
    // set by hand). Kept as they were chosen: changing the preset later does not change them.
    QString preset;
    RequestParameters parameters;
    int messageCount = 0; // filled by listings
    QString snippet;      // filled by searches: where the text matched, one line
};

// Who wrote a stored message. The window and ask store user and assistant messages; system is
// kept apart so a conversation written elsewhere reads back as it was.
enum class MessageRole
{
    User,
    Assistant,
    System,
};

// Where a stored answer got to. Pending and streaming are saved while it streams; one left so
// (the app was closed or killed) is shown as failed when read back.
enum class MessageStatus
{
    Pending,
    Streaming,
    Done,
    Failed,
    Cancelled,
};

// The database's and the exports' spelling: "user", "assistant", "system"; "pending",
// "streaming", "done", "failed", "cancelled". std::nullopt for a name not listed.
QString roleName(MessageRole role);
std::optional<MessageRole> roleFromName(const QString& name);
QString messageStatusName(MessageStatus status);
std::optional<MessageStatus> messageStatusFromName(const QString& name);

// One message (table messages), keyed by (conversationId, seq): seq is its position in the
// conversation, 0-based, so a session can save a message before any id comes back.
struct MessageRecord
{
    QString conversationId;
    int seq = 0;
    MessageRole role = MessageRole::User;
    QString content;
    QString reasoning;
    QString toolCallsJson; // JSON array of {id, name, arguments}; empty when none
    QString model;
    QString endpoint; // display URL, no credentials
    QDateTime createdUtc;
    MessageStatus status = MessageStatus::Done;
    QString error; // one line, shown with the partial text
    std::optional<ApiError::Kind> errorKind;
    QString requestUid;        // the request's metrics record (MetricsRecord::requestUid)
    std::optional<int> rating; // +1, -1
    QString experiment;        // A/B labels of the request that produced an answer
    QString variant;
    // An answer's figures, kept with it: the metrics rows they come from are pruned after the
    // retention period, and a conversation reopened later still shows them.
    std::optional<double> ttftMs;
    std::optional<double> tokensPerSecond;
    std::optional<double> e2eMs;
    std::optional<LatencyCategory> category;
    QString finishReason; // the server's; "length" when cut at max tokens

    bool cutAtMaxTokens() const { return finishReason == QLatin1String("length"); }
    bool operator==(const MessageRecord&) const = default;
};

} // namespace adminchat

// Passed between the GUI thread and HistoryService's thread in queued signals and calls.
Q_DECLARE_METATYPE(adminchat::ConversationRecord)
Q_DECLARE_METATYPE(adminchat::MessageRecord)

#pragma once

#include "metrics/RequestMetrics.h"
#include "openai/ApiError.h"
#include "openai/ToolCall.h"
#include "store/ConversationRecord.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <optional>

namespace adminchat {

// One message of a conversation as the chat view shows it.
struct ChatEntry
{
    enum class Role
    {
        User,
        Assistant
    };
    // Pending: sent, nothing arrived yet; Streaming: output arriving; Failed keeps the partial
    // text, with the error. The same as a stored message's status.
    using State = MessageStatus;

    Role role = Role::User;
    State state = State::Done;
    QString text;
    QString reasoning;
    QList<ToolCall> toolCalls;
    QString model;
    QString endpoint; // display URL of the endpoint that answered
    QDateTime createdUtc;
    quint64 requestId = 0; // this process's request, while it runs
    QString requestUid;    // links the answer to its metrics record, across restarts
    std::optional<ApiError> error;
    // This run's answers have every figure; a stored answer has those kept with it (TTFT,
    // tokens/s, E2E, category), none for answers saved before they were kept.
    std::optional<RequestMetrics> metrics;
    QString finishReason;      // the server's; "length" when cut at max tokens
    std::optional<int> rating; // +1, -1
    // A/B experiment labels of the request that produced an answer; empty outside experiments.
    QString experiment;
    QString variant;
    QString profile; // endpoint profile the request used, when an experiment chose it
};

} // namespace adminchat

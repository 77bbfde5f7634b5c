#pragma once

#include "metrics/RequestMetrics.h"
#include "openai/ApiError.h"

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
    enum class State
    {
        Pending,   // sent, nothing arrived yet
        Streaming, // output arriving
        Done,
        Failed, // keeps the partial text, with the error
        Cancelled,
    };

    Role role = Role::User;
    State state = State::Done;
    QString text;
    QString reasoning;
    QString model;
    quint64 requestId = 0;
    std::optional<ApiError> error;
    std::optional<RequestMetrics> metrics;
};

} // namespace adminchat

#include "store/ConversationRecord.h"

#include <array>

namespace adminchat {

namespace {

constexpr std::array roles = {MessageRole::User, MessageRole::Assistant, MessageRole::System};
constexpr std::array statuses = {MessageStatus::Pending, MessageStatus::Streaming,
                                 MessageStatus::Done, MessageStatus::Failed,
                                 MessageStatus::Cancelled};

} // namespace

QString roleName(MessageRole role)
{
    switch (role) {
    case MessageRole::User:
        return QStringLiteral("user");
    case MessageRole::Assistant:
        return QStringLiteral("assistant");
    case MessageRole::System:
        return QStringLiteral("system");
    }
    return QStringLiteral("user");
}

std::optional<MessageRole> roleFromName(const QString& name)
{
    for (MessageRole role : roles) {
        if (roleName(role) == name)
            return role;
    }
    return std::nullopt;
}

QString messageStatusName(MessageStatus status)
{
    switch (status) {
    case MessageStatus::Pending:
        return QStringLiteral("pending");
    case MessageStatus::Streaming:
        return QStringLiteral("streaming");
    case MessageStatus::Done:
        return QStringLiteral("done");
    case MessageStatus::Failed:
        return QStringLiteral("failed");
    case MessageStatus::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("done");
}

std::optional<MessageStatus> messageStatusFromName(const QString& name)
{
    for (MessageStatus status : statuses) {
        if (messageStatusName(status) == name)
            return status;
    }
    return std::nullopt;
}

} // namespace adminchat

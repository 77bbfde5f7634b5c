#pragma once

#include <QString>

namespace adminchat {

struct ChatMessage
{
    QString role; // "system", "user", "assistant"
    QString content;
};

} // namespace adminchat

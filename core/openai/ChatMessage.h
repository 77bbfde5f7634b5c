#pragma once

#include <QString>

namespace adminchat {

struct ChatMessage
{
    // The wire's word, kept as text: the set is open (OpenAI added "developer" and "tool"), and
    // prompt files and the demo endpoint pass on whatever a request names. Stored messages have
    // a closed MessageRole.
    QString role;
    QString content;
};

} // namespace adminchat

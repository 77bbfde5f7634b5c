#pragma once

#include "openai/ChatMessage.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace adminchat {

// The body of POST {base}/chat/completions.
struct ChatRequest
{
    QString model;
    QList<ChatMessage> messages;
    std::optional<double> temperature;
    std::optional<int> maxTokens;
    bool stream = true;
    bool includeUsage = true; // stream_options.include_usage; only sent when streaming

    // Compact JSON: {"model", "messages", "stream", "stream_options"?, "temperature"?,
    // "max_tokens"?}.
    QByteArray toJson() const;
};

} // namespace adminchat

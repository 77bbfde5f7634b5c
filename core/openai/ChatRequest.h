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
    // stream_options.include_usage; only sent when streaming. false leaves stream_options out
    // entirely, for servers that reject the field (EndpointConfig::sendStreamOptions).
    bool includeUsage = true;
    // Predicted Outputs: text the answer is expected to largely repeat (a previous answer, a file
    // being edited). Sent as {"type": "content", "content": ...}; the server reports how many
    // of its tokens were accepted and rejected in usage.completion_tokens_details.
    std::optional<QString> prediction;

    // Compact JSON: {"model", "messages", "stream", "stream_options"?, "temperature"?,
    // "max_tokens"?, "prediction"?}.
    QByteArray toJson() const;
    // Whether toJson() carries "stream_options".
    bool sendsStreamOptions() const { return stream && includeUsage; }
};

} // namespace adminchat

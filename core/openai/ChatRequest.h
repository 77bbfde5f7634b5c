#pragma once

#include "openai/ChatMessage.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace adminchat {

// The body of POST {base}/chat/completions.
struct ChatRequest
{
    QString model;
    QList<ChatMessage> messages;
    std::optional<double> temperature;
    std::optional<int> maxTokens;
    std::optional<double> topP;
    QStringList stop; // stop sequences; none sent when empty
    std::optional<qint64> seed;
    QString reasoningEffort; // "low", "medium", ...; not sent when empty
    bool stream = true;
    // stream_options.include_usage; only sent when streaming. false leaves stream_options out
    // entirely, for servers that reject the field (EndpointConfig::sendStreamOptions).
    bool includeUsage = true;
    // Predicted Outputs: text the answer is expected to largely repeat (a previous answer, a file
    // being edited). Sent as {"type": "content", "content": ...}; the server reports how many
    // of its tokens were accepted and rejected in usage.completion_tokens_details.
    std::optional<QString> prediction;

    // Compact JSON: {"model", "messages", "stream", "stream_options"?, "temperature"?,
    // "top_p"?, "max_tokens"?, "stop"?, "seed"?, "reasoning_effort"?, "prediction"?}.
    QByteArray toJson() const;
    // Whether toJson() carries "stream_options".
    bool sendsStreamOptions() const { return stream && includeUsage; }
};

} // namespace adminchat

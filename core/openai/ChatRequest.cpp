#include "openai/ChatRequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace adminchat {

QByteArray ChatRequest::toJson() const
{
    QJsonArray messageArray;
    for (const ChatMessage& message : messages) {
        messageArray.append(QJsonObject{
            {QStringLiteral("role"), message.role},
            {QStringLiteral("content"), message.content},
        });
    }

    QJsonObject body{
        {QStringLiteral("model"), model},
        {QStringLiteral("messages"), messageArray},
        {QStringLiteral("stream"), stream},
    };
    // stream_options is rejected by some servers when not streaming, so it is only sent together
    // with stream: true.
    if (sendsStreamOptions())
        body.insert(QStringLiteral("stream_options"),
                    QJsonObject{{QStringLiteral("include_usage"), true}});
    // Unset sampling parameters are left out so that the server's defaults apply.
    if (temperature)
        body.insert(QStringLiteral("temperature"), *temperature);
    if (topP)
        body.insert(QStringLiteral("top_p"), *topP);
    if (maxTokens)
        body.insert(QStringLiteral("max_tokens"), *maxTokens);
    if (!stop.isEmpty())
        body.insert(QStringLiteral("stop"), QJsonArray::fromStringList(stop));
    if (seed)
        body.insert(QStringLiteral("seed"), *seed);
    if (!reasoningEffort.isEmpty())
        body.insert(QStringLiteral("reasoning_effort"), reasoningEffort);
    if (prediction)
        body.insert(QStringLiteral("prediction"),
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("content")},
                                {QStringLiteral("content"), *prediction}});

    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace adminchat

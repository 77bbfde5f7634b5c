// Shared by the ChunkDecoder and stream pipeline tests: error kinds as ints, tool calls and
// usage written as comparable strings.
#pragma once

#include "openai/ApiError.h"
#include "openai/ToolCall.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <optional>

namespace decodertest {

// Expected error kinds; noError: none.
inline constexpr int noError = -1;
inline constexpr int stream = int(adminchat::ApiError::Kind::Stream);
inline constexpr int protocol = int(adminchat::ApiError::Kind::Protocol);
inline constexpr int cutOff = int(adminchat::ApiError::Kind::CutOff);

// "index|id|type|name|arguments", one string per tool call piece or call.
inline QStringList describe(const QList<adminchat::ToolCallDelta>& deltas)
{
    QStringList out;
    for (const adminchat::ToolCallDelta& d : deltas)
        out.append(
            QStringLiteral("%1|%2|%3|%4|%5").arg(d.index).arg(d.id, d.type, d.name, d.arguments));
    return out;
}

inline QStringList describe(const QList<adminchat::ToolCall>& calls)
{
    QStringList out;
    for (const adminchat::ToolCall& c : calls)
        out.append(
            QStringLiteral("%1|%2|%3|%4|%5").arg(c.index).arg(c.id, c.type, c.name, c.arguments));
    return out;
}

// Usage objects are compared as compact JSON (Qt sorts the keys).
inline QByteArray compact(const std::optional<QJsonObject>& object)
{
    return object ? QJsonDocument(*object).toJson(QJsonDocument::Compact) : QByteArray();
}

inline QByteArray compact(const QByteArray& json)
{
    if (json.isEmpty())
        return {};
    return QJsonDocument::fromJson(json).toJson(QJsonDocument::Compact);
}

} // namespace decodertest

#pragma once

#include <QString>

namespace adminchat {

// A tool call as assembled from its streamed pieces.
struct ToolCall
{
    int index = 0;
    QString id;
    QString type = QStringLiteral("function");
    QString name;
    QString arguments; // JSON text, concatenated from the argument fragments
};

// One streamed piece of a tool call. index is -1 when the server left it out (some servers do);
// ToolCallAccumulator then decides which call it continues.
struct ToolCallDelta
{
    int index = -1;
    QString id;
    QString type;
    QString name;
    QString arguments;
};

} // namespace adminchat

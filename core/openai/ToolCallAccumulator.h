#pragma once

#include "openai/ToolCall.h"

#include <QList>

namespace adminchat {

// Joins streamed tool call pieces by index. A piece without an index continues the call that
// received the previous piece, unless it brings a new id, which starts a new call.
class ToolCallAccumulator
{
public:
    void add(const ToolCallDelta& delta);
    const QList<ToolCall>& calls() const { return m_calls; }
    bool isEmpty() const { return m_calls.isEmpty(); }

private:
    QList<ToolCall> m_calls; // ordered by first appearance
    int m_lastIndex = -1;    // position in m_calls of the call that received the last piece
};

} // namespace adminchat

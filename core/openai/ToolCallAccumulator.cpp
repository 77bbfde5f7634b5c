#include "openai/ToolCallAccumulator.h"

namespace adminchat {

namespace {

// Servers send id, type and name once, on the first piece of a call; later pieces leave them out
// (or repeat them). The first non-empty value wins.
void fillIfEmpty(QString& field, const QString& value)
{
    if (field.isEmpty() && !value.isEmpty())
        field = value;
}

bool differentIds(const QString& a, const QString& b)
{
    return !a.isEmpty() && !b.isEmpty() && a != b;
}

} // namespace

void ToolCallAccumulator::add(const ToolCallDelta& delta)
{
    qsizetype position = -1;
    if (delta.index >= 0) {
        // Search from the back: with the guard below a buggy server that reuses an index for
        // several calls gets one entry per call, and the newest one is the one being continued.
        for (qsizetype i = m_calls.size() - 1; i >= 0; --i) {
            if (m_calls.at(i).index == delta.index) {
                position = i;
                break;
            }
        }
        // Same index but a different id: a new call, not a continuation (seen with servers that
        // number every call 0).
        if (position >= 0 && differentIds(m_calls.at(position).id, delta.id))
            position = -1;
        if (position < 0) {
            ToolCall call;
            call.index = delta.index;
            m_calls.append(call);
            position = m_calls.size() - 1;
        }
    } else {
        // No index: continue the call that received the previous piece unless the piece names
        // another call by its id. A last call without an id yet takes the id instead.
        if (m_lastIndex >= 0 && m_lastIndex < m_calls.size() &&
            !differentIds(m_calls.at(m_lastIndex).id, delta.id)) {
            position = m_lastIndex;
        } else {
            ToolCall call;
            call.index = int(m_calls.size());
            m_calls.append(call);
            position = m_calls.size() - 1;
        }
    }

    ToolCall& call = m_calls[position];
    fillIfEmpty(call.id, delta.id);
    if (!delta.type.isEmpty() && call.type != delta.type)
        call.type = delta.type; // ToolCall defaults to "function"; a sent type replaces it
    fillIfEmpty(call.name, delta.name);
    call.arguments += delta.arguments;
    m_lastIndex = int(position);
}

} // namespace adminchat

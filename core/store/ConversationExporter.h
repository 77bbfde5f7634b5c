#pragma once

#include "store/ConversationRecord.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace adminchat {

// A stored conversation as a document to read (Markdown) or to process (JSON). The records hold
// no secret, so neither form can leak one.
class ConversationExporter
{
public:
    // "# title", a line of metadata and one of parameters, then one "## User" / "## Assistant ·
    // model" section per message with reasoning, tool calls, errors and ratings marked.
    static QString toMarkdown(const ConversationRecord& conversation,
                              const QList<MessageRecord>& messages);
    // "temp 0.7 · max 1024 · preset Precise": the parameters as the window's header and the
    // transcripts show them; empty when none is set.
    static QString parametersLine(const ConversationRecord& conversation);
    // "TTFT 412 ms · 35.2 tok/s · E2E 2.1 s · good · variant B"; empty without figures.
    static QString figuresLine(const MessageRecord& message);
    // An indented JSON object: the conversation's fields and a "messages" array.
    static QByteArray toJson(const ConversationRecord& conversation,
                             const QList<MessageRecord>& messages);
};

} // namespace adminchat

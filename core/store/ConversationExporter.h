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
    // "# title", a line of metadata, then one "## User" / "## Assistant · model" section per
    // message with reasoning, tool calls, errors and ratings marked.
    static QString toMarkdown(const ConversationRecord& conversation,
                              const QList<MessageRecord>& messages);
    // An indented JSON object: the conversation's fields and a "messages" array.
    static QByteArray toJson(const ConversationRecord& conversation,
                             const QList<MessageRecord>& messages);
};

} // namespace adminchat

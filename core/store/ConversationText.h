#pragma once

#include <QString>

namespace adminchat {

// The text rules of conversation listings: automatic titles, search snippets, LIKE patterns.
struct ConversationText
{
    // The first non-blank line, whitespace collapsed, at most 60 characters (cut at a word,
    // with an ellipsis).
    static QString titleFrom(const QString& text);
    // One line of content around the first case-insensitive match of needle.
    static QString snippet(const QString& content, const QString& needle);
    // LIKE patterns (for ESCAPE '\') taking %, _ and \ in text literally.
    static QString likeContaining(const QString& text);
    static QString likePrefix(const QString& text);
};

} // namespace adminchat

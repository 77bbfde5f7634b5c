#pragma once

#include <QList>
#include <QString>

class QTextDocument;

namespace adminchat {

struct ChatStyle;

// Turns a finished answer's Markdown (GitHub dialect) into a styled document, once: code blocks
// in the monospace font on a tinted background, tables with thin borders.
class MarkdownRenderer
{
public:
    struct CodeBlock
    {
        int firstBlock = 0; // QTextBlock numbers of its first and last line
        int lastBlock = 0;
        QString code;
    };

    static QList<CodeBlock> render(QTextDocument* document, const QString& markdown,
                                   const ChatStyle& style);

private:
    static void styleTables(QTextDocument* document, const ChatStyle& style);
};

} // namespace adminchat

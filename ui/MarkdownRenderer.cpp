#include "MarkdownRenderer.h"

#include "ChatStyle.h"

#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

namespace adminchat {

QList<MarkdownRenderer::CodeBlock>
MarkdownRenderer::render(QTextDocument* document, const QString& markdown, const ChatStyle& style)
{
    document->setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);

    QTextCharFormat codeChars;
    codeChars.setFontFamilies(style.mono.families());
    codeChars.setFontFixedPitch(true);
    codeChars.setFontStyleHint(QFont::Monospace);

    // The importer marks every line of a code block with its fence or language; consecutive
    // marked lines are one block (two fenced blocks with nothing between them merge).
    QList<CodeBlock> blocks;
    bool inCode = false;
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        const QTextBlockFormat format = block.blockFormat();
        const bool code = format.hasProperty(QTextFormat::BlockCodeLanguage) ||
                          format.hasProperty(QTextFormat::BlockCodeFence);
        if (!code) {
            inCode = false;
            continue;
        }
        if (inCode) {
            blocks.last().lastBlock = block.blockNumber();
            blocks.last().code += QLatin1Char('\n') + block.text();
        } else {
            blocks.append({block.blockNumber(), block.blockNumber(), block.text()});
            inCode = true;
        }
        QTextBlockFormat tinted = format;
        tinted.setBackground(style.codeBackground);
        tinted.setNonBreakableLines(false); // long lines wrap rather than run off the view
        QTextCursor cursor(block);
        cursor.setBlockFormat(tinted);
        cursor.mergeBlockCharFormat(codeChars);
        cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        cursor.mergeCharFormat(codeChars);
    }
    styleTables(document, style);
    return blocks;
}

void MarkdownRenderer::styleTables(QTextDocument* document, const ChatStyle& style)
{
    QList<QTextFrame*> frames = document->rootFrame()->childFrames();
    while (!frames.isEmpty()) {
        QTextFrame* frame = frames.takeLast();
        frames += frame->childFrames();
        auto* table = qobject_cast<QTextTable*>(frame);
        if (!table)
            continue;
        QTextTableFormat format = table->format();
        format.setBorder(1);
        format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        format.setBorderBrush(style.dim);
        format.setBorderCollapse(true);
        format.setCellSpacing(0);
        format.setCellPadding(4);
        table->setFormat(format);
    }
}

} // namespace adminchat

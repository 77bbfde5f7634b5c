#pragma once

#include "MarkdownRenderer.h"
#include "MarkdownSegmenter.h"

#include <QFont>
#include <QList>
#include <QPoint>
#include <QRect>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

class QColor;
class QPainter;
class QTextDocument;

namespace adminchat {

struct ChatStyle;

// An answer's text as a stack of documents, one per run of complete top-level Markdown blocks
// (MarkdownSegmenter). While the answer streams, each run is rendered as Markdown once it is
// complete. The open run after them is two documents: its complete blocks (rendered again when
// a block completes) and the block still arriving, its tail, which shows its MarkdownPreview
// (open fences closed, half-written markers held back): rendered again when a delta brings a
// line break or Markdown punctuation, grown in place by plain words. Finishing renders that
// tail alone, as the preview showed it. So a delta costs at most one block's parse and layout,
// the end of a long answer no more, no raw syntax shows while it streams, and the end moves
// nothing above the last block.
class StreamingMarkdown
{
public:
    struct PlacedCode
    {
        int top = 0; // of its first line, in this stack's coordinates
        QString code;
    };

    // markdown false: one plain-text document, never rendered (what the user typed). font:
    // the documents' default font, the style's text font unless given.
    StreamingMarkdown(const ChatStyle& style, bool markdown, const QFont* font = nullptr);
    ~StreamingMarkdown();

    // The whole text; finished renders the open run too.
    void setText(const QString& text, bool finished);
    // Appends a delta to the open run (rendering the runs it completes). Returns the top of
    // what changed, in this stack's coordinates (valid once a width is set).
    int append(const QString& delta);
    void finish(); // the text is complete: the open run is rendered too
    bool isFinished() const { return m_finished; }

    void setTextWidth(qreal width);
    qreal textWidth() const { return m_textWidth; }
    int height() const;
    void draw(QPainter* painter, const QPoint& pos, const QRect& clip, const QColor& color) const;
    QList<PlacedCode> codeBlocks() const;
    QList<const QTextDocument*> documents() const;

private:
    struct Run
    {
        std::unique_ptr<QTextDocument> document;
        QList<MarkdownRenderer::CodeBlock> codeBlocks; // empty for the open, plain run
    };

    std::unique_ptr<QTextDocument> newDocument() const;
    // Closes runs at cuts and moves the tail's start; the settled run follows.
    void restructure(const QList<qsizetype>& cuts, qsizetype tailStart);
    Run renderedRun(qsizetype from, qsizetype to) const;
    void renderTail(); // the tail's preview
    const QTextDocument* settledDocument() const;
    void invalidateGeometry();
    int closedHeight() const; // of every run but the last

    const ChatStyle& m_style;
    bool m_markdown;
    QFont m_font;
    bool m_finished = false;
    QString m_text;
    qsizetype m_openStart = 0; // where the open run (settled blocks, then tail) starts in m_text
    qsizetype m_tailStart = 0; // where the tail starts
    bool m_hasSettled = false; // the run before the tail holds the open run's complete blocks
    bool m_openExact = false;  // the tail's document ends where m_text does
    MarkdownSegmenter m_segmenter;
    MarkdownSegmenter m_blockSegmenter{1}; // every block boundary: where a tail may start
    // The closed runs, the settled run when there is one, the tail (rendered once finished).
    std::vector<Run> m_runs;
    qreal m_textWidth = -1;
    mutable int m_closedHeight = -1;                       // -1: not known
    mutable std::optional<QList<PlacedCode>> m_placedCode; // empty: not known
};

} // namespace adminchat

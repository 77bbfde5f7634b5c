#pragma once

#include "MarkdownRenderer.h"
#include "MarkdownSegmenter.h"

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
// complete and only the open run at the end is plain text that grows by its deltas; finishing
// renders that last run alone. So neither a delta nor the end of a long answer costs more than
// one run's parse and layout, and the answer shows formatted while it streams.
class StreamingMarkdown
{
public:
    struct PlacedCode
    {
        int top = 0; // of its first line, in this stack's coordinates
        QString code;
    };

    // markdown false: one plain-text document, never rendered (what the user typed).
    StreamingMarkdown(const ChatStyle& style, bool markdown);
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
    void closeRunsUpTo(const QList<qsizetype>& cuts);
    Run renderedRun(qsizetype from, qsizetype to) const;
    void invalidateGeometry();
    int closedHeight() const; // of every run but the last

    const ChatStyle& m_style;
    bool m_markdown;
    bool m_finished = false;
    QString m_text;
    qsizetype m_openStart = 0; // where the open (last) run starts in m_text
    MarkdownSegmenter m_segmenter;
    std::vector<Run> m_runs; // the last one is the open run unless finished
    qreal m_textWidth = -1;
    mutable int m_closedHeight = -1;                       // -1: not known
    mutable std::optional<QList<PlacedCode>> m_placedCode; // empty: not known
};

} // namespace adminchat

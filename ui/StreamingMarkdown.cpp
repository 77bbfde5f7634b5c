#include "StreamingMarkdown.h"

#include "ChatStyle.h"
#include "MarkdownPreview.h"

#include <QAbstractTextDocumentLayout>
#include <QPainter>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <cmath>

namespace adminchat {

namespace {

int documentHeight(const QTextDocument* document)
{
    return int(std::ceil(document->size().height()));
}

} // namespace

StreamingMarkdown::StreamingMarkdown(const ChatStyle& style, bool markdown, const QFont* font)
    : m_style(style), m_markdown(markdown), m_font(font ? *font : style.font)
{}

StreamingMarkdown::~StreamingMarkdown() = default;

std::unique_ptr<QTextDocument> StreamingMarkdown::newDocument() const
{
    auto document = std::make_unique<QTextDocument>();
    document->setUndoRedoEnabled(false); // streaming would otherwise keep every delta
    document->setDocumentMargin(0);
    document->setDefaultFont(m_font);
    QTextOption option = document->defaultTextOption();
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    document->setDefaultTextOption(option);
    if (m_textWidth > 0)
        document->setTextWidth(m_textWidth);
    return document;
}

void StreamingMarkdown::setText(const QString& text, bool finished)
{
    m_runs.clear();
    invalidateGeometry();
    m_text.clear();
    m_openStart = m_tailStart = 0;
    m_hasSettled = false;
    m_finished = false;
    m_segmenter.reset();
    m_blockSegmenter.reset();
    m_runs.push_back({newDocument(), {}});
    m_openExact = true;
    if (!text.isEmpty())
        append(text);
    if (finished)
        finish();
}

int StreamingMarkdown::append(const QString& delta)
{
    Q_ASSERT(!m_finished);
    QTextDocument* document = m_runs.back().document.get();
    const QAbstractTextDocumentLayout* layout = document->documentLayout();
    const int tailTop = closedHeight();
    const int changedTop = tailTop + int(layout->blockBoundingRect(document->lastBlock()).top());
    m_text += delta;
    if (m_markdown) {
        const QList<qsizetype> cuts = m_segmenter.feed(m_text);
        const QList<qsizetype> blocks = m_blockSegmenter.feed(m_text);
        if (!cuts.isEmpty() || !blocks.isEmpty()) {
            const int top = tailTop - (m_hasSettled ? documentHeight(settledDocument()) : 0);
            restructure(cuts, blocks.isEmpty() ? m_tailStart : blocks.last());
            return top; // the settled run and the tail changed
        }
        if (!(m_openExact && MarkdownPreview::isPlainContinuation(
                                 QStringView(m_text).chopped(delta.size()), delta))) {
            renderTail();
            return tailTop;
        }
    }
    // Plain words: they take the format of the text they follow, as rendering would give them.
    QTextCursor cursor(document);
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(delta);
    return changedTop;
}

const QTextDocument* StreamingMarkdown::settledDocument() const
{
    return m_runs[m_runs.size() - 2].document.get();
}

void StreamingMarkdown::restructure(const QList<qsizetype>& cuts, qsizetype tailStart)
{
    const qsizetype settledFrom = m_openStart;
    const qsizetype settledTo = m_tailStart;
    m_runs.pop_back(); // the tail, rendered again below
    std::optional<Run> settled;
    if (m_hasSettled) {
        settled = std::move(m_runs.back());
        m_runs.pop_back();
    }
    // A settled run that becomes a closed run as it is keeps its document (and its layout).
    for (const qsizetype cut : cuts) {
        if (settled && m_openStart == settledFrom && cut == settledTo) {
            m_runs.push_back(std::move(*settled));
            settled.reset();
        } else {
            m_runs.push_back(renderedRun(m_openStart, cut));
        }
        m_openStart = cut;
    }
    m_tailStart = qMax(tailStart, m_openStart);
    m_hasSettled = m_tailStart > m_openStart;
    if (m_hasSettled) {
        if (settled && settledFrom == m_openStart && settledTo == m_tailStart)
            m_runs.push_back(std::move(*settled));
        else
            m_runs.push_back(renderedRun(m_openStart, m_tailStart));
    }
    m_runs.push_back({newDocument(), {}});
    invalidateGeometry();
    renderTail();
}

void StreamingMarkdown::renderTail()
{
    const QString tail = m_text.mid(m_tailStart);
    const MarkdownPreview::Preview preview = MarkdownPreview::of(tail);
    Run& run = m_runs.back();
    run.document = newDocument();
    MarkdownRenderer::render(run.document.get(), preview.text, m_style);
    // Appending in place needs the rendered last line to end as the text does (the renderer
    // drops trailing spaces, and the preview may have closed or held back markup).
    const QString shown = run.document->lastBlock().text();
    const QString end = tail.mid(tail.lastIndexOf(QLatin1Char('\n')) + 1).right(8);
    m_openExact = preview.exactEnd && !end.isEmpty() && shown.endsWith(end);
}

StreamingMarkdown::Run StreamingMarkdown::renderedRun(qsizetype from, qsizetype to) const
{
    Run run{newDocument(), {}};
    run.codeBlocks =
        MarkdownRenderer::render(run.document.get(), m_text.mid(from, to - from), m_style);
    return run;
}

void StreamingMarkdown::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (!m_markdown)
        return;
    m_runs.back() = renderedRun(m_tailStart, m_text.size());
    m_placedCode.reset(); // the last run may hold code now
}

void StreamingMarkdown::setTextWidth(qreal width)
{
    if (width == m_textWidth)
        return;
    m_textWidth = width;
    for (Run& run : m_runs)
        run.document->setTextWidth(width);
    invalidateGeometry();
}

void StreamingMarkdown::invalidateGeometry()
{
    m_closedHeight = -1;
    m_placedCode.reset();
}

int StreamingMarkdown::closedHeight() const
{
    // Only the last run changes with a delta: the height above it is summed once per change of
    // runs or width, not once per delta.
    if (m_closedHeight < 0) {
        m_closedHeight = 0;
        for (size_t i = 0; i + 1 < m_runs.size(); ++i)
            m_closedHeight += documentHeight(m_runs[i].document.get());
    }
    return m_closedHeight;
}

int StreamingMarkdown::height() const
{
    return closedHeight() + documentHeight(m_runs.back().document.get());
}

void StreamingMarkdown::draw(QPainter* painter, const QPoint& pos, const QRect& clip,
                             const QColor& color) const
{
    QPoint at = pos;
    for (const Run& run : m_runs) {
        const QTextDocument* document = run.document.get();
        const QRect area(at, document->size().toSize());
        if (area.top() > clip.bottom())
            break;
        if (area.intersects(clip)) {
            painter->save();
            painter->translate(at);
            QAbstractTextDocumentLayout::PaintContext context;
            context.clip = QRectF(clip.translated(-at)); // the layout skips blocks out of view
            context.palette.setColor(QPalette::Text, color);
            document->documentLayout()->draw(painter, context);
            painter->restore();
        }
        at.ry() += documentHeight(document);
    }
}

QList<StreamingMarkdown::PlacedCode> StreamingMarkdown::codeBlocks() const
{
    // The open run is plain text without code blocks, so deltas never move these.
    if (m_placedCode)
        return *m_placedCode;
    QList<PlacedCode> placed;
    int top = 0;
    for (const Run& run : m_runs) {
        const QTextDocument* document = run.document.get();
        for (const MarkdownRenderer::CodeBlock& code : run.codeBlocks) {
            const QRectF block = document->documentLayout()->blockBoundingRect(
                document->findBlockByNumber(code.firstBlock));
            placed.append({top + int(block.top()), code.code});
        }
        top += documentHeight(document);
    }
    m_placedCode = placed;
    return placed;
}

QList<const QTextDocument*> StreamingMarkdown::documents() const
{
    QList<const QTextDocument*> documents;
    for (const Run& run : m_runs)
        documents.append(run.document.get());
    return documents;
}

} // namespace adminchat

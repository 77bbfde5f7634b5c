#include "StreamingMarkdown.h"

#include "ChatStyle.h"

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

StreamingMarkdown::StreamingMarkdown(const ChatStyle& style, bool markdown)
    : m_style(style), m_markdown(markdown)
{}

StreamingMarkdown::~StreamingMarkdown() = default;

std::unique_ptr<QTextDocument> StreamingMarkdown::newDocument() const
{
    auto document = std::make_unique<QTextDocument>();
    document->setUndoRedoEnabled(false); // streaming would otherwise keep every delta
    document->setDocumentMargin(0);
    document->setDefaultFont(m_style.font);
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
    m_openStart = 0;
    m_finished = false;
    m_segmenter.reset();
    m_runs.push_back({newDocument(), {}});
    append(text);
    if (finished)
        finish();
}

int StreamingMarkdown::append(const QString& delta)
{
    Q_ASSERT(!m_finished);
    QTextDocument* document = m_runs.back().document.get();
    const QAbstractTextDocumentLayout* layout = document->documentLayout();
    const int openTop = closedHeight();
    const int changedTop = openTop + int(layout->blockBoundingRect(document->lastBlock()).top());
    m_text += delta;
    const QList<qsizetype> cuts = m_markdown ? m_segmenter.feed(m_text) : QList<qsizetype>();
    if (!cuts.isEmpty()) {
        closeRunsUpTo(cuts);
        return openTop; // the open run became rendered: all of it changed
    }
    QTextCursor cursor(document);
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(delta);
    return changedTop;
}

void StreamingMarkdown::closeRunsUpTo(const QList<qsizetype>& cuts)
{
    m_runs.pop_back(); // the open run's plain document is replaced by the rendered runs
    invalidateGeometry();
    for (const qsizetype cut : cuts) {
        m_runs.push_back(renderedRun(m_openStart, cut));
        m_openStart = cut;
    }
    Run open{newDocument(), {}};
    open.document->setPlainText(m_text.mid(m_openStart));
    m_runs.push_back(std::move(open));
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
    m_runs.back() = renderedRun(m_openStart, m_text.size());
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

#include "ChatMessageLayout.h"

#include "ChatStyle.h"
#include "StreamingMarkdown.h"

#include <QAbstractTextDocumentLayout>
#include <QCoreApplication>
#include <QFontMetrics>
#include <QPainter>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <cmath>

namespace adminchat {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("adminchat::ChatView", text);
}

QString duration(double ms)
{
    return ms < 1000 ? QStringLiteral("%1 ms").arg(qRound(ms))
                     : QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
}

QString metricsLine(const ChatEntry& entry)
{
    if (!entry.metrics)
        return {};
    const RequestMetrics& m = *entry.metrics;
    QStringList parts;
    if (m.ttftMs)
        parts << QStringLiteral("TTFT ") + duration(*m.ttftMs);
    if (m.tokensPerSecond)
        parts << QStringLiteral("%1 tok/s").arg(*m.tokensPerSecond, 0, 'f', 1);
    if (m.e2eMs)
        parts << QStringLiteral("E2E ") + duration(*m.e2eMs);
    if (entry.state == ChatEntry::State::Done)
        parts << categoryName(m.category);
    if (entry.finishReason == QLatin1String("length"))
        parts << tr("cut at max tokens");
    return parts.join(QStringLiteral(" · "));
}

std::unique_ptr<QTextDocument> newDocument(const QFont& font)
{
    auto document = std::make_unique<QTextDocument>();
    document->setUndoRedoEnabled(false); // streaming would otherwise keep every delta
    document->setDocumentMargin(0);
    document->setDefaultFont(font);
    QTextOption option = document->defaultTextOption();
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    document->setDefaultTextOption(option);
    return document;
}

void appendText(QTextDocument* document, const QString& text)
{
    QTextCursor cursor(document);
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text);
}

int lastBlockTop(const QTextDocument* document)
{
    return int(document->documentLayout()->blockBoundingRect(document->lastBlock()).top());
}

void drawDocument(QPainter* painter, const QTextDocument* document, const QPoint& pos,
                  const QRect& clip, const QColor& color)
{
    const QRect area(pos, document->size().toSize());
    if (!area.intersects(clip))
        return;
    painter->save();
    painter->translate(pos);
    QAbstractTextDocumentLayout::PaintContext context;
    context.clip = QRectF(clip.translated(-pos)); // lets the layout skip blocks out of view
    context.palette.setColor(QPalette::Text, color);
    document->documentLayout()->draw(painter, context);
    painter->restore();
}

} // namespace

ChatMessageLayout::ChatMessageLayout(const ChatEntry& entry)
{
    setEntry(entry);
}

ChatMessageLayout::~ChatMessageLayout() = default;

bool ChatMessageLayout::isFinished() const
{
    return m_entry.role == ChatEntry::Role::Assistant &&
           m_entry.state != ChatEntry::State::Pending &&
           m_entry.state != ChatEntry::State::Streaming;
}

QString notSavedText(const QString& reason)
{
    return QStringLiteral("⚠ ") + tr("Not saved: %1").arg(reason);
}

void ChatMessageLayout::setNotSaved(const QString& reason)
{
    if (reason == m_notSaved)
        return;
    m_notSaved = reason;
    m_width = -1; // a line more or less
}

void ChatMessageLayout::setEntry(const ChatEntry& entry)
{
    const bool wasFinished = isFinished();
    const bool textChanged = entry.text != m_entry.text || entry.reasoning != m_entry.reasoning;
    m_entry = entry;
    if (textChanged || (wasFinished && !isFinished()))
        release();
    else if (!wasFinished && isFinished() && m_content)
        m_content->finish(); // the stream ended: only its last run is left to render
    m_width = -1;
    m_actions.setEntry(m_entry);
    if (m_entry.role == ChatEntry::Role::User)
        m_header = tr("You");
    else if (m_entry.model.isEmpty())
        m_header = tr("Assistant");
    else
        m_header = tr("Assistant · %1").arg(m_entry.model);
    // Which arm of an A/B experiment produced the answer, so ratings can be read against it.
    if (m_entry.role == ChatEntry::Role::Assistant && !m_entry.variant.isEmpty())
        m_header += QStringLiteral(" · ") + tr("variant %1").arg(m_entry.variant);
    m_metrics = metricsLine(m_entry);
}

QRect ChatMessageLayout::append(const QString& content, const QString& reasoning)
{
    const bool wasEmpty = m_entry.text.isEmpty() && m_entry.reasoning.isEmpty();
    m_entry.text += content;
    m_entry.reasoning += reasoning;
    if (!m_content)
        return {}; // laid out from the whole text when it comes into view
    if (m_content->isFinished()) {
        release(); // text after the end: rare, so simply render again later
        return {};
    }
    const bool laidOut = m_width > 0;
    int dirtyTop = wasEmpty || !laidOut ? 0 : m_height;
    if (!reasoning.isEmpty()) {
        if (m_reasoning) {
            dirtyTop = qMin(dirtyTop, m_reasoningPos.y() + lastBlockTop(m_reasoning.get()));
            appendText(m_reasoning.get(), reasoning);
        } else {
            buildDocuments();
            dirtyTop = 0;
        }
    }
    if (!content.isEmpty()) {
        const int changedTop = m_content->append(content);
        if (content.size() == m_entry.text.size())
            dirtyTop = 0; // the answer's first text: everything below the header moves
        else
            dirtyTop = qMin(dirtyTop, m_contentPos.y() + changedTop);
    }
    if (!laidOut)
        return {};
    computeGeometry();
    return QRect(0, dirtyTop, m_width, m_height - dirtyTop);
}

void ChatMessageLayout::buildDocuments()
{
    const ChatStyle& s = *m_style;
    const qreal textWidth = m_content ? m_content->textWidth() : -1;
    if (!m_entry.reasoning.isEmpty() && !m_reasoning) {
        m_reasoning = newDocument(s.reasoning);
        m_reasoning->setPlainText(m_entry.reasoning);
        m_reasoning->setTextWidth(textWidth);
    }
    if (m_content)
        return;
    // What the user typed shows as typed; answers are Markdown.
    m_content = std::make_unique<StreamingMarkdown>(s, m_entry.role == ChatEntry::Role::Assistant);
    m_content->setText(m_entry.text, isFinished());
}

void ChatMessageLayout::release()
{
    m_content.reset();
    m_reasoning.reset();
    m_codeCopyRects.clear();
    m_codeTexts.clear();
    m_width = -1;
}

int ChatMessageLayout::layout(int width, const ChatStyle& style)
{
    m_style = &style;
    buildDocuments();
    const qreal textWidth = qMax(20, width - 2 * style.padX);
    m_content->setTextWidth(textWidth);
    if (m_reasoning && m_reasoning->textWidth() != textWidth)
        m_reasoning->setTextWidth(textWidth);
    m_width = width;
    computeGeometry();
    return m_height;
}

int ChatMessageLayout::estimateHeight(int width, const ChatStyle& style) const
{
    const int perLine = qMax(10, (width - 2 * style.padX) / style.averageCharWidth);
    auto lines = [perLine](const QString& text) {
        return text.isEmpty() ? 0 : int(text.size() / perLine + text.count(QLatin1Char('\n')) + 1);
    };
    int height = 2 * style.padY + style.boldHeight + 2 * style.gap + style.smallHeight + 4;
    if (!m_metrics.isEmpty())
        height += style.smallHeight;
    const int textLines = lines(m_entry.text) + lines(m_entry.reasoning);
    return height + qMax(1, textLines) * style.lineHeight;
}

QString ChatMessageLayout::marker() const
{
    if (m_entry.role == ChatEntry::Role::User)
        return {};
    const bool empty = m_entry.text.isEmpty() && m_entry.reasoning.isEmpty();
    switch (m_entry.state) {
    case ChatEntry::State::Pending:
        return empty ? tr("waiting for the first token…") : QString();
    case ChatEntry::State::Cancelled:
        return tr("[stopped]");
    case ChatEntry::State::Done:
        return empty ? tr("[empty answer]") : QString();
    default:
        return {};
    }
}

void ChatMessageLayout::computeGeometry()
{
    const ChatStyle& s = *m_style;
    const int textWidth = qMax(20, m_width - 2 * s.padX);
    int y = s.padY;
    m_headerRect = QRect(s.padX, y, textWidth, s.boldHeight);
    y += s.boldHeight;
    m_metricsRect = m_metrics.isEmpty() ? QRect() : QRect(s.padX, y, textWidth, s.smallHeight);
    y += m_metricsRect.height() + s.gap;
    if (m_reasoning && !m_entry.reasoning.isEmpty()) {
        m_reasoningPos = QPoint(s.padX, y);
        y += int(std::ceil(m_reasoning->size().height())) + s.gap;
    }
    m_codeCopyRects.clear();
    m_codeTexts.clear();
    if (!m_entry.text.isEmpty()) {
        m_contentPos = QPoint(s.padX, y);
        y += m_content->height() + s.gap;
        for (const StreamingMarkdown::PlacedCode& code : m_content->codeBlocks()) {
            QRect button = ChatActionBar::buttonRect(QPoint(), tr("Copy"), s);
            button.moveTopRight(m_contentPos + QPoint(textWidth - 2, code.top + 1));
            m_codeCopyRects.append(button);
            m_codeTexts.append(code.code);
        }
    }
    const QString mark = marker();
    m_markerRect = mark.isEmpty() ? QRect() : QRect(s.padX, y, textWidth, s.lineHeight);
    if (!mark.isEmpty())
        y += s.lineHeight + s.gap;
    m_errorRect = QRect();
    if (m_entry.state == ChatEntry::State::Failed && m_entry.error) {
        const QString error = QStringLiteral("⚠ ") + m_entry.error->message;
        m_errorRect = QFontMetrics(s.font).boundingRect(QRect(s.padX, y, textWidth, 1 << 20),
                                                        Qt::TextWordWrap, error);
        m_errorRect.setLeft(s.padX);
        m_errorRect.setWidth(textWidth);
        y += m_errorRect.height() + s.gap;
    }
    m_notSavedRect = QRect();
    m_retrySaveRect = QRect();
    if (!m_notSaved.isEmpty()) {
        // The answer is still here, in memory; the button writes it again (Copy keeps it too).
        m_notSavedRect = QFontMetrics(s.font).boundingRect(
            QRect(s.padX, y, textWidth, 1 << 20), Qt::TextWordWrap, notSavedText(m_notSaved));
        m_notSavedRect.setLeft(s.padX);
        m_notSavedRect.setWidth(textWidth);
        y += m_notSavedRect.height() + 2;
        m_retrySaveRect = ChatActionBar::buttonRect(QPoint(s.padX - 6, y), tr("Retry save"), s);
        y += m_retrySaveRect.height() + s.gap;
    }
    y += m_actions.layout(QPoint(s.padX - 6, y), s);
    m_height = y + s.padY;
}

void ChatMessageLayout::paint(QPainter* painter, const QRect& clip, bool codeHovered,
                              int hovered) const
{
    const ChatStyle& s = *m_style;
    painter->setRenderHint(QPainter::Antialiasing);
    if (m_entry.role == ChatEntry::Role::User) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(s.userBackground);
        painter->drawRoundedRect(QRect(4, 2, m_width - 8, m_height - 4), 6, 6);
    }
    painter->setFont(s.bold);
    painter->setPen(m_entry.role == ChatEntry::Role::User ? s.link : s.text);
    painter->drawText(m_headerRect, Qt::AlignLeft | Qt::AlignVCenter, m_header);
    painter->setFont(s.small);
    painter->setPen(s.dim);
    if (m_entry.createdUtc.isValid())
        painter->drawText(m_headerRect, Qt::AlignRight | Qt::AlignVCenter,
                          m_entry.createdUtc.toLocalTime().toString(QStringLiteral("HH:mm")));
    if (!m_metricsRect.isNull())
        painter->drawText(m_metricsRect, Qt::AlignLeft | Qt::AlignVCenter, m_metrics);
    if (m_reasoning && !m_entry.reasoning.isEmpty())
        drawDocument(painter, m_reasoning.get(), m_reasoningPos, clip, s.dim);
    if (!m_entry.text.isEmpty()) {
        m_content->draw(painter, m_contentPos, clip, s.text);
        for (int i = 0; i < m_codeCopyRects.size(); ++i)
            ChatActionBar::paintButton(painter, m_codeCopyRects.at(i), tr("Copy"), s,
                                       codeHovered && hovered == i, false, s.codeBackground);
    }
    if (!m_markerRect.isNull()) {
        painter->setFont(s.reasoning);
        painter->setPen(s.dim);
        painter->drawText(m_markerRect, Qt::AlignLeft | Qt::AlignVCenter, marker());
    }
    if (!m_errorRect.isNull()) {
        painter->setFont(s.font);
        painter->setPen(s.error);
        painter->drawText(m_errorRect, Qt::TextWordWrap,
                          QStringLiteral("⚠ ") + m_entry.error->message);
    }
    if (!m_notSavedRect.isNull()) {
        ChatActionBar::paintButton(painter, m_retrySaveRect, tr("Retry save"), s, false, false);
        painter->setFont(s.font);
        painter->setPen(s.error);
        painter->drawText(m_notSavedRect, Qt::TextWordWrap, notSavedText(m_notSaved));
    }
    m_actions.paint(painter, s, codeHovered ? -1 : hovered);
}

std::optional<ChatView::Action> ChatMessageLayout::actionAt(const QPoint& pos) const
{
    return m_actions.actionAt(pos);
}

int ChatMessageLayout::codeCopyAt(const QPoint& pos) const
{
    for (int i = 0; i < m_codeCopyRects.size(); ++i) {
        if (m_codeCopyRects.at(i).contains(pos))
            return i;
    }
    return -1;
}

QRect ChatMessageLayout::codeCopyRect(int codeBlock) const
{
    return m_codeCopyRects.value(codeBlock);
}

QString ChatMessageLayout::codeText(int codeBlock) const
{
    return m_codeTexts.value(codeBlock);
}

QList<const QTextDocument*> ChatMessageLayout::contentDocuments() const
{
    return m_content ? m_content->documents() : QList<const QTextDocument*>();
}

QString ChatMessageLayout::plainText() const
{
    QStringList parts{m_header};
    if (!m_metrics.isEmpty())
        parts << m_metrics;
    if (!m_entry.reasoning.isEmpty())
        parts << m_entry.reasoning;
    if (!m_entry.text.isEmpty())
        parts << m_entry.text;
    const QString mark = marker();
    if (!mark.isEmpty())
        parts << mark;
    if (m_entry.state == ChatEntry::State::Failed && m_entry.error)
        parts << QStringLiteral("⚠ ") + m_entry.error->message;
    if (!m_notSaved.isEmpty())
        parts << notSavedText(m_notSaved);
    return parts.join(QLatin1Char('\n'));
}

} // namespace adminchat

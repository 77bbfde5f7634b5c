#include "ChatMessageLayout.h"

#include "ChatIcons.h"
#include "ChatStyle.h"
#include "StreamingMarkdown.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QPainter>
#include <QTextDocument>

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
    if (!entry.metrics) {
        // The row is kept from the start (the figures come at the end and must not push the
        // answer down); until then it says what is happening.
        if (entry.role == ChatEntry::Role::Assistant &&
            (entry.state == ChatEntry::State::Pending ||
             entry.state == ChatEntry::State::Streaming))
            return tr("streaming…");
        return {};
    }
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

QString errorText(const QString& message)
{
    return tr("Error: %1").arg(message);
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
    return tr("Not saved: %1").arg(reason);
}

bool ChatMessageLayout::isReasoningExpanded() const
{
    return m_reasoningExpanded.value_or(m_entry.text.isEmpty());
}

void ChatMessageLayout::setReasoningExpanded(bool expanded)
{
    m_reasoningExpanded = expanded;
    m_width = -1;
}

QString ChatMessageLayout::reasoningLabel() const
{
    const bool thinking = m_entry.text.isEmpty() && (m_entry.state == ChatEntry::State::Pending ||
                                                     m_entry.state == ChatEntry::State::Streaming);
    if (thinking)
        return tr("Thinking…");
    const qsizetype words = m_entry.reasoning.split(QLatin1Char(' '), Qt::SkipEmptyParts).size();
    return QCoreApplication::translate("adminchat::ChatView", "Thinking (%n words)", nullptr,
                                       int(words));
}

QString ChatMessageLayout::toolTip(int hitId) const
{
    if (hitId >= 0)
        return m_actions.label(ChatView::Action(hitId));
    if (hitId == reasoningToggleId)
        return isReasoningExpanded() ? tr("Hide the thinking (Left)")
                                     : tr("Show the thinking (Right)");
    return {};
}

void ChatMessageLayout::setCopied(bool copied)
{
    if (copied == m_actions.isCopied())
        return;
    m_actions.setCopied(copied);
    m_width = -1; // the Copy button widens to say so
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
    else if (!wasFinished && isFinished() && m_content) {
        m_content->finish(); // the stream ended: only its last run is left to render
        if (m_reasoning)
            m_reasoning->finish();
    }
    m_width = -1;
    m_actions.setEntry(m_entry);
    m_actions.setCopied(false);
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
    if (m_content->isFinished() ||
        (!reasoning.isEmpty() && m_reasoning && m_reasoning->isFinished())) {
        release(); // text after the end (or thinking after the answer): rare, render again
        return {};
    }
    const bool laidOut = m_width > 0;
    int dirtyTop = wasEmpty || !laidOut ? 0 : m_height;
    if (!reasoning.isEmpty()) {
        if (m_reasoning) {
            const int changedTop = m_reasoning->append(reasoning);
            dirtyTop = qMin(dirtyTop, isReasoningExpanded() ? m_reasoningPos.y() + changedTop
                                                            : m_reasoningToggleRect.top());
        } else {
            buildDocuments();
            dirtyTop = 0;
        }
    }
    if (!content.isEmpty()) {
        if (m_reasoning && !m_reasoning->isFinished())
            m_reasoning->finish(); // the answer started: the thinking is complete
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
    const qreal textWidth = m_content ? m_content->textWidth() - 10 : -1; // indented
    if (!m_entry.reasoning.isEmpty() && !m_reasoning) {
        // Thinking is Markdown too; it ends when the answer starts (or the answer does).
        m_reasoning = std::make_unique<StreamingMarkdown>(s, true);
        m_reasoning->setText(m_entry.reasoning, !m_entry.text.isEmpty() || isFinished());
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
    int height = 2 * style.padY + style.boldHeight + 2 * style.gap + style.smallHeight + 8;
    if (!m_metrics.isEmpty() || m_entry.role == ChatEntry::Role::Assistant)
        height += style.smallHeight;
    if (!m_entry.reasoning.isEmpty())
        height += style.lineHeight + style.gap;
    const int textLines =
        lines(m_entry.text) + (isReasoningExpanded() ? lines(m_entry.reasoning) : 0);
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
    const bool metricsRow = !m_metrics.isEmpty() || m_entry.role == ChatEntry::Role::Assistant;
    m_metricsRect = metricsRow ? QRect(s.padX, y, textWidth, s.smallHeight) : QRect();
    y += m_metricsRect.height() + s.gap;
    m_reasoningToggleRect = QRect();
    if (m_reasoning && !m_entry.reasoning.isEmpty()) {
        const QFontMetrics fm(s.small);
        m_reasoningToggleRect =
            QRect(s.padX - 4, y, fm.height() + 12 + fm.horizontalAdvance(reasoningLabel()),
                  fm.height() + 6);
        y += m_reasoningToggleRect.height() + s.gap;
        if (isReasoningExpanded()) {
            m_reasoningPos = QPoint(s.padX + 10, y); // indented under its toggle
            m_reasoning->setTextWidth(qMax(20, textWidth - 10));
            y += m_reasoning->height() + s.gap;
        }
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
    const int iconSpace = s.lineHeight + 4; // the warning icon before an error
    if (m_entry.state == ChatEntry::State::Failed && m_entry.error) {
        m_errorRect = QFontMetrics(s.font).boundingRect(
            QRect(s.padX + iconSpace, y, textWidth - iconSpace, 1 << 20), Qt::TextWordWrap,
            errorText(m_entry.error->message));
        m_errorRect.setLeft(s.padX + iconSpace);
        m_errorRect.setWidth(textWidth - iconSpace);
        y += m_errorRect.height() + s.gap;
    }
    m_notSavedRect = QRect();
    m_retrySaveRect = QRect();
    if (!m_notSaved.isEmpty()) {
        // The answer is still here, in memory; the button writes it again (Copy keeps it too).
        m_notSavedRect = QFontMetrics(s.font).boundingRect(
            QRect(s.padX + iconSpace, y, textWidth - iconSpace, 1 << 20), Qt::TextWordWrap,
            notSavedText(m_notSaved));
        m_notSavedRect.setLeft(s.padX + iconSpace);
        m_notSavedRect.setWidth(textWidth - iconSpace);
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
    if (!m_reasoningToggleRect.isNull()) {
        const QRect toggle = m_reasoningToggleRect;
        const int side = QFontMetrics(s.small).height();
        const bool expanded = isReasoningExpanded();
        ChatIcons::paint(painter, QRect(toggle.left() + 2, toggle.top() + 3, side, side),
                         expanded ? ChatIcons::Icon::Collapse : ChatIcons::Icon::Expand, s.dim);
        painter->setFont(s.small);
        painter->setPen(s.dim);
        painter->drawText(toggle.adjusted(side + 8, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                          reasoningLabel());
        if (expanded) {
            // A rule along the thinking sets it apart from the answer without a box.
            const int bottom = m_reasoningPos.y() + m_reasoning->height();
            painter->fillRect(QRect(s.padX + 2, m_reasoningPos.y(), 2, bottom - m_reasoningPos.y()),
                              s.codeBackground.darker(110));
            m_reasoning->draw(painter, m_reasoningPos, clip, s.dim);
        }
    }
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
    const int iconSide = s.lineHeight;
    if (!m_errorRect.isNull()) {
        ChatIcons::paint(painter, QRect(s.padX, m_errorRect.top(), iconSide, iconSide),
                         ChatIcons::Icon::Warning, s.error);
        painter->setFont(s.font);
        painter->setPen(s.error);
        painter->drawText(m_errorRect, Qt::TextWordWrap, errorText(m_entry.error->message));
    }
    if (!m_notSavedRect.isNull()) {
        ChatActionBar::paintButton(painter, m_retrySaveRect, tr("Retry save"), s, false, false);
        ChatIcons::paint(painter, QRect(s.padX, m_notSavedRect.top(), iconSide, iconSide),
                         ChatIcons::Icon::Warning, s.error);
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
        parts << reasoningLabel() << m_entry.reasoning;
    if (!m_entry.text.isEmpty())
        parts << m_entry.text;
    const QString mark = marker();
    if (!mark.isEmpty())
        parts << mark;
    if (m_entry.state == ChatEntry::State::Failed && m_entry.error)
        parts << errorText(m_entry.error->message);
    if (!m_notSaved.isEmpty())
        parts << notSavedText(m_notSaved);
    return parts.join(QLatin1Char('\n'));
}

} // namespace adminchat

#include "ChatView.h"

#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>

namespace adminchat {

ChatView::ChatView(QWidget* parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setObjectName(QStringLiteral("chatView"));
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    setPlaceholderText(tr("Ask something below. Answers stream here, with their timings in the "
                          "status line."));

    const QPalette pal = palette();
    m_userHeader.setFontWeight(QFont::Bold);
    m_userHeader.setForeground(pal.color(QPalette::Link));
    m_assistantHeader.setFontWeight(QFont::Bold);
    m_assistantHeader.setForeground(QColor(0x2e, 0x7d, 0x32));
    m_body.setForeground(pal.color(QPalette::Text));
    m_reasoning.setForeground(pal.color(QPalette::PlaceholderText));
    m_reasoning.setFontItalic(true);
    m_pending.setForeground(pal.color(QPalette::PlaceholderText));
    m_error.setForeground(QColor(0xc6, 0x28, 0x28));
    m_error.setFontWeight(QFont::DemiBold);

    connect(verticalScrollBar(), &QScrollBar::valueChanged, this,
            [this](int value) { m_followEnd = value >= verticalScrollBar()->maximum() - 4; });
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this,
            [this] { scrollToEndIfFollowing(); });
}

void ChatView::insertAtEnd(const QString& text, const QTextCharFormat& format)
{
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text, format);
}

void ChatView::scrollToEndIfFollowing()
{
    if (m_followEnd)
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void ChatView::addEntry(const ChatEntry& entry)
{
    const bool follow = m_followEnd;
    removePendingMarker();
    if (!document()->isEmpty())
        insertAtEnd(QStringLiteral("\n\n"), m_body);
    if (entry.role == ChatEntry::Role::User) {
        insertAtEnd(tr("You") + QLatin1Char('\n'), m_userHeader);
        insertAtEnd(entry.text, m_body);
    } else {
        const QString header =
            entry.model.isEmpty() ? tr("Assistant") : tr("Assistant · %1").arg(entry.model);
        insertAtEnd(header + QLatin1Char('\n'), m_assistantHeader);
        m_lastRun = Run::None;
        if (entry.state == ChatEntry::State::Pending) {
            QTextCursor cursor(document());
            cursor.movePosition(QTextCursor::End);
            m_pendingStart = cursor.position();
            insertAtEnd(tr("waiting for the first token…"), m_pending);
        } else {
            appendToLast(entry.text, entry.reasoning);
        }
    }
    m_followEnd = follow;
    scrollToEndIfFollowing();
}

void ChatView::removePendingMarker()
{
    if (m_pendingStart < 0)
        return;
    QTextCursor cursor(document());
    cursor.setPosition(m_pendingStart);
    cursor.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
    cursor.removeSelectedText();
    m_pendingStart = -1;
}

void ChatView::appendToLast(const QString& content, const QString& reasoning)
{
    const bool follow = m_followEnd;
    removePendingMarker();
    if (!reasoning.isEmpty()) {
        if (m_lastRun == Run::Content)
            insertAtEnd(QStringLiteral("\n"), m_body);
        insertAtEnd(reasoning, m_reasoning);
        m_lastRun = Run::Reasoning;
    }
    if (!content.isEmpty()) {
        if (m_lastRun == Run::Reasoning)
            insertAtEnd(QStringLiteral("\n\n"), m_body); // reasoning ends where the answer begins
        insertAtEnd(content, m_body);
        m_lastRun = Run::Content;
    }
    m_followEnd = follow;
    scrollToEndIfFollowing();
}

void ChatView::updateLastState(const ChatEntry& entry)
{
    if (entry.state == ChatEntry::State::Pending || entry.state == ChatEntry::State::Streaming)
        return;
    const bool follow = m_followEnd;
    removePendingMarker();
    if (entry.state == ChatEntry::State::Failed && entry.error) {
        const QString prefix =
            entry.text.isEmpty() && entry.reasoning.isEmpty() ? QString() : QStringLiteral("\n");
        insertAtEnd(prefix + QStringLiteral("⚠ ") + entry.error->message, m_error);
    } else if (entry.state == ChatEntry::State::Cancelled) {
        insertAtEnd((entry.text.isEmpty() ? QString() : QStringLiteral("\n")) + tr("[stopped]"),
                    m_pending);
    } else if (entry.text.isEmpty() && entry.reasoning.isEmpty()) {
        insertAtEnd(tr("[empty answer]"), m_pending);
    }
    m_followEnd = follow;
    scrollToEndIfFollowing();
}

} // namespace adminchat

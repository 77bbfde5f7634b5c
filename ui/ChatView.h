#pragma once

#include "chat/ChatEntry.h"

#include <QPlainTextEdit>
#include <QTextCharFormat>

namespace adminchat {

// The conversation as styled text. Only the last answer ever changes, and it only grows at the
// document's end, so each delta is one insertion at the end: O(delta) plus the re-layout of the
// last paragraph (QPlainTextEdit lays out blocks lazily and only what is visible).
class ChatView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit ChatView(QWidget* parent = nullptr);

    void addEntry(const ChatEntry& entry);
    void appendToLast(const QString& content, const QString& reasoning);
    void updateLastState(const ChatEntry& entry);

private:
    enum class Run
    {
        None,
        Reasoning,
        Content
    };

    void insertAtEnd(const QString& text, const QTextCharFormat& format);
    void removePendingMarker();
    void scrollToEndIfFollowing();

    QTextCharFormat m_userHeader;
    QTextCharFormat m_assistantHeader;
    QTextCharFormat m_body;
    QTextCharFormat m_reasoning;
    QTextCharFormat m_pending;
    QTextCharFormat m_error;
    int m_pendingStart = -1; // position of the "waiting" marker of the last answer
    Run m_lastRun = Run::None;
    bool m_followEnd = true; // auto-scroll follows the end unless the user scrolled up
};

} // namespace adminchat

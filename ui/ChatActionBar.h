#pragma once

#include "ChatIcons.h"
#include "ChatView.h"

#include <QList>
#include <QRect>
#include <optional>

class QPainter;

namespace adminchat {

struct ChatEntry;
struct ChatStyle;

// The row of small icon buttons under a message; which ones depends on the role and state.
// Each has a label, its tooltip and accessible name. Copy shows "Copied" for a moment after use.
class ChatActionBar
{
public:
    struct Button
    {
        ChatView::Action action;
        QString label;
        ChatIcons::Icon icon;
        bool active = false;
        QRect rect = {};
    };

    void setEntry(const ChatEntry& entry);
    void setCopied(bool copied) { m_copied = copied; }
    bool isCopied() const { return m_copied; }
    int layout(const QPoint& topLeft, const ChatStyle& style); // returns the row's height
    void paint(QPainter* painter, const ChatStyle& style, int hoveredAction) const;

    std::optional<ChatView::Action> actionAt(const QPoint& pos) const;
    QRect rect(ChatView::Action action) const; // null when the message has no such button
    const QList<Button>& buttons() const { return m_buttons; }
    QString label(ChatView::Action action) const;

    static QString copiedLabel();
    // One text button as the code blocks' Copy buttons and "Retry save" draw them.
    static QRect buttonRect(const QPoint& topLeft, const QString& label, const ChatStyle& style);
    static void paintButton(QPainter* painter, const QRect& rect, const QString& label,
                            const ChatStyle& style, bool hovered, bool active,
                            const QColor& fill = QColor());

private:
    QList<Button> m_buttons;
    bool m_copied = false;
};

} // namespace adminchat

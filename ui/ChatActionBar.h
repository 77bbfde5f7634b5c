#pragma once

#include "ChatView.h"

#include <QList>
#include <QRect>
#include <optional>

class QPainter;

namespace adminchat {

struct ChatEntry;
struct ChatStyle;

// The row of small text buttons under a message; which ones depends on the role and state.
class ChatActionBar
{
public:
    void setEntry(const ChatEntry& entry);
    int layout(const QPoint& topLeft, const ChatStyle& style); // returns the row's height
    void paint(QPainter* painter, const ChatStyle& style, int hoveredAction) const;

    std::optional<ChatView::Action> actionAt(const QPoint& pos) const;
    QRect rect(ChatView::Action action) const; // null when the message has no such button

    // One button as the bar and the code blocks' Copy buttons draw them.
    static QRect buttonRect(const QPoint& topLeft, const QString& label, const ChatStyle& style);
    static void paintButton(QPainter* painter, const QRect& rect, const QString& label,
                            const ChatStyle& style, bool hovered, bool active,
                            const QColor& fill = QColor());

private:
    struct Button
    {
        ChatView::Action action;
        QString label;
        bool active = false;
        QString icon = {}; // a mask in resources/ui, drawn instead of the label
        QRect rect = {};
    };
    static QRect iconRect(const QPoint& topLeft, const ChatStyle& style);
    static void paintIcon(QPainter* painter, const QRect& rect, const QString& icon,
                          const QColor& color);
    QList<Button> m_buttons;
};

} // namespace adminchat

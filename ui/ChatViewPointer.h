#pragma once

class QHelpEvent;
class QMouseEvent;
class QPoint;

namespace adminchat {

class ChatView;

// The chat view under the mouse: which button of which message is under the pointer (an action,
// a code block's Copy, the thinking toggle, "Retry save"), the hover it draws, a click that
// presses and releases on the same button, and the buttons' tooltips.
class ChatViewPointer
{
public:
    // A button of a message, as ChatMessageLayout numbers them.
    struct Hit
    {
        static constexpr int retrySaveId = -2;
        static constexpr int reasoningToggleId = -3;
        int index = -1;
        bool codeCopy = false;
        int id = -1; // ChatView::Action, or the code block's number; or one of the ids above
        bool operator==(const Hit&) const = default;
        bool isValid() const { return index >= 0; }
    };

    explicit ChatViewPointer(ChatView* view);

    const Hit& hover() const { return m_hover; }
    void reset(); // the entries changed: nothing is under the pointer or pressed any more

    void moved(const QPoint& viewportPos);
    void left();
    // True when the press is on a button (the click is the pointer's, not the scroll area's).
    bool pressed(QMouseEvent* event);
    void released(QMouseEvent* event);
    void showToolTip(QHelpEvent* event);

private:
    Hit hitAt(const QPoint& viewportPos) const;
    void setHover(const Hit& hit);
    void trigger(const Hit& hit);

    ChatView* m_view;
    Hit m_hover;
    Hit m_pressed;
};

} // namespace adminchat

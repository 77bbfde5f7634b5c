#pragma once

class QKeyEvent;
class QPoint;

namespace adminchat {

class ChatView;

// The chat view from the keyboard, and the menu of a message's actions: Up and Down move the
// focused message, Left and Right close and open its thinking, Ctrl+C copies it, Shift+F10, the
// Menu key or Enter open its actions (every button it has, the thinking toggle, copying the
// conversation), Ctrl+Home and Ctrl+End go to either end.
class ChatViewKeyboard
{
public:
    // True when the key was one of the view's; else the scroll area handles it.
    static bool handleKey(ChatView* view, QKeyEvent* event);
    // popup(), not exec(): no nested event loop while answers stream.
    static void popupMenu(ChatView* view, int index, const QPoint& globalPos);
    // The focused message's menu, at its top left (as the Menu key opens it).
    static void popupMenuForCurrent(ChatView* view);
};

} // namespace adminchat

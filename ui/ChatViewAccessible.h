#pragma once

#include "store/ConversationRecord.h"

#include <QAccessibleWidget>
#include <QPointer>
#include <map>

namespace adminchat {

class ChatView;

// The chat view for assistive technology: a list whose children are its messages, each with
// its author (name), its text (description and text interface) and its actions (the buttons
// under it, and showing or hiding the thinking). The view paints its messages itself, so
// without this a screen reader would see one empty scroll area.
class ChatViewAccessible : public QAccessibleWidget
{
public:
    explicit ChatViewAccessible(ChatView* view);
    ~ChatViewAccessible() override;

    static QAccessibleInterface* create(const QString& className, QObject* object);

    int childCount() const override;
    QAccessibleInterface* child(int index) const override;
    int indexOfChild(const QAccessibleInterface* child) const override;
    QAccessibleInterface* focusChild() const override;

    ChatView* view() const;

    // What the view tells assistive technology about, when any is listening.
    static void childrenChanged(ChatView* view);
    static void focusChanged(ChatView* view, int index);
    static void stateChanged(ChatView* view, int index);
    // A short status said for a message ("Answer finished", "Copied"): its name changes to
    // carry it until the next one, so a screen reader reads it as a live region.
    static void announce(ChatView* view, int index, const QString& status);
    // An answer ended: finished, stopped or failed, said as above.
    static void answerEnded(ChatView* view, int index, MessageStatus state);

private:
    static ChatViewAccessible* of(ChatView* view);
    mutable std::map<int, QAccessible::Id> m_items;
};

} // namespace adminchat

#pragma once

#include <QAccessibleInterface>
#include <QPointer>

namespace adminchat {

class ChatView;

// One message of the chat view for assistive technology (see ChatViewAccessible): a list item
// named after its author, whose text is the message as shown and whose actions are its buttons.
class ChatMessageAccessible : public QAccessibleInterface,
                              public QAccessibleActionInterface,
                              public QAccessibleTextInterface
{
public:
    ChatMessageAccessible(ChatView* view, int index);

    int index() const { return m_index; }
    void setStatus(const QString& status) { m_status = status; }

    // QAccessibleInterface
    bool isValid() const override;
    QObject* object() const override { return nullptr; }
    QWindow* window() const override;
    QAccessibleInterface* parent() const override;
    QAccessibleInterface* child(int) const override { return nullptr; }
    int childCount() const override { return 0; }
    int indexOfChild(const QAccessibleInterface*) const override { return -1; }
    QAccessibleInterface* childAt(int, int) const override { return nullptr; }
    QString text(QAccessible::Text t) const override;
    void setText(QAccessible::Text, const QString&) override {}
    QRect rect() const override;
    QAccessible::Role role() const override { return QAccessible::ListItem; }
    QAccessible::State state() const override;
    void* interface_cast(QAccessible::InterfaceType type) override;

    // QAccessibleActionInterface
    QStringList actionNames() const override;
    void doAction(const QString& actionName) override;
    QStringList keyBindingsForAction(const QString& actionName) const override;

    // QAccessibleTextInterface: the message's text, read-only
    void selection(int, int* start, int* end) const override { *start = *end = 0; }
    int selectionCount() const override { return 0; }
    void addSelection(int, int) override {}
    void removeSelection(int) override {}
    void setSelection(int, int, int) override {}
    int cursorPosition() const override { return 0; }
    void setCursorPosition(int) override {}
    QString text(int startOffset, int endOffset) const override;
    int characterCount() const override { return int(shownText().size()); }
    QRect characterRect(int) const override { return {}; }
    int offsetAtPoint(const QPoint&) const override { return -1; }
    void scrollToSubstring(int, int) override;
    QString attributes(int, int* start, int* end) const override;

private:
    QString shownText() const; // the message as the reader sees it: Markdown rendered
    QString toggleName() const;

    QPointer<ChatView> m_view;
    int m_index;
    QString m_status;
};

} // namespace adminchat

#include "ChatViewAccessible.h"

#include "ChatMessageAccessible.h"
#include "ChatView.h"

#include <QCoreApplication>

namespace adminchat {

ChatViewAccessible::ChatViewAccessible(ChatView* view) : QAccessibleWidget(view, QAccessible::List)
{}

ChatViewAccessible::~ChatViewAccessible()
{
    for (const auto& [index, id] : m_items)
        QAccessible::deleteAccessibleInterface(id);
}

QAccessibleInterface* ChatViewAccessible::create(const QString& className, QObject* object)
{
    if (className == QLatin1String("adminchat::ChatView") && object && object->isWidgetType())
        return new ChatViewAccessible(static_cast<ChatView*>(object));
    return nullptr;
}

ChatView* ChatViewAccessible::view() const
{
    return static_cast<ChatView*>(widget());
}

int ChatViewAccessible::childCount() const
{
    return view()->entryCount();
}

QAccessibleInterface* ChatViewAccessible::child(int index) const
{
    if (index < 0 || index >= childCount())
        return nullptr;
    // One interface per message for as long as the message exists: assistive technology keeps
    // references to what it was given.
    if (const auto it = m_items.find(index); it != m_items.end())
        return QAccessible::accessibleInterface(it->second);
    auto* item = new ChatMessageAccessible(view(), index);
    m_items[index] = QAccessible::registerAccessibleInterface(item);
    return item;
}

int ChatViewAccessible::indexOfChild(const QAccessibleInterface* child) const
{
    for (const auto& [index, id] : m_items) {
        if (QAccessible::accessibleInterface(id) == child)
            return index;
    }
    return -1;
}

QAccessibleInterface* ChatViewAccessible::focusChild() const
{
    return view()->hasFocus() ? child(view()->currentIndex()) : nullptr;
}

ChatViewAccessible* ChatViewAccessible::of(ChatView* view)
{
    if (!QAccessible::isActive())
        return nullptr;
    return dynamic_cast<ChatViewAccessible*>(QAccessible::queryAccessibleInterface(view));
}

void ChatViewAccessible::childrenChanged(ChatView* view)
{
    ChatViewAccessible* self = of(view);
    if (!self)
        return;
    // Messages that went (truncate, another conversation) take their interfaces with them.
    const int count = view->entryCount();
    for (auto it = self->m_items.begin(); it != self->m_items.end();) {
        if (it->first < count) {
            ++it;
            continue;
        }
        QAccessible::deleteAccessibleInterface(it->second);
        it = self->m_items.erase(it);
    }
    QAccessibleEvent event(view, QAccessible::ObjectReorder);
    QAccessible::updateAccessibility(&event);
}

void ChatViewAccessible::focusChanged(ChatView* view, int index)
{
    ChatViewAccessible* self = of(view);
    if (!self || index < 0)
        return;
    QAccessibleEvent event(self->child(index), QAccessible::Focus);
    QAccessible::updateAccessibility(&event);
}

void ChatViewAccessible::stateChanged(ChatView* view, int index)
{
    ChatViewAccessible* self = of(view);
    if (!self || index < 0)
        return;
    QAccessible::State changed;
    changed.expanded = true;
    changed.collapsed = true;
    QAccessibleStateChangeEvent event(self->child(index), changed);
    QAccessible::updateAccessibility(&event);
}

void ChatViewAccessible::answerEnded(ChatView* view, int index, MessageStatus state)
{
    const auto tr = [](const char* text) {
        return QCoreApplication::translate("adminchat::ChatView", text);
    };
    switch (state) {
    case MessageStatus::Done:
        return announce(view, index, tr("Answer finished"));
    case MessageStatus::Cancelled:
        return announce(view, index, tr("Answer stopped"));
    case MessageStatus::Failed:
        return announce(view, index, tr("Answer failed"));
    default:
        return;
    }
}

void ChatViewAccessible::announce(ChatView* view, int index, const QString& status)
{
    ChatViewAccessible* self = of(view);
    if (!self || index < 0)
        return;
    auto* item = static_cast<ChatMessageAccessible*>(self->child(index));
    item->setStatus(status);
    QAccessibleEvent name(item, QAccessible::NameChanged);
    QAccessible::updateAccessibility(&name);
    QAccessibleEvent description(item, QAccessible::DescriptionChanged);
    QAccessible::updateAccessibility(&description);
    // The view as a live region: Alert makes a screen reader speak the item at once.
    QAccessibleEvent alert(item, QAccessible::Alert);
    QAccessible::updateAccessibility(&alert);
}

} // namespace adminchat

#include "ChatMessageAccessible.h"

#include "ChatView.h"

#include <QCoreApplication>
#include <QTextDocument>
#include <QWidget>
#include <QWindow>

namespace adminchat {

namespace {

QString chatTr(const char* text)
{
    return QCoreApplication::translate("adminchat::ChatView", text);
}

} // namespace

ChatMessageAccessible::ChatMessageAccessible(ChatView* view, int index)
    : m_view(view), m_index(index)
{}

bool ChatMessageAccessible::isValid() const
{
    return m_view && m_index < m_view->entryCount();
}

QWindow* ChatMessageAccessible::window() const
{
    return m_view ? m_view->window()->windowHandle() : nullptr;
}

QAccessibleInterface* ChatMessageAccessible::parent() const
{
    return m_view ? QAccessible::queryAccessibleInterface(m_view) : nullptr;
}

QString ChatMessageAccessible::shownText() const
{
    if (!isValid())
        return {};
    const ChatEntry& entry = m_view->entry(m_index);
    QStringList parts;
    if (!entry.reasoning.isEmpty() && m_view->isReasoningExpanded(m_index))
        parts << chatTr("Thinking: %1").arg(entry.reasoning);
    // The documents hold the text as rendered (no Markdown punctuation to read out); laid out
    // on demand when the message was never in view.
    QStringList shown;
    for (const QTextDocument* document : m_view->contentDocuments(m_index))
        shown << document->toPlainText();
    parts << (shown.isEmpty() ? entry.text : shown.join(QLatin1Char('\n')));
    if (entry.error)
        parts << chatTr("Error: %1").arg(entry.error->message);
    return parts.join(QLatin1Char('\n'));
}

QString ChatMessageAccessible::text(QAccessible::Text t) const
{
    if (!isValid())
        return {};
    switch (t) {
    case QAccessible::Name:
        return m_status.isEmpty() ? m_view->author(m_index)
                                  : chatTr("%1, %2").arg(m_view->author(m_index), m_status);
    case QAccessible::Description:
        return shownText();
    default:
        return {};
    }
}

QRect ChatMessageAccessible::rect() const
{
    if (!isValid())
        return {};
    const QRect local = m_view->visualRect(m_index);
    return QRect(m_view->viewport()->mapToGlobal(local.topLeft()), local.size());
}

QAccessible::State ChatMessageAccessible::state() const
{
    QAccessible::State state;
    if (!isValid()) {
        state.invalid = true;
        return state;
    }
    state.focusable = true;
    state.selectable = true;
    state.readOnly = true;
    const bool current = m_view->currentIndex() == m_index;
    state.focused = current && m_view->hasFocus();
    state.selected = current;
    state.offscreen = !m_view->viewport()->rect().intersects(m_view->visualRect(m_index));
    if (m_view->hasReasoning(m_index)) {
        state.expandable = true;
        state.expanded = m_view->isReasoningExpanded(m_index);
        state.collapsed = !state.expanded;
    }
    return state;
}

void* ChatMessageAccessible::interface_cast(QAccessible::InterfaceType type)
{
    if (type == QAccessible::ActionInterface)
        return static_cast<QAccessibleActionInterface*>(this);
    if (type == QAccessible::TextInterface)
        return static_cast<QAccessibleTextInterface*>(this);
    return nullptr;
}

QString ChatMessageAccessible::toggleName() const
{
    return m_view->isReasoningExpanded(m_index) ? chatTr("Hide thinking") : chatTr("Show thinking");
}

QStringList ChatMessageAccessible::actionNames() const
{
    QStringList names;
    if (!isValid())
        return names;
    for (const auto& [action, label] : m_view->actions(m_index))
        names << label;
    if (m_view->hasReasoning(m_index))
        names << toggleName();
    return names;
}

void ChatMessageAccessible::doAction(const QString& actionName)
{
    if (!isValid())
        return;
    if (m_view->hasReasoning(m_index) && actionName == toggleName()) {
        m_view->setReasoningExpanded(m_index, !m_view->isReasoningExpanded(m_index));
        return;
    }
    for (const auto& [action, label] : m_view->actions(m_index)) {
        if (label == actionName) {
            m_view->triggerAction(m_index, action);
            return;
        }
    }
}

QStringList ChatMessageAccessible::keyBindingsForAction(const QString& actionName) const
{
    if (isValid() && m_view->hasReasoning(m_index) && actionName == toggleName())
        return {m_view->isReasoningExpanded(m_index) ? QStringLiteral("Left")
                                                     : QStringLiteral("Right")};
    return {QStringLiteral("Shift+F10")}; // the message's action menu
}

QString ChatMessageAccessible::text(int startOffset, int endOffset) const
{
    const QString all = shownText();
    startOffset = qBound(0, startOffset, int(all.size()));
    endOffset = endOffset < 0 ? int(all.size()) : qBound(startOffset, endOffset, int(all.size()));
    return all.mid(startOffset, endOffset - startOffset);
}

void ChatMessageAccessible::scrollToSubstring(int, int)
{
    if (isValid())
        m_view->messageRect(m_index);
}

QString ChatMessageAccessible::attributes(int, int* start, int* end) const
{
    *start = 0;
    *end = characterCount();
    return {};
}

} // namespace adminchat

#include "ChatViewPointer.h"

#include "ChatMessageLayout.h"
#include "ChatView.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QScrollBar>
#include <QToolTip>

namespace adminchat {

ChatViewPointer::ChatViewPointer(ChatView* view) : m_view(view) {}

void ChatViewPointer::reset()
{
    m_hover = m_pressed = Hit();
}

ChatViewPointer::Hit ChatViewPointer::hitAt(const QPoint& viewportPos) const
{
    const int index = m_view->entryAt(viewportPos);
    if (index < 0 || !m_view->m_messages[size_t(index)]->isLaidOut(m_view->layoutWidth()))
        return {};
    const ChatMessageLayout& message = *m_view->m_messages[size_t(index)];
    const QPoint local =
        viewportPos -
        QPoint(0, int(m_view->m_heights.top(index) - m_view->verticalScrollBar()->value()));
    if (const int code = message.codeCopyAt(local); code >= 0)
        return {index, true, code};
    if (message.isRetrySaveAt(local))
        return {index, false, Hit::retrySaveId};
    if (message.isReasoningToggleAt(local))
        return {index, false, Hit::reasoningToggleId};
    if (const auto action = message.actionAt(local))
        return {index, false, int(*action)};
    return {};
}

void ChatViewPointer::setHover(const Hit& hit)
{
    if (hit == m_hover)
        return;
    m_hover = hit;
    m_view->viewport()->setCursor(hit.isValid() ? Qt::PointingHandCursor : Qt::ArrowCursor);
    m_view->viewport()->update();
}

void ChatViewPointer::moved(const QPoint& viewportPos)
{
    setHover(hitAt(viewportPos));
}

void ChatViewPointer::left()
{
    setHover({});
}

bool ChatViewPointer::pressed(QMouseEvent* event)
{
    m_pressed = event->button() == Qt::LeftButton ? hitAt(event->position().toPoint()) : Hit();
    return m_pressed.isValid();
}

void ChatViewPointer::released(QMouseEvent* event)
{
    const Hit pressed = m_pressed;
    m_pressed = Hit();
    if (event->button() == Qt::LeftButton && pressed.isValid() &&
        hitAt(event->position().toPoint()) == pressed)
        trigger(pressed);
}

void ChatViewPointer::showToolTip(QHelpEvent* event)
{
    // The icon buttons say what they do.
    const Hit hit = hitAt(event->pos());
    QString tip;
    if (hit.isValid() && !hit.codeCopy)
        tip = m_view->m_messages[size_t(hit.index)]->toolTip(hit.id);
    if (tip.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPos(), tip, m_view->viewport());
}

void ChatViewPointer::trigger(const Hit& hit)
{
    m_view->setCurrentIndex(hit.index);
    if (hit.codeCopy) {
        QGuiApplication::clipboard()->setText(
            m_view->m_messages[size_t(hit.index)]->codeText(hit.id));
        emit m_view->copied(hit.index);
        return;
    }
    if (hit.id == Hit::retrySaveId) {
        emit m_view->saveRetryRequested(hit.index);
        return;
    }
    if (hit.id == Hit::reasoningToggleId) {
        m_view->setReasoningExpanded(hit.index, !m_view->isReasoningExpanded(hit.index));
        return;
    }
    m_view->triggerAction(hit.index, ChatView::Action(hit.id));
}

} // namespace adminchat

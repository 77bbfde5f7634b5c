#include "ChatViewKeyboard.h"

#include "ChatView.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMenu>
#include <QScrollBar>
#include <algorithm>

namespace adminchat {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("adminchat::ChatView", text);
}

} // namespace

bool ChatViewKeyboard::handleKey(ChatView* view, QKeyEvent* event)
{
    const int key = event->key();
    const bool plain =
        event->modifiers() == Qt::NoModifier || event->modifiers() == Qt::KeypadModifier;
    const bool control = event->modifiers() == Qt::ControlModifier;
    const int current = view->currentIndex();
    const int count = view->entryCount();
    if (plain && (key == Qt::Key_Up || key == Qt::Key_Down) && count > 0) {
        const int next = current < 0 ? count - 1 : current + (key == Qt::Key_Up ? -1 : 1);
        view->setCurrentIndex(std::clamp(next, 0, count - 1));
        return true;
    }
    if (plain && (key == Qt::Key_Left || key == Qt::Key_Right) && view->hasReasoning(current)) {
        view->setReasoningExpanded(current, key == Qt::Key_Right);
        return true;
    }
    if (event->matches(QKeySequence::Copy) && current >= 0) {
        view->triggerAction(current, ChatView::Action::Copy);
        return true;
    }
    if ((key == Qt::Key_F10 && event->modifiers() == Qt::ShiftModifier) ||
        (plain && (key == Qt::Key_Return || key == Qt::Key_Enter))) {
        popupMenuForCurrent(view);
        return true;
    }
    if (control && (key == Qt::Key_Home || key == Qt::Key_End)) {
        QScrollBar* bar = view->verticalScrollBar();
        bar->setValue(key == Qt::Key_Home ? 0 : bar->maximum());
        return true;
    }
    return false;
}

void ChatViewKeyboard::popupMenuForCurrent(ChatView* view)
{
    const int index = view->currentIndex();
    if (index < 0)
        return;
    const QRect rect = view->messageRect(index);
    const QPoint at(rect.left() + 16, qMax(0, rect.top()) + 8);
    popupMenu(view, index, view->viewport()->mapToGlobal(at));
}

void ChatViewKeyboard::popupMenu(ChatView* view, int index, const QPoint& globalPos)
{
    auto* menu = new QMenu(view);
    menu->setObjectName(QStringLiteral("chatMessageMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    for (const auto& [action, label] : view->actions(index)) {
        const ChatView::Action chosen = action;
        menu->addAction(label, view, [view, index, chosen] { view->triggerAction(index, chosen); });
    }
    if (view->hasReasoning(index)) {
        const bool expanded = view->isReasoningExpanded(index);
        menu->addAction(expanded ? tr("Hide thinking") : tr("Show thinking"), view,
                        [view, index, expanded] { view->setReasoningExpanded(index, !expanded); });
    }
    menu->addSeparator();
    menu->addAction(tr("Copy conversation"), view,
                    [view] { QGuiApplication::clipboard()->setText(view->toPlainText()); });
    menu->popup(globalPos);
    menu->setActiveAction(menu->actions().constFirst()); // arrows and Enter work at once
}

} // namespace adminchat

#include "ChatActionBar.h"

#include "ChatStyle.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QPainter>

namespace adminchat {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("adminchat::ChatView", text);
}

} // namespace

QString ChatActionBar::copiedLabel()
{
    return tr("Copied");
}

void ChatActionBar::setEntry(const ChatEntry& entry)
{
    using A = ChatView::Action;
    using I = ChatIcons::Icon;
    m_buttons.clear();
    if (entry.role == ChatEntry::Role::User) {
        m_buttons = {{A::Copy, tr("Copy"), I::Copy}, {A::Edit, tr("Edit"), I::Edit}};
        return;
    }
    switch (entry.state) {
    case ChatEntry::State::Pending:
    case ChatEntry::State::Streaming:
        m_buttons = {{A::Stop, tr("Stop"), I::Stop}};
        break;
    case ChatEntry::State::Done:
        m_buttons = {{A::Copy, tr("Copy"), I::Copy},
                     {A::Regenerate, tr("Regenerate"), I::Regenerate},
                     {A::RateUp, tr("Good answer"), I::ThumbUp, entry.rating.value_or(0) > 0},
                     {A::RateDown, tr("Bad answer"), I::ThumbDown, entry.rating.value_or(0) < 0}};
        break;
    case ChatEntry::State::Failed:
    case ChatEntry::State::Cancelled:
        m_buttons = {{A::Copy, tr("Copy"), I::Copy}, {A::Retry, tr("Retry"), I::Regenerate}};
        break;
    }
}

QString ChatActionBar::label(ChatView::Action action) const
{
    for (const Button& button : m_buttons) {
        if (button.action == action)
            return button.action == ChatView::Action::Copy && m_copied ? copiedLabel()
                                                                       : button.label;
    }
    return {};
}

QRect ChatActionBar::buttonRect(const QPoint& topLeft, const QString& label, const ChatStyle& style)
{
    const QFontMetrics fm(style.small);
    return QRect(topLeft, QSize(fm.horizontalAdvance(label) + 12, fm.height() + 4));
}

int ChatActionBar::layout(const QPoint& topLeft, const ChatStyle& style)
{
    const QFontMetrics fm(style.small);
    const int side = fm.height() + 12; // a comfortable target for the pointer
    QPoint at = topLeft;
    for (Button& button : m_buttons) {
        int width = side + 4;
        if (button.action == ChatView::Action::Copy && m_copied)
            width += fm.horizontalAdvance(copiedLabel()) + 6;
        button.rect = QRect(at, QSize(width, side));
        at.rx() += width + 2;
    }
    return m_buttons.isEmpty() ? 0 : side;
}

void ChatActionBar::paintButton(QPainter* painter, const QRect& rect, const QString& label,
                                const ChatStyle& style, bool hovered, bool active,
                                const QColor& fill)
{
    const QColor background = hovered ? style.buttonHover : active ? style.buttonActive : fill;
    if (background.isValid()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(background);
        painter->drawRoundedRect(rect, 4, 4);
    }
    painter->setFont(style.small);
    painter->setPen(hovered || active ? style.link : style.dim);
    painter->drawText(rect, Qt::AlignCenter, label);
}

void ChatActionBar::paint(QPainter* painter, const ChatStyle& style, int hoveredAction) const
{
    for (const Button& button : m_buttons) {
        const bool hovered = int(button.action) == hoveredAction;
        paintButton(painter, button.rect, QString(), style, hovered, button.active);
        const QColor color = hovered || button.active ? style.link : style.dim;
        const int side = button.rect.height() - 8;
        const QRect icon(button.rect.left() + (button.rect.height() + 4 - side) / 2,
                         button.rect.top() + (button.rect.height() - side) / 2, side, side);
        const bool copied = button.action == ChatView::Action::Copy && m_copied;
        ChatIcons::paint(painter, icon, copied ? ChatIcons::Icon::Copied : button.icon, color);
        if (copied) {
            painter->setFont(style.small);
            painter->setPen(style.link);
            painter->drawText(button.rect.adjusted(button.rect.height() + 2, 0, 0, 0),
                              Qt::AlignLeft | Qt::AlignVCenter, copiedLabel());
        }
    }
}

std::optional<ChatView::Action> ChatActionBar::actionAt(const QPoint& pos) const
{
    for (const Button& button : m_buttons) {
        if (button.rect.contains(pos))
            return button.action;
    }
    return std::nullopt;
}

QRect ChatActionBar::rect(ChatView::Action action) const
{
    for (const Button& button : m_buttons) {
        if (button.action == action)
            return button.rect;
    }
    return {};
}

} // namespace adminchat

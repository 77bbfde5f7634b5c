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

void ChatActionBar::setEntry(const ChatEntry& entry)
{
    using A = ChatView::Action;
    m_buttons.clear();
    if (entry.role == ChatEntry::Role::User) {
        m_buttons = {{A::Copy, tr("Copy")}, {A::Edit, tr("Edit")}};
        return;
    }
    switch (entry.state) {
    case ChatEntry::State::Pending:
    case ChatEntry::State::Streaming:
        m_buttons = {{A::Stop, tr("Stop")}};
        break;
    case ChatEntry::State::Done:
        m_buttons = {{A::Copy, tr("Copy")},
                     {A::Regenerate, tr("Regenerate")},
                     {A::RateUp, QStringLiteral("👍"), entry.rating.value_or(0) > 0},
                     {A::RateDown, QStringLiteral("👎"), entry.rating.value_or(0) < 0}};
        break;
    case ChatEntry::State::Failed:
    case ChatEntry::State::Cancelled:
        m_buttons = {{A::Copy, tr("Copy")}, {A::Retry, tr("Retry")}};
        break;
    }
}

QRect ChatActionBar::buttonRect(const QPoint& topLeft, const QString& label, const ChatStyle& style)
{
    const QFontMetrics fm(style.small);
    return QRect(topLeft, QSize(fm.horizontalAdvance(label) + 12, fm.height() + 4));
}

int ChatActionBar::layout(const QPoint& topLeft, const ChatStyle& style)
{
    QPoint at = topLeft;
    int height = 0;
    for (Button& button : m_buttons) {
        button.rect = buttonRect(at, button.label, style);
        at.rx() += button.rect.width() + 4;
        height = qMax(height, button.rect.height());
    }
    return height;
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
    for (const Button& button : m_buttons)
        paintButton(painter, button.rect, button.label, style, int(button.action) == hoveredAction,
                    button.active);
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

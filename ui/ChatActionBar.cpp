#include "ChatActionBar.h"

#include "ChatStyle.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QHash>
#include <QImage>
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
                     {A::RateUp, tr("Good answer"), entry.rating.value_or(0) > 0,
                      QStringLiteral(":/ui/thumb-up.png")},
                     {A::RateDown, tr("Bad answer"), entry.rating.value_or(0) < 0,
                      QStringLiteral(":/ui/thumb-down.png")}};
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

QRect ChatActionBar::iconRect(const QPoint& topLeft, const ChatStyle& style)
{
    const int side = QFontMetrics(style.small).height() + 4; // as tall as a text button
    return QRect(topLeft, QSize(side + 8, side));
}

void ChatActionBar::paintIcon(QPainter* painter, const QRect& rect, const QString& icon,
                              const QColor& color)
{
    // The mask tinted once per colour: painting happens on every hover.
    static QHash<QPair<QString, QRgb>, QPixmap> tinted;
    const auto key = qMakePair(icon, color.rgba());
    auto it = tinted.constFind(key);
    if (it == tinted.cend()) {
        QImage image(icon);
        image = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
        QPainter tint(&image);
        tint.setCompositionMode(QPainter::CompositionMode_SourceIn);
        tint.fillRect(image.rect(), color);
        tint.end();
        it = tinted.insert(key, QPixmap::fromImage(std::move(image)));
    }
    const int side = rect.height() - 2;
    const QRect target(rect.center().x() - side / 2, rect.top() + 1, side, side);
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    painter->drawPixmap(target, *it);
}

int ChatActionBar::layout(const QPoint& topLeft, const ChatStyle& style)
{
    QPoint at = topLeft;
    int height = 0;
    for (Button& button : m_buttons) {
        button.rect =
            button.icon.isEmpty() ? buttonRect(at, button.label, style) : iconRect(at, style);
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
    for (const Button& button : m_buttons) {
        const bool hovered = int(button.action) == hoveredAction;
        // An icon button is drawn with its icon instead of its label.
        paintButton(painter, button.rect, button.icon.isEmpty() ? button.label : QString(), style,
                    hovered, button.active);
        if (!button.icon.isEmpty())
            paintIcon(painter, button.rect, button.icon,
                      hovered || button.active ? style.link : style.dim);
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

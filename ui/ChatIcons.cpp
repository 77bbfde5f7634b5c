#include "ChatIcons.h"

#include <QHash>
#include <QImage>
#include <QPaintDevice>
#include <QPainter>
#include <QSvgRenderer>

namespace adminchat {

QString ChatIcons::resourcePath(Icon icon)
{
    switch (icon) {
    case Icon::Copy:
        return QStringLiteral(":/chat/copy.svg");
    case Icon::Copied:
        return QStringLiteral(":/chat/check.svg");
    case Icon::Edit:
        return QStringLiteral(":/chat/edit.svg");
    case Icon::Regenerate:
        return QStringLiteral(":/chat/regenerate.svg");
    case Icon::Stop:
        return QStringLiteral(":/chat/stop.svg");
    case Icon::ThumbUp:
        return QStringLiteral(":/chat/thumb-up.svg");
    case Icon::ThumbDown:
        return QStringLiteral(":/chat/thumb-down.svg");
    case Icon::Warning:
        return QStringLiteral(":/chat/warning.svg");
    case Icon::Expand:
        return QStringLiteral(":/chat/chevron-right.svg");
    case Icon::Collapse:
        return QStringLiteral(":/chat/chevron-down.svg");
    }
    return {};
}

QPixmap ChatIcons::pixmap(Icon icon, const QColor& color, int side, qreal devicePixelRatio)
{
    // Rendered and tinted once per icon, colour and size: painting happens on every hover.
    static QHash<QString, QPixmap> cache;
    const int pixels = qMax(1, qRound(side * devicePixelRatio));
    const QString key =
        QStringLiteral("%1/%2/%3").arg(int(icon)).arg(color.rgba(), 0, 16).arg(pixels);
    if (const auto it = cache.constFind(key); it != cache.cend())
        return *it;
    QImage image(pixels, pixels, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    QSvgRenderer(resourcePath(icon)).render(&painter, QRectF(0, 0, pixels, pixels));
    painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
    painter.fillRect(image.rect(), color);
    painter.end();
    QPixmap pixmap = QPixmap::fromImage(std::move(image));
    pixmap.setDevicePixelRatio(devicePixelRatio);
    cache.insert(key, pixmap);
    return pixmap;
}

void ChatIcons::paint(QPainter* painter, const QRect& rect, Icon icon, const QColor& color)
{
    const int side = qMin(rect.width(), rect.height());
    const qreal ratio = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    const QRect target(rect.left() + (rect.width() - side) / 2,
                       rect.top() + (rect.height() - side) / 2, side, side);
    painter->drawPixmap(target, pixmap(icon, color, side, ratio));
}

} // namespace adminchat

#pragma once

#include <QColor>
#include <QPixmap>
#include <QString>

class QPainter;

namespace adminchat {

// The chat view's icons: SVG line drawings shipped in the resources (resources/icons), drawn
// black and tinted to a palette colour when painted, so they suit light and dark themes and
// depend on no emoji font.
class ChatIcons
{
public:
    enum class Icon
    {
        Copy,
        Copied,
        Edit,
        Regenerate,
        Stop,
        ThumbUp,
        ThumbDown,
        Warning,
        Expand,
        Collapse
    };

    static QString resourcePath(Icon icon);
    // The icon at side x side device-independent pixels, for the given device pixel ratio.
    static QPixmap pixmap(Icon icon, const QColor& color, int side, qreal devicePixelRatio);
    static void paint(QPainter* painter, const QRect& rect, Icon icon, const QColor& color);
};

} // namespace adminchat

#pragma once

#include <QColor>
#include <QFont>
#include <QFontMetrics>

class QWidget;

namespace adminchat {

// Fonts, colours and spacing of the chat view, derived once from the widget's font and palette
// and shared by every message layout (a font or palette change rebuilds it and the layouts).
struct ChatStyle
{
    QFont font;
    QFont bold;
    QFont small;
    QFont reasoning;
    QFont mono;
    QColor text;
    QColor dim;
    QColor link;
    QColor error;
    QColor userBackground;
    QColor codeBackground;
    QColor buttonHover;
    QColor buttonActive;
    QColor background;
    int lineHeight = 0; // of font, bold and small
    int boldHeight = 0;
    int smallHeight = 0;
    int averageCharWidth = 0;
    int padX = 14;
    int padY = 8;
    int gap = 4;

    static ChatStyle fromWidget(const QWidget* widget);
};

} // namespace adminchat

#include "ChatStyle.h"

#include <QFontDatabase>
#include <QFontMetrics>
#include <QPalette>
#include <QWidget>

namespace adminchat {

namespace {

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

ChatStyle ChatStyle::fromWidget(const QWidget* widget)
{
    ChatStyle s;
    s.font = widget->font();
    s.bold = s.font;
    s.bold.setBold(true);
    s.small = s.font;
    if (s.font.pointSizeF() > 0)
        s.small.setPointSizeF(s.font.pointSizeF() * 0.85);
    else
        s.small.setPixelSize(qMax(8, s.font.pixelSize() * 85 / 100));
    s.reasoning = s.font;
    s.reasoning.setItalic(true);
    s.mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (s.font.pointSizeF() > 0)
        s.mono.setPointSizeF(s.font.pointSizeF() * 0.95);

    s.lineHeight = QFontMetrics(s.font).lineSpacing();
    s.boldHeight = QFontMetrics(s.bold).lineSpacing();
    s.smallHeight = QFontMetrics(s.small).lineSpacing();
    s.averageCharWidth = qMax(1, QFontMetrics(s.font).averageCharWidth());

    const QPalette pal = widget->palette();
    s.background = pal.color(QPalette::Base);
    s.text = pal.color(QPalette::Text);
    s.dim = pal.color(QPalette::PlaceholderText);
    s.link = pal.color(QPalette::Link);
    s.error = QColor(0xc6, 0x28, 0x28);
    s.userBackground = mix(s.background, s.link, 0.07);
    s.codeBackground = mix(s.background, s.text, 0.06);
    s.buttonHover = mix(s.background, s.text, 0.12);
    s.buttonActive = mix(s.background, s.link, 0.25);
    return s;
}

} // namespace adminchat

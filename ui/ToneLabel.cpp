#include "ToneLabel.h"

#include <QEvent>

namespace adminchat {

ToneLabel::ToneLabel(QWidget* parent, Tone tone) : QLabel(parent), m_tone(tone)
{
    applyTone();
}

void ToneLabel::setTone(Tone tone)
{
    if (tone == m_tone)
        return;
    m_tone = tone;
    applyTone();
}

QColor ToneLabel::color(Tone tone, const QPalette& palette)
{
    // From the background: the text colour may be this label's own.
    const bool dark = palette.color(QPalette::Window).lightness() < 128;
    switch (tone) {
    case Tone::Normal:
        break;
    case Tone::Warning:
        return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0x9a, 0x55, 0x00);
    case Tone::Error:
        return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xc6, 0x28, 0x28);
    }
    return palette.color(QPalette::WindowText);
}

void ToneLabel::changeEvent(QEvent* event)
{
    QLabel::changeEvent(event);
    // Another theme: the inherited roles changed, the text colour set here did not.
    if (event->type() == QEvent::PaletteChange)
        applyTone();
}

void ToneLabel::applyTone()
{
    if (m_tone == Tone::Normal) {
        if (testAttribute(Qt::WA_SetPalette))
            setPalette(QPalette()); // inherit again
        return;
    }
    const QColor wanted = color(m_tone, palette());
    if (palette().color(QPalette::WindowText) == wanted)
        return; // set already; also ends the PaletteChange this setPalette sends
    QPalette tinted = palette();
    tinted.setColor(QPalette::WindowText, wanted);
    setPalette(tinted);
}

} // namespace adminchat

#pragma once

#include "settings/AppSettings.h"

#include <QColor>
#include <QPalette>

namespace adminchat {

// The application's colours. System follows the platform (its style and palette, and their
// changes); Light and Dark force a palette on the Fusion style, which draws everything from it.
// Widgets never hard-code a background: they read the palette when they paint, or re-read it on
// QEvent::PaletteChange, so a theme switch needs no restart.
class ShellTheme
{
public:
    static void apply(ThemeChoice theme);
    static ThemeChoice current();

    static QPalette lightPalette();
    static QPalette darkPalette();
    // True when text is lighter than its background, whatever chose the palette.
    static bool isDark(const QPalette& palette);
    // A colour between a and b; amount 0 is a, 1 is b.
    static QColor mix(const QColor& a, const QColor& b, double amount);
};

} // namespace adminchat

#include "ShellTheme.h"

#include <QApplication>
#include <QLoggingCategory>
#include <QStyle>
#include <QStyleFactory>

Q_LOGGING_CATEGORY(lcTheme, "adminchat.theme", QtInfoMsg)

namespace adminchat {

namespace {

ThemeChoice g_current = ThemeChoice::System;
bool g_forced = false;   // a light or dark palette was applied in this process
QString g_platformStyle; // the style the platform chose, restored when following it again

} // namespace

void ShellTheme::apply(ThemeChoice theme)
{
    auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
    if (!app)
        return;
    if (g_platformStyle.isEmpty())
        g_platformStyle = app->style()->name();
    g_current = theme;
    if (theme == ThemeChoice::System && !g_forced)
        return; // nothing to undo: the platform's style and palette are in place
    g_forced = g_forced || theme != ThemeChoice::System;
    const QString style = theme == ThemeChoice::System ? g_platformStyle : QStringLiteral("fusion");
    if (app->style()->name().compare(style, Qt::CaseInsensitive) != 0)
        app->setStyle(QStyleFactory::create(style));
    // An empty palette (no role set) resolves against the platform's, and keeps doing so when
    // the desktop switches between light and dark.
    app->setPalette(theme == ThemeChoice::Dark    ? darkPalette()
                    : theme == ThemeChoice::Light ? lightPalette()
                                                  : QPalette());
    qCDebug(lcTheme) << "theme" << AppSettings::themeName(theme) << "style" << style;
}

ThemeChoice ShellTheme::current()
{
    return g_current;
}

QPalette ShellTheme::lightPalette()
{
    QPalette palette(QColor(0xef, 0xef, 0xef), QColor(0xf7, 0xf7, 0xf7));
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
    palette.setColor(QPalette::Text, Qt::black);
    palette.setColor(QPalette::WindowText, Qt::black);
    palette.setColor(QPalette::ButtonText, Qt::black);
    palette.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xdc));
    palette.setColor(QPalette::ToolTipText, Qt::black);
    palette.setColor(QPalette::PlaceholderText, QColor(0x6e, 0x6e, 0x6e));
    palette.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x15, 0x65, 0xc0));
    palette.setColor(QPalette::LinkVisited, QColor(0x6a, 0x1b, 0x9a));
    for (auto role : {QPalette::Text, QPalette::WindowText, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, QColor(0x9e, 0x9e, 0x9e));
    return palette;
}

QPalette ShellTheme::darkPalette()
{
    const QColor window(0x2d, 0x2d, 0x30);
    const QColor base(0x1e, 0x1e, 0x20);
    const QColor text(0xe8, 0xe8, 0xe8);
    QPalette palette(window, window);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3d));
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(0x27, 0x27, 0x2a));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::white);
    palette.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3d));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0xa0));
    palette.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4e));
    palette.setColor(QPalette::Midlight, QColor(0x3e, 0x3e, 0x42));
    palette.setColor(QPalette::Mid, QColor(0x55, 0x55, 0x5a));
    palette.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1c));
    palette.setColor(QPalette::Shadow, Qt::black);
    palette.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xd6));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x64, 0xb5, 0xf6));
    palette.setColor(QPalette::LinkVisited, QColor(0xce, 0x93, 0xd8));
    for (auto role : {QPalette::Text, QPalette::WindowText, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, QColor(0x80, 0x80, 0x84));
    palette.setColor(QPalette::Disabled, QPalette::Base, window);
    return palette;
}

bool ShellTheme::isDark(const QPalette& palette)
{
    return palette.color(QPalette::WindowText).lightness() >
           palette.color(QPalette::Window).lightness();
}

QColor ShellTheme::mix(const QColor& a, const QColor& b, double amount)
{
    const double keep = 1.0 - amount;
    return QColor::fromRgbF(float(a.redF() * keep + b.redF() * amount),
                            float(a.greenF() * keep + b.greenF() * amount),
                            float(a.blueF() * keep + b.blueF() * amount));
}

} // namespace adminchat

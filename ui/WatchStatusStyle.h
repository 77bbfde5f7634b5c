#pragma once

#include "watch/WatchState.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace adminchat {

// How the window shows a watch status: its words, its colour (the dashboard's category
// colours: green up, amber degraded, red down, grey unknown) and a round badge of that colour
// for tables and the tray.
class WatchStatusStyle
{
public:
    static QString label(WatchState state); // "Up", "Degraded", ...
    static QColor color(WatchState state);
    static QIcon badge(WatchState state);
};

} // namespace adminchat

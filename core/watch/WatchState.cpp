#include "watch/WatchState.h"

namespace adminchat {

QString watchStateName(WatchState state)
{
    switch (state) {
    case WatchState::Unknown:
        return QStringLiteral("unknown");
    case WatchState::Up:
        return QStringLiteral("up");
    case WatchState::Degraded:
        return QStringLiteral("degraded");
    case WatchState::Down:
        return QStringLiteral("down");
    case WatchState::KeyRejected:
        return QStringLiteral("key_rejected");
    }
    return QStringLiteral("unknown");
}

std::optional<WatchState> watchStateFromName(const QString& name)
{
    for (const WatchState state : {WatchState::Unknown, WatchState::Up, WatchState::Degraded,
                                   WatchState::Down, WatchState::KeyRejected}) {
        if (watchStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

bool isIncidentState(WatchState state)
{
    return state == WatchState::Degraded || state == WatchState::Down ||
           state == WatchState::KeyRejected;
}

} // namespace adminchat

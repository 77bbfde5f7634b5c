#pragma once

#include <QString>
#include <optional>

namespace adminchat {

// The status of a watched endpoint and model. KeyRejected is apart from Down: the endpoint
// answers, but refuses the key (HTTP 401/403), which no waiting fixes.
enum class WatchState
{
    Unknown,
    Up,
    Degraded,
    Down,
    KeyRejected,
};

// "unknown", "up", "degraded", "down", "key_rejected": the database's, JSON's and the command
// line's spelling.
QString watchStateName(WatchState state);
std::optional<WatchState> watchStateFromName(const QString& name);
// Degraded, Down and KeyRejected: the states an incident covers.
bool isIncidentState(WatchState state);

} // namespace adminchat

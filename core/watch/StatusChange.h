#pragma once

#include "watch/ProbeResult.h"
#include "watch/WatchState.h"

#include <QList>
#include <QString>

namespace adminchat {

// A watched endpoint and model moved from one status to another: what opens or closes an
// incident, and what the alert rules look at.
struct StatusChange
{
    QString profile;
    QString endpointId;
    QString model;
    WatchState from = WatchState::Unknown;
    WatchState to = WatchState::Unknown;
    QString cause;      // one line: why it is in `to` now
    qint64 atMs = 0;    // the probe that decided it (UTC ms)
    qint64 sinceMs = 0; // the first probe of the streak that led here (the incident's start)
    QList<ProbeResult> evidence; // that streak's probes, oldest first
};

} // namespace adminchat

#pragma once

#include "endpoints/ProbeSettings.h"
#include "net/EndpointConfig.h"

#include <QString>

namespace adminchat {

// One endpoint and model to watch, ready to probe: the profile's name, its resolved endpoint
// (key included) and its probe settings.
struct WatchTarget
{
    QString profile;
    EndpointConfig endpoint;
    QString model;
    ProbeSettings settings;
};

} // namespace adminchat

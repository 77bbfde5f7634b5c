#pragma once

#include "OtlpOptions.h"
#include "PushOptions.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace adminchat {

// `adminchat watch`'s command line.
struct WatchOptions
{
    QStringList profiles;             // empty: every saved profile with probing on
    std::optional<int> intervalS;     // overrides each profile's interval
    std::optional<qint64> durationMs; // stop after this long; none: until a signal
    bool once = false;
    bool json = false;
    QString onAlert;                       // run with each alert's JSON on stdin
    std::optional<qint64> alertCooldownMs; // none: the settings' (alerts/cooldownS)
    bool notify = false;                   // desktop notifications on the session bus
    OtlpOptions otlp;
    PushOptions push;

    static const char* const helpText;

    // nullopt with a one-line *error (exit 2), or with *help set for --help (exit 0).
    static std::optional<WatchOptions> parse(const QStringList& arguments, QString* error,
                                             QString* help);
};

} // namespace adminchat

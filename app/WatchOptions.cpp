#include "WatchOptions.h"

#include "CommandLine.h"

#include <QCommandLineParser>

namespace adminchat {

const char* const WatchOptions::helpText = R"(Usage: adminchat watch [--profile NAME]... [OPTIONS]

Watches endpoints without a window: each profile is probed at its interval with a short real
chat request (recorded like any request, with the tag "probe"), its answer checked, and its
status kept per model: up, degraded (slow, rate limited, content check failing, another model
answering), down (several failed probes in a row), key_rejected (HTTP 401/403) or unknown.
Status changes open and close incidents in the same database as the window. Probe settings are
a profile's (see `adminchat profile probe --help`); without --profile every profile with
probing on is watched. A profile another watcher (another `watch`, the window) already holds
is not probed twice: its stored status is shown instead.

Options:
  --profile NAME       Watch this profile (repeatable; saved, Environment or Demo).
  --interval S         Seconds between probes for every profile (overrides theirs).
  --duration S         Stop after S seconds (default: until SIGINT or SIGTERM).
  --once               Probe every profile and model once, then stop.
  --json               One JSON object per line: {"type": "probe", "profile", "model",
                       "ok", "outcome", "ttft_ms", "e2e_ms", "error", ...},
                       {"type": "status", "profile", "model", "from", "to", "cause", ...}
                       or {"type": "alert", "rule", "profile", "model", "message", "at"}.
  --on-alert CMD       Run CMD with /bin/sh -c for each alert, the alert's JSON object on
                       its stdin (nothing of the alert goes into the command line); its
                       output is discarded, its errors go to stderr. At most 4 run at once.
  --alert-cooldown S   Seconds one rule stays quiet for one endpoint after it spoke
                       (default: the setting alerts/cooldownS, 900).
  --notify             Also show each alert (and its resolution) as a desktop notification
                       through the session bus's notification server
                       (org.freedesktop.Notifications); without one, a warning and the
                       watch goes on.
%PUSH%  -h, --help           Show this help.

Alert rules: down, degraded, key_rejected (on the status change), content_check (a probe's
answer failed the content check), budget (the profile's daily probe token budget is used up;
probing pauses until 00:00 UTC), degraded_for (degraded for 10 minutes without a break),
ttft_p95 (TTFT P95 of the last 10 minutes' probes over 3000 ms), e2e_p95 (E2E P95 of the last
10 minutes over 10000 ms), error_rate (20 % or more of the last 5 minutes' probes failed, at
least 3). Each alert is followed by one with "resolved": true when its condition ends; latency
and error rate clear below 90 % of their threshold. Thresholds: the settings group [alerts],
overridden per profile with `adminchat profile probe NAME --alert-...`.

Exit status:
  0  stopped by SIGINT or SIGTERM, or ended (--once, --duration) with every endpoint up
  1  ended (--once, --duration) with an endpoint not up (degraded, down, key_rejected or
     unknown)
  2  bad usage: an unknown option or profile, no profile to watch, no model to probe
  3  could not go on: the database could not be opened or written, or a profile's key could
     not be read
)";

std::optional<WatchOptions> WatchOptions::parse(const QStringList& arguments, QString* error,
                                                QString* help)
{
    QCommandLineParser parser;
    parser.addOptions({
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Help.")},
        {QStringLiteral("profile"), QStringLiteral("Profile."), QStringLiteral("NAME")},
        {QStringLiteral("interval"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("duration"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("once"), QStringLiteral("Once.")},
        {QStringLiteral("json"), QStringLiteral("JSON.")},
        {QStringLiteral("on-alert"), QStringLiteral("Command."), QStringLiteral("CMD")},
        {QStringLiteral("alert-cooldown"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("notify"), QStringLiteral("Notify.")},
    });
    parser.addOptions(OtlpOptions::commandLineOptions());
    parser.addOptions(PushOptions::commandLineOptions(QStringLiteral("adminchat_watch")));
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        *help =
            QString::fromUtf8(helpText)
                .replace(
                    QStringLiteral("%PUSH%"),
                    QString::fromUtf8(PushOptions::helpText).arg(QStringLiteral("adminchat_watch")))
                .replace(QStringLiteral("  -h, --help"), OtlpOptions::helpText() + "  -h, --help");
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument \"%1\"; see --help")
                     .arg(parser.positionalArguments().first());
        return std::nullopt;
    }
    WatchOptions options;
    if (const auto otlp = OtlpOptions::read(parser, error))
        options.otlp = *otlp;
    else
        return std::nullopt;
    options.profiles = parser.values(QStringLiteral("profile"));
    std::optional<qint64> interval;
    if (!integerOption(parser, QStringLiteral("interval"), 1, 86'400, interval, error))
        return std::nullopt;
    if (interval)
        options.intervalS = int(*interval);
    std::optional<double> duration, cooldown;
    if (!numberOption(parser, QStringLiteral("duration"), 0.001, 365.0 * 86'400, duration, error) ||
        !numberOption(parser, QStringLiteral("alert-cooldown"), 0, 30.0 * 86'400, cooldown, error))
        return std::nullopt;
    if (duration)
        options.durationMs = qint64(*duration * 1000);
    if (cooldown)
        options.alertCooldownMs = qint64(*cooldown * 1000);
    options.once = parser.isSet(QStringLiteral("once"));
    if (options.once && options.durationMs) {
        *error = QStringLiteral("--once and --duration contradict each other");
        return std::nullopt;
    }
    options.json = parser.isSet(QStringLiteral("json"));
    if (!PushOptions::parse(parser, QStringLiteral("adminchat_watch"), &options.push, error))
        return std::nullopt;
    options.notify = parser.isSet(QStringLiteral("notify"));
    options.onAlert = parser.value(QStringLiteral("on-alert"));
    if (parser.isSet(QStringLiteral("on-alert")) && options.onAlert.trimmed().isEmpty()) {
        *error = QStringLiteral("--on-alert needs a command");
        return std::nullopt;
    }
    return options;
}

} // namespace adminchat

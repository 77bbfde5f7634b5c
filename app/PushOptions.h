#pragma once

#include "telemetry/PushTarget.h"

#include <QCommandLineOption>
#include <QList>
#include <optional>
#include <vector>

class QCommandLineParser;

namespace adminchat {

// The options `adminchat bench` and `adminchat watch` share for pushing their metrics to a
// Prometheus Pushgateway or a VictoriaMetrics-style import endpoint.
struct PushOptions
{
    std::vector<PushTarget> targets; // empty: nothing is pushed
    std::optional<int> intervalMs;   // --push-interval

    static QList<QCommandLineOption> commandLineOptions(const QString& defaultJob);
    // The options' help, for commands that write their help by hand.
    static const char* const helpText;
    // defaultJob: the job label when --push-job is absent. False with a one-line *error.
    static bool parse(const QCommandLineParser& parser, const QString& defaultJob,
                      PushOptions* options, QString* error);
};

} // namespace adminchat

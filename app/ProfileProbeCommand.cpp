#include "ProfileProbeCommand.h"

#include "CommandLine.h"
#include "endpoints/ProfileStore.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace adminchat {

namespace {

const char* const probeHelp = R"(Usage: adminchat profile probe NAME [OPTIONS]

Shows and edits how `adminchat watch` probes the saved profile NAME: a short real chat request
at an interval, whose answer is checked. Without options it prints the settings. Probing is off
until --enable.

Options:
  --enable                 Watch this profile (`adminchat watch` without --profile).
  --disable                Stop watching it.
  --interval S             Seconds between probes, 1 to 86400 (default 60; each waits +-10%).
  --prompt TEXT            Probe prompt, repeatable: several are sent in turn (replaces the
                           stored ones; default "Reply with the word OK.").
  --max-tokens N           max_tokens of a probe (default 16).
  --timeout S              Limit for a whole probe in seconds (default 30).
  --expect TEXT            Content check: the answer must contain TEXT (any case).
  --expect-regex RE        Content check: the answer must match the regular expression RE.
  --no-expect              No content check.
  --daily-token-budget N   Prompt and output tokens the probes may use per UTC day; when they
                           are used up probing pauses until the next day (0: no limit).
  --model M                Model to probe, repeatable (replaces the stored ones; default the
                           profile's default model).
  --latency-threshold MS   Time to first token above which a probe is slow (default 3000).
  --failures N             Consecutive failed probes before the endpoint is down (default 3).
  --alert-degraded-minutes N
                           Alert when degraded this long without a break (default 10).
  --alert-ttft-p95 MS      Alert when the TTFT P95 of the probes of the last
                           --alert-ttft-minutes (default 10) is over MS (default 3000).
  --alert-ttft-minutes N
  --alert-e2e-p95 MS       The same for E2E (defaults 10000 ms over 10 minutes).
  --alert-e2e-minutes N
  --alert-error-rate PCT   Alert when PCT % of the probes of the last --alert-error-minutes
                           (default 5) failed, at least 3 (default 20).
  --alert-error-minutes N
  --alert-defaults         Forget this profile's alert thresholds: the application's apply
                           (the [alerts] group of the settings file).
                           Each --alert-... value overrides the application's for this profile;
                           0 turns that rule off.
  --json                   Print the settings as one JSON object.
  -h, --help               Show this help.
)";

int usageError(const QString& message)
{
    writeErr(QStringLiteral("adminchat profile probe: %1\n").arg(message));
    return 2;
}

struct AlertOption
{
    const char* name;
    const char* json;
    std::optional<int> AlertOverrides::*value;
    int maximum;
};

const AlertOption alertOptions[] = {
    {"alert-degraded-minutes", "degraded_for_minutes", &AlertOverrides::degradedForMinutes,
     AlertThresholds::maxMinutes},
    {"alert-ttft-p95", "ttft_p95_ms", &AlertOverrides::ttftP95Ms, AlertThresholds::maxMs},
    {"alert-ttft-minutes", "ttft_for_minutes", &AlertOverrides::ttftForMinutes,
     AlertThresholds::maxMinutes},
    {"alert-e2e-p95", "e2e_p95_ms", &AlertOverrides::e2eP95Ms, AlertThresholds::maxMs},
    {"alert-e2e-minutes", "e2e_for_minutes", &AlertOverrides::e2eForMinutes,
     AlertThresholds::maxMinutes},
    {"alert-error-rate", "error_rate_percent", &AlertOverrides::errorRatePercent, 100},
    {"alert-error-minutes", "error_rate_for_minutes", &AlertOverrides::errorRateForMinutes,
     AlertThresholds::maxMinutes},
};

// Only the profile's own thresholds: the others follow the application's settings.
QJsonObject alertsJson(const AlertOverrides& alerts)
{
    QJsonObject json;
    for (const AlertOption& option : alertOptions) {
        if (const auto value = alerts.*option.value)
            json.insert(QLatin1String(option.json), *value);
    }
    return json;
}

QJsonObject toJson(const EndpointProfile& profile)
{
    const ProbeSettings& probe = profile.probe;
    return {
        {QStringLiteral("profile"), profile.name},
        {QStringLiteral("enabled"), probe.enabled},
        {QStringLiteral("interval_s"), probe.intervalS},
        {QStringLiteral("prompts"), QJsonArray::fromStringList(probe.effectivePrompts())},
        {QStringLiteral("max_tokens"), probe.maxTokens},
        {QStringLiteral("timeout_s"), probe.timeoutS},
        {QStringLiteral("expect"),
         probe.expect.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(probe.expect)},
        {QStringLiteral("expect_regex"), probe.expectRegex},
        {QStringLiteral("daily_token_budget"), probe.dailyTokenBudget},
        {QStringLiteral("models"),
         QJsonArray::fromStringList(probe.models.isEmpty() && !profile.defaultModel.isEmpty()
                                        ? QStringList{profile.defaultModel}
                                        : probe.models)},
        {QStringLiteral("latency_threshold_ms"), probe.latencyThresholdMs},
        {QStringLiteral("failures_for_down"), probe.failuresForDown},
        {QStringLiteral("alerts"), alertsJson(probe.alerts)},
    };
}

QString toText(const EndpointProfile& profile)
{
    const ProbeSettings& probe = profile.probe;
    const QString check =
        probe.expect.isEmpty()
            ? QStringLiteral("none")
            : QStringLiteral("%1 \"%2\"")
                  .arg(probe.expectRegex ? QStringLiteral("matches") : QStringLiteral("contains"),
                       probe.expect);
    const QStringList models =
        probe.models.isEmpty()
            ? QStringList{profile.defaultModel.isEmpty() ? QStringLiteral("(the endpoint's first)")
                                                         : profile.defaultModel}
            : probe.models;
    return QStringLiteral("Probe of \"%1\": %2\n"
                          "  interval      %3 s\n"
                          "  models        %4\n"
                          "  prompts       %5\n"
                          "  max tokens    %6\n"
                          "  timeout       %7 s\n"
                          "  content check %8\n"
                          "  token budget  %9\n"
                          "  slow above    %10 ms to first token\n"
                          "  down after    %11 failed probes\n"
                          "  alerts        %12\n")
        .arg(profile.name, probe.enabled ? QStringLiteral("on") : QStringLiteral("off"))
        .arg(probe.intervalS)
        .arg(models.join(QStringLiteral(", ")),
             probe.effectivePrompts().join(QStringLiteral(" | ")))
        .arg(probe.maxTokens)
        .arg(probe.timeoutS)
        .arg(check, probe.dailyTokenBudget > 0
                        ? QStringLiteral("%1 tokens a day").arg(probe.dailyTokenBudget)
                        : QStringLiteral("none"))
        .arg(probe.latencyThresholdMs)
        .arg(probe.failuresForDown)
        .arg(probe.alerts.isEmpty()
                 ? QStringLiteral("the application's thresholds")
                 : QString::fromUtf8(
                       QJsonDocument(alertsJson(probe.alerts)).toJson(QJsonDocument::Compact)));
}

} // namespace

int runProfileProbeCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addOptions({
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Help.")},
        {QStringLiteral("enable"), QStringLiteral("On.")},
        {QStringLiteral("disable"), QStringLiteral("Off.")},
        {QStringLiteral("interval"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("prompt"), QStringLiteral("Prompt."), QStringLiteral("TEXT")},
        {QStringLiteral("max-tokens"), QStringLiteral("Tokens."), QStringLiteral("N")},
        {QStringLiteral("timeout"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("expect"), QStringLiteral("Substring."), QStringLiteral("TEXT")},
        {QStringLiteral("expect-regex"), QStringLiteral("Expression."), QStringLiteral("RE")},
        {QStringLiteral("no-expect"), QStringLiteral("No check.")},
        {QStringLiteral("daily-token-budget"), QStringLiteral("Tokens."), QStringLiteral("N")},
        {QStringLiteral("model"), QStringLiteral("Model."), QStringLiteral("M")},
        {QStringLiteral("latency-threshold"), QStringLiteral("Ms."), QStringLiteral("MS")},
        {QStringLiteral("failures"), QStringLiteral("Count."), QStringLiteral("N")},
        {QStringLiteral("json"), QStringLiteral("JSON.")},
        {QStringLiteral("alert-defaults"), QStringLiteral("Defaults.")},
    });
    for (const AlertOption& option : alertOptions)
        parser.addOption(
            {QLatin1String(option.name), QStringLiteral("Value."), QStringLiteral("N")});
    QStringList parsed = arguments;
    parsed.removeAt(1);
    if (!parser.parse(parsed))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        writeOut(QString::fromUtf8(probeHelp));
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(QStringLiteral("one profile name expected; see --help"));
    if (parser.isSet(QStringLiteral("enable")) && parser.isSet(QStringLiteral("disable")))
        return usageError(QStringLiteral("--enable and --disable contradict each other"));
    const int checks = int(parser.isSet(QStringLiteral("expect"))) +
                       int(parser.isSet(QStringLiteral("expect-regex"))) +
                       int(parser.isSet(QStringLiteral("no-expect")));
    if (checks > 1)
        return usageError(QStringLiteral("give one of --expect, --expect-regex and --no-expect"));

    ProfileStore store;
    std::optional<EndpointProfile> profile = store.find(positional.first());
    if (!profile) {
        writeErr(QStringLiteral("adminchat profile probe: no saved profile named \"%1\"\n")
                     .arg(positional.first()));
        return 1;
    }
    ProbeSettings& probe = profile->probe;
    const ProbeSettings before = probe;
    if (parser.isSet(QStringLiteral("enable")))
        probe.enabled = true;
    if (parser.isSet(QStringLiteral("disable")))
        probe.enabled = false;
    QString error;
    std::optional<qint64> value;
    const auto integer = [&](const QString& name, qint64 min, qint64 max, auto& into) {
        value.reset();
        if (!integerOption(parser, name, min, max, value, &error))
            return false;
        if (value)
            into = std::remove_reference_t<decltype(into)>(*value);
        return true;
    };
    if (!integer(QStringLiteral("interval"), ProbeSettings::minIntervalS,
                 ProbeSettings::maxIntervalS, probe.intervalS) ||
        !integer(QStringLiteral("max-tokens"), 1, 1'000'000, probe.maxTokens) ||
        !integer(QStringLiteral("timeout"), 1, 86'400, probe.timeoutS) ||
        !integer(QStringLiteral("daily-token-budget"), 0, qint64(1) << 50,
                 probe.dailyTokenBudget) ||
        !integer(QStringLiteral("latency-threshold"), 1, 3'600'000, probe.latencyThresholdMs) ||
        !integer(QStringLiteral("failures"), 1, 1000, probe.failuresForDown))
        return usageError(error);
    if (parser.isSet(QStringLiteral("alert-defaults")))
        probe.alerts = {};
    for (const AlertOption& option : alertOptions) {
        value.reset();
        if (!integerOption(parser, QLatin1String(option.name), 0, option.maximum, value, &error))
            return usageError(error);
        if (value)
            probe.alerts.*option.value = int(*value);
    }
    if (parser.isSet(QStringLiteral("prompt")))
        probe.prompts = parser.values(QStringLiteral("prompt"));
    if (parser.isSet(QStringLiteral("model"))) {
        probe.models.clear();
        for (const QString& model : parser.values(QStringLiteral("model"))) {
            if (!model.trimmed().isEmpty())
                probe.models << model.trimmed();
        }
    }
    if (parser.isSet(QStringLiteral("expect"))) {
        probe.expect = parser.value(QStringLiteral("expect"));
        probe.expectRegex = false;
    } else if (parser.isSet(QStringLiteral("expect-regex"))) {
        probe.expect = parser.value(QStringLiteral("expect-regex"));
        probe.expectRegex = true;
    } else if (parser.isSet(QStringLiteral("no-expect"))) {
        probe.expect.clear();
        probe.expectRegex = false;
    }
    if (const QString problem = probe.validationError(); !problem.isEmpty())
        return usageError(problem);
    if (probe != before && !store.save(*profile, &error)) {
        writeErr(QStringLiteral("adminchat profile probe: %1\n").arg(error));
        return 1;
    }
    if (parser.isSet(QStringLiteral("json")))
        writeOut(QJsonDocument(toJson(*profile)).toJson(QJsonDocument::Compact) + '\n');
    else
        writeOut(toText(*profile));
    return 0;
}

} // namespace adminchat

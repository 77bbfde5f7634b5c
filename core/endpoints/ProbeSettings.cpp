#include "endpoints/ProbeSettings.h"

#include <QRegularExpression>
#include <QSettings>
#include <limits>

namespace adminchat {

namespace {

const QString enabledKey = QStringLiteral("probeEnabled");
const QString intervalKey = QStringLiteral("probeIntervalS");
const QString promptsKey = QStringLiteral("probePrompts");
const QString maxTokensKey = QStringLiteral("probeMaxTokens");
const QString timeoutKey = QStringLiteral("probeTimeoutS");
const QString expectKey = QStringLiteral("probeExpect");
const QString expectRegexKey = QStringLiteral("probeExpectRegex");
const QString budgetKey = QStringLiteral("probeDailyTokenBudget");
const QString modelsKey = QStringLiteral("probeModels");
const QString latencyKey = QStringLiteral("probeLatencyThresholdMs");
const QString failuresKey = QStringLiteral("probeFailuresForDown");
const QString alertPrefix = QStringLiteral("probeAlert"); // probeAlertTtftP95Ms, ...

qint64 number(const QSettings& settings, const QString& key, qint64 fallback, qint64 minimum,
              qint64 maximum)
{
    bool ok = false;
    const qint64 value = settings.value(key).toLongLong(&ok);
    return ok && value >= minimum && value <= maximum ? value : fallback;
}

} // namespace

QStringList ProbeSettings::effectivePrompts() const
{
    QStringList result;
    for (const QString& prompt : prompts) {
        if (!prompt.trimmed().isEmpty())
            result << prompt;
    }
    return result.isEmpty() ? QStringList{defaultPrompt} : result;
}

QString ProbeSettings::validationError() const
{
    if (intervalS < minIntervalS || intervalS > maxIntervalS)
        return QStringLiteral("the probe interval must be %1 to %2 seconds")
            .arg(minIntervalS)
            .arg(maxIntervalS);
    if (maxTokens < 1)
        return QStringLiteral("the probe's max tokens must be at least 1");
    if (timeoutS < 1)
        return QStringLiteral("the probe timeout must be at least 1 second");
    if (dailyTokenBudget < 0)
        return QStringLiteral("the daily token budget must not be negative");
    if (latencyThresholdMs < 1)
        return QStringLiteral("the latency threshold must be at least 1 ms");
    if (failuresForDown < 1)
        return QStringLiteral("the failures before down must be at least 1");
    if (expectRegex) {
        const QRegularExpression expression(expect);
        if (!expression.isValid())
            return QStringLiteral("the content check is not a valid regular expression: %1")
                .arg(expression.errorString());
    }
    return {};
}

bool ProbeSettings::contentMatches(const QString& text) const
{
    if (expect.isEmpty())
        return true;
    if (!expectRegex)
        return text.contains(expect, Qt::CaseInsensitive);
    const QRegularExpression expression(expect);
    return expression.isValid() && expression.match(text).hasMatch();
}

ProbeSettings ProbeSettings::read(const QSettings& settings)
{
    const ProbeSettings defaults;
    ProbeSettings probe;
    probe.enabled = settings.value(enabledKey, false).toBool();
    probe.intervalS =
        int(number(settings, intervalKey, defaults.intervalS, minIntervalS, maxIntervalS));
    probe.prompts = settings.value(promptsKey).toStringList();
    probe.maxTokens = int(number(settings, maxTokensKey, defaults.maxTokens, 1, 1'000'000));
    probe.timeoutS = int(number(settings, timeoutKey, defaults.timeoutS, 1, 86'400));
    probe.expect = settings.value(expectKey).toString();
    probe.expectRegex = settings.value(expectRegexKey, false).toBool();
    probe.dailyTokenBudget = number(settings, budgetKey, defaults.dailyTokenBudget, 0,
                                    std::numeric_limits<qint64>::max());
    probe.models = settings.value(modelsKey).toStringList();
    probe.latencyThresholdMs =
        int(number(settings, latencyKey, defaults.latencyThresholdMs, 1, 3'600'000));
    probe.failuresForDown = int(number(settings, failuresKey, defaults.failuresForDown, 1, 1000));
    probe.alerts = AlertThresholds::readOverrides(settings, alertPrefix);
    return probe;
}

void ProbeSettings::write(QSettings& settings) const
{
    const ProbeSettings defaults;
    const auto put = [&settings](const QString& key, const QVariant& value, bool isDefault) {
        if (isDefault)
            settings.remove(key);
        else
            settings.setValue(key, value);
    };
    put(enabledKey, enabled, enabled == defaults.enabled);
    put(intervalKey, intervalS, intervalS == defaults.intervalS);
    put(promptsKey, prompts, prompts.isEmpty()); // an empty list would read "@Invalid()"
    put(maxTokensKey, maxTokens, maxTokens == defaults.maxTokens);
    put(timeoutKey, timeoutS, timeoutS == defaults.timeoutS);
    put(expectKey, expect, expect.isEmpty());
    put(expectRegexKey, expectRegex, expectRegex == defaults.expectRegex);
    put(budgetKey, dailyTokenBudget, dailyTokenBudget == defaults.dailyTokenBudget);
    put(modelsKey, models, models.isEmpty());
    put(latencyKey, latencyThresholdMs, latencyThresholdMs == defaults.latencyThresholdMs);
    put(failuresKey, failuresForDown, failuresForDown == defaults.failuresForDown);
    AlertThresholds::writeOverrides(alerts, settings, alertPrefix);
}

} // namespace adminchat

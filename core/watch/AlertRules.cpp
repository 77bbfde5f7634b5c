#include "watch/AlertRules.h"

#include <QDateTime>
#include <algorithm>

namespace adminchat {

namespace {

constexpr qint64 minuteMs = 60'000;

QString targetKey(const QString& profile, const QString& model)
{
    return profile + QChar(0) + model;
}

QString targetName(const QString& profile, const QString& model)
{
    return model.isEmpty() ? profile : QStringLiteral("%1 (%2)").arg(profile, model);
}

QString ms(double value)
{
    return QString::number(qRound64(value));
}

// An alert about a probe's target, pointing at that probe as its evidence.
Alert probeAlert(const ProbeResult& probe, const QString& rule, const QString& message)
{
    Alert alert;
    alert.rule = rule;
    alert.profile = probe.profile;
    alert.model = probe.model;
    alert.atMs = probe.startedMs;
    alert.endpointId = probe.endpointId;
    alert.requestUid = probe.requestUid;
    alert.message = message;
    return alert;
}

void append(QList<Alert>& out, std::optional<Alert> alert)
{
    if (alert)
        out << *alert;
}

} // namespace

QString Alert::key() const
{
    return rule + QChar(0) + profile + QChar(0) + model;
}

bool Alert::isCritical() const
{
    return !resolved && (rule == QLatin1String("down") || rule == QLatin1String("key_rejected"));
}

QJsonObject Alert::toJson() const
{
    QJsonObject json{
        {QStringLiteral("type"), QStringLiteral("alert")},
        {QStringLiteral("rule"), rule},
        {QStringLiteral("profile"), profile},
        {QStringLiteral("model"), model},
        {QStringLiteral("message"), message},
        {QStringLiteral("at"),
         QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("resolved"), resolved},
    };
    if (!endpointId.isEmpty())
        json.insert(QStringLiteral("endpoint_id"), endpointId);
    if (!requestUid.isEmpty())
        json.insert(QStringLiteral("request_uid"), requestUid);
    return json;
}

AlertRules::AlertRules(qint64 cooldownMs) : m_cooldownMs(cooldownMs) {}

std::optional<Alert> AlertRules::raise(Alert alert)
{
    const QString key = alert.key();
    if (m_active.contains(key))
        return std::nullopt; // still on: said once
    const auto last = m_lastMs.constFind(key);
    if (last != m_lastMs.cend() && alert.atMs - *last < m_cooldownMs)
        return std::nullopt;
    m_lastMs.insert(key, alert.atMs);
    m_active.insert(key, alert);
    return alert;
}

std::optional<Alert> AlertRules::resolve(const QString& rule, const QString& profile,
                                         const QString& model, const QString& message, qint64 atMs)
{
    Alert alert;
    alert.rule = rule;
    alert.profile = profile;
    alert.model = model;
    const auto active = m_active.constFind(alert.key());
    if (active == m_active.cend())
        return std::nullopt; // never fired, or held back by the cooldown: nothing to clear
    alert.endpointId = active->endpointId;
    m_active.erase(active);
    alert.message = message;
    alert.atMs = atMs;
    alert.resolved = true;
    return alert;
}

QList<Alert> AlertRules::onStatusChange(const StatusChange& change)
{
    QList<Alert> out;
    const QString target = targetName(change.profile, change.model);
    const QString now = watchStateName(change.to);
    // What the change ends comes before what it starts.
    for (const auto& [rule, state] :
         {std::pair{QStringLiteral("down"), WatchState::Down},
          std::pair{QStringLiteral("degraded"), WatchState::Degraded},
          std::pair{QStringLiteral("key_rejected"), WatchState::KeyRejected}}) {
        if (change.to != state)
            append(out, resolve(rule, change.profile, change.model,
                                QStringLiteral("%1 is no longer %2: now %3")
                                    .arg(target, watchStateName(state), now),
                                change.atMs));
    }
    const QString key = targetKey(change.profile, change.model);
    if (change.to == WatchState::Degraded) {
        m_degraded.insert(key, {change.sinceMs, change.cause});
    } else {
        m_degraded.remove(key);
        append(out, resolve(QStringLiteral("degraded_for"), change.profile, change.model,
                            QStringLiteral("%1 is no longer degraded: now %2").arg(target, now),
                            change.atMs));
    }

    Alert alert;
    alert.profile = change.profile;
    alert.model = change.model;
    alert.atMs = change.atMs;
    alert.endpointId = change.endpointId;
    alert.requestUid = change.evidence.isEmpty() ? QString() : change.evidence.last().requestUid;
    switch (change.to) {
    case WatchState::Down:
        alert.rule = QStringLiteral("down");
        alert.message = QStringLiteral("%1 is down: %2").arg(target, change.cause);
        break;
    case WatchState::Degraded:
        alert.rule = QStringLiteral("degraded");
        alert.message = QStringLiteral("%1 is degraded: %2").arg(target, change.cause);
        break;
    case WatchState::KeyRejected:
        alert.rule = QStringLiteral("key_rejected");
        alert.message = QStringLiteral("%1: %2").arg(target, change.cause);
        break;
    case WatchState::Up:
    case WatchState::Unknown:
        return out;
    }
    append(out, raise(alert));
    return out;
}

void AlertRules::restore(const QString& profile, const QString& model, WatchState state,
                         qint64 sinceMs, const QString& cause)
{
    if (state == WatchState::Degraded)
        m_degraded.insert(targetKey(profile, model), {sinceMs, cause});
}

QList<Alert> AlertRules::onProbe(const ProbeResult& probe, WatchState state,
                                 const AlertThresholds& thresholds)
{
    QList<Alert> out;
    const QString target = targetName(probe.profile, probe.model);

    // Probing again means the day's budget is there again.
    append(
        out,
        resolve(
            QStringLiteral("budget"), probe.profile, QString(),
            QStringLiteral("%1: probing resumed with a new daily token budget").arg(probe.profile),
            probe.startedMs));

    if (probe.outcome == ProbeOutcome::ContentMismatch) {
        append(out, raise(probeAlert(probe, QStringLiteral("content_check"),
                                     QStringLiteral("%1: %2").arg(target, probe.message))));
    } else if (probe.outcome == ProbeOutcome::Ok || probe.outcome == ProbeOutcome::Slow) {
        append(out, resolve(QStringLiteral("content_check"), probe.profile, probe.model,
                            QStringLiteral("%1: the content check passes again").arg(target),
                            probe.startedMs));
    }

    const auto degraded = m_degraded.constFind(targetKey(probe.profile, probe.model));
    if (state == WatchState::Degraded && degraded != m_degraded.cend() &&
        thresholds.degradedForMinutes > 0 &&
        probe.startedMs - degraded->sinceMs >= thresholds.degradedForMinutes * minuteMs) {
        append(out, raise(probeAlert(probe, QStringLiteral("degraded_for"),
                                     QStringLiteral("%1 has been degraded for %2 min: %3")
                                         .arg(target)
                                         .arg((probe.startedMs - degraded->sinceMs) / minuteMs)
                                         .arg(degraded->cause))));
    }

    windowRules(probe, state, thresholds, out);
    return out;
}

void AlertRules::windowRules(const ProbeResult& probe, WatchState state,
                             const AlertThresholds& thresholds, QList<Alert>& out)
{
    ProbeWindow& window = m_windows[targetKey(probe.profile, probe.model)];
    window.add(probe);
    const int longest = std::max(
        {thresholds.ttftForMinutes, thresholds.e2eForMinutes, thresholds.errorRateForMinutes});
    window.forget(probe.startedMs - longest * minuteMs);

    latencyRule(QStringLiteral("ttft_p95"), QStringLiteral("TTFT"), window, true,
                thresholds.ttftP95Ms, thresholds.ttftForMinutes, probe, out);
    latencyRule(QStringLiteral("e2e_p95"), QStringLiteral("E2E"), window, false,
                thresholds.e2eP95Ms, thresholds.e2eForMinutes, probe, out);

    const int minutes = thresholds.errorRateForMinutes;
    if (thresholds.errorRatePercent <= 0 || minutes <= 0)
        return;
    const ProbeWindow::Stats stats =
        window.over(probe.startedMs - minutes * minuteMs, probe.startedMs);
    ErrorSpike::Thresholds spike;
    spike.minRequests = AlertThresholds::minSamples;
    spike.rateWithoutBase = thresholds.errorRatePercent / 100.0;
    const QString target = targetName(probe.profile, probe.model);
    const QString figures = QStringLiteral("%1 of %2 probes failed (%3%) in the last %4 min")
                                .arg(stats.probes.errors)
                                .arg(stats.probes.started)
                                .arg(stats.probes.rate() * 100, 0, 'f', 0)
                                .arg(minutes);
    // The rate alone: the probes before the window are no baseline for an absolute threshold.
    const bool saidOtherwise = state == WatchState::Down || state == WatchState::KeyRejected;
    if (stats.covered && ErrorSpike::detected(stats.probes, {}, spike)) {
        if (saidOtherwise)
            return;
        append(out, raise(probeAlert(probe, QStringLiteral("error_rate"),
                                     QStringLiteral("%1: %2, over %3%")
                                         .arg(target, figures)
                                         .arg(thresholds.errorRatePercent))));
    } else if (!ErrorSpike::detected(stats.probes, {},
                                     ErrorSpike::scaled(spike, AlertThresholds::clearRatio))) {
        append(out,
               resolve(QStringLiteral("error_rate"), probe.profile, probe.model,
                       QStringLiteral("%1: error rate back to normal: %2").arg(target, figures),
                       probe.startedMs));
    }
}

void AlertRules::latencyRule(const QString& rule, const QString& figure, const ProbeWindow& window,
                             bool ttft, int thresholdMs, int minutes, const ProbeResult& probe,
                             QList<Alert>& out)
{
    if (thresholdMs <= 0 || minutes <= 0)
        return;
    const qint64 fromMs = probe.startedMs - minutes * minuteMs;
    const ProbeWindow::Stats stats = window.over(fromMs, probe.startedMs);
    const std::optional<double> p95 = ttft ? stats.ttftP95Ms : stats.e2eP95Ms;
    const qsizetype count = ttft ? stats.ttftCount : stats.e2eCount;
    if (!p95 || count < AlertThresholds::minSamples)
        return; // too little to say anything, either way
    const QString target = targetName(probe.profile, probe.model);
    const QString figures = QStringLiteral("%1 P95 %2 ms over %3 probes in the last %4 min")
                                .arg(figure, ms(*p95))
                                .arg(count)
                                .arg(minutes);
    // With few probes the P95 is nearly the slowest one: a few over it make it a trend.
    const qsizetype over =
        window.countOver(fromMs, probe.startedMs,
                         ttft ? ProbeWindow::Figure::Ttft : ProbeWindow::Figure::E2e, thresholdMs);
    if (stats.covered && *p95 > thresholdMs && over >= AlertThresholds::minSamples) {
        append(out,
               raise(probeAlert(
                   probe, rule,
                   QStringLiteral("%1: %2, over %3 ms").arg(target, figures).arg(thresholdMs))));
    } else if (*p95 < thresholdMs * AlertThresholds::clearRatio) {
        append(out,
               resolve(
                   rule, probe.profile, probe.model,
                   QStringLiteral("%1: %2, back under %3 ms").arg(target, figures).arg(thresholdMs),
                   probe.startedMs));
    }
}

std::optional<Alert> AlertRules::onBudgetUsedUp(const QString& profile, qint64 budget, qint64 atMs)
{
    Alert alert;
    alert.rule = QStringLiteral("budget");
    alert.profile = profile;
    alert.message = QStringLiteral("%1: the daily probe budget of %2 tokens is used up; probing "
                                   "pauses until 00:00 UTC")
                        .arg(profile)
                        .arg(budget);
    alert.atMs = atMs;
    return raise(alert);
}

} // namespace adminchat

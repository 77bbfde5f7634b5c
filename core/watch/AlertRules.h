#pragma once

#include "settings/AlertThresholds.h"
#include "watch/Alert.h"
#include "watch/ProbeResult.h"
#include "watch/ProbeWindow.h"
#include "watch/StatusChange.h"

#include <QHash>
#include <QList>
#include <optional>

namespace adminchat {

// Turns status changes and probes into alerts, and each alert that fired into one resolved
// alert when its condition ends. The rules:
//  - down, degraded, key_rejected: on the change into that status (StatusTracker's hysteresis);
//    resolved on the change out of it;
//  - content_check: a probe's answer failed the check; resolved by the next answer that passes;
//  - budget: the profile's daily probe budget is used up; resolved by its next probe;
//  - degraded_for: degraded without a break for degradedForMinutes; once per episode;
//  - ttft_p95, e2e_p95: the P95 of the probes of the last X minutes is over the threshold
//    and at least AlertThresholds::minSamples of them are (one slow probe is no trend), after
//    X minutes watched; resolved below AlertThresholds::clearRatio of it;
//  - error_rate: ErrorSpike over the probes of the last X minutes, its rate the threshold (not
//    while down or refusing the key: those alerts say it already); resolved when ErrorSpike
//    with the rates times clearRatio no longer sees one.
// Timed rules are evaluated at each probe, so they are as precise as the probe interval.
// A rule that fired for an endpoint and model stays quiet for the cooldown after it (a
// resolved alert is never held back). Pure: every time comes with its input.
class AlertRules
{
public:
    static constexpr qint64 defaultCooldownMs = AlertThresholds().cooldownS * 1000LL;

    explicit AlertRules(qint64 cooldownMs = defaultCooldownMs);

    QList<Alert> onStatusChange(const StatusChange& change);
    // state: the target's status after this probe; thresholds: the target's.
    QList<Alert> onProbe(const ProbeResult& probe, WatchState state,
                         const AlertThresholds& thresholds);
    std::optional<Alert> onBudgetUsedUp(const QString& profile, qint64 budget, qint64 atMs);
    // A status stored by an earlier run (degraded since sinceMs counts toward degraded_for).
    void restore(const QString& profile, const QString& model, WatchState state, qint64 sinceMs,
                 const QString& cause);

    // The alerts that fired and are not resolved yet.
    QList<Alert> active() const { return m_active.values(); }

private:
    struct Degraded
    {
        qint64 sinceMs = 0;
        QString cause;
    };

    std::optional<Alert> raise(Alert alert);
    std::optional<Alert> resolve(const QString& rule, const QString& profile, const QString& model,
                                 const QString& message, qint64 atMs);
    void windowRules(const ProbeResult& probe, WatchState state, const AlertThresholds& thresholds,
                     QList<Alert>& out);
    void latencyRule(const QString& rule, const QString& figure, const ProbeWindow& window,
                     bool ttft, int thresholdMs, int minutes, const ProbeResult& probe,
                     QList<Alert>& out);

    qint64 m_cooldownMs;
    QHash<QString, qint64> m_lastMs;     // by Alert::key(): when it last fired
    QHash<QString, Alert> m_active;      // by Alert::key()
    QHash<QString, Degraded> m_degraded; // by profile and model
    QHash<QString, ProbeWindow> m_windows;
};

} // namespace adminchat

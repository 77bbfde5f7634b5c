#include "watch/StatusTracker.h"

#include <algorithm>

namespace adminchat {

StatusTracker::StatusTracker() : StatusTracker(Rules()) {}

StatusTracker::StatusTracker(Rules rules) : m_rules(rules)
{
    m_rules.failuresForDown = std::max(1, m_rules.failuresForDown);
    m_rules.degradedAfter = std::max(1, m_rules.degradedAfter);
}

void StatusTracker::restore(WatchState state, const QString& cause)
{
    m_state = state;
    m_cause = cause;
}

void StatusTracker::append(QList<ProbeResult>& streak, const ProbeResult& probe)
{
    // The first probe of a streak says when it began; the newest ones what it is now.
    if (streak.size() >= maxEvidence)
        streak.removeAt(1);
    streak.append(probe);
}

std::optional<StatusChange> StatusTracker::apply(const ProbeResult& probe)
{
    if (probe.outcome == ProbeOutcome::Ok) {
        m_failures.clear();
        m_failureCount = 0;
        m_degrading.clear();
        m_degradingCount = 0;
        if (m_state == WatchState::Up)
            return std::nullopt;
        return changeTo(WatchState::Up, QStringLiteral("answered"), probe, {probe});
    }
    if (probe.outcome == ProbeOutcome::KeyRejected) {
        m_failures.clear();
        m_failureCount = 0;
        m_degrading.clear();
        m_degradingCount = 0;
        if (m_state == WatchState::KeyRejected)
            return std::nullopt;
        return changeTo(WatchState::KeyRejected, probe.message, probe, {probe});
    }
    if (probe.isFailure()) {
        append(m_failures, probe);
        ++m_failureCount;
        if (m_state == WatchState::Down || m_failureCount < m_rules.failuresForDown)
            return std::nullopt;
        const QString cause = QStringLiteral("%1 failed probe%2 in a row: %3")
                                  .arg(m_failureCount)
                                  .arg(m_failureCount == 1 ? "" : "s")
                                  .arg(probe.message);
        m_degrading.clear();
        m_degradingCount = 0;
        return changeTo(WatchState::Down, cause, probe, m_failures);
    }
    // It answered, badly: not down.
    m_failures.clear();
    m_failureCount = 0;
    append(m_degrading, probe);
    ++m_degradingCount;
    if (m_state == WatchState::Degraded)
        return std::nullopt;
    const bool nothingToFlapFrom = m_state == WatchState::Unknown || m_state == WatchState::Down ||
                                   m_state == WatchState::KeyRejected;
    if (!nothingToFlapFrom && m_degradingCount < m_rules.degradedAfter)
        return std::nullopt;
    return changeTo(WatchState::Degraded, probe.message, probe, m_degrading);
}

std::optional<StatusChange> StatusTracker::changeTo(WatchState to, const QString& cause,
                                                    const ProbeResult& probe,
                                                    const QList<ProbeResult>& streak)
{
    StatusChange change;
    change.profile = probe.profile;
    change.endpointId = probe.endpointId;
    change.model = probe.model;
    change.from = m_state;
    change.to = to;
    change.cause = cause;
    change.atMs = probe.startedMs;
    change.sinceMs = streak.isEmpty() ? probe.startedMs : streak.first().startedMs;
    change.evidence = streak;
    m_state = to;
    m_cause = cause;
    return change;
}

} // namespace adminchat

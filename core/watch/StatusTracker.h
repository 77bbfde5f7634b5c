#pragma once

#include "watch/StatusChange.h"

#include <optional>

namespace adminchat {

// The status of one endpoint and model from its probes, with hysteresis, and nothing else (no
// clock, no I/O: every time comes with the probe):
//  - down after failuresForDown consecutive failed probes (a refused connection, a timeout, an
//    HTTP error other than 401/403/429); fewer leave the status as it was;
//  - degraded after degradedAfter consecutive probes that answered badly (slow, rate limited,
//    content check failed, another model), at once when the status was unknown or down (it
//    answers again, so it is no longer down); a 429 is never down;
//  - key rejected at the first 401/403;
//  - up at the first good answer, whatever came before.
class StatusTracker
{
public:
    struct Rules
    {
        int failuresForDown = 3;
        int degradedAfter = 2;
    };
    // The most probes a streak's evidence keeps (the first and the newest ones).
    static constexpr qsizetype maxEvidence = 10;

    StatusTracker();
    explicit StatusTracker(Rules rules);

    // Applies a probe of this target; returns the change it caused, if any.
    std::optional<StatusChange> apply(const ProbeResult& probe);

    WatchState state() const { return m_state; }
    QString cause() const { return m_cause; }
    int consecutiveFailures() const { return int(m_failureCount); }
    // Starts from a stored status (another run watched it before).
    void restore(WatchState state, const QString& cause);

private:
    std::optional<StatusChange> changeTo(WatchState to, const QString& cause,
                                         const ProbeResult& probe,
                                         const QList<ProbeResult>& streak);
    static void append(QList<ProbeResult>& streak, const ProbeResult& probe);

    Rules m_rules;
    WatchState m_state = WatchState::Unknown;
    QString m_cause;
    QList<ProbeResult> m_failures; // the current streak of failed probes
    qsizetype m_failureCount = 0;
    QList<ProbeResult> m_degrading; // the current streak of bad answers
    qsizetype m_degradingCount = 0;
};

} // namespace adminchat

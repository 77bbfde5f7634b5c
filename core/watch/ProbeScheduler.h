#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <functional>
#include <optional>
#include <random>

namespace adminchat {

// When each watched target is probed next, without timers of its own: its owner asks for the
// due targets, starts them, reports each one's end, and sleeps until nextDueMs(). Times come
// from an injected clock (UTC ms), so tests step through hours without waiting.
//  - each target every interval, +-10% jitter (the first probe within the first tenth of it),
//    so many targets do not fire together;
//  - never two probes of one target at once: a target in flight is not due;
//  - while a target is down its interval doubles at each probe, up to maxBackoffFactor times;
//  - a daily token budget (per budget key, a profile) pauses its targets once used up, until
//    the next UTC day.
class ProbeScheduler
{
public:
    using Clock = std::function<qint64()>;
    static constexpr int maxBackoffFactor = 4;
    static constexpr qint64 dayMs = 86'400'000;

    explicit ProbeScheduler(Clock clock, quint64 seed = std::random_device{}());

    // Returns the target's index.
    int addTarget(const QString& budgetKey, qint64 intervalMs, qint64 dailyTokenBudget);
    int targetCount() const { return int(m_targets.size()); }
    // Tokens a budget already used on a day (from the database, after a restart).
    void restoreTokens(const QString& budgetKey, qint64 day, qint64 tokens);

    // The targets due now (not in flight, budget left), marked in flight.
    QList<int> takeDue();
    // A probe of target ended: tokens it used, whether the target is down now. Returns true when
    // this used up its budget (said once per budget and day).
    bool finished(int target, qint64 tokens, bool down);

    // The earliest time a target is due (a paused budget's targets: the next day); nullopt when
    // every target is in flight.
    std::optional<qint64> nextDueMs() const;

    qint64 tokensToday(const QString& budgetKey) const;
    qint64 budgetDay(const QString& budgetKey) const;
    bool budgetExhausted(const QString& budgetKey) const;
    bool inFlight(int target) const { return m_targets.at(target).inFlight; }
    qint64 dueMs(int target) const { return m_targets.at(target).dueMs; }

private:
    struct Target
    {
        QString budgetKey;
        qint64 intervalMs = 60'000;
        qint64 dueMs = 0;
        int backoff = 1;
        bool inFlight = false;
    };
    struct Budget
    {
        qint64 limit = 0; // 0: none
        qint64 day = 0;
        qint64 tokens = 0;
        bool announced = false; // the exhaustion was reported today
    };

    qint64 jittered(qint64 ms);
    // The budget with its day rolled forward to today.
    Budget& currentBudget(const QString& key) const;
    bool paused(const Target& target) const;

    Clock m_clock;
    std::mt19937_64 m_random;
    QList<Target> m_targets;
    mutable QHash<QString, Budget> m_budgets;
};

} // namespace adminchat

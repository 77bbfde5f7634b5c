#include "watch/ProbeScheduler.h"

#include <algorithm>

namespace adminchat {

ProbeScheduler::ProbeScheduler(Clock clock, quint64 seed)
    : m_clock(std::move(clock)), m_random(seed)
{}

int ProbeScheduler::addTarget(const QString& budgetKey, qint64 intervalMs, qint64 dailyTokenBudget)
{
    Target target;
    target.budgetKey = budgetKey;
    target.intervalMs = std::max<qint64>(1, intervalMs);
    // Spread over the first tenth of the interval: many targets added together do not fire at
    // the same instant.
    std::uniform_int_distribution<qint64> first(0, target.intervalMs / 10);
    target.dueMs = m_clock() + first(m_random);
    m_targets.append(target);
    Budget& budget = m_budgets[budgetKey];
    budget.limit = std::max(budget.limit, dailyTokenBudget);
    if (budget.day == 0)
        budget.day = m_clock() / dayMs;
    return int(m_targets.size() - 1);
}

void ProbeScheduler::restoreTokens(const QString& budgetKey, qint64 day, qint64 tokens)
{
    Budget& budget = m_budgets[budgetKey];
    if (day != m_clock() / dayMs)
        return; // another day's: today starts from zero
    if (budget.day != day) {
        budget.day = day;
        budget.tokens = 0;
    }
    budget.tokens = std::max(budget.tokens, tokens);
}

ProbeScheduler::Budget& ProbeScheduler::currentBudget(const QString& key) const
{
    Budget& budget = m_budgets[key];
    const qint64 today = m_clock() / dayMs;
    if (budget.day != today) {
        budget.day = today;
        budget.tokens = 0;
        budget.announced = false;
    }
    return budget;
}

bool ProbeScheduler::paused(const Target& target) const
{
    const Budget& budget = currentBudget(target.budgetKey);
    return budget.limit > 0 && budget.tokens >= budget.limit;
}

QList<int> ProbeScheduler::takeDue()
{
    QList<int> due;
    const qint64 now = m_clock();
    for (qsizetype i = 0; i < m_targets.size(); ++i) {
        Target& target = m_targets[i];
        if (target.inFlight || target.dueMs > now || paused(target))
            continue;
        target.inFlight = true;
        due.append(int(i));
    }
    return due;
}

qint64 ProbeScheduler::jittered(qint64 ms)
{
    std::uniform_real_distribution<double> spread(-0.1, 0.1);
    return std::max<qint64>(1, qint64(double(ms) * (1.0 + spread(m_random))));
}

bool ProbeScheduler::finished(int index, qint64 tokens, bool down)
{
    Target& target = m_targets[index];
    target.inFlight = false;
    target.backoff = down ? std::min(target.backoff * 2, maxBackoffFactor) : 1;
    // While down the first probe after the change already waits twice the interval.
    target.dueMs = m_clock() + jittered(target.intervalMs * target.backoff);
    Budget& budget = currentBudget(target.budgetKey);
    budget.tokens += std::max<qint64>(0, tokens);
    if (budget.limit > 0 && budget.tokens >= budget.limit && !budget.announced) {
        budget.announced = true;
        return true;
    }
    return false;
}

std::optional<qint64> ProbeScheduler::nextDueMs() const
{
    std::optional<qint64> next;
    const qint64 now = m_clock();
    for (const Target& target : m_targets) {
        if (target.inFlight)
            continue;
        qint64 due = target.dueMs;
        if (paused(target))
            due = std::max(due, (now / dayMs + 1) * dayMs);
        next = next ? std::min(*next, due) : due;
    }
    return next;
}

qint64 ProbeScheduler::tokensToday(const QString& budgetKey) const
{
    return currentBudget(budgetKey).tokens;
}

qint64 ProbeScheduler::budgetDay(const QString& budgetKey) const
{
    return currentBudget(budgetKey).day;
}

bool ProbeScheduler::budgetExhausted(const QString& budgetKey) const
{
    const Budget& budget = currentBudget(budgetKey);
    return budget.limit > 0 && budget.tokens >= budget.limit;
}

} // namespace adminchat

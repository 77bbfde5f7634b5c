#pragma once

#include <QHash>
#include <QtGlobal>
#include <deque>
#include <utility>

namespace adminchat {

// Remembers which requests failed once (500-once, 429-once), by a hash of what was sent, so
// that a repeat of the same request can be told from a new one. Bounded: the oldest entries
// are forgotten first.
class DemoRecentRequests
{
public:
    static constexpr qsizetype defaultCapacity = 1024;

    explicit DemoRecentRequests(qsizetype capacity = defaultCapacity) : m_capacity(capacity) {}

    // True when key was remembered, which then forgets it (the repeat is served, and a third
    // identical request fails again); otherwise remembers it and returns false.
    bool takeOrRemember(quint64 key);
    qsizetype size() const { return m_generations.size(); }

private:
    qsizetype m_capacity;
    quint64 m_generation = 0;
    // key -> generation of its live entry; the queue may still hold older, stale entries of a
    // key taken and remembered again, which eviction skips.
    QHash<quint64, quint64> m_generations;
    std::deque<std::pair<quint64, quint64>> m_order;
};

} // namespace adminchat

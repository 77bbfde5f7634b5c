#pragma once

#include <QByteArray>
#include <QtGlobal>
#include <atomic>

namespace adminchat {

// Chat-completion requests in flight (from the parsed request to the end of its answer, or the
// client leaving), the most reached at once and how many ended. Updated on the server's thread;
// atomic so another thread (a load test, a GUI) can read them while streams run.
class DemoStats
{
public:
    void begin();
    void end();
    // The maximum restarts from what is in flight now; the served count from zero.
    void reset();

    int inFlight() const { return m_inFlight.load(std::memory_order_relaxed); }
    int maxInFlight() const { return m_maxInFlight.load(std::memory_order_relaxed); }
    qint64 requestsServed() const { return m_served.load(std::memory_order_relaxed); }

    // {"in_flight":N,"max_in_flight":N,"requests_served":N}
    QByteArray toJson() const;

private:
    std::atomic<int> m_inFlight{0};
    std::atomic<int> m_maxInFlight{0};
    std::atomic<qint64> m_served{0};
};

} // namespace adminchat

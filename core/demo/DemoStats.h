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
    // A paced write went out latenessMs after its due time: the server's own error, which a
    // client measuring inter-token latency sees as if the network had caused it.
    void recordWrite(double latenessMs);
    // The maximum restarts from what is in flight now; the served count and the writes from
    // zero.
    void reset();

    int inFlight() const { return m_inFlight.load(std::memory_order_relaxed); }
    int maxInFlight() const { return m_maxInFlight.load(std::memory_order_relaxed); }
    qint64 requestsServed() const { return m_served.load(std::memory_order_relaxed); }
    qint64 pacedWrites() const { return m_writes.load(std::memory_order_relaxed); }
    qint64 writesLateOver1Ms() const { return m_lateOver1Ms.load(std::memory_order_relaxed); }
    qint64 writesLateOver5Ms() const { return m_lateOver5Ms.load(std::memory_order_relaxed); }
    double maxLatenessMs() const { return m_maxLatenessUs.load(std::memory_order_relaxed) / 1e3; }

    // {"in_flight":N,"max_in_flight":N,"requests_served":N,"paced_writes":N,
    //  "late_over_1ms":N,"late_over_5ms":N,"max_lateness_ms":X}
    QByteArray toJson() const;

private:
    std::atomic<int> m_inFlight{0};
    std::atomic<int> m_maxInFlight{0};
    std::atomic<qint64> m_served{0};
    std::atomic<qint64> m_writes{0};
    std::atomic<qint64> m_lateOver1Ms{0};
    std::atomic<qint64> m_lateOver5Ms{0};
    std::atomic<qint64> m_maxLatenessUs{0};
};

} // namespace adminchat

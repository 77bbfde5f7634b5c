#include "demo/DemoStats.h"

namespace adminchat {

void DemoStats::begin()
{
    const int now = m_inFlight.fetch_add(1, std::memory_order_relaxed) + 1;
    int max = m_maxInFlight.load(std::memory_order_relaxed);
    // A loop, because a reset() on another thread may change the maximum meanwhile.
    while (now > max && !m_maxInFlight.compare_exchange_weak(max, now, std::memory_order_relaxed))
        ;
}

void DemoStats::end()
{
    m_inFlight.fetch_sub(1, std::memory_order_relaxed);
    m_served.fetch_add(1, std::memory_order_relaxed);
}

void DemoStats::recordWrite(double latenessMs)
{
    // Only the server's thread writes these; relaxed stores are enough for readers elsewhere.
    m_writes.fetch_add(1, std::memory_order_relaxed);
    if (latenessMs > 1)
        m_lateOver1Ms.fetch_add(1, std::memory_order_relaxed);
    if (latenessMs > 5)
        m_lateOver5Ms.fetch_add(1, std::memory_order_relaxed);
    const qint64 us = qint64(latenessMs * 1e3);
    if (us > m_maxLatenessUs.load(std::memory_order_relaxed))
        m_maxLatenessUs.store(us, std::memory_order_relaxed);
}

void DemoStats::reset()
{
    m_maxInFlight.store(inFlight(), std::memory_order_relaxed);
    m_served.store(0, std::memory_order_relaxed);
    m_writes.store(0, std::memory_order_relaxed);
    m_lateOver1Ms.store(0, std::memory_order_relaxed);
    m_lateOver5Ms.store(0, std::memory_order_relaxed);
    m_maxLatenessUs.store(0, std::memory_order_relaxed);
}

QByteArray DemoStats::toJson() const
{
    return "{\"in_flight\":" + QByteArray::number(inFlight()) +
           ",\"max_in_flight\":" + QByteArray::number(maxInFlight()) +
           ",\"requests_served\":" + QByteArray::number(requestsServed()) +
           ",\"paced_writes\":" + QByteArray::number(pacedWrites()) +
           ",\"late_over_1ms\":" + QByteArray::number(writesLateOver1Ms()) +
           ",\"late_over_5ms\":" + QByteArray::number(writesLateOver5Ms()) +
           ",\"max_lateness_ms\":" + QByteArray::number(maxLatenessMs(), 'f', 3) + '}';
}

} // namespace adminchat

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

void DemoStats::reset()
{
    m_maxInFlight.store(inFlight(), std::memory_order_relaxed);
    m_served.store(0, std::memory_order_relaxed);
}

QByteArray DemoStats::toJson() const
{
    return "{\"in_flight\":" + QByteArray::number(inFlight()) +
           ",\"max_in_flight\":" + QByteArray::number(maxInFlight()) +
           ",\"requests_served\":" + QByteArray::number(requestsServed()) + '}';
}

} // namespace adminchat

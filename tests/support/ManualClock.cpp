#include "ManualClock.h"

ManualClock::ManualClock(qint64 startNs) : m_nowNs(std::make_shared<qint64>(startNs)) {}

std::function<qint64()> ManualClock::function() const
{
    return [now = m_nowNs] {
        return *now;
    };
}

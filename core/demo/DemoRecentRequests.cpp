#include "demo/DemoRecentRequests.h"

namespace adminchat {

bool DemoRecentRequests::takeOrRemember(quint64 key)
{
    if (m_generations.remove(key))
        return true;
    m_generations.insert(key, ++m_generation);
    m_order.emplace_back(key, m_generation);
    // Stale entries count too, so the queue stays bounded whatever the pattern of requests.
    while (qsizetype(m_order.size()) > m_capacity) {
        const auto [oldKey, generation] = m_order.front();
        m_order.pop_front();
        const auto it = m_generations.constFind(oldKey);
        if (it != m_generations.cend() && it.value() == generation)
            m_generations.erase(it);
    }
    return false;
}

} // namespace adminchat

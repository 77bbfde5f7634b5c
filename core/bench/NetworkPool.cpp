#include "bench/NetworkPool.h"

#include <QNetworkAccessManager>
#include <algorithm>

namespace adminchat {

NetworkPool::NetworkPool(QObject* owner) : m_owner(owner) {}

QNetworkAccessManager* NetworkPool::acquire()
{
    auto least =
        std::min_element(m_managers.begin(), m_managers.end(),
                         [](const Slot& a, const Slot& b) { return a.inFlight < b.inFlight; });
    if (least == m_managers.end() || least->inFlight >= connectionsPerManager) {
        m_managers.push_back({new QNetworkAccessManager(m_owner), 0});
        least = m_managers.end() - 1;
    }
    ++least->inFlight;
    return least->manager;
}

void NetworkPool::release(QNetworkAccessManager* manager)
{
    for (Slot& slot : m_managers) {
        if (slot.manager == manager) {
            --slot.inFlight;
            return;
        }
    }
}

} // namespace adminchat

#include "DashboardProbe.h"

#include "store/MetricsThread.h"

namespace adminchat {

DashboardProbe::DashboardProbe(const QString& databasePath)
    : m_thread(std::make_unique<MetricsThread>(databasePath))
{
    QObject::connect(
        m_thread->service(), &MetricsService::snapshotReady, m_thread->service(),
        [this](const DashboardSnapshot& snapshot) {
            const Clock::time_point now = Clock::now();
            {
                const std::lock_guard lock(m_mutex);
                m_received.push_back({now, snapshot});
            }
            m_arrived.notify_all();
        },
        Qt::DirectConnection);
}

DashboardProbe::~DashboardProbe() = default;

MetricsService* DashboardProbe::service() const
{
    return m_thread->service();
}

void DashboardProbe::start()
{
    // The data ends at a fixed moment, which the wall clock leaves behind: its rows must not be
    // pruned as they age (the accuracy check reads them, the cached file stays as built).
    MetricsService* service = m_thread->service();
    QMetaObject::invokeMethod(
        service, [service] { service->setRetentionDays(0); }, Qt::QueuedConnection);
    m_thread->start();
}

void DashboardProbe::setFilter(const MetricsFilter& filter)
{
    MetricsService* service = m_thread->service();
    QMetaObject::invokeMethod(
        service, [service, filter] { service->setFilter(filter); }, Qt::QueuedConnection);
}

qsizetype DashboardProbe::waitFor(qsizetype from,
                                  const std::function<bool(const DashboardSnapshot&)>& accept,
                                  std::chrono::seconds timeout)
{
    const Clock::time_point deadline = Clock::now() + timeout;
    std::unique_lock lock(m_mutex);
    for (;;) {
        for (qsizetype i = from; i < qsizetype(m_received.size()); ++i) {
            if (accept(m_received[std::size_t(i)].snapshot))
                return i;
        }
        from = qsizetype(m_received.size());
        if (m_arrived.wait_until(lock, deadline) == std::cv_status::timeout &&
            from == qsizetype(m_received.size()))
            return -1;
    }
}

DashboardProbe::Received DashboardProbe::at(qsizetype index) const
{
    const std::lock_guard lock(m_mutex);
    return m_received.at(std::size_t(index));
}

qsizetype DashboardProbe::count() const
{
    const std::lock_guard lock(m_mutex);
    return qsizetype(m_received.size());
}

bool DashboardProbe::sameFilter(const MetricsFilter& a, const MetricsFilter& b)
{
    return a.window == b.window && a.since == b.since && a.endpoint == b.endpoint &&
           a.model == b.model && a.experiment == b.experiment && a.variant == b.variant &&
           a.tag == b.tag;
}

} // namespace adminchat

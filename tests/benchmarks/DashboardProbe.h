#pragma once

#include "store/DashboardSnapshot.h"

#include <QString>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace adminchat {

class MetricsService;
class MetricsThread;

// The dashboard as the window runs it, for the benchmarks: a MetricsService on its own
// MetricsThread, every snapshotReady kept with the moment it was emitted. The snapshots are
// taken on the metrics thread (a direct connection) so no event loop is needed on the caller's
// thread, and the emission time is not delayed by delivery.
class DashboardProbe
{
public:
    using Clock = std::chrono::steady_clock;
    struct Received
    {
        Clock::time_point at;
        DashboardSnapshot snapshot;
    };

    explicit DashboardProbe(const QString& databasePath);
    ~DashboardProbe(); // finishes what is queued for the service, joins its thread

    MetricsService* service() const;
    void start();                                // opens the service on its thread
    void setFilter(const MetricsFilter& filter); // queued, as the window calls it

    // Waits for a snapshot, from index `from` on, that `accept` takes; its index, or -1 after
    // the timeout.
    qsizetype waitFor(qsizetype from, const std::function<bool(const DashboardSnapshot&)>& accept,
                      std::chrono::seconds timeout);
    Received at(qsizetype index) const;
    qsizetype count() const;

    static bool sameFilter(const MetricsFilter& a, const MetricsFilter& b);

private:
    std::unique_ptr<MetricsThread> m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_arrived;
    std::vector<Received> m_received;
};

} // namespace adminchat

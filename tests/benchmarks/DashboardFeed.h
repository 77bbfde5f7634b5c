#pragma once

#include <QThread>
#include <atomic>

namespace adminchat {

class DashboardDataset;
class MetricsService;

// New records arriving while the dashboard is open: a timer on a thread of its own hands the
// service one chat record (started now) at a steady rate through queued addRecord calls, as
// the window does when answers finish.
class DashboardFeed
{
public:
    DashboardFeed(MetricsService* service, const DashboardDataset& dataset, int perSecond);
    ~DashboardFeed(); // stops the timer and joins

    void start();
    void stop();
    qint64 sent() const { return m_sent.load(); }

private:
    QThread m_thread;
    QObject* m_timer; // lives on m_thread once started; deleted when it finishes
    std::atomic<qint64> m_sent{0};
};

} // namespace adminchat

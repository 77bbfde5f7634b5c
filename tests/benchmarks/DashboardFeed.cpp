#include "DashboardFeed.h"

#include "DashboardDataset.h"
#include "store/MetricsService.h"

#include <QDateTime>
#include <QTimer>

namespace adminchat {

DashboardFeed::DashboardFeed(MetricsService* service, const DashboardDataset& dataset,
                             int perSecond)
{
    m_thread.setObjectName(QStringLiteral("dashboard-feed"));
    auto* timer = new QTimer;
    m_timer = timer;
    timer->setTimerType(Qt::PreciseTimer);
    timer->setInterval(1000 / perSecond);
    timer->moveToThread(&m_thread);
    QObject::connect(
        timer, &QTimer::timeout, timer,
        [this, service, &dataset] {
            const MetricsRecord record =
                dataset.liveRecord(QDateTime::currentDateTimeUtc(), quint64(m_sent.fetch_add(1)));
            QMetaObject::invokeMethod(
                service, [service, record] { service->addRecord(record); }, Qt::QueuedConnection);
        },
        Qt::DirectConnection);
    QObject::connect(&m_thread, &QThread::started, timer, qOverload<>(&QTimer::start));
    QObject::connect(&m_thread, &QThread::finished, timer, &QObject::deleteLater);
}

DashboardFeed::~DashboardFeed()
{
    if (!m_thread.isRunning() && !m_thread.isFinished())
        delete m_timer; // never started
    stop();
}

void DashboardFeed::start()
{
    m_thread.start();
}

void DashboardFeed::stop()
{
    m_thread.quit();
    m_thread.wait();
}

} // namespace adminchat

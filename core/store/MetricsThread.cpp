#include "store/MetricsThread.h"

#include "store/MetricsService.h"

namespace adminchat {

MetricsThread::MetricsThread(const QString& databasePath, QObject* parent)
    : QObject(parent), m_service(new MetricsService(databasePath))
{
    m_thread.setObjectName(QStringLiteral("adminchat-metrics"));
    m_service->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_service, &QObject::deleteLater);
}

MetricsThread::~MetricsThread()
{
    if (!m_thread.isRunning()) {
        delete m_service;
        return;
    }
    // quit() is queued behind the records still waiting to be written, so none is lost.
    QMetaObject::invokeMethod(
        m_service, [thread = &m_thread] { thread->quit(); }, Qt::QueuedConnection);
    m_thread.wait();
}

void MetricsThread::start()
{
    m_thread.start();
    QMetaObject::invokeMethod(m_service, &MetricsService::open, Qt::QueuedConnection);
}

} // namespace adminchat

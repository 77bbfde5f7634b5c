#include "store/ServiceThread.h"

namespace adminchat {

ServiceThread::ServiceThread(QObject* service, std::function<void()> open,
                             const QString& threadName, QObject* parent)
    : QObject(parent), m_service(service), m_open(std::move(open))
{
    m_thread.setObjectName(threadName);
    m_service->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_service, &QObject::deleteLater);
}

ServiceThread::~ServiceThread()
{
    if (!m_thread.isRunning()) {
        delete m_service;
        return;
    }
    // quit() is queued behind the writes still waiting, so none is lost.
    QMetaObject::invokeMethod(
        m_service, [thread = &m_thread] { thread->quit(); }, Qt::QueuedConnection);
    m_thread.wait();
}

void ServiceThread::start()
{
    m_thread.start();
    QMetaObject::invokeMethod(m_service, m_open, Qt::QueuedConnection);
}

} // namespace adminchat

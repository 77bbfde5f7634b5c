#include "store/HistoryThread.h"

#include "store/HistoryService.h"

namespace adminchat {

HistoryThread::HistoryThread(const QString& databasePath, QObject* parent)
    : QObject(parent), m_service(new HistoryService(databasePath))
{
    m_thread.setObjectName(QStringLiteral("adminchat-history"));
    m_service->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_service, &QObject::deleteLater);
}

HistoryThread::~HistoryThread()
{
    if (!m_thread.isRunning()) {
        delete m_service;
        return;
    }
    // quit() is queued behind the messages still waiting to be saved, so none is lost.
    QMetaObject::invokeMethod(
        m_service, [thread = &m_thread] { thread->quit(); }, Qt::QueuedConnection);
    m_thread.wait();
}

void HistoryThread::start()
{
    m_thread.start();
    QMetaObject::invokeMethod(m_service, &HistoryService::open, Qt::QueuedConnection);
}

} // namespace adminchat

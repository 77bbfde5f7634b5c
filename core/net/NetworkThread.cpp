#include "net/NetworkThread.h"

#include "net/ChatClient.h"

namespace adminchat {

NetworkThread::NetworkThread(QObject* parent) : QObject(parent), m_client(new ChatClient)
{
    m_thread.setObjectName(QStringLiteral("adminchat-network"));
    m_client->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_client, &QObject::deleteLater);
    m_thread.start();
}

NetworkThread::~NetworkThread()
{
    QMetaObject::invokeMethod(m_client, &ChatClient::cancelAll, Qt::QueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

} // namespace adminchat

#include "HostileServer.h"

#include <QTcpServer>
#include <algorithm>

HostileServer::HostileServer(HostileHandler handler, Options options)
    : m_addresses(options.addresses), m_tls(options.tls.has_value())
{
    m_thread.start();
    m_worker = new HostileServerWorker(std::move(handler), &m_mutex, &m_log);
    m_worker->moveToThread(&m_thread);
    QMetaObject::invokeMethod(
        m_worker,
        [this, &options] {
            m_listening = m_worker->listen(m_addresses, options.tls);
            m_ports = m_worker->ports();
        },
        Qt::BlockingQueuedConnection);
}

HostileServer::~HostileServer()
{
    QMetaObject::invokeMethod(
        m_worker, [this] { delete m_worker; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QByteArray HostileServer::origin(int address) const
{
    return (m_tls ? "https://" : "http://") + m_addresses.value(address).toString().toUtf8() + ":" +
           QByteArray::number(port(address));
}

QList<HostileRequest> HostileServer::requests() const
{
    QMutexLocker locker(&m_mutex);
    return m_log;
}

int HostileServer::requestCount() const
{
    QMutexLocker locker(&m_mutex);
    return int(m_log.size());
}

int HostileServer::requestCount(QByteArrayView pathPrefix) const
{
    QMutexLocker locker(&m_mutex);
    return int(std::count_if(m_log.cbegin(), m_log.cend(), [&](const HostileRequest& r) {
        return r.target.startsWith(pathPrefix);
    }));
}

QList<QByteArray> HostileServer::bodies() const
{
    QMutexLocker locker(&m_mutex);
    QList<QByteArray> result;
    for (const HostileRequest& request : m_log)
        result.append(request.body);
    return result;
}

int HostileServer::connectionCount() const
{
    return m_worker->acceptedCount();
}

quint16 HostileServer::closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close(); // nothing listens there now
    return port;
}

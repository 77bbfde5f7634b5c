#include "HostileServerWorker.h"

#include "HttpTestRequest.h"
#include "TlsTcpServer.h"

#include <QTimer>

HostileServerWorker::HostileServerWorker(HostileHandler handler, QMutex* mutex,
                                         QList<HostileRequest>* log)
    : m_handler(std::move(handler)), m_mutex(mutex), m_log(log)
{
    m_clock.start();
}

bool HostileServerWorker::listen(const QList<QHostAddress>& addresses,
                                 const std::optional<QSslConfiguration>& tls)
{
    for (const QHostAddress& address : addresses) {
        auto* server = new TlsTcpServer(tls, this);
        m_servers.append(server);
        if (!server->listen(address, 0))
            return false;
        connect(server, &QTcpServer::newConnection, this, [this, server] {
            while (QTcpSocket* socket = server->nextPendingConnection())
                accept(socket);
        });
        m_ports.append(server->serverPort());
    }
    return true;
}

int HostileServerWorker::acceptedCount() const
{
    int count = 0;
    for (const TlsTcpServer* server : m_servers)
        count += server->acceptedCount();
    return count;
}

void HostileServerWorker::accept(QTcpSocket* socket)
{
    socket->setParent(this);
    auto connection = std::make_shared<Connection>();
    connection->socket = socket;
    connection->serial = ++m_connections;
    connect(socket, &QTcpSocket::readyRead, this, [this, connection] { read(connection); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, connection] {
        if (!connection->endlessPiece.isEmpty())
            feedEndless(connection);
    });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

void HostileServerWorker::read(const std::shared_ptr<Connection>& connection)
{
    connection->buffer += connection->socket->readAll();
    if (connection->playing)
        return;
    std::optional<HttpTestRequest> taken = takeHttpRequest(connection->buffer);
    if (!taken) {
        // A client that waits for 100 Continue before it sends a large body.
        const QByteArray lower = connection->buffer.toLower();
        const qsizetype headEnd = lower.indexOf("\r\n\r\n");
        if (!connection->continued && headEnd >= 0 &&
            lower.left(headEnd).contains("\nexpect: 100-continue")) {
            connection->socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            connection->continued = true;
        }
        return;
    }
    connection->continued = false;
    HostileRequest request;
    request.head = taken->head;
    request.body = taken->body;
    const QList<QByteArray> requestLine = request.head.left(request.head.indexOf('\r')).split(' ');
    request.method = requestLine.value(0);
    request.target = requestLine.value(1);
    request.localAddress = connection->socket->localAddress();
    request.localPort = connection->socket->localPort();
    request.connection = connection->serial;
    request.receivedMs = m_clock.elapsed();
    {
        QMutexLocker locker(m_mutex);
        m_log->append(request);
    }
    const HostileResponse response = m_handler(request);
    connection->steps = response.steps();
    connection->keepAlive = response.keepsAlive();
    connection->playing = true;
    play(connection);
}

void HostileServerWorker::play(const std::shared_ptr<Connection>& connection)
{
    QTcpSocket* socket = connection->socket;
    if (!socket)
        return;
    while (!connection->steps.isEmpty()) {
        const HostileResponse::Step step = connection->steps.takeFirst();
        switch (step.kind) {
        case HostileResponse::Step::Write:
            socket->write(step.bytes);
            socket->flush();
            break;
        case HostileResponse::Step::Wait:
            QTimer::singleShot(step.ms, this, [this, connection] { play(connection); });
            return;
        case HostileResponse::Step::Reset:
            socket->abort();
            return;
        case HostileResponse::Step::Hold:
            return;
        case HostileResponse::Step::Endless:
            connection->endlessPiece = step.bytes;
            feedEndless(connection);
            return;
        }
    }
    if (connection->keepAlive) {
        connection->playing = false;
        if (!connection->buffer.isEmpty())
            read(connection);
    } else {
        socket->disconnectFromHost();
    }
}

void HostileServerWorker::feedEndless(const std::shared_ptr<Connection>& connection)
{
    QTcpSocket* socket = connection->socket;
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    while (socket->bytesToWrite() < 256 * 1024)
        socket->write(connection->endlessPiece);
}

#include "telemetry/MetricsHttpServer.h"

#include "demo/DemoRequestParser.h"
#include "store/MetricsStore.h"
#include "telemetry/PrometheusExposition.h"
#include "telemetry/TelemetryLog.h"

#include <QDateTime>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace adminchat {

struct MetricsHttpServer::Connection
{
    DemoRequestParser parser;
    QTimer idle;
};

namespace {

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 505:
        return "HTTP Version Not Supported";
    case 500:
        return "Internal Server Error";
    default:
        return "Error";
    }
}

} // namespace

MetricsHttpServer::MetricsHttpServer(MetricsStore* store, QObject* parent)
    : QObject(parent), m_store(store), m_server(new QTcpServer(this)),
      m_startedSeconds(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0)
{
    m_server->setMaxPendingConnections(maxConnections);
    connect(m_server, &QTcpServer::newConnection, this, &MetricsHttpServer::onNewConnection);
}

MetricsHttpServer::~MetricsHttpServer() = default;

bool MetricsHttpServer::listen(const QHostAddress& address, quint16 port, QString* error)
{
    if (m_server->listen(address, port)) {
        qCDebug(lcTelemetry) << "serving metrics on" << m_server->serverAddress().toString()
                             << m_server->serverPort();
        return true;
    }
    if (error)
        *error = m_server->errorString();
    return false;
}

QHostAddress MetricsHttpServer::address() const
{
    return m_server->serverAddress();
}

quint16 MetricsHttpServer::port() const
{
    return m_server->serverPort();
}

bool MetricsHttpServer::refresh(QString* error)
{
    const qint64 maxId = m_store->maxId();
    // Row ids are not AUTOINCREMENT: once retention has deleted every row (it deletes the oldest
    // first, so the newest go last), new rows start again from 1, and all rows there are new.
    if (maxId < m_lastId)
        m_lastId = 0;
    if (maxId == m_lastId)
        return true; // nothing new: no copy of the registry
    MetricsFilter filter;
    filter.afterId = m_lastId;
    // Folded into a copy, so a failed read half-way leaves the counts as they were.
    TelemetryRegistry next = m_registry;
    qint64 lastId = m_lastId;
    const bool ok = m_store->forEachRecord(
        filter, QDateTime::currentDateTimeUtc(),
        [&](const MetricsRecord& record) {
            next.add(record);
            lastId = std::max(lastId, record.id);
            return true;
        },
        error);
    if (!ok)
        return false;
    m_registry = std::move(next);
    m_lastId = lastId;
    return true;
}

void MetricsHttpServer::onNewConnection()
{
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        if (m_connections.size() >= maxConnections) {
            qCWarning(lcTelemetry) << "too many connections; closing a new one";
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto connection = std::make_shared<Connection>();
        connection->idle.setSingleShot(true);
        connection->idle.setInterval(idleTimeoutMs);
        connect(&connection->idle, &QTimer::timeout, socket, [this, socket] { drop(socket); });
        connection->idle.start();
        m_connections.insert(socket, connection);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket); });
    }
}

void MetricsHttpServer::drop(QTcpSocket* socket)
{
    if (m_connections.remove(socket) == 0)
        return;
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void MetricsHttpServer::onReadyRead(QTcpSocket* socket)
{
    const auto found = m_connections.constFind(socket);
    if (found == m_connections.cend())
        return;
    const std::shared_ptr<Connection> connection = *found;
    connection->idle.start();
    connection->parser.append(socket->readAll());
    for (;;) {
        if (!m_connections.contains(socket))
            return;
        // A scraper's GET is a few hundred bytes; anything much larger is not one.
        if (connection->parser.bufferedBytes() > maxRequestBytes) {
            send(socket, 431, "text/plain; charset=utf-8", "request too large\n", false);
            return;
        }
        switch (connection->parser.parse()) {
        case DemoRequestParser::Status::NeedMore:
            return;
        case DemoRequestParser::Status::Failed:
            send(socket, connection->parser.errorStatus(), "text/plain; charset=utf-8",
                 connection->parser.errorMessage().toUtf8() + '\n', false);
            return;
        case DemoRequestParser::Status::Ready:
            respond(socket, connection->parser.takeRequest());
            break;
        }
    }
}

void MetricsHttpServer::respond(QTcpSocket* socket, const DemoHttpRequest& request)
{
    const QByteArray text = "text/plain; charset=utf-8";
    if (request.path != "/metrics") {
        send(socket, 404, text, "not found; metrics are at /metrics\n", request.keepAlive);
        return;
    }
    const bool head = request.method == "HEAD";
    if (request.method != "GET" && !head) {
        send(socket, 405, text, "only GET and HEAD\n", request.keepAlive, "Allow: GET, HEAD\r\n");
        return;
    }
    QString error;
    if (!refresh(&error)) {
        qCWarning(lcTelemetry) << "cannot read the metrics database:" << error;
        send(socket, 500, text, error.toUtf8() + '\n', request.keepAlive);
        return;
    }
    const auto format = PrometheusExposition::negotiate(request.header("accept"));
    send(socket, 200, PrometheusExposition::contentType(format),
         PrometheusExposition::render(m_registry, format, m_startedSeconds), request.keepAlive, {},
         head);
}

void MetricsHttpServer::send(QTcpSocket* socket, int status, const QByteArray& contentType,
                             const QByteArray& body, bool keepAlive, const QByteArray& extraHeaders,
                             bool headOnly)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\n";
    head += "Content-Type: " + contentType + "\r\n";
    head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    head += extraHeaders;
    head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    head += "\r\n";
    socket->write(head);
    if (!headOnly)
        socket->write(body);
    emit scraped(status);
    if (!keepAlive) {
        // Closes once the answer is written; never waits here.
        m_connections.remove(socket);
        socket->disconnect(this);
        socket->readAll(); // unread input would make the close a reset that loses the answer
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
        return;
    }
    if (socket->bytesToWrite() > maxPendingBytes) {
        qCWarning(lcTelemetry) << "dropping a client that does not read its answers";
        drop(socket);
    }
}

} // namespace adminchat

// A scripted HTTP/1.1 server for tests that play a misbehaving endpoint: each request it reads is
// answered by steps the test chooses (raw bytes, waits, a reset, silence, bytes without end), on
// one or more loopback addresses (127.0.0.1, 127.0.0.2, ...: another origin on the same machine),
// optionally over TLS, with a log of every request received.
//
// It runs on a thread of its own, so a test may block on a child process (`adminchat ask`) while
// the server answers. The handler is called on that thread: keep it free of shared state, or
// guard what it touches.
#pragma once

#include "HttpTestRequest.h"

#include <QHostAddress>
#include <QMutex>
#include <QPointer>
#include <QSemaphore>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>

struct HostileRequest
{
    QByteArray method;
    QByteArray target; // path and query, as sent
    QByteArray head;   // request line and headers
    QByteArray body;
    QHostAddress localAddress; // which of the server's addresses it reached
    quint16 localPort = 0;
    int connection = 0; // serial number of the connection it came on, from 1

    // The value of the first header with this name (case-insensitive); empty when absent.
    QByteArray header(QByteArrayView name) const
    {
        const QList<QByteArray> lines = head.split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray& line = lines.at(i);
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
    bool hasHeader(QByteArrayView name) const
    {
        const QByteArray lower = "\n" + QByteArray(name.data(), name.size()).toLower() + ":";
        return head.toLower().contains(lower);
    }
};

// What to do with one request, step by step. After the last step the connection is closed,
// unless keepAlive() asked to read the next request on it.
class HostileResponse
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    HostileResponse& write(QByteArray bytes) { return add({Step::Write, std::move(bytes)}); }
    HostileResponse& wait(int ms) { return add({Step::Wait, {}, ms}); }
    // Ends the connection with a TCP reset instead of a close.
    HostileResponse& reset() { return add({Step::Reset, {}}); }
    // Sends nothing more and keeps the connection open until the client goes.
    HostileResponse& hold() { return add({Step::Hold, {}}); }
    // The piece again and again, as fast as the socket takes it, until the client goes.
    HostileResponse& endless(QByteArray piece) { return add({Step::Endless, std::move(piece)}); }
    HostileResponse& keepAlive()
    {
        m_keepAlive = true;
        return *this;
    }

    // A complete answer with Content-Length.
    static HostileResponse status(int code, QByteArray body = {}, Headers headers = {},
                                  QByteArray contentType = "application/json")
    {
        QByteArray head = "HTTP/1.1 " + QByteArray::number(code) + " " + reason(code) + "\r\n";
        if (!contentType.isEmpty())
            head += "Content-Type: " + contentType + "\r\n";
        for (const auto& [name, value] : headers)
            head += name + ": " + value + "\r\n";
        head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
        HostileResponse response;
        response.write(head + body);
        return response;
    }
    // A 200 event stream, one `data:` event per payload, then `[DONE]` when asked; the body ends
    // with the connection (no length, no chunking).
    static HostileResponse eventStream(const QList<QByteArray>& payloads, bool done = true,
                                       Headers headers = {})
    {
        HostileResponse response;
        response.write(eventStreamHead(headers));
        for (const QByteArray& payload : payloads)
            response.write("data: " + payload + "\n\n");
        if (done)
            response.write("data: [DONE]\n\n");
        return response;
    }
    static QByteArray eventStreamHead(const Headers& headers = {})
    {
        QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                          "Cache-Control: no-cache\r\nConnection: close\r\n";
        for (const auto& [name, value] : headers)
            head += name + ": " + value + "\r\n";
        return head + "\r\n";
    }
    // One chat.completion.chunk with this content delta (JSON-escaped here), for eventStream().
    static QByteArray contentChunk(const QString& content, const QByteArray& finishReason = "null",
                                   const QByteArray& model = "hostile")
    {
        QString escaped;
        for (const QChar c : content) {
            if (c == u'"' || c == u'\\')
                escaped += u'\\';
            if (c.unicode() < 0x20)
                escaped += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                escaped += c;
        }
        return R"({"id":"c1","object":"chat.completion.chunk","model":")" + model +
               R"(","choices":[{"index":0,"delta":{"content":")" + escaped.toUtf8() +
               R"("},"finish_reason":)" + finishReason + "}]}";
    }
    static HostileResponse redirect(int code, const QByteArray& location)
    {
        return status(code, {}, {{"Location", location}}, {});
    }
    // Reads the request, then closes the connection without a byte.
    static HostileResponse closeAfterReading() { return HostileResponse(); }

    struct Step
    {
        enum Kind
        {
            Write,
            Wait,
            Reset,
            Hold,
            Endless
        } kind;
        QByteArray bytes;
        int ms = 0;
    };
    const QList<Step>& steps() const { return m_steps; }
    bool keepsAlive() const { return m_keepAlive; }

private:
    static QByteArray reason(int code)
    {
        switch (code) {
        case 200:
            return "OK";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 303:
            return "See Other";
        case 307:
            return "Temporary Redirect";
        case 308:
            return "Permanent Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 404:
            return "Not Found";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        default:
            return "Status";
        }
    }
    HostileResponse& add(Step step)
    {
        m_steps.append(std::move(step));
        return *this;
    }

    QList<Step> m_steps;
    bool m_keepAlive = false;
};

using HostileHandler = std::function<HostileResponse(const HostileRequest&)>;

namespace hostile_detail {

class TlsServer : public QTcpServer
{
public:
    explicit TlsServer(std::optional<QSslConfiguration> tls) : m_tls(std::move(tls)) {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        if (!m_tls) {
            QTcpServer::incomingConnection(descriptor);
            return;
        }
        auto* socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setSslConfiguration(*m_tls);
        socket->startServerEncryption();
        addPendingConnection(socket);
    }

private:
    std::optional<QSslConfiguration> m_tls;
};

// Lives on the server thread: accepts, reads, plays the steps.
class Worker : public QObject
{
public:
    Worker(HostileHandler handler, QMutex* mutex, QList<HostileRequest>* log)
        : m_handler(std::move(handler)), m_mutex(mutex), m_log(log)
    {}

    bool listen(const QList<QHostAddress>& addresses, const std::optional<QSslConfiguration>& tls)
    {
        for (const QHostAddress& address : addresses) {
            auto* server = new TlsServer(tls);
            server->setParent(this);
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
    QList<quint16> ports() const { return m_ports; }
    int connections() const { return m_connections; }

private:
    struct Connection
    {
        QPointer<QTcpSocket> socket;
        QByteArray buffer;
        QList<HostileResponse::Step> steps;
        bool playing = false;
        bool keepAlive = false;
        bool continued = false;
        QByteArray endlessPiece;
        int serial = 0;
    };

    void accept(QTcpSocket* socket)
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

    void read(const std::shared_ptr<Connection>& connection)
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
        const QList<QByteArray> requestLine =
            request.head.left(request.head.indexOf('\r')).split(' ');
        request.method = requestLine.value(0);
        request.target = requestLine.value(1);
        request.localAddress = connection->socket->localAddress();
        request.localPort = connection->socket->localPort();
        request.connection = connection->serial;
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

    void play(const std::shared_ptr<Connection>& connection)
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

    void feedEndless(const std::shared_ptr<Connection>& connection)
    {
        QTcpSocket* socket = connection->socket;
        if (!socket || socket->state() != QAbstractSocket::ConnectedState)
            return;
        while (socket->bytesToWrite() < 256 * 1024)
            socket->write(connection->endlessPiece);
    }

    HostileHandler m_handler;
    QMutex* m_mutex;
    QList<HostileRequest>* m_log;
    QList<quint16> m_ports;
    int m_connections = 0;
};

} // namespace hostile_detail

struct HostileServerOptions
{
    QList<QHostAddress> addresses{QHostAddress(QHostAddress::LocalHost)};
    std::optional<QSslConfiguration> tls;
};

class HostileServer
{
public:
    using Options = HostileServerOptions;

    explicit HostileServer(HostileHandler handler, Options options = {})
        : m_addresses(options.addresses), m_tls(options.tls.has_value())
    {
        m_thread.start();
        m_worker = new hostile_detail::Worker(std::move(handler), &m_mutex, &m_log);
        m_worker->moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            m_worker,
            [this, &options] { m_listening = m_worker->listen(m_addresses, options.tls); },
            Qt::BlockingQueuedConnection);
        QMetaObject::invokeMethod(
            m_worker, [this] { m_ports = m_worker->ports(); }, Qt::BlockingQueuedConnection);
    }
    ~HostileServer()
    {
        QMetaObject::invokeMethod(
            m_worker, [this] { delete m_worker; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    HostileServer(const HostileServer&) = delete;
    HostileServer& operator=(const HostileServer&) = delete;

    bool isListening() const { return m_listening; }
    quint16 port(int address = 0) const { return m_ports.value(address); }
    QHostAddress address(int address = 0) const { return m_addresses.value(address); }
    // http(s)://ADDRESS:PORT, and the same with /v1 for a base URL.
    QByteArray origin(int address = 0) const
    {
        return (m_tls ? "https://" : "http://") + m_addresses.value(address).toString().toUtf8() +
               ":" + QByteArray::number(port(address));
    }
    QUrl baseUrl(int address = 0) const { return QUrl(QString::fromUtf8(origin(address) + "/v1")); }

    QList<HostileRequest> requests() const
    {
        QMutexLocker locker(&m_mutex);
        return m_log;
    }
    int requestCount() const
    {
        QMutexLocker locker(&m_mutex);
        return int(m_log.size());
    }
    // Requests whose target starts with this path (e.g. "/v1/chat/completions").
    int requestCount(QByteArrayView pathPrefix) const
    {
        QMutexLocker locker(&m_mutex);
        return int(std::count_if(m_log.cbegin(), m_log.cend(), [&](const HostileRequest& r) {
            return r.target.startsWith(pathPrefix);
        }));
    }

private:
    QList<QHostAddress> m_addresses;
    bool m_tls;
    QThread m_thread;
    hostile_detail::Worker* m_worker = nullptr;
    mutable QMutex m_mutex;
    QList<HostileRequest> m_log;
    QList<quint16> m_ports;
    bool m_listening = false;
};

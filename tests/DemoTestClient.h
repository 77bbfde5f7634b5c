// Shared by the demo server tests: request builders, SSE and HTTP/1.1 response parsers, a raw
// socket client, and DemoTestClient, a fixture running a DemoServer with a QNAM talking to it.
#pragma once

#include "demo/DemoConfig.h"
#include "demo/DemoServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <memory>
#include <optional>

namespace demotest {

inline constexpr int kTimeoutMs = 20000;
using Headers = QList<QPair<QByteArray, QByteArray>>;

inline adminchat::DemoConfig instantConfig()
{
    return *adminchat::DemoConfig::fromProfile(QStringLiteral("instant"));
}

inline QByteArray chatBody(const QString& prompt,
                           const QString& model = QStringLiteral("demo-chat"), bool stream = true,
                           bool includeUsage = true, int maxTokens = 0)
{
    QJsonObject body{{"model", model},
                     {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", prompt}}}},
                     {"stream", stream},
                     {"temperature", 0.7}};
    if (stream)
        body.insert("stream_options", QJsonObject{{"include_usage", includeUsage}});
    if (maxTokens > 0)
        body.insert("max_tokens", maxTokens);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

inline QByteArray rawChatRequest(const QByteArray& body, const QByteArray& extraHeaders = {},
                                 const QByteArray& version = "HTTP/1.1")
{
    return "POST /v1/chat/completions " + version +
           "\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

// The events of a text/event-stream body, decoded.
struct SseStream
{
    QList<QJsonObject> chunks; // data payloads that are JSON objects
    QList<QByteArray> invalid; // data payloads that are neither JSON nor [DONE]
    bool done = false;
    bool dataAfterDone = false;
    QString content;
    QString reasoning;
    int contentChunks = 0;
    int reasoningChunks = 0;
    int firstContentIndex = -1;
    int lastReasoningIndex = -1;
};

inline SseStream parseSse(const QByteArray& body)
{
    SseStream stream;
    for (const QByteArray& event : body.split('\n')) {
        if (!event.startsWith("data: "))
            continue;
        const QByteArray data = event.mid(6);
        if (stream.done)
            stream.dataAfterDone = true;
        if (data == "[DONE]") {
            stream.done = true;
            continue;
        }
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(data, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            stream.invalid << data;
            continue;
        }
        const QJsonObject chunk = document.object();
        const QJsonObject delta = chunk["choices"].toArray().first().toObject()["delta"].toObject();
        if (delta.contains("content")) {
            stream.content += delta["content"].toString();
            if (stream.firstContentIndex < 0)
                stream.firstContentIndex = int(stream.chunks.size());
            ++stream.contentChunks;
        }
        if (delta.contains("reasoning_content")) {
            stream.reasoning += delta["reasoning_content"].toString();
            stream.lastReasoningIndex = int(stream.chunks.size());
            ++stream.reasoningChunks;
        }
        stream.chunks << chunk;
    }
    return stream;
}

// One HTTP response read from raw bytes.
struct HttpResponse
{
    int status = 0;
    Headers headers; // names lower-cased
    QByteArray body;
    QList<QByteArray> chunks; // the HTTP chunks, when chunked
    qsizetype consumed = 0;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& entry : headers) {
            if (entry.first == name)
                return entry.second;
        }
        return {};
    }
};

// A complete response at the start of `data`; std::nullopt while more bytes are needed.
// `closed`: the peer closed, which ends a body with neither Content-Length nor chunks.
inline std::optional<HttpResponse> parseHttpResponse(const QByteArray& data, bool closed = false)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return std::nullopt;
    HttpResponse response;
    const QList<QByteArray> lines = data.left(headEnd).split('\n');
    response.status = lines.first().split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        response.headers.append(
            {lines[i].left(colon).toLower(), lines[i].mid(colon + 1).trimmed()});
    }
    qsizetype pos = headEnd + 4;
    if (response.header("transfer-encoding") == "chunked") {
        for (;;) {
            const qsizetype lineEnd = data.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return std::nullopt;
            const qsizetype size = data.mid(pos, lineEnd - pos).toLongLong(nullptr, 16);
            if (data.size() < lineEnd + 2 + size + 2)
                return std::nullopt;
            if (size == 0) {
                response.consumed = lineEnd + 4;
                return response;
            }
            response.chunks << data.mid(lineEnd + 2, size);
            response.body += response.chunks.last();
            pos = lineEnd + 2 + size + 2;
        }
    }
    if (response.header("content-length").isEmpty()) {
        if (!closed)
            return std::nullopt;
        response.body = data.mid(pos);
        response.consumed = data.size();
        return response;
    }
    const qsizetype length = response.header("content-length").toLongLong();
    if (data.size() < pos + length)
        return std::nullopt;
    response.body = data.mid(pos, length);
    response.consumed = pos + length;
    return response;
}

// A raw loopback client keeping the bytes it has read.
struct RawClient
{
    QTcpSocket socket;
    QByteArray buffer;

    bool connectTo(quint16 port)
    {
        socket.setProxy(QNetworkProxy::NoProxy);
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(kTimeoutMs);
    }

    // Waits for one whole response (or the connection closing) and takes it off the buffer.
    std::optional<HttpResponse> read()
    {
        std::optional<HttpResponse> response;
        (void)QTest::qWaitFor(
            [&] {
                buffer += socket.readAll();
                const bool closed = socket.state() == QAbstractSocket::UnconnectedState;
                response = parseHttpResponse(buffer, closed);
                return response || closed;
            },
            kTimeoutMs);
        if (response)
            buffer.remove(0, response->consumed);
        return response;
    }

    std::optional<HttpResponse> exchange(const QByteArray& request)
    {
        socket.write(request);
        return read();
    }
};

// Runs the event loop until done() or timeoutMs, sleeping in the loop rather than in the
// 10 ms naps of QTest::qWait: a server in the same thread then keeps its pace (one byte every
// 2 ms, or megabytes as fast as the socket takes them).
template <typename Done> bool spinUntil(Done done, int timeoutMs = kTimeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    QTimer wake; // so that a wait for more events ends at the deadline
    wake.setSingleShot(true);
    wake.start(timeoutMs);
    while (!done()) {
        if (clock.elapsed() >= timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"); -1 where there is none.
inline qint64 procStatusKib(const QByteArray& field)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

inline const QJsonObject jsonOf(const QByteArray& bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

// A DemoServer on a free loopback port and a proxy-less QNAM talking to it. A test class derives
// from QObject and, privately, from this; its init() calls start() and its cleanup() stop().
class DemoTestClient
{
protected:
    // One debug line per request is too chatty in tests; QT_LOGGING_RULES brings it back.
    static void quietRequestLog()
    {
        if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
            QLoggingCategory::setFilterRules(QStringLiteral("adminchat.demo.debug=false"));
    }

    // A fresh QNAM and an "instant" server.
    void start()
    {
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_nam->setProxy(QNetworkProxy::NoProxy);
        startServer(instantConfig());
    }

    void stop()
    {
        m_nam.reset();
        m_server.reset();
    }

    // Replaces the server with one running `config`.
    void startServer(const adminchat::DemoConfig& config)
    {
        m_server = std::make_unique<adminchat::DemoServer>(config);
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
        QVERIFY(m_server->port() != 0);
    }

    QNetworkRequest request(const QString& path, const Headers& headers = {}) const
    {
        QUrl url = m_server->baseUrl();
        url.setPath(path);
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        for (const auto& [name, value] : headers)
            request.setRawHeader(name, value);
        return request;
    }

    QNetworkReply* post(const QByteArray& body, const Headers& headers = {})
    {
        return m_nam->post(request(QStringLiteral("/v1/chat/completions"), headers), body);
    }

    QNetworkReply* get(const QString& path) { return m_nam->get(request(path)); }

    // Waits for the reply to finish (false on time-out).
    static bool finish(QNetworkReply* reply)
    {
        return QTest::qWaitFor([reply] { return reply->isFinished(); }, kTimeoutMs);
    }

    // Waits for the reply to finish and returns when each content chunk arrived, in ms on clock
    // (empty on time-out).
    static QList<double> contentArrivalsMs(QNetworkReply* reply, const QElapsedTimer& clock)
    {
        QByteArray pending;
        QList<double> arrivals;
        const auto connection = QObject::connect(reply, &QNetworkReply::readyRead, [&] {
            pending += reply->readAll();
            const double now = double(clock.nsecsElapsed()) / 1e6;
            qsizetype end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
                if (parseSse(pending.left(end + 2)).contentChunks == 1)
                    arrivals << now;
                pending.remove(0, end + 2);
            }
        });
        const bool finished = finish(reply);
        QObject::disconnect(connection);
        return finished ? arrivals : QList<double>();
    }

    static int status(QNetworkReply* reply)
    {
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    // A streamed chat request through QNAM, checked for status 200 and returned decoded.
    SseStream streamChat(const QByteArray& body, const Headers& headers = {})
    {
        QNetworkReply* reply = post(body, headers);
        if (!finish(reply) || status(reply) != 200 || reply->error() != QNetworkReply::NoError)
            return {};
        return parseSse(reply->readAll());
    }

    std::unique_ptr<adminchat::DemoServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

} // namespace demotest

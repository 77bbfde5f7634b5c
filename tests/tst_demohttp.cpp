// DemoServer's HTTP layer: keep-alive, pipelining, HTTP/1.0, limits, garbage, vanishing clients.
#include "DemoTestClient.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <algorithm>
#include <vector>

using namespace adminchat;
using namespace demotest;

class TestDemoHttp : public QObject, private DemoTestClient
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void keepAliveOnRawSocket();
    void pipelinedRequests();
    void singleByteWrites();
    void http10Stream();
    void garbageInput();
    void clientVanishesMidStream();
    void concurrentStreams();
};

void TestDemoHttp::initTestCase()
{
    quietRequestLog();
}

void TestDemoHttp::init()
{
    start();
}

void TestDemoHttp::cleanup()
{
    stop();
}

void TestDemoHttp::keepAliveOnRawSocket()
{
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    const auto models = client.exchange("GET /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QVERIFY(models);
    QCOMPARE(models->status, 200);
    QCOMPARE(models->header("connection"), QByteArray("keep-alive"));

    const auto stream = client.exchange(rawChatRequest(chatBody(QStringLiteral("One"))));
    QVERIFY(stream);
    QCOMPARE(stream->status, 200);
    QCOMPARE(stream->header("transfer-encoding"), QByteArray("chunked"));
    // Each SSE event is exactly one HTTP chunk.
    QVERIFY(stream->chunks.size() > 40);
    for (const QByteArray& chunk : stream->chunks) {
        QVERIFY(chunk.startsWith("data: "));
        QVERIFY(chunk.endsWith("\n\n"));
        QCOMPARE(chunk.count("\n\n"), 1);
    }
    QVERIFY(parseSse(stream->body).done);

    const auto plain =
        client.exchange(rawChatRequest(chatBody(QStringLiteral("Two"), "demo-chat", false)));
    QVERIFY(plain);
    QCOMPARE(jsonOf(plain->body)["object"].toString(), QStringLiteral("chat.completion"));
    QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_server->connectionCount(), 1);

    // "Connection: close" is honoured: the server closes after the answer.
    const auto last =
        client.exchange("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    QVERIFY(last);
    QCOMPARE(last->header("connection"), QByteArray("close"));
    QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::UnconnectedState, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
}

void TestDemoHttp::pipelinedRequests()
{
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    client.socket.write(rawChatRequest(chatBody(QStringLiteral("First"))) +
                        "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n" +
                        rawChatRequest(chatBody(QStringLiteral("Third"), "demo-chat", false)));
    const auto first = client.read();
    const auto second = client.read();
    const auto third = client.read();
    QVERIFY(first && second && third);
    QVERIFY(parseSse(first->body).done);
    QCOMPARE(jsonOf(second->body)["object"].toString(), QStringLiteral("list"));
    QCOMPARE(jsonOf(third->body)["object"].toString(), QStringLiteral("chat.completion"));
}

void TestDemoHttp::singleByteWrites()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    client.socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const QByteArray request = rawChatRequest(chatBody(QStringLiteral("Byte by byte")));
    for (const char byte : request) {
        client.socket.write(&byte, 1);
        client.socket.flush();
        QCoreApplication::processEvents();
    }
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    const SseStream sse = parseSse(response->body);
    QVERIFY(sse.done);
    QCOMPARE(sse.content, streamChat(chatBody(QStringLiteral("Byte by byte"))).content);
    QCOMPARE(served.first().first().toInt(), 200);
}

void TestDemoHttp::http10Stream()
{
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    const auto response =
        client.exchange(rawChatRequest(chatBody(QStringLiteral("Old client")), {}, "HTTP/1.0"));
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(response->header("transfer-encoding").isEmpty()); // no chunks for HTTP/1.0
    QVERIFY(parseSse(response->body).done);
    QCOMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
}

void TestDemoHttp::garbageInput()
{
    struct Case
    {
        QByteArray bytes;
        int status;
    };
    const QList<Case> cases{
        {"GARBAGE\r\n\r\n", 400},
        {QByteArray("\x00\xff\x13 / \x01\r\n\r\n", 12), 400},
        {"GET /v1/models HTTP/2.0\r\n\r\n", 505},
        {"GET /v1/models HTTP/1.1\r\nNo colon here\r\n\r\n", 400},
        {"GET /v1/models HTTP/1.1\r\nX: " + QByteArray(70 * 1024, 'a'), 431},
        {"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", 413},
        {"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400},
        {"POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411},
    };
    for (const Case& c : cases) {
        RawClient client;
        QVERIFY(client.connectTo(m_server->port()));
        const auto response = client.exchange(c.bytes);
        QVERIFY2(response, c.bytes.left(40).constData());
        QCOMPARE(response->status, c.status);
        QCOMPARE(response->header("connection"), QByteArray("close"));
        QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::UnconnectedState,
                                  kTimeoutMs);
    }

    // Random bytes, some ending in a blank line, from clients that then vanish.
    QRandomGenerator random(1234);
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 100; ++i) {
        QByteArray noise(int(random.bounded(1, 3000)), Qt::Uninitialized);
        for (char& c : noise)
            c = char(random.bounded(256));
        if (i % 2 == 0)
            noise += "\r\n\r\n";
        auto socket = std::make_unique<QTcpSocket>();
        socket->setProxy(QNetworkProxy::NoProxy);
        socket->connectToHost(QHostAddress::LocalHost, m_server->port());
        socket->write(noise);
        sockets.push_back(std::move(socket));
    }
    QTest::qWait(200);
    sockets.clear();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
    QVERIFY(streamChat(chatBody(QStringLiteral("still alive"))).done);
}

void TestDemoHttp::clientVanishesMidStream()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    client.socket.write(
        rawChatRequest(chatBody(QStringLiteral("long")), "X-Demo-Latency: ttft=0,itl=20\r\n"));
    QTRY_VERIFY_WITH_TIMEOUT((client.buffer += client.socket.readAll()).count("data: ") >= 3,
                             kTimeoutMs);
    QCOMPARE(m_server->connectionCount(), 1);
    QCOMPARE(served.size(), 0);
    QCOMPARE(m_server->inFlight(), 1);
    QCOMPARE(m_server->requestsServed(), 0);
    client.socket.abort();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
    QCOMPARE(served.size(), 1);
    // A stream whose client left is no longer in flight.
    QCOMPARE(m_server->inFlight(), 0);
    QCOMPARE(m_server->maxInFlight(), 1);
    QCOMPARE(m_server->requestsServed(), 1);
    QTest::qWait(100); // the stream's timer must be gone: no late signal, no crash
    QCOMPARE(served.size(), 1);
}

void TestDemoHttp::concurrentStreams()
{
    constexpr int count = 50;
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    QElapsedTimer clock;
    clock.start();
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < count; ++i) {
        auto client = std::make_unique<RawClient>();
        client->socket.setProxy(QNetworkProxy::NoProxy);
        client->socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        client->socket.write(rawChatRequest(chatBody(QStringLiteral("Stream %1").arg(i),
                                                     QStringLiteral("demo-chat"), true, true, 40),
                                            "X-Demo-Latency: ttft=0,itl=10\r\n"));
        clients.push_back(std::move(client));
    }
    QList<double> firstContent(count, -1), completed(count, -1);
    QList<std::optional<HttpResponse>> responses(count);
    const bool allDone = QTest::qWaitFor(
        [&] {
            for (int i = 0; i < count; ++i) {
                if (responses[i])
                    continue;
                RawClient& client = *clients[size_t(i)];
                client.buffer += client.socket.readAll();
                const double now = double(clock.nsecsElapsed()) / 1e6;
                if (firstContent[i] < 0 && client.buffer.contains("\"content\":"))
                    firstContent[i] = now;
                responses[i] = parseHttpResponse(client.buffer);
                if (responses[i])
                    completed[i] = now;
            }
            return !completed.contains(-1);
        },
        60000);
    QVERIFY(allDone);
    for (int i = 0; i < count; ++i) {
        QCOMPARE(responses[i]->status, 200);
        const SseStream sse = parseSse(responses[i]->body);
        QVERIFY(sse.done);
        QCOMPARE(sse.contentChunks, 40);
    }
    // They really ran side by side: every stream had started before the first one ended.
    const double firstEnd = *std::min_element(completed.begin(), completed.end());
    const double lastStart = *std::max_element(firstContent.begin(), firstContent.end());
    QVERIFY2(lastStart < firstEnd,
             qPrintable(
                 QStringLiteral("last start %1 ms, first end %2 ms").arg(lastStart).arg(firstEnd)));
    QTRY_COMPARE_WITH_TIMEOUT(served.size(), count, kTimeoutMs);
    QCOMPARE(m_server->connectionCount(), count);
    clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
}

QTEST_GUILESS_MAIN(TestDemoHttp)
#include "tst_demohttp.moc"

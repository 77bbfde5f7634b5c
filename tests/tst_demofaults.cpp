// The demo server's injected faults (X-Demo-Fault, each mode), faultRate, and the API key.
#include "DemoTestClient.h"
#include "demo/DemoRecentRequests.h"

#include <QSignalSpy>

#ifdef Q_OS_UNIX
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

using namespace adminchat;
using namespace demotest;

class TestDemoFaults : public QObject, private DemoTestClient
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void faultHttp500();
    void faultHttp429();
    void faultHtml502();
    void faultReset();
    void faultResetSendsRst();
    void faultStall();
    void faultErrorAfter200();
    void faultCutOff();
    void faultMalformedChunk();
    void faultIgnoreStream();
    void faultRejectStreamOptions();
    void faultRejectStreamOptionsServerWide();
    void newFaultNames();
    void fault500Once();
    void fault429Once();
    void faultOnceKeysOnBodyAndFault();
    void recentRequestsAreBounded();
    void faultRateAlwaysWithOneFault();
    void faultRateIsSeeded();
    void apiKeyRequired();
};

void TestDemoFaults::initTestCase()
{
    quietRequestLog();
}

void TestDemoFaults::init()
{
    start();
}

void TestDemoFaults::cleanup()
{
    stop();
}

void TestDemoFaults::faultHttp500()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "500"}});
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 500);
    const QJsonObject error = jsonOf(reply->readAll())["error"].toObject();
    QCOMPARE(error["message"].toString(),
             QStringLiteral("The server had an error while processing your request (simulated)"));
    QCOMPARE(error["type"].toString(), QStringLiteral("server_error"));
}

void TestDemoFaults::faultHttp429()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "429"}});
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 429);
    QCOMPARE(reply->rawHeader("Retry-After"), QByteArray("1"));
    QCOMPARE(reply->rawHeader("retry-after-ms"), QByteArray("1000"));
    QCOMPARE(jsonOf(reply->readAll())["error"]["message"].toString(),
             QStringLiteral("Rate limit reached (simulated)"));
}

void TestDemoFaults::faultHtml502()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "html502"}});
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 502);
    QVERIFY(reply->rawHeader("Content-Type").startsWith("text/html"));
    const QByteArray body = reply->readAll();
    QVERIFY(body.startsWith("<html><head><title>502 Bad Gateway</title>"));
    QVERIFY(body.contains("<center>nginx</center>"));
}

void TestDemoFaults::faultReset()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "reset"}});
    QByteArray received;
    connect(reply, &QNetworkReply::readyRead, this, [&] { received += reply->readAll(); });
    QVERIFY(finish(reply));
    received += reply->readAll();
    QVERIFY(reply->error() != QNetworkReply::NoError);
    const SseStream sse = parseSse(received);
    QCOMPARE(sse.contentChunks, 5);
    QVERIFY(!sse.done);
    QTRY_COMPARE_WITH_TIMEOUT(served.size(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
}

void TestDemoFaults::faultResetSendsRst()
{
#ifdef Q_OS_UNIX
    // A plain non-blocking socket tells a reset (ECONNRESET) from a clean close (recv 0),
    // which QTcpSocket reports alike.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_server->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const QByteArray request =
        rawChatRequest(chatBody(QStringLiteral("x")), "X-Demo-Fault: reset\r\n");
    QCOMPARE(::send(fd, request.constData(), size_t(request.size()), 0), request.size());
    QByteArray received;
    int error = 0;
    const bool ended = QTest::qWaitFor(
        [&] {
            char buffer[4096];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0)
                received.append(buffer, n);
            else if (n == 0)
                error = -1; // orderly close: not what we want
            else if (errno != EAGAIN && errno != EWOULDBLOCK)
                error = errno;
            return error != 0;
        },
        kTimeoutMs);
    ::close(fd);
    QVERIFY(ended);
    QCOMPARE(error, ECONNRESET);
    QVERIFY(received.startsWith("HTTP/1.1 200 OK"));
    QCOMPARE(received.count("\"content\":"), 5);
#else
    QSKIP("needs BSD sockets");
#endif
}

void TestDemoFaults::faultStall()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "stall"}});
    QByteArray received;
    connect(reply, &QNetworkReply::readyRead, this, [&] { received += reply->readAll(); });
    QTRY_COMPARE_WITH_TIMEOUT(parseSse(received).contentChunks, 5, kTimeoutMs);
    const qsizetype before = received.size();
    QTest::qWait(500);
    QCOMPARE(received.size(), before);
    QVERIFY(reply->isRunning());
    QVERIFY(!reply->isFinished());
    QCOMPARE(m_server->connectionCount(), 1);
    QCOMPARE(served.size(), 0);

    reply->abort(); // the client gives up; the server must let go of the connection
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
    QCOMPARE(served.size(), 1);
    QCOMPARE(served.first().first().toInt(), 200);
}

void TestDemoFaults::faultErrorAfter200()
{
    QNetworkReply* reply =
        post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "error-after-200"}});
    QVERIFY(finish(reply));
    QCOMPARE(reply->error(), QNetworkReply::NoError); // the body ends properly
    QCOMPARE(status(reply), 200);
    const SseStream sse = parseSse(reply->readAll());
    QCOMPARE(sse.contentChunks, 5);
    QVERIFY(!sse.done);
    const QJsonObject error = sse.chunks.last()["error"].toObject();
    QCOMPARE(error["message"].toString(),
             QStringLiteral("The model produced invalid content (simulated)"));
    QCOMPARE(error["type"].toString(), QStringLiteral("server_error"));
    QCOMPARE(error["code"].toString(), QStringLiteral("server_error"));
}

void TestDemoFaults::faultCutOff()
{
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    const auto response =
        client.exchange(rawChatRequest(chatBody(QStringLiteral("x")), "X-Demo-Fault: cut-off\r\n"));
    QVERIFY(response); // a complete chunked body, terminated with 0\r\n\r\n
    QCOMPARE(response->status, 200);
    const SseStream sse = parseSse(response->body);
    QCOMPARE(sse.contentChunks, 5);
    QCOMPARE(sse.chunks.size(), 5);
    QVERIFY(!sse.done);
    QVERIFY(!response->body.contains("finish_reason\":\""));
    QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
}

void TestDemoFaults::faultMalformedChunk()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "malformed"}});
    QVERIFY(finish(reply));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    const SseStream sse = parseSse(reply->readAll());
    QCOMPARE(sse.contentChunks, 5);
    QCOMPARE(sse.invalid.size(), 1);
    QCOMPARE(sse.invalid.first(), QByteArray(R"({"choices":[{"delta":{"content":"x")"));
    QVERIFY(sse.done);
}

void TestDemoFaults::faultIgnoreStream()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "ignore-stream"}});
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 200);
    QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("application/json"));
    const QJsonObject completion = jsonOf(reply->readAll());
    QCOMPARE(completion["object"].toString(), QStringLiteral("chat.completion"));
    QCOMPARE(completion["choices"][0]["message"]["content"].toString(),
             streamChat(chatBody(QStringLiteral("x"))).content);
}

void TestDemoFaults::faultRejectStreamOptions()
{
    const Headers fault{{"X-Demo-Fault", "reject-stream-options"}};
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), fault);
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 400);
    QCOMPARE(reply->readAll(),
             QByteArray(R"({"error":{"message":"Unrecognized request argument supplied: )"
                        R"(stream_options","type":"invalid_request_error",)"
                        R"("param":"stream_options"}})"));

    // Without the field the request is answered as usual, streamed or not.
    QJsonObject body = jsonOf(chatBody(QStringLiteral("x")));
    body.remove("stream_options");
    const SseStream sse = streamChat(QJsonDocument(body).toJson(QJsonDocument::Compact), fault);
    QVERIFY(sse.done);
    QCOMPARE(sse.content, streamChat(chatBody(QStringLiteral("x"))).content);
    QNetworkReply* plain = post(chatBody(QStringLiteral("x"), "demo-chat", false), fault);
    QVERIFY(finish(plain));
    QCOMPARE(status(plain), 200);
}

void TestDemoFaults::faultRejectStreamOptionsServerWide()
{
    DemoConfig config = instantConfig();
    config.faultRate = 1.0;
    config.faults = {DemoFault::RejectStreamOptions};
    startServer(config);
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")));
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 400);
    QCOMPARE(jsonOf(reply->readAll())["error"]["param"].toString(),
             QStringLiteral("stream_options"));
    QNetworkReply* models = get("/v1/models");
    QVERIFY(finish(models));
    QCOMPARE(status(models), 200);
}

void TestDemoFaults::newFaultNames()
{
    const QStringList added{"500-once", "429-once", "truncated-chunked", "huge-line", "trickle",
                            "endless",  "garbage"};
    for (const QString& name : added) {
        QVERIFY2(DemoConfig::faultNames().contains(name), qPrintable(name));
        const auto fault = DemoConfig::faultFromName(name);
        QVERIFY2(fault, qPrintable(name));
        QCOMPARE(DemoConfig::faultName(*fault), name);
    }
    QCOMPARE(DemoConfig::faultNames().size(), 17);
    QCOMPARE(DemoConfig::faultNames().removeDuplicates(), 0);
}

void TestDemoFaults::fault500Once()
{
    const QByteArray body = chatBody(QStringLiteral("retry me"));
    const Headers fault{{"X-Demo-Fault", "500-once"}};
    QNetworkReply* first = post(body, fault);
    QVERIFY(finish(first));
    QCOMPARE(status(first), 500);
    QCOMPARE(jsonOf(first->readAll())["error"]["type"].toString(), QStringLiteral("server_error"));

    // The same bytes again: served as usual, exactly as without the fault.
    const SseStream again = streamChat(body, fault);
    QVERIFY(again.done);
    QCOMPARE(again.content, streamChat(body).content);

    // Forgotten once served: the next identical request fails first again.
    QNetworkReply* third = post(body, fault);
    QVERIFY(finish(third));
    QCOMPARE(status(third), 500);
}

void TestDemoFaults::fault429Once()
{
    const QByteArray body = chatBody(QStringLiteral("slow down"), "demo-chat", false);
    const Headers fault{{"X-Demo-Fault", "429-once"}};
    QNetworkReply* first = post(body, fault);
    QVERIFY(finish(first));
    QCOMPARE(status(first), 429);
    QCOMPARE(first->rawHeader("retry-after-ms"), QByteArray("200"));
    QCOMPARE(first->rawHeader("retry-after"), QByteArray("1"));
    QCOMPARE(jsonOf(first->readAll())["error"]["code"].toString(),
             QStringLiteral("rate_limit_exceeded"));

    QNetworkReply* second = post(body, fault);
    QVERIFY(finish(second));
    QCOMPARE(status(second), 200);
    QCOMPARE(jsonOf(second->readAll())["object"].toString(), QStringLiteral("chat.completion"));
}

void TestDemoFaults::faultOnceKeysOnBodyAndFault()
{
    const auto statusOf = [this](const QString& prompt, const QByteArray& fault) {
        QNetworkReply* reply =
            post(chatBody(prompt, "demo-chat", false), {{"X-Demo-Fault", fault}});
        return finish(reply) ? status(reply) : -1;
    };
    QCOMPARE(statusOf("a", "500-once"), 500);
    QCOMPARE(statusOf("b", "500-once"), 500); // another body is another request
    QCOMPARE(statusOf("a", "429-once"), 429); // another fault's first attempt
    QCOMPARE(statusOf("a", "500-once"), 200);
    QCOMPARE(statusOf("b", "500-once"), 200);
    QCOMPARE(statusOf("a", "429-once"), 200);
    // The models list fails once the same way.
    for (const int expected : {500, 200}) {
        QNetworkReply* models = m_nam->get(request("/v1/models", {{"X-Demo-Fault", "500-once"}}));
        QVERIFY(finish(models));
        QCOMPARE(status(models), expected);
    }
}

void TestDemoFaults::recentRequestsAreBounded()
{
    DemoRecentRequests recent(4);
    for (quint64 key = 1; key <= 5; ++key)
        QVERIFY(!recent.takeOrRemember(key));
    QCOMPARE(recent.size(), 4);
    QVERIFY(!recent.takeOrRemember(1)); // the oldest was forgotten: a first attempt again
    QVERIFY(recent.takeOrRemember(5));
    QVERIFY(!recent.takeOrRemember(5));
    for (quint64 key = 100; key < 2000; ++key)
        recent.takeOrRemember(key);
    QVERIFY(recent.size() <= 4);
    QVERIFY(recent.takeOrRemember(1999));
}

void TestDemoFaults::faultRateAlwaysWithOneFault()
{
    DemoConfig config = instantConfig();
    config.faultRate = 1.0;
    config.faults = {DemoFault::Http429};
    startServer(config);
    for (int i = 0; i < 3; ++i) {
        QNetworkReply* reply = post(chatBody(QStringLiteral("Prompt %1").arg(i)));
        QVERIFY(finish(reply));
        QCOMPARE(status(reply), 429);
    }
    // "X-Demo-Fault: none" overrides the rate for one request.
    const SseStream sse = streamChat(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "none"}});
    QVERIFY(sse.done);
}

void TestDemoFaults::faultRateIsSeeded()
{
    DemoConfig config = instantConfig();
    config.faultRate = 0.5;
    config.faults = {DemoFault::Http500, DemoFault::Html502};
    const auto run = [&] {
        startServer(config);
        QList<int> statuses;
        for (int i = 0; i < 24; ++i) {
            QNetworkReply* reply = post(chatBody(QStringLiteral("Same")));
            if (!finish(reply))
                return QList<int>();
            statuses << status(reply);
        }
        return statuses;
    };
    const QList<int> first = run();
    QCOMPARE(first.size(), 24);
    QVERIFY(first.contains(200));
    QVERIFY(first.contains(500));
    QVERIFY(first.contains(502));
    QCOMPARE(run(), first); // same seed, same sequence
}

void TestDemoFaults::apiKeyRequired()
{
    DemoConfig config = instantConfig();
    config.requiredApiKey = QStringLiteral("sk-demo-secret");
    startServer(config);

    QNetworkReply* missing = post(chatBody(QStringLiteral("x")));
    QVERIFY(finish(missing));
    QCOMPARE(status(missing), 401);
    QNetworkReply* wrong =
        post(chatBody(QStringLiteral("x")), {{"Authorization", "Bearer sk-wrong-guess"}});
    QVERIFY(finish(wrong));
    QCOMPARE(status(wrong), 401);
    const QByteArray body = wrong->readAll();
    QVERIFY(!body.contains("sk-wrong-guess"));
    QVERIFY(!body.contains("sk-demo-secret"));
    QVERIFY(jsonOf(body)["error"]["message"].toString().startsWith("Incorrect API key provided"));
    QCOMPARE(jsonOf(body)["error"]["type"].toString(), QStringLiteral("invalid_request_error"));

    const SseStream sse =
        streamChat(chatBody(QStringLiteral("x")), {{"Authorization", "Bearer sk-demo-secret"}});
    QVERIFY(sse.done);
}

QTEST_GUILESS_MAIN(TestDemoFaults)
#include "tst_demofaults.moc"

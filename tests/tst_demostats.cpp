// DemoServer's in-flight statistics (GET /v1/demo/stats), as a load test reads them: what is
// counted, when it ends, resets, the API key.
#include "DemoTestClient.h"
#include "demo/DemoCompletionBuilder.h"

#include <algorithm>
#include <vector>

using namespace adminchat;
using namespace demotest;

class TestDemoStats : public QObject, private DemoTestClient
{
    Q_OBJECT

private slots:
    void initTestCase() { quietRequestLog(); }
    void init() { start(); }
    void cleanup() { stop(); }

    void inFlightStats();
    void statsCountErrorAnswersOnly();
    void statsResetKeepsStreamsInFlight();
    void statsRouteAndApiKey();
    void pacedWritesAreTimed();
};

namespace {

// One request to a stats path on a fresh connection; the parsed response.
std::optional<HttpResponse> statsRequest(quint16 port, const QByteArray& method,
                                         const QByteArray& path, const QByteArray& extra = {})
{
    RawClient client;
    if (!client.connectTo(port))
        return std::nullopt;
    return client.exchange(method + ' ' + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra +
                           (method == "POST" ? "Content-Length: 0\r\n\r\n" : "\r\n"));
}

// GET /v1/demo/stats as {in_flight, max_in_flight, requests_served}; {-1, -1, -1} on failure.
QList<qint64> httpStats(quint16 port, const QByteArray& method = "GET",
                        const QByteArray& path = "/v1/demo/stats")
{
    const auto response = statsRequest(port, method, path);
    if (!response || response->status != 200 ||
        response->header("content-type") != "application/json")
        return {-1, -1, -1};
    const QJsonObject stats = jsonOf(response->body);
    if (stats.size() != 7) // with the paced writes' lateness, checked in pacedWritesAreTimed()
        return {-1, -1, -1};
    return {stats["in_flight"].toInteger(-1), stats["max_in_flight"].toInteger(-1),
            stats["requests_served"].toInteger(-1)};
}

} // namespace

void TestDemoStats::inFlightStats()
{
    constexpr int count = 10; // above QNAM's 6 connections per host: raw sockets
    constexpr int tokens = 30;
    const quint16 port = m_server->port();
    QCOMPARE(httpStats(port), QList<qint64>({0, 0, 0}));
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < count; ++i) {
        auto client = std::make_unique<RawClient>();
        QVERIFY(client->connectTo(port));
        // 30 tokens 100 ms apart: every stream lasts about 3 s, time enough to look at them.
        client->socket.write(
            rawChatRequest(chatBody(QStringLiteral("In flight %1").arg(i),
                                    QStringLiteral("demo-chat"), true, true, tokens),
                           "X-Demo-Latency: ttft=0,itl=100\r\n"));
        clients.push_back(std::move(client));
    }
    QVERIFY(QTest::qWaitFor(
        [&] {
            return std::all_of(clients.begin(), clients.end(), [](const auto& client) {
                client->buffer += client->socket.readAll();
                return client->buffer.contains("\r\n\r\n");
            });
        },
        kTimeoutMs));
    QCOMPARE(m_server->inFlight(), count);
    QCOMPARE(m_server->maxInFlight(), count);
    QCOMPARE(m_server->requestsServed(), 0);
    QCOMPARE(httpStats(port), QList<qint64>({count, count, 0}));
    // Stats requests are not counted themselves.
    QCOMPARE(m_server->inFlight(), count);
    QCOMPARE(m_server->requestsServed(), 0);

    for (auto& client : clients) {
        const auto response = client->read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(parseSse(response->body).contentChunks, tokens);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_server->inFlight(), 0, kTimeoutMs);
    QCOMPARE(m_server->maxInFlight(), count);
    QCOMPARE(m_server->requestsServed(), count);
    QCOMPARE(httpStats(port), QList<qint64>({0, count, count}));

    QCOMPARE(httpStats(port, "POST", "/v1/demo/stats/reset"), QList<qint64>({0, 0, 0}));
    QCOMPARE(m_server->maxInFlight(), 0);
    QCOMPARE(m_server->requestsServed(), 0);
    QCOMPARE(httpStats(port), QList<qint64>({0, 0, 0}));
}

void TestDemoStats::pacedWritesAreTimed()
{
    // 10 tokens 20 ms apart after 20 ms: each token is a paced write, and its lateness is
    // counted; the reset starts them from zero.
    constexpr int tokens = 10;
    const quint16 port = m_server->port();
    RawClient client;
    QVERIFY(client.connectTo(port));
    const auto answer = client.exchange(rawChatRequest(
        chatBody(QStringLiteral("paced"), QStringLiteral("demo-chat"), true, true, tokens),
        "X-Demo-Latency: ttft=20,itl=20\r\n"));
    QVERIFY(answer);
    QCOMPARE(parseSse(answer->body).contentChunks, tokens);
    const auto response = statsRequest(port, "GET", "/v1/demo/stats");
    QVERIFY(response);
    const QJsonObject stats = jsonOf(response->body);
    const qint64 writes = stats["paced_writes"].toInteger(-1);
    const qint64 late1 = stats["late_over_1ms"].toInteger(-1);
    const qint64 late5 = stats["late_over_5ms"].toInteger(-1);
    // One per token (the end rides with the last); writes due together go out as one, so a
    // server late by a whole gap makes fewer, never more.
    QVERIFY2(writes >= tokens / 2 && writes <= tokens, qPrintable(QString::number(writes)));
    QVERIFY(late1 >= 0 && late1 <= writes);
    QVERIFY(late5 >= 0 && late5 <= late1);
    QVERIFY(stats["max_lateness_ms"].toDouble(-1) >= 0);

    QCOMPARE(httpStats(port, "POST", "/v1/demo/stats/reset"), QList<qint64>({0, 0, 0}));
    const auto after = statsRequest(port, "GET", "/v1/demo/stats");
    QVERIFY(after);
    QCOMPARE(jsonOf(after->body)["paced_writes"].toInteger(-1), 0);
}

void TestDemoStats::statsCountErrorAnswersOnly()
{
    const quint16 port = m_server->port();
    RawClient client;
    QVERIFY(client.connectTo(port));
    // Chat requests count whatever their answer: a bad body, an unknown model, a fault.
    const auto badJson = client.exchange(rawChatRequest("{not json"));
    QVERIFY(badJson);
    QCOMPARE(badJson->status, 400);
    const auto noModel = client.exchange(rawChatRequest(chatBody("x", "no-such-model")));
    QVERIFY(noModel);
    QCOMPARE(noModel->status, 404);
    const auto fault = client.exchange(rawChatRequest(chatBody("x"), "X-Demo-Fault: 429\r\n"));
    QVERIFY(fault);
    QCOMPARE(fault->status, 429);
    const auto cutOff = client.exchange(rawChatRequest(chatBody("x"), "X-Demo-Fault: cut-off\r\n"));
    QVERIFY(cutOff);
    QCOMPARE(cutOff->status, 200);
    // Other routes do not.
    const auto models = client.exchange("GET /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QVERIFY(models);
    QCOMPARE(models->status, 200);
    const auto unknown = client.exchange("GET /v1/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QVERIFY(unknown);
    QCOMPARE(unknown->status, 404);
    QCOMPARE(httpStats(port), QList<qint64>({0, 1, 4}));
    QCOMPARE(m_server->requestsServed(), 4);
}

void TestDemoStats::statsResetKeepsStreamsInFlight()
{
    // Stalled streams stay in flight until their clients give up.
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 3; ++i) {
        auto client = std::make_unique<RawClient>();
        QVERIFY(client->connectTo(m_server->port()));
        client->socket.write(
            rawChatRequest(chatBody(QStringLiteral("Stall %1").arg(i)), "X-Demo-Fault: stall\r\n"));
        clients.push_back(std::move(client));
    }
    // A stall sends a few tokens, then nothing.
    QVERIFY(QTest::qWaitFor(
        [&] {
            return std::all_of(clients.begin(), clients.end(), [](const auto& client) {
                client->buffer += client->socket.readAll();
                return client->buffer.count("data: ") >= DemoCompletionBuilder::tokensBeforeFault;
            });
        },
        kTimeoutMs));
    QCOMPARE(m_server->inFlight(), 3);
    QCOMPARE(m_server->maxInFlight(), 3);

    // A reset keeps what is in flight as the new maximum.
    m_server->resetStats();
    QCOMPARE(m_server->inFlight(), 3);
    QCOMPARE(m_server->maxInFlight(), 3);
    QCOMPARE(m_server->requestsServed(), 0);

    clients.front()->socket.abort();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->inFlight(), 2, kTimeoutMs);
    QCOMPARE(m_server->requestsServed(), 1);
    QCOMPARE(httpStats(m_server->port()), QList<qint64>({2, 3, 1}));
    QCOMPARE(httpStats(m_server->port(), "POST", "/v1/demo/stats/reset"), QList<qint64>({2, 2, 0}));

    clients.clear(); // closes the others
    QTRY_COMPARE_WITH_TIMEOUT(m_server->inFlight(), 0, kTimeoutMs);
    QCOMPARE(m_server->maxInFlight(), 2);
    QCOMPARE(m_server->requestsServed(), 2);
}

void TestDemoStats::statsRouteAndApiKey()
{
    DemoConfig config = instantConfig();
    config.requiredApiKey = QStringLiteral("sekret");
    startServer(config);
    const quint16 port = m_server->port();
    const QByteArray key = "Authorization: Bearer sekret\r\n";
    const QByteArray wrongKey = "Authorization: Bearer guess\r\n";
    // The same rule as /v1/models: no key or a wrong one gets 401.
    for (const QByteArray path : {"/v1/models", "/v1/demo/stats"}) {
        for (const QByteArray& extra : {QByteArray(), wrongKey}) {
            const auto denied = statsRequest(port, "GET", path, extra);
            QVERIFY(denied);
            QCOMPARE(denied->status, 401);
            QCOMPARE(jsonOf(denied->body)["error"]["code"].toString(),
                     QStringLiteral("invalid_api_key"));
        }
        const auto allowed = statsRequest(port, "GET", path, key);
        QVERIFY(allowed);
        QCOMPARE(allowed->status, 200);
    }
    const auto deniedReset = statsRequest(port, "POST", "/v1/demo/stats/reset", wrongKey);
    QVERIFY(deniedReset);
    QCOMPARE(deniedReset->status, 401);

    // A chat request without the key is an answered chat request: it counts.
    RawClient client;
    QVERIFY(client.connectTo(port));
    const auto chat = client.exchange(rawChatRequest(chatBody("x")));
    QVERIFY(chat);
    QCOMPARE(chat->status, 401);
    QCOMPARE(m_server->requestsServed(), 1);

    const auto reset = statsRequest(port, "POST", "/v1/demo/stats/reset", key);
    QVERIFY(reset);
    QCOMPARE(reset->status, 200);
    QCOMPARE(jsonOf(reset->body), QJsonObject({{"in_flight", 0},
                                               {"max_in_flight", 0},
                                               {"requests_served", 0},
                                               {"paced_writes", 0},
                                               {"late_over_1ms", 0},
                                               {"late_over_5ms", 0},
                                               {"max_lateness_ms", 0}}));

    // Each stats path takes one method.
    const auto getReset = statsRequest(port, "GET", "/v1/demo/stats/reset", key);
    QVERIFY(getReset);
    QCOMPARE(getReset->status, 405);
    QCOMPARE(getReset->header("allow"), QByteArray("POST"));
    const auto postStats = statsRequest(port, "POST", "/v1/demo/stats", key);
    QVERIFY(postStats);
    QCOMPARE(postStats->status, 405);
    QCOMPARE(postStats->header("allow"), QByteArray("GET"));
    QCOMPARE(m_server->requestsServed(), 0);
}

QTEST_GUILESS_MAIN(TestDemoStats)
#include "tst_demostats.moc"

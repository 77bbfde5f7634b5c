// ConnectionWarmer and ChatClient::warm: the connection opened ahead of a request is the one the
// request uses (the demo endpoint accepts one connection, not two), warming is limited to once
// per interval and origin, and can be turned off.
#include "demo/DemoServer.h"
#include "net/ChatClient.h"
#include "net/ConnectionWarmer.h"
#include "net/CurlMulti.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace adminchat;

namespace {

constexpr int kTimeoutMs = 20000;

DemoConfig slowHandshakeConfig()
{
    DemoConfig config = *DemoConfig::fromProfile(QStringLiteral("instant"));
    config.handshakeDelayMs = 150;
    return config;
}

ChatRequest shortRequest(const QString& prompt)
{
    ChatRequest request;
    request.model = QStringLiteral("demo-chat");
    request.maxTokens = 5;
    request.messages.append({QStringLiteral("user"), prompt});
    return request;
}

RequestTrace runRequest(ChatClient& client, const EndpointConfig& endpoint, const QString& prompt)
{
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), endpoint, shortRequest(prompt));
    if (!finished.wait(kTimeoutMs))
        return {};
    return finished.first().at(1).value<RequestTrace>();
}

} // namespace

class TestConnectionWarmer : public QObject
{
    Q_OBJECT
private slots:
    void originOfNormalisesPorts_data();
    void originOfNormalisesPorts();
    void warmsEachOriginOncePerInterval();
    void disabledWarmerAsksNothing();
    void requestReusesWarmedConnection();
    void coldRequestsOpenTheirOwnConnection();
    void unreadableCaFileOpensNothing();
};

void TestConnectionWarmer::originOfNormalisesPorts_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("origin");
    QTest::newRow("http default") << "http://example.com/v1"
                                  << "http://example.com:80";
    QTest::newRow("https default") << "https://api.example.com/v1"
                                   << "https://api.example.com:443";
    QTest::newRow("explicit port") << "http://127.0.0.1:8000/v1"
                                   << "http://127.0.0.1:8000";
    QTest::newRow("upper-case scheme") << "HTTPS://h.example:8443"
                                       << "https://h.example:8443";
    QTest::newRow("not http") << "ftp://example.com/"
                              << "";
    QTest::newRow("no host") << "http:///v1"
                             << "";
}

void TestConnectionWarmer::originOfNormalisesPorts()
{
    QFETCH(QString, url);
    QFETCH(QString, origin);
    QCOMPARE(ConnectionWarmer::originOf(QUrl(url)), origin);
}

void TestConnectionWarmer::warmsEachOriginOncePerInterval()
{
    DemoServer server(slowHandshakeConfig());
    QVERIFY(server.listen());
    DemoServer other(slowHandshakeConfig());
    QVERIFY(other.listen());
    ChatClient client;
    ConnectionWarmer warmer(&client);
    warmer.setMinimumIntervalMs(600'000); // nothing expires during the test
    QSignalSpy requested(&warmer, &ConnectionWarmer::warmRequested);

    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    QVERIFY(warmer.warm(endpoint));
    QVERIFY(!warmer.warm(endpoint)); // same origin, too soon
    endpoint.baseUrl.setPath(QStringLiteral("/other/v1"));
    QVERIFY(!warmer.warm(endpoint)); // another path is still the same connection
    EndpointConfig second;
    second.baseUrl = other.baseUrl();
    QVERIFY(warmer.warm(second));
    EndpointConfig invalid;
    invalid.baseUrl = QUrl(QStringLiteral("ftp://example.com/v1"));
    QVERIFY(!warmer.warm(invalid));

    QCOMPARE(warmer.warmCount(), 2);
    QCOMPARE(requested.count(), 2);
    QCOMPARE(requested.at(0).at(0).toString(),
             QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionsAccepted(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(other.connectionsAccepted(), 1, kTimeoutMs);

    // With no interval every call asks again; the connection that waits is not opened twice.
    warmer.setMinimumIntervalMs(0);
    QVERIFY(warmer.warm(second));
    QCOMPARE(warmer.warmCount(), 3);
    QTest::qWait(300);
    QCOMPARE(other.connectionsAccepted(), 1);
}

void TestConnectionWarmer::disabledWarmerAsksNothing()
{
    DemoServer server(slowHandshakeConfig());
    QVERIFY(server.listen());
    ChatClient client;
    ConnectionWarmer warmer(&client);
    QCOMPARE(warmer.isEnabled(), ConnectionWarmer::enabledByDefault);
    warmer.setEnabled(false);
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    QVERIFY(!warmer.warm(endpoint));
    QCOMPARE(warmer.warmCount(), 0);

    // The request connects on its own, as it always did.
    const RequestTrace trace = runRequest(client, endpoint, QStringLiteral("cold"));
    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
    QCOMPARE(server.connectionsAccepted(), 1);
}

void TestConnectionWarmer::requestReusesWarmedConnection()
{
    DemoServer server(slowHandshakeConfig());
    QVERIFY(server.listen());
    ChatClient client;
    ConnectionWarmer warmer(&client);
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();

    QVERIFY(warmer.warm(endpoint));
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionsAccepted(), 1, kTimeoutMs);
    QCOMPARE(server.requestsServed(), 0); // connecting sends no request

    const RequestTrace first = runRequest(client, endpoint, QStringLiteral("warm one"));
    QVERIFY2(first.succeeded(), qPrintable(first.error ? first.error->message : QString()));
    QCOMPARE(first.httpStatus, 200);
    QVERIFY(!first.text.isEmpty());
    const RequestTrace second = runRequest(client, endpoint, QStringLiteral("warm two"));
    QVERIFY(second.succeeded());

    // Both requests went over the connection opened ahead of them.
    QCOMPARE(server.connectionsAccepted(), 1);
    QCOMPARE(server.requestsServed(), 2);
}

void TestConnectionWarmer::coldRequestsOpenTheirOwnConnection()
{
    // The control: each fresh client (manager) pays for a connection of its own, which is what
    // the warmed request above avoided.
    DemoServer server(slowHandshakeConfig());
    QVERIFY(server.listen());
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    for (int i = 1; i <= 2; ++i) {
        ChatClient client;
        const RequestTrace trace = runRequest(client, endpoint, QStringLiteral("cold"));
        QVERIFY(trace.succeeded());
        QCOMPARE(server.connectionsAccepted(), i);
    }
}

void TestConnectionWarmer::unreadableCaFileOpensNothing()
{
    DemoServer server(slowHandshakeConfig());
    QVERIFY(server.listen());
    CurlMulti multi;
    EndpointConfig endpoint;
    endpoint.baseUrl = QUrl(QStringLiteral("https://127.0.0.1:%1/v1").arg(server.port()));
    endpoint.caFile = QStringLiteral("/nonexistent/ca.pem");
    const std::optional<ApiError> error = ConnectionWarmer::connect(&multi, endpoint);
    QVERIFY(error);
    QCOMPARE(error->kind, ApiError::Kind::Tls);
    QVERIFY(error->message.contains(endpoint.caFile));
    // A plain connection asked for afterwards is the only one the server sees.
    EndpointConfig plain;
    plain.baseUrl = server.baseUrl();
    QVERIFY(!ConnectionWarmer::connect(&multi, plain));
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionsAccepted(), 1, kTimeoutMs);
    QCOMPARE(server.connectionCount(), 1);
}

QTEST_GUILESS_MAIN(TestConnectionWarmer)
#include "tst_connectionwarmer.moc"

// DemoConfig::handshakeDelayMs: the first request of a new connection is read only after the
// simulated handshake; later requests on the same kept-alive connection are not held back.
// Checked by order of arrival against a request on a fresh connection, not by durations.
#include "DemoTestClient.h"

using namespace adminchat;
using namespace demotest;

class TestDemoHandshake : public QObject
{
    Q_OBJECT
private slots:
    void defaultsToNoDelay();
    void keptAliveRequestOvertakesNewConnection();
    void zeroDelayServesNewConnection();
};

namespace {

DemoConfig handshakeConfig(double ms)
{
    DemoConfig config = instantConfig();
    config.handshakeDelayMs = ms;
    return config;
}

} // namespace

void TestDemoHandshake::defaultsToNoDelay()
{
    QCOMPARE(DemoConfig().handshakeDelayMs, 0.0);
    for (const QString& profile : DemoConfig::profileNames())
        QCOMPARE(DemoConfig::fromProfile(profile)->handshakeDelayMs, 0.0);
}

void TestDemoHandshake::keptAliveRequestOvertakesNewConnection()
{
    DemoServer server(handshakeConfig(400));
    QVERIFY(server.listen());
    const QByteArray request = rawChatRequest(chatBody(QStringLiteral("hi"), "demo-chat", false));

    RawClient kept;
    QVERIFY(kept.connectTo(server.port()));
    const auto first = kept.exchange(request); // pays the handshake
    QVERIFY(first);
    QCOMPARE(first->status, 200);

    // The fresh connection sends first, yet the kept-alive one is answered first: only the
    // fresh one waits for its handshake.
    RawClient fresh;
    QVERIFY(fresh.connectTo(server.port()));
    fresh.socket.write(request);
    QVERIFY(fresh.socket.waitForBytesWritten(kTimeoutMs));
    kept.socket.write(request);
    QList<QByteArray> order;
    connect(&kept.socket, &QTcpSocket::readyRead, this, [&] {
        if (!order.contains("kept"))
            order << "kept";
    });
    connect(&fresh.socket, &QTcpSocket::readyRead, this, [&] {
        if (!order.contains("fresh"))
            order << "fresh";
    });
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, kTimeoutMs);
    QCOMPARE(order, (QList<QByteArray>{"kept", "fresh"}));
    const auto keptAnswer = kept.read();
    const auto freshAnswer = fresh.read();
    QVERIFY(keptAnswer && freshAnswer);
    QCOMPARE(keptAnswer->status, 200);
    QCOMPARE(freshAnswer->status, 200);
    QCOMPARE(server.connectionsAccepted(), 2);
    QCOMPARE(server.requestsServed(), 3);
}

void TestDemoHandshake::zeroDelayServesNewConnection()
{
    // A zero delay arms nothing: the first request of a connection is served as before.
    DemoServer server(handshakeConfig(0));
    QVERIFY(server.listen());
    const QByteArray request = rawChatRequest(chatBody(QStringLiteral("hi"), "demo-chat", false));
    RawClient fresh;
    QVERIFY(fresh.connectTo(server.port()));
    const auto answer = fresh.exchange(request);
    QVERIFY(answer);
    QCOMPARE(answer->status, 200);
    QCOMPARE(server.connectionsAccepted(), 1);
    QCOMPARE(server.connectionCount(), 1);
}

QTEST_GUILESS_MAIN(TestDemoHandshake)
#include "tst_demohandshake.moc"

// Pre-warming an https endpoint whose certificate comes from a private CA (EndpointConfig::caFile):
// the TCP connection ChatClient::warm() opens is the one the chat requests then use; the first
// request makes the TLS handshake on it, verified with that CA, and the second reuses it (the
// server sees one connection and one handshake for warm-up and requests). curl cannot adopt a
// handshake made outside it, so an https request still pays for TLS after a warm-up.
// The certificates are made with the openssl tool at run time.
#include "HttpTestRequest.h"
#include "TestCertificates.h"
#include "net/ChatClient.h"
#include "net/ConnectionWarmer.h"

#include <QSignalSpy>
#include <QSslServer>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace adminchat;

namespace {

constexpr int kTimeoutMs = 20000;

// Answers POST /v1/chat/completions with a short stream over TLS, keeping connections alive.
class KeepAliveTlsServer : public QObject
{
public:
    bool listen(const QString& certificateDir)
    {
        const std::optional<QSslConfiguration> tls = testcerts::serverConfiguration(certificateDir);
        if (!tls)
            return false;
        m_server.setSslConfiguration(*tls);
        connect(&m_server, &QSslServer::pendingConnectionAvailable, this, [this] {
            while (auto* socket = static_cast<QSslSocket*>(m_server.nextPendingConnection()))
                serve(socket);
        });
        connect(&m_server, &QSslServer::startedEncryptionHandshake, this,
                [this](QSslSocket* socket) {
                    ++m_connections;
                    connect(socket, &QSslSocket::encrypted, this, [this] { ++m_handshakes; });
                });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }

    QUrl baseUrl() const
    {
        return QUrl(QStringLiteral("https://127.0.0.1:%1/v1").arg(m_server.serverPort()));
    }
    int connections() const { return m_connections; }
    int handshakes() const { return m_handshakes; } // completed ones
    int requests() const { return m_requests; }

private:
    void serve(QSslSocket* socket)
    {
        socket->setParent(this);
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QSslSocket::readyRead, this, [this, socket, buffer] {
            *buffer += socket->readAll();
            while (const std::optional<HttpTestRequest> request = takeHttpRequest(*buffer)) {
                ++m_requests;
                const QByteArray body = R"(data: {"choices":[{"index":0,"delta":{"content":)"
                                        R"("warm"},"finish_reason":"stop"}]})"
                                        "\n\ndata: [DONE]\n\n";
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                              "Content-Length: " +
                              QByteArray::number(body.size()) + "\r\n\r\n" + body);
            }
        });
    }

    QSslServer m_server;
    int m_connections = 0;
    int m_handshakes = 0;
    int m_requests = 0;
};

} // namespace

class TestConnectionWarmerTls : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void warmedTlsConnectionIsReused();

private:
    QTemporaryDir m_dir;
    KeepAliveTlsServer m_server;
    QString m_ca;
};

void TestConnectionWarmerTls::initTestCase()
{
    REQUIRE_TEST_CERTIFICATES();
    QVERIFY(m_dir.isValid());
    QVERIFY(testcerts::make(m_dir.path(), QStringLiteral("AdminChat Warm-up Test CA")));
    m_ca = m_dir.filePath(QStringLiteral("ca.pem"));
    QVERIFY(m_server.listen(m_dir.path()));
}

void TestConnectionWarmerTls::warmedTlsConnectionIsReused()
{
    ChatClient client;
    EndpointConfig endpoint;
    endpoint.baseUrl = m_server.baseUrl();
    endpoint.caFile = m_ca;

    client.warm(endpoint);
    // QSslServer counts a connection at its ClientHello: a waiting TCP connection shows nothing.
    QTest::qWait(200);
    QCOMPARE(m_server.connections(), 0);
    QCOMPARE(m_server.handshakes(), 0);
    QCOMPARE(m_server.requests(), 0);

    for (int i = 1; i <= 2; ++i) {
        QSignalSpy finished(&client, &ChatClient::requestFinished);
        ChatRequest request;
        request.model = QStringLiteral("tls-model");
        request.messages.append({QStringLiteral("user"), QStringLiteral("hi")});
        client.start(ChatClient::nextRequestId(), endpoint, request);
        QVERIFY(finished.wait(kTimeoutMs));
        const auto trace = finished.first().at(1).value<RequestTrace>();
        QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
        QCOMPARE(trace.text, QStringLiteral("warm"));
    }
    QCOMPARE(m_server.requests(), 2);
    QCOMPARE(m_server.connections(), 1);
    QCOMPARE(m_server.handshakes(), 1);
}

QTEST_GUILESS_MAIN(TestConnectionWarmerTls)
#include "tst_connectionwarmertls.moc"

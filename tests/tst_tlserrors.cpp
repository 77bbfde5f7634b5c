// A TLS server whose certificate the client does not trust: ChatStream and ModelsFetcher fail
// with one line naming the certificate's subject and issuer and the reason, never continue
// (no ignoreSslErrors), and a request is not retried after a certificate error. Certificates are
// made with the openssl tool at run time: a server certificate from an unknown private CA, and
// a self-signed one.
#include "HostileServer.h"
#include "TestCertificates.h"
#include "net/ChatClient.h"
#include "net/ModelsFetcher.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace adminchat;

namespace {

// Accepts TLS connections and counts them (each a handshake); a verified client would get no
// answer, which is fine: every test here expects the handshake to fail.
std::unique_ptr<HostileServer> tlsServer(const QSslConfiguration& tls)
{
    HostileServer::Options options;
    options.tls = tls;
    return std::make_unique<HostileServer>(
        [](const HostileRequest&) { return HostileResponse().hold(); }, options);
}

QString where(const HostileServer& server)
{
    return QStringLiteral("127.0.0.1:%1").arg(server.port());
}

} // namespace

class TestTlsErrors : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void chatNamesCertificateOfUnknownCa();
    void modelsNamesCertificateOfUnknownCa();
    void chatNamesSelfSignedCertificate();
    void anotherCaStillFails();

private:
    RequestTrace chat(const HostileServer& server, const QString& caFile = {});
    std::optional<ApiError> fetchModels(const HostileServer& server);

    QTemporaryDir m_dir;
    // Server certificate CN=127.0.0.1 from "AdminChat Unknown CA".
    std::unique_ptr<HostileServer> m_signed;
    // The CA's own certificate: subject == issuer.
    std::unique_ptr<HostileServer> m_selfSigned;
};

void TestTlsErrors::initTestCase()
{
    REQUIRE_TEST_CERTIFICATES();
    QVERIFY(m_dir.isValid());
    QVERIFY(testcerts::make(m_dir.path(), QStringLiteral("AdminChat Unknown CA"),
                            QStringLiteral("Some Other CA")));
    const std::optional<QSslConfiguration> tls = testcerts::serverConfiguration(m_dir.path());
    QVERIFY(tls);
    m_signed = tlsServer(*tls);
    QVERIFY(m_signed->isListening());

    QSslConfiguration self = *tls;
    const auto ca = QSslCertificate::fromPath(m_dir.filePath(QStringLiteral("ca.pem")));
    QFile key(m_dir.filePath(QStringLiteral("ca.key")));
    QVERIFY(!ca.isEmpty() && key.open(QIODevice::ReadOnly));
    self.setLocalCertificate(ca.first());
    self.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa));
    m_selfSigned = tlsServer(self);
    QVERIFY(m_selfSigned->isListening());
}

RequestTrace TestTlsErrors::chat(const HostileServer& server, const QString& caFile)
{
    ChatClient client;
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    endpoint.caFile = caFile;
    endpoint.maxRetries = 2;
    ChatRequest request;
    request.model = QStringLiteral("tls-model");
    request.messages.append({QStringLiteral("user"), QStringLiteral("hi")});
    client.start(ChatClient::nextRequestId(), endpoint, request);
    if (!finished.wait(20000))
        return {};
    return finished.first().at(1).value<RequestTrace>();
}

std::optional<ApiError> TestTlsErrors::fetchModels(const HostileServer& server)
{
    QNetworkAccessManager manager;
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    ModelsFetcher fetcher(&manager, endpoint);
    QSignalSpy finished(&fetcher, &ModelsFetcher::finished);
    fetcher.start();
    if (!finished.wait(20000))
        return ApiError{ApiError::Kind::Protocol, QStringLiteral("test timed out")};
    return finished.first().at(1).value<std::optional<ApiError>>();
}

void TestTlsErrors::chatNamesCertificateOfUnknownCa()
{
    const int handshakesBefore = m_signed->connectionCount();
    const RequestTrace trace = chat(*m_signed);
    QVERIFY(trace.error.has_value());
    const QString message = trace.error->message;
    QCOMPARE(trace.error->kind, ApiError::Kind::Tls);
    QVERIFY2(message.startsWith(
                 QStringLiteral("TLS certificate of %1 not trusted: ").arg(where(*m_signed))),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("subject CN=127.0.0.1")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("issuer CN=AdminChat Unknown CA")),
             qPrintable(message));
    QVERIFY(!message.contains(QLatin1Char('\n')));
    QVERIFY(trace.text.isEmpty());
    // A certificate error is final: no retry, so one handshake.
    QCOMPARE(trace.retries, 0);
    QCOMPARE(m_signed->connectionCount() - handshakesBefore, 1);
}

void TestTlsErrors::modelsNamesCertificateOfUnknownCa()
{
    const std::optional<ApiError> error = fetchModels(*m_signed);
    QVERIFY(error);
    QCOMPARE(error->kind, ApiError::Kind::Tls);
    QVERIFY2(error->message.startsWith(
                 QStringLiteral("TLS certificate of %1 not trusted: ").arg(where(*m_signed))),
             qPrintable(error->message));
    QVERIFY2(error->message.contains(QStringLiteral("subject CN=127.0.0.1")),
             qPrintable(error->message));
    QVERIFY2(error->message.contains(QStringLiteral("issuer CN=AdminChat Unknown CA")),
             qPrintable(error->message));
}

void TestTlsErrors::chatNamesSelfSignedCertificate()
{
    const RequestTrace trace = chat(*m_selfSigned);
    QVERIFY(trace.error.has_value());
    const QString message = trace.error->message;
    QCOMPARE(trace.error->kind, ApiError::Kind::Tls);
    QVERIFY2(message.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("subject CN=AdminChat Unknown CA; issuer "
                                             "CN=AdminChat Unknown CA")),
             qPrintable(message));
}

void TestTlsErrors::anotherCaStillFails()
{
    // Trusting some other CA does not make this certificate trusted.
    const RequestTrace trace = chat(*m_signed, m_dir.filePath(QStringLiteral("other.pem")));
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Tls);
    QVERIFY2(trace.error->message.contains(QStringLiteral("issuer CN=AdminChat Unknown CA")),
             qPrintable(trace.error->message));
}

QTEST_GUILESS_MAIN(TestTlsErrors)
#include "tst_tlserrors.moc"

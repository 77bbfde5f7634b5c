// EndpointConfig::caFile: a TLS server whose certificate comes from a private CA is trusted only
// with that CA's PEM file, by ModelsFetcher and ChatStream alike; verification stays on (another
// CA fails); a missing or certificate-less file fails the request with one line naming it,
// before anything is sent. The certificates are made with the openssl tool at run time.
#include "HostileServer.h"
#include "TestCertificates.h"
#include "net/ChatClient.h"
#include "net/ModelsFetcher.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace adminchat;

namespace {

// Answers GET /v1/models and POST /v1/chat/completions once per connection.
HostileResponse answer(const HostileRequest& request)
{
    if (request.method == "GET" && request.target.startsWith("/v1/models"))
        return HostileResponse::status(
            200, R"({"object":"list","data":[{"id":"tls-model","object":"model"}]})",
            {{"Connection", "close"}});
    return HostileResponse::status(200,
                                   R"(data: {"choices":[{"index":0,"delta":{"content":"secure"},)"
                                   R"("finish_reason":"stop"}]})"
                                   "\n\ndata: [DONE]\n\n",
                                   {{"Connection", "close"}}, "text/event-stream");
}

} // namespace

class TestCustomCa : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void noCaFileLeavesTheRequestAlone();
    void modelsWithTheCa();
    void modelsWithoutTheCaFail();
    void modelsWithAnotherCaFail();
    void chatWithTheCa();
    void chatWithoutTheCaFails();
    void unusableCaFiles_data();
    void unusableCaFiles();

private:
    std::pair<QStringList, std::optional<ApiError>> fetchModels(const QString& caFile);
    RequestTrace chat(const QString& caFile);

    QTemporaryDir m_dir;
    std::unique_ptr<HostileServer> m_server; // over TLS, with the server certificate from m_ca
    QString m_ca;
    QString m_otherCa;
};

void TestCustomCa::initTestCase()
{
    REQUIRE_TEST_CERTIFICATES();
    QVERIFY(m_dir.isValid());
    QVERIFY(testcerts::make(m_dir.path(), QStringLiteral("AdminChat Test CA"),
                            QStringLiteral("Some Other CA")));
    m_ca = m_dir.filePath(QStringLiteral("ca.pem"));
    m_otherCa = m_dir.filePath(QStringLiteral("other.pem"));
    HostileServer::Options options;
    options.tls = testcerts::serverConfiguration(m_dir.path());
    QVERIFY(options.tls);
    m_server = std::make_unique<HostileServer>(answer, options);
    QVERIFY(m_server->isListening());
}

std::pair<QStringList, std::optional<ApiError>> TestCustomCa::fetchModels(const QString& caFile)
{
    QNetworkAccessManager manager;
    EndpointConfig endpoint;
    endpoint.baseUrl = m_server->baseUrl();
    endpoint.caFile = caFile;
    ModelsFetcher fetcher(&manager, endpoint);
    QSignalSpy finished(&fetcher, &ModelsFetcher::finished);
    fetcher.start();
    if (!finished.wait(20000))
        return {{}, ApiError{ApiError::Kind::Protocol, QStringLiteral("test timed out")}};
    return {finished.first().at(0).toStringList(),
            finished.first().at(1).value<std::optional<ApiError>>()};
}

RequestTrace TestCustomCa::chat(const QString& caFile)
{
    ChatClient client;
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    EndpointConfig endpoint;
    endpoint.baseUrl = m_server->baseUrl();
    endpoint.caFile = caFile;
    ChatRequest request;
    request.model = QStringLiteral("tls-model");
    request.messages.append({QStringLiteral("user"), QStringLiteral("hi")});
    client.start(ChatClient::nextRequestId(), endpoint, request);
    if (!finished.wait(20000))
        return {};
    return finished.first().at(1).value<RequestTrace>();
}

void TestCustomCa::noCaFileLeavesTheRequestAlone()
{
    EndpointConfig endpoint;
    QNetworkRequest request;
    const QSslConfiguration before = request.sslConfiguration();
    QVERIFY(!endpoint.applyTls(request));
    QCOMPARE(request.sslConfiguration(), before);

    endpoint.caFile = m_ca;
    QVERIFY(!endpoint.applyTls(request));
    const QSslConfiguration tls = request.sslConfiguration();
    QVERIFY(tls.caCertificates().contains(QSslCertificate::fromPath(m_ca).first()));
    // The system's CAs are still there, and nothing turns verification off.
    QVERIFY(tls.caCertificates().size() >=
            QSslConfiguration::defaultConfiguration().caCertificates().size());
    QVERIFY(tls.peerVerifyMode() != QSslSocket::VerifyNone);
}

void TestCustomCa::modelsWithTheCa()
{
    const auto [models, error] = fetchModels(m_ca);
    QVERIFY2(!error, qPrintable(error ? error->message : QString()));
    QCOMPARE(models, QStringList{QStringLiteral("tls-model")});
}

void TestCustomCa::modelsWithoutTheCaFail()
{
    const auto [models, error] = fetchModels(QString());
    QVERIFY(error);
    QCOMPARE(error->kind, ApiError::Kind::Tls);
    QVERIFY(models.isEmpty());
}

void TestCustomCa::modelsWithAnotherCaFail()
{
    const auto [models, error] = fetchModels(m_otherCa);
    QVERIFY(error);
    QCOMPARE(error->kind, ApiError::Kind::Tls);
}

void TestCustomCa::chatWithTheCa()
{
    const RequestTrace trace = chat(m_ca);
    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
    QCOMPARE(trace.text, QStringLiteral("secure"));
}

void TestCustomCa::chatWithoutTheCaFails()
{
    const RequestTrace trace = chat(QString());
    QVERIFY(trace.error);
    QCOMPARE(trace.error->kind, ApiError::Kind::Tls);
    QVERIFY(trace.text.isEmpty());
}

void TestCustomCa::unusableCaFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing") << "missing.pem"
                             << "cannot read the CA file";
    QTest::newRow("no certificate") << "san.cnf"
                                    << "holds no PEM certificate";
    QTest::newRow("a key, not a certificate") << "ca.key"
                                              << "holds no PEM certificate";
    QTest::newRow("a directory") << "."
                                 << "cannot read the CA file";
}

void TestCustomCa::unusableCaFiles()
{
    QFETCH(QString, file);
    QFETCH(QString, reason);
    const QString path = m_dir.filePath(file);
    const int handshakes = m_server->connectionCount();

    const auto [models, error] = fetchModels(path);
    QVERIFY(error);
    QCOMPARE(error->kind, ApiError::Kind::Tls);
    QVERIFY2(error->message.contains(reason), qPrintable(error->message));
    QVERIFY2(error->message.contains(path), qPrintable(error->message));
    QVERIFY(!error->message.contains(QLatin1Char('\n')));

    const RequestTrace trace = chat(path);
    QVERIFY(trace.error);
    QCOMPARE(trace.error->kind, ApiError::Kind::Tls);
    QCOMPARE(trace.error->message, error->message);
    QVERIFY(trace.endNs >= 0);

    QTest::qWait(50);
    QCOMPARE(m_server->connectionCount(), handshakes); // nothing was sent
}

QTEST_GUILESS_MAIN(TestCustomCa)
#include "tst_customca.moc"

// RequestLog's redaction of headers and URLs, and the debug log of real requests: with debug
// output of adminchat.net on, requests to the demo endpoint through a base URL carrying
// ?api_key=... and with an API key and a key header never put any of these secrets into a log
// line or an error message, while the redacted descriptions do appear.
#include "demo/DemoServer.h"
#include "net/ChatClient.h"
#include "net/ModelsFetcher.h"
#include "net/RequestLog.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace adminchat;

namespace {

const QString keyCanary = QStringLiteral("sk-KEYCANARY-4f1e9a");
const QString queryCanary = QStringLiteral("QUERYCANARY-77d2");
const QString headerCanary = QStringLiteral("HEADERCANARY-0b8c");
const QString passwordCanary = QStringLiteral("PASSCANARY-5e3a");

QMutex logMutex;
QStringList captured;

void capture(QtMsgType, const QMessageLogContext& context, const QString& text)
{
    const QMutexLocker lock(&logMutex);
    captured << QString::fromLatin1(context.category) + QStringLiteral(": ") + text;
}

QStringList capturedLines()
{
    const QMutexLocker lock(&logMutex);
    return captured;
}

} // namespace

class TestRequestLog : public QObject
{
    Q_OBJECT
private slots:
    void secretHeaders_data();
    void secretHeaders();
    void headerValuesAreRedacted();
    void urls_data();
    void urls();
    void describesRequest();
    void scrubbedRemovesEndpointSecrets();
    void realRequestsNeverLogSecrets();
};

void TestRequestLog::secretHeaders_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<bool>("secret");
    for (const char* name : {"Authorization", "authorization", "Proxy-Authorization", "api-key",
                             "X-Api-Key", "x-goog-api-key", "X-Auth-Token", "X-Client-Secret",
                             "Cookie", "X-Access-Token", "OpenAI-Key"})
        QTest::newRow(name) << QByteArray(name) << true;
    for (const char* name :
         {"Accept", "Content-Type", "User-Agent", "X-Team", "OpenAI-Organization", "X-Demo-Fault"})
        QTest::newRow(name) << QByteArray(name) << false;
}

void TestRequestLog::secretHeaders()
{
    QFETCH(QByteArray, name);
    QFETCH(bool, secret);
    QCOMPARE(RequestLog::isSecretHeader(name), secret);
}

void TestRequestLog::headerValuesAreRedacted()
{
    const QString text = RequestLog::redactedHeaders(QList<QPair<QByteArray, QByteArray>>{
        {"Accept", "text/event-stream"},
        {"Authorization", "Bearer sk-secret-1"},
        {"Proxy-Authorization", "Basic dXNlcjpwYXNz"},
        {"api-key", "azure-secret-2"},
        {"X-Auth-Token", "token with spaces secret-3"},
        {"X-Team", "research"},
    });
    QCOMPARE(text, QStringLiteral("Accept: text/event-stream, Authorization: Bearer <redacted>, "
                                  "Proxy-Authorization: Basic <redacted>, api-key: <redacted>, "
                                  "X-Auth-Token: <redacted>, X-Team: research"));
    for (const char* secret : {"sk-secret-1", "dXNlcjpwYXNz", "azure-secret-2", "secret-3"})
        QVERIFY2(!text.contains(QLatin1String(secret)), secret);
    // Only a known scheme of an Authorization header is kept.
    QCOMPARE(RequestLog::redactedHeaders(QList<QPair<QByteArray, QByteArray>>{
                 {"Authorization", "sk-abc123 trailing"}, {"X-Api-Key", "Bearer abc"}}),
             QStringLiteral("Authorization: <redacted>, X-Api-Key: <redacted>"));
}

void TestRequestLog::urls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << "https://api.example.com/v1/chat/completions"
                           << "https://api.example.com/v1/chat/completions";
    QTest::newRow("key")
        << "https://gw.example.com/v1/models?key=abc&api-version=2024-06-01"
        << "https://gw.example.com/v1/models?key=<redacted>&api-version=<redacted>";
    QTest::newRow("api_key") << "http://127.0.0.1:8000/v1/models?api_key=s3cret"
                             << "http://127.0.0.1:8000/v1/models?api_key=<redacted>";
    QTest::newRow("access_token") << "https://h/v1?ACCESS_TOKEN=t0k&x=1"
                                  << "https://h/v1?ACCESS_TOKEN=<redacted>&x=<redacted>";
    QTest::newRow("user info") << "https://user:pa55@h.example/v1#frag"
                               << "https://h.example/v1";
    QTest::newRow("encoded") << "https://h/v1?api%5Fkey=abc%20def"
                             << "https://h/v1?api_key=<redacted>";
}

void TestRequestLog::urls()
{
    QFETCH(QString, url);
    QFETCH(QString, expected);
    QCOMPARE(RequestLog::redactedUrl(QUrl(url)), expected);
}

void TestRequestLog::describesRequest()
{
    QNetworkRequest request(QUrl(QStringLiteral("https://h.example/v1/models?api_key=abc123")));
    request.setRawHeader("Authorization", "Bearer sk-zzz999");
    request.setRawHeader("Accept", "application/json");
    const QString text = RequestLog::describe("GET", request);
    QCOMPARE(text, QStringLiteral("GET https://h.example/v1/models?api_key=<redacted> "
                                  "[Authorization: Bearer <redacted>, Accept: application/json]"));
}

void TestRequestLog::scrubbedRemovesEndpointSecrets()
{
    EndpointConfig endpoint;
    endpoint.baseUrl = QUrl(
        QStringLiteral("https://me:%1@h.example/v1?api_key=%2").arg(passwordCanary, queryCanary));
    endpoint.apiKey = keyCanary;
    const QString scrubbed = endpoint.scrubbed(
        QStringLiteral("failed %1 at https://h.example/v1/models?api_key=%2 as me:%3")
            .arg(keyCanary, queryCanary, passwordCanary));
    QVERIFY2(!scrubbed.contains(keyCanary) && !scrubbed.contains(queryCanary) &&
                 !scrubbed.contains(passwordCanary),
             qPrintable(scrubbed));
    QVERIFY(scrubbed.startsWith(QStringLiteral("failed *** at https://h.example/v1/models?")));
}

void TestRequestLog::realRequestsNeverLogSecrets()
{
    DemoConfig config;
    config.requiredApiKey = keyCanary;
    DemoServer demo(config);
    QVERIFY2(demo.listen(), qPrintable(demo.errorString()));
    QUrl base = demo.baseUrl();
    base.setQuery(QStringLiteral("api_key=") + queryCanary);

    EndpointConfig endpoint;
    endpoint.baseUrl = base;
    endpoint.apiKey = keyCanary;
    endpoint.extraHeaders.append(qMakePair(QByteArray("X-Api-Key"), headerCanary.toLatin1()));
    endpoint.extraHeaders.append(qMakePair(QByteArray("X-Team"), QByteArray("research")));

    QLoggingCategory::setFilterRules(QStringLiteral("adminchat.net.debug=true"));
    const QtMessageHandler previous = qInstallMessageHandler(capture);
    auto restore = qScopeGuard([previous] {
        qInstallMessageHandler(previous);
        QLoggingCategory::setFilterRules(QString());
    });

    ChatClient client;
    client.warm(endpoint);
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    ChatRequest request;
    request.model = QStringLiteral("demo-chat");
    request.messages.append({QStringLiteral("user"), QStringLiteral("hello")});
    client.start(ChatClient::nextRequestId(), endpoint, request);

    // A wrong key: the server's 401 message is about the key that was sent.
    EndpointConfig wrongKey = endpoint;
    wrongKey.apiKey = keyCanary + QStringLiteral("-wrong");
    client.start(ChatClient::nextRequestId(), wrongKey, request);

    // Nobody listens: the connection error names the host, not the URL with its query.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    EndpointConfig refused = endpoint;
    refused.baseUrl.setPort(probe.serverPort());
    refused.maxRetries = 0;
    probe.close();
    client.start(ChatClient::nextRequestId(), refused, request);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 20000);

    QNetworkAccessManager manager;
    ModelsFetcher fetcher(&manager, endpoint);
    QSignalSpy listed(&fetcher, &ModelsFetcher::finished);
    fetcher.start();
    QTRY_COMPARE_WITH_TIMEOUT(listed.count(), 1, 20000);
    restore.dismiss();
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());

    QStringList errors;
    int succeeded = 0;
    for (const QList<QVariant>& arguments : std::as_const(finished)) {
        const auto trace = arguments.at(1).value<RequestTrace>();
        if (trace.succeeded())
            ++succeeded;
        else
            errors << trace.error->message;
        QVERIFY(!trace.endpoint.contains(queryCanary));
    }
    QCOMPARE(succeeded, 1); // the request with the right key got its answer
    QCOMPARE(errors.size(), 2);
    QVERIFY(listed.first().at(1).value<std::optional<ApiError>>() == std::nullopt);

    const QStringList lines = capturedLines();
    for (const QString& canary : {keyCanary, queryCanary, headerCanary}) {
        for (const QString& line : lines)
            QVERIFY2(!line.contains(canary), qPrintable(line));
        for (const QString& error : std::as_const(errors))
            QVERIFY2(!error.contains(canary), qPrintable(error));
    }
    for (const QString& error : std::as_const(errors))
        QVERIFY2(!error.contains(QStringLiteral("api_key")), qPrintable(error));

    // The requests were logged, redacted.
    const QStringList posts = lines.filter(QStringLiteral("POST http://127.0.0.1:"));
    QCOMPARE(posts.size(), 3);
    for (const QString& line : posts) {
        QVERIFY2(line.contains(QStringLiteral("/v1/chat/completions?api_key=<redacted>")),
                 qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("Authorization: Bearer <redacted>")),
                 qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("X-Api-Key: <redacted>")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("X-Team: research")), qPrintable(line));
    }
    const QStringList gets = lines.filter(QStringLiteral("GET http://127.0.0.1:"));
    QCOMPARE(gets.size(), 1);
    QVERIFY2(gets.first().contains(QStringLiteral("/v1/models?api_key=<redacted>")),
             qPrintable(gets.first()));
    QVERIFY(!lines.filter(QStringLiteral("CONNECT http://127.0.0.1:")).isEmpty());
}

QTEST_GUILESS_MAIN(TestRequestLog)
#include "tst_requestlog.moc"

// Redirects through the real client (ChatStream, ModelsFetcher) against HostileServer on two
// loopback addresses, 127.0.0.1 (the endpoint) and 127.0.0.2 (another origin): the key never
// follows a redirect to another origin while plain headers do; same-origin hops keep it; 307 and
// 308 keep the POST and its body; 301/302/303 answering a POST fail with one line naming the
// status and the Location; https to http, loops and long chains are refused; a Location's
// secrets never reach a message.
#include "HostileServer.h"
#include "TestCertificates.h"
#include "net/ChatClient.h"
#include "net/ModelsFetcher.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace adminchat;

namespace {

const QString kKey = QStringLiteral("sk-redirect-canary-5150");
const QByteArray kModels = R"({"object":"list","data":[{"id":"m-one","object":"model"}]})";

// Serves the answer (a chat stream or the models list) to any request.
HostileResponse serve(const HostileRequest& request)
{
    if (request.method == "GET")
        return HostileResponse::status(200, kModels);
    return HostileResponse::eventStream(
        {HostileResponse::contentChunk(QStringLiteral("moved"), "\"stop\"")});
}

HostileServer::Options twoAddresses()
{
    HostileServer::Options options;
    options.addresses = {QHostAddress(QStringLiteral("127.0.0.1")),
                         QHostAddress(QStringLiteral("127.0.0.2"))};
    return options;
}

ChatRequest chatRequest()
{
    ChatRequest request;
    request.model = QStringLiteral("m-one");
    request.messages.append({QStringLiteral("user"), QStringLiteral("where are you")});
    return request;
}

QList<HostileRequest> at(const HostileServer& server, const QString& address)
{
    QList<HostileRequest> found;
    for (const HostileRequest& request : server.requests()) {
        if (request.localAddress.toString() == address)
            found << request;
    }
    return found;
}

} // namespace

class TestRedirects : public QObject
{
    Q_OBJECT
private slots:
    void crossOriginDropsTheKey_data();
    void crossOriginDropsTheKey();
    void sameOriginKeepsTheKey();
    void modelsCrossOriginDropsTheKey_data();
    void modelsCrossOriginDropsTheKey();
    void postIsNotTurnedIntoGet_data();
    void postIsNotTurnedIntoGet();
    void httpsToHttpIsRefused();
    void loopsAndChainsEnd();
    void locationSecretsAreScrubbed();

private:
    static EndpointConfig endpoint(const QUrl& baseUrl);
    static RequestTrace chat(const EndpointConfig& endpoint);
    static std::pair<QStringList, std::optional<ApiError>> models(const EndpointConfig& endpoint);
};

EndpointConfig TestRedirects::endpoint(const QUrl& baseUrl)
{
    EndpointConfig config;
    config.baseUrl = baseUrl;
    config.apiKey = kKey;
    config.extraHeaders.append(qMakePair(QByteArray("X-Title"), QByteArray("AdminChat test")));
    config.maxRetries = 0;
    return config;
}

RequestTrace TestRedirects::chat(const EndpointConfig& endpoint)
{
    ChatClient client;
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), endpoint, chatRequest());
    if (!finished.wait(15000))
        return {};
    return finished.first().at(1).value<RequestTrace>();
}

std::pair<QStringList, std::optional<ApiError>>
TestRedirects::models(const EndpointConfig& endpoint)
{
    ChatClient client;
    ModelsFetcher fetcher(client.networkManager(), endpoint);
    QSignalSpy finished(&fetcher, &ModelsFetcher::finished);
    fetcher.start();
    if (!finished.wait(15000))
        return {{}, ApiError{ApiError::Kind::Cancelled, QStringLiteral("no answer in time")}};
    return {finished.first().at(0).toStringList(),
            finished.first().at(1).value<std::optional<ApiError>>()};
}

void TestRedirects::crossOriginDropsTheKey_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("307") << 307;
    QTest::newRow("308") << 308;
}

void TestRedirects::crossOriginDropsTheKey()
{
    QFETCH(int, status);
    auto target = std::make_shared<QByteArray>();
    HostileServer server(
        [target, status](const HostileRequest& request) {
            if (request.localAddress.toString() == QLatin1String("127.0.0.1"))
                return HostileResponse::redirect(status, *target + request.target);
            return serve(request);
        },
        twoAddresses());
    QVERIFY(server.isListening());
    *target = server.origin(1);

    const RequestTrace trace = chat(endpoint(server.baseUrl(0)));
    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : "no trace"));
    QCOMPARE(trace.text, QStringLiteral("moved"));

    const QList<HostileRequest> first = at(server, "127.0.0.1");
    const QList<HostileRequest> second = at(server, "127.0.0.2");
    QCOMPARE(first.size(), 1);
    QCOMPARE(second.size(), 1);
    QCOMPARE(first.first().header("Authorization"), "Bearer " + kKey.toUtf8());
    // Method and body kept, the plain header too; the key stayed home.
    QCOMPARE(second.first().method, QByteArray("POST"));
    QCOMPARE(second.first().target, QByteArray("/v1/chat/completions"));
    QCOMPARE(second.first().body, first.first().body);
    QVERIFY(second.first().body.contains("where are you"));
    QCOMPARE(second.first().header("X-Title"), QByteArray("AdminChat test"));
    QVERIFY2(!second.first().hasHeader("Authorization"), second.first().head.constData());
    QVERIFY(!second.first().head.contains(kKey.toUtf8()));
}

void TestRedirects::sameOriginKeepsTheKey()
{
    HostileServer server([](const HostileRequest& request) {
        if (request.target.startsWith("/old/"))
            return HostileResponse::redirect(307, "/v1/chat/completions");
        return serve(request);
    });
    QVERIFY(server.isListening());
    EndpointConfig config = endpoint(QUrl(QString::fromUtf8(server.origin() + "/old/v1")));
    const RequestTrace trace = chat(config);
    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : "no trace"));
    const QList<HostileRequest> requests = server.requests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(1).target, QByteArray("/v1/chat/completions"));
    QCOMPARE(requests.at(1).header("Authorization"), "Bearer " + kKey.toUtf8());
    QCOMPARE(requests.at(1).body, requests.at(0).body);
}

void TestRedirects::modelsCrossOriginDropsTheKey_data()
{
    QTest::addColumn<int>("status");
    for (const int status : {301, 302, 303, 307, 308})
        QTest::newRow(QByteArray::number(status).constData()) << status;
}

void TestRedirects::modelsCrossOriginDropsTheKey()
{
    QFETCH(int, status);
    auto target = std::make_shared<QByteArray>();
    HostileServer server(
        [target, status](const HostileRequest& request) {
            if (request.localAddress.toString() == QLatin1String("127.0.0.1"))
                return HostileResponse::redirect(status, *target + request.target);
            return serve(request);
        },
        twoAddresses());
    QVERIFY(server.isListening());
    *target = server.origin(1);

    const auto [list, error] = models(endpoint(server.baseUrl(0)));
    QVERIFY2(!error, qPrintable(error ? error->message : QString()));
    QCOMPARE(list, QStringList{QStringLiteral("m-one")});
    const QList<HostileRequest> second = at(server, "127.0.0.2");
    QCOMPARE(second.size(), 1);
    QCOMPARE(second.first().method, QByteArray("GET"));
    QCOMPARE(second.first().header("X-Title"), QByteArray("AdminChat test"));
    QVERIFY2(!second.first().hasHeader("Authorization"), second.first().head.constData());
    QCOMPARE(at(server, "127.0.0.1").first().header("Authorization"), "Bearer " + kKey.toUtf8());
}

void TestRedirects::postIsNotTurnedIntoGet_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("statusText");
    QTest::newRow("301") << 301 << QStringLiteral("HTTP 301 Moved Permanently");
    QTest::newRow("302") << 302 << QStringLiteral("HTTP 302 Found");
    QTest::newRow("303") << 303 << QStringLiteral("HTTP 303 See Other");
}

void TestRedirects::postIsNotTurnedIntoGet()
{
    QFETCH(int, status);
    QFETCH(QString, statusText);
    auto target = std::make_shared<QByteArray>();
    HostileServer server(
        [target, status](const HostileRequest& request) {
            if (request.localAddress.toString() == QLatin1String("127.0.0.1"))
                return HostileResponse::redirect(status, *target + "/api/v1/chat/completions");
            return serve(request);
        },
        twoAddresses());
    QVERIFY(server.isListening());
    *target = server.origin(1);

    const RequestTrace trace = chat(endpoint(server.baseUrl(0)));
    QVERIFY(trace.error);
    QCOMPARE(trace.error->kind, ApiError::Kind::Http);
    QCOMPARE(trace.httpStatus, status);
    const QString& message = trace.error->message;
    QVERIFY2(message.startsWith(statusText), qPrintable(message));
    QVERIFY2(message.contains(QString::fromUtf8(*target) + "/api/v1/chat/completions"),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("turn the POST into a GET")), qPrintable(message));
    QVERIFY(!message.contains(QLatin1Char('\n')));
    QCOMPARE(trace.retries, 0);
    QTest::qWait(200);
    QCOMPARE(at(server, "127.0.0.2").size(), 0); // nothing was sent there
    QCOMPARE(at(server, "127.0.0.1").size(), 1);
}

void TestRedirects::httpsToHttpIsRefused()
{
    REQUIRE_TEST_CERTIFICATES();
    QTemporaryDir dir;
    QVERIFY(testcerts::make(dir.path(), QStringLiteral("Redirect Test CA")));
    HostileServer plain(serve);
    QVERIFY(plain.isListening());
    const QByteArray target = plain.origin() + "/v1/chat/completions";
    HostileServer::Options options;
    options.tls = testcerts::serverConfiguration(dir.path());
    QVERIFY(options.tls);
    HostileServer secure(
        [target](const HostileRequest& request) {
            if (request.method == "GET")
                return HostileResponse::redirect(302, target);
            return HostileResponse::redirect(307, target);
        },
        options);
    QVERIFY(secure.isListening());
    EndpointConfig config = endpoint(secure.baseUrl());
    config.caFile = dir.path() + QStringLiteral("/ca.pem");

    const RequestTrace trace = chat(config);
    QVERIFY(trace.error);
    QCOMPARE(trace.error->kind, ApiError::Kind::Http);
    QVERIFY2(trace.error->message.startsWith(QStringLiteral("HTTP 307 Temporary Redirect")),
             qPrintable(trace.error->message));
    QVERIFY2(trace.error->message.contains(QStringLiteral("from https to plain http")),
             qPrintable(trace.error->message));
    QVERIFY2(trace.error->message.contains(QString::fromUtf8(target)),
             qPrintable(trace.error->message));

    const auto [list, error] = models(config);
    QVERIFY(error);
    QVERIFY2(error->message.contains(QStringLiteral("from https to plain http")),
             qPrintable(error->message));
    QCOMPARE(secure.requestCount(), 2);
    QCOMPARE(plain.requestCount(), 0);
}

void TestRedirects::loopsAndChainsEnd()
{
    // Back and forth between two addresses.
    auto origins = std::make_shared<QList<QByteArray>>();
    HostileServer pingPong(
        [origins](const HostileRequest& request) {
            const int other = request.localAddress.toString() == QLatin1String("127.0.0.1");
            return HostileResponse::redirect(308, origins->value(other) + request.target);
        },
        twoAddresses());
    QVERIFY(pingPong.isListening());
    *origins = {pingPong.origin(0), pingPong.origin(1)};
    const RequestTrace loop = chat(endpoint(pingPong.baseUrl(0)));
    QVERIFY(loop.error);
    QVERIFY2(loop.error->message.contains(QStringLiteral("redirect loop")),
             qPrintable(loop.error->message));
    QCOMPARE(pingPong.requestCount(), 2);

    // Ever new places: stops after RedirectPolicy::maxHops hops.
    HostileServer chain([](const HostileRequest& request) {
        return HostileResponse::redirect(307, request.target + "x");
    });
    QVERIFY(chain.isListening());
    const RequestTrace chained = chat(endpoint(chain.baseUrl()));
    QVERIFY(chained.error);
    QVERIFY2(chained.error->message.contains(
                 QStringLiteral("more than %1 redirects").arg(RedirectPolicy::maxHops)),
             qPrintable(chained.error->message));
    QCOMPARE(chain.requestCount(), RedirectPolicy::maxHops + 1);
    const auto [list, error] = models(endpoint(chain.baseUrl()));
    QVERIFY(error);
    QVERIFY2(error->message.contains(QStringLiteral("redirects")), qPrintable(error->message));
}

void TestRedirects::locationSecretsAreScrubbed()
{
    // The endpoint's own secrets echoed in a Location, and a token of the server's own.
    HostileServer server([](const HostileRequest& request) {
        return HostileResponse::redirect(302, "http://127.0.0.2:1/v1/chat/completions?k=" +
                                                  request.header("Authorization").mid(7) +
                                                  "&access_token=tok-server-secret-77");
    });
    QVERIFY(server.isListening());
    const RequestTrace trace = chat(endpoint(server.baseUrl()));
    QVERIFY(trace.error);
    QVERIFY2(trace.error->message.contains(QStringLiteral("HTTP 302 Found")),
             qPrintable(trace.error->message));
    QVERIFY2(trace.error->message.contains(QStringLiteral("127.0.0.2:1/v1/chat/completions")),
             qPrintable(trace.error->message));
    QVERIFY2(!trace.error->message.contains(kKey), qPrintable(trace.error->message));
    QVERIFY2(!trace.error->message.contains(QStringLiteral("tok-server-secret-77")),
             qPrintable(trace.error->message));
}

QTEST_GUILESS_MAIN(TestRedirects)
#include "tst_redirects.moc"

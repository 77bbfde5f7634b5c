// Proxies from the environment as curl reads them (http_proxy, https_proxy, all_proxy, no_proxy):
// the rules on their own, then `adminchat ask` through a HostileServer playing a plain-HTTP
// proxy, which receives the absolute-form request line of both the models list and the chat.
#include "AppProcess.h"
#include "HostileServer.h"
#include "net/ProxyEnvironment.h"

#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

const QUrl kHttp(QStringLiteral("http://api.example.test/v1/chat/completions"));
const QUrl kHttps(QStringLiteral("https://api.example.test/v1/chat/completions"));

QString proxyOf(const QUrl& url, const ProxyEnvironment::Variables& variables)
{
    const QNetworkProxy proxy = ProxyEnvironment::proxyFor(url, variables);
    if (proxy.type() == QNetworkProxy::NoProxy)
        return QStringLiteral("direct");
    return QStringLiteral("%1 %2:%3")
        .arg(proxy.type() == QNetworkProxy::HttpProxy ? "http" : "socks5", proxy.hostName())
        .arg(proxy.port());
}

// Answers like a chat endpoint, whatever the target.
HostileResponse serve(const HostileRequest& request)
{
    // The connection closes after each answer, and says so: the chat request that follows the
    // models list then never meets a connection closing under it.
    if (request.method == "GET")
        return HostileResponse::status(
            200, R"({"object":"list","data":[{"id":"proxied-model","object":"model"}]})",
            {{"Connection", "close"}});
    return HostileResponse::eventStream(
        {HostileResponse::contentChunk(QStringLiteral("via proxy"), "\"stop\"")});
}

} // namespace

class TestProxies : public QObject
{
    Q_OBJECT
private slots:
    void rules_data();
    void rules();
    void unusableProxyIsAnError();
    void askGoesThroughTheProxy_data();
    void askGoesThroughTheProxy();
    void noProxyBypassesIt();
    void unsupportedProxyStopsAsk();

private:
    AppRun ask(const QStringList& assignments, const QStringList& arguments = {});
    QTemporaryDir m_home;
};

void TestProxies::rules_data()
{
    QTest::addColumn<QStringList>("assignments");
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QString>("expected");
    QTest::newRow("nothing") << QStringList{} << kHttp << "direct";
    QTest::newRow("all_proxy") << QStringList{"all_proxy=proxy.lan:3128"} << kHttp
                               << "http proxy.lan:3128";
    QTest::newRow("ALL_PROXY, default port")
        << QStringList{"ALL_PROXY=http://proxy.lan"} << kHttps << "http proxy.lan:1080";
    QTest::newRow("socks5h") << QStringList{"all_proxy=socks5h://s.lan:9050"} << kHttps
                             << "socks5 s.lan:9050";
    QTest::newRow("http_proxy first")
        << QStringList{"http_proxy=h.lan:1", "all_proxy=a.lan:2"} << kHttp << "http h.lan:1";
    QTest::newRow("http_proxy is not for https")
        << QStringList{"http_proxy=h.lan:1", "all_proxy=a.lan:2"} << kHttps << "http a.lan:2";
    QTest::newRow("HTTP_PROXY is not read")
        << QStringList{"HTTP_PROXY=h.lan:1"} << kHttp << "direct";
    QTest::newRow("HTTPS_PROXY") << QStringList{"HTTPS_PROXY=s.lan:3", "all_proxy=a.lan:2"}
                                 << kHttps << "http s.lan:3";
    QTest::newRow("no_proxy domain")
        << QStringList{"all_proxy=a.lan:2", "no_proxy=other.test, example.test"} << kHttp
        << "direct";
    QTest::newRow("no_proxy leading dot")
        << QStringList{"all_proxy=a.lan:2", "NO_PROXY=.example.test"} << kHttp << "direct";
    QTest::newRow("no_proxy is not a substring match")
        << QStringList{"all_proxy=a.lan:2", "no_proxy=ample.test"} << kHttp << "http a.lan:2";
    QTest::newRow("no_proxy star")
        << QStringList{"all_proxy=a.lan:2", "no_proxy=*"} << kHttp << "direct";
    QTest::newRow("no_proxy CIDR") << QStringList{"all_proxy=a.lan:2", "no_proxy=10.0.0.0/8"}
                                   << QUrl(QStringLiteral("http://10.1.2.3:8000/v1")) << "direct";
    QTest::newRow("no_proxy CIDR, outside")
        << QStringList{"all_proxy=a.lan:2", "no_proxy=10.0.0.0/8"}
        << QUrl(QStringLiteral("http://11.1.2.3:8000/v1")) << "http a.lan:2";
    QTest::newRow("loopback stays direct")
        << QStringList{"all_proxy=a.lan:2"} << QUrl(QStringLiteral("http://127.0.0.1:8000/v1"))
        << "direct";
}

void TestProxies::rules()
{
    QFETCH(QStringList, assignments);
    QFETCH(QUrl, url);
    QFETCH(QString, expected);
    ProxyEnvironment::Variables variables;
    for (const QString& assignment : assignments)
        variables.insert(assignment.section(QLatin1Char('='), 0, 0),
                         assignment.section(QLatin1Char('='), 1));
    QCOMPARE(proxyOf(url, variables), expected);
}

void TestProxies::unusableProxyIsAnError()
{
    std::optional<ApiError> error;
    const QNetworkProxy proxy = ProxyEnvironment::proxyFor(
        kHttp, {{"all_proxy", "socks4://user:hunter2secret@s.lan:1080"}}, &error);
    QCOMPARE(proxy.type(), QNetworkProxy::NoProxy);
    QVERIFY(error);
    QVERIFY2(error->message.contains(QStringLiteral("all_proxy")), qPrintable(error->message));
    QVERIFY2(error->message.contains(QStringLiteral("socks4://")), qPrintable(error->message));
    QVERIFY(!error->message.contains(QStringLiteral("hunter2secret")));
}

AppRun TestProxies::ask(const QStringList& assignments, const QStringList& arguments)
{
    QProcessEnvironment env = appEnvironment(m_home.path());
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                             "ALL_PROXY", "no_proxy", "NO_PROXY", "OPENAI_API_KEY"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("OPENAI_BASE_URL"), QStringLiteral("http://api.example.test/v1"));
    assign(env, assignments);
    return runApp(
        QStringList{"ask", "--json", "--no-save", "--max-retries", "0", "--connect-timeout", "5"} +
            arguments + QStringList{"Hello proxy"},
        env);
}

void TestProxies::askGoesThroughTheProxy_data()
{
    QTest::addColumn<QString>("variable");
    QTest::newRow("all_proxy") << QStringLiteral("all_proxy");
    QTest::newRow("ALL_PROXY") << QStringLiteral("ALL_PROXY");
    QTest::newRow("http_proxy") << QStringLiteral("http_proxy");
}

void TestProxies::askGoesThroughTheProxy()
{
    QFETCH(QString, variable);
    HostileServer proxy(serve);
    QVERIFY(proxy.isListening());
    const AppRun run = ask({variable + "=" + QString::fromUtf8(proxy.origin())});
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QCOMPARE(run.json().value("text").toString(), QStringLiteral("via proxy"));
    const QList<HostileRequest> received = proxy.requests();
    QCOMPARE(received.size(), 2); // the models list (no --model), then the chat
    QCOMPARE(received.at(0).method, QByteArray("GET"));
    QCOMPARE(received.at(0).target, QByteArray("http://api.example.test/v1/models"));
    QCOMPARE(received.at(1).method, QByteArray("POST"));
    QCOMPARE(received.at(1).target, QByteArray("http://api.example.test/v1/chat/completions"));
    QCOMPARE(received.at(1).header("Host"), QByteArray("api.example.test"));
    QVERIFY(received.at(1).body.contains("Hello proxy"));
}

void TestProxies::noProxyBypassesIt()
{
    HostileServer proxy(serve);
    QVERIFY(proxy.isListening());
    const AppRun run =
        ask({"all_proxy=" + QString::fromUtf8(proxy.origin()), "no_proxy=localhost,.example.test"},
            {"--model", "m"});
    // Straight to api.example.test, which does not exist.
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.json().value("error").toObject().value("kind").toString(),
             QStringLiteral("connection"));
    QCOMPARE(proxy.requestCount(), 0);
}

void TestProxies::unsupportedProxyStopsAsk()
{
    const AppRun run = ask({"ALL_PROXY=socks4://user:hunter2secret@127.0.0.1:9"}, {"--model", "m"});
    QCOMPARE(run.exitCode, 1);
    const QString message = run.json().value("error").toObject().value("message").toString();
    QVERIFY2(message.contains(QStringLiteral("ALL_PROXY")), run.all().constData());
    QVERIFY(!run.all().contains("hunter2secret"));
}

QTEST_GUILESS_MAIN(TestProxies)
#include "tst_proxies.moc"

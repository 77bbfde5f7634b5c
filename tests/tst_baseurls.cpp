// Base URLs through the real `adminchat` against a scripted loopback server that logs every
// request: a query (Azure OpenAI's ?api-version=...) goes with every request, chat and models,
// from --base-url, OPENAI_BASE_URL and a profile, and is never stored in the database, a CSV or
// printed in an endpoint; a bad URL is a usage error (exit 2) naming the bad part.
#include "AppProcess.h"
#include "HostileServer.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

class TestBaseUrls : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void queryGoesWithEveryRequest_data();
    void queryGoesWithEveryRequest();
    void queryNeverStored();
    void profileWithACredentialInTheQuery();
    void badUrls_data();
    void badUrls();

private:
    AppRun run(const QStringList& arguments, const QStringList& environment = {});

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<HostileServer> m_server;
};

namespace {

const QByteArray version = "2024-10-21";

HostileResponse answer(const HostileRequest& request)
{
    if (request.target.contains("/models"))
        return HostileResponse::status(200, R"({"object":"list","data":[{"id":"gpt-4o"}]})");
    return HostileResponse::eventStream({HostileResponse::contentChunk(QStringLiteral("Hi")),
                                         HostileResponse::contentChunk({}, "\"stop\"")});
}

} // namespace

void TestBaseUrls::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_server = std::make_unique<HostileServer>(&answer);
    QVERIFY(m_server->isListening());
}

AppRun TestBaseUrls::run(const QStringList& arguments, const QStringList& environment)
{
    QProcessEnvironment env = appEnvironmentWithoutEndpoint(m_home->path());
    removeAdminChatVariables(env);
    assign(env, environment);
    return runApp(arguments, env, {}, 60000);
}

void TestBaseUrls::queryGoesWithEveryRequest_data()
{
    QTest::addColumn<QString>("how"); // base-url, environment, profile
    QTest::newRow("--base-url") << "base-url";
    QTest::newRow("OPENAI_BASE_URL") << "environment";
    QTest::newRow("profile") << "profile";
}

void TestBaseUrls::queryGoesWithEveryRequest()
{
    QFETCH(QString, how);
    // An Azure OpenAI deployment URL, pasted whole.
    const QString url = QString::fromLatin1(m_server->origin()) +
                        "/openai/deployments/gpt-4o/chat/completions?api-version=" + version;
    QStringList endpoint, environment;
    if (how == QLatin1String("base-url")) {
        endpoint = {"--base-url", url};
    } else if (how == QLatin1String("environment")) {
        environment = {"OPENAI_BASE_URL=" + url};
    } else {
        const AppRun added =
            run({"profile", "add", "az", "--base-url", url, "--key-header", "api-key"});
        QVERIFY2(added.exitCode == 0, added.all().constData());
        endpoint = {"--profile", "az"};
        const AppRun tested = run({"profile", "test", "az"});
        QVERIFY2(tested.exitCode == 0, tested.all().constData());
    }
    // No model: the models list is asked first, then the chat.
    AppRun r = run(QStringList{"ask", "--json"} + endpoint + QStringList{"Hello"}, environment);
    QVERIFY2(r.exitCode == 0, r.all().constData());
    r = run(QStringList{"bench", "--requests", "2", "--json"} + endpoint, environment);
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QVERIFY(!r.out.contains(version)); // targets name the endpoint without its query

    const QList<HostileRequest> requests = m_server->requests();
    QVERIFY(requests.size() >= 4);
    for (const HostileRequest& request : requests) {
        QVERIFY2(request.target == "/openai/deployments/gpt-4o/models?api-version=" + version ||
                     request.target ==
                         "/openai/deployments/gpt-4o/chat/completions?api-version=" + version,
                 request.target.constData());
    }
    QVERIFY(m_server->requestCount("/openai/deployments/gpt-4o/models") >= 2);
    QVERIFY(m_server->requestCount("/openai/deployments/gpt-4o/chat/completions") >= 3);
}

void TestBaseUrls::queryNeverStored()
{
    const QByteArray token = "qcanary-7f3a91";
    const QString url = QString::fromLatin1(m_server->origin()) + "/v1?api-version=" + version +
                        "&sig=" + QString::fromLatin1(token);
    AppRun r = run({"ask", "--base-url", url, "--model", "m", "--json", "Hello"});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QCOMPARE(r.json().value("endpoint").toString(),
             QString::fromLatin1(m_server->origin()) + "/v1");
    QCOMPARE(m_server->requests().last().target,
             "/v1/chat/completions?api-version=" + version + "&sig=" + token);
    r = run({"bench", "--base-url", url, "--model", "m", "--requests", "2", "--csv",
             m_home->filePath(QStringLiteral("bench.csv"))});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    r = run({"metrics", "export", "--csv", m_home->filePath(QStringLiteral("metrics.csv"))});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    const AppRun list = run({"history", "list", "--json"});
    const QString id = list.jsonArray().first().toObject().value("id").toString();
    r = run({"history", "export", id, "--format", "json", "-o",
             m_home->filePath(QStringLiteral("conversation.json"))});
    QVERIFY2(r.exitCode == 0, r.all().constData());

    int files = 0;
    QDirIterator it(m_home->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY2(!bytes.contains(token), qPrintable(file.fileName()));
        QVERIFY2(!bytes.contains(version), qPrintable(file.fileName()));
        ++files;
    }
    QVERIFY(files >= 3); // the database, the CSVs, the export
    // A server's error that quotes the URL comes back scrubbed.
}

void TestBaseUrls::profileWithACredentialInTheQuery()
{
    const AppRun r = run({"profile", "add", "gw", "--base-url",
                          QString::fromLatin1(m_server->origin()) + "/v1?api_key=s3cret-q"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("\"api_key\" looks like a credential"), r.err.constData());
    QVERIFY(!r.all().contains("s3cret-q"));
}

void TestBaseUrls::badUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("reason");
    QTest::newRow("port out of range") << "http://127.0.0.1:99999/v1"
                                       << "port 99999 is out of range (1 to 65535)";
    QTest::newRow("no host") << "http:///v1"
                             << "no host";
    QTest::newRow("scheme") << "ftp://127.0.0.1/v1"
                            << "unsupported scheme \"ftp\"";
    QTest::newRow("port not a number") << "http://127.0.0.1:80a/v1"
                                       << "port \"80a\" is not a number";
}

void TestBaseUrls::badUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, reason);
    const QList<QPair<QStringList, QStringList>> runs{
        {{"ask", "--base-url", url, "--model", "m", "Hello"}, {}},
        {{"ask", "--model", "m", "Hello"}, {"OPENAI_BASE_URL=" + url}},
        {{"ask", "--profile", "Environment", "--model", "m", "Hello"}, {"OPENAI_BASE_URL=" + url}},
        {{"bench", "--base-url", url, "--model", "m", "--requests", "1"}, {}},
        {{"profile", "add", "bad", "--base-url", url}, {}},
    };
    for (const auto& [arguments, environment] : runs) {
        const AppRun r = run(arguments, environment);
        const QString what = arguments.join(QLatin1Char(' ')) + QLatin1Char(' ') +
                             environment.join(QLatin1Char(' ')) + QStringLiteral(": ") +
                             QString::fromUtf8(r.err);
        QVERIFY2(r.exitCode == 2, qPrintable(what));
        QVERIFY2(r.err.contains(reason.toUtf8()), qPrintable(what));
        QVERIFY2(r.err.contains(environment.isEmpty() ? "--base-url" : "OPENAI_BASE_URL"),
                 qPrintable(what));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }
    QCOMPARE(m_server->requestCount(), 0);
}

QTEST_GUILESS_MAIN(TestBaseUrls)
#include "tst_baseurls.moc"

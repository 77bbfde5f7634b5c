// Keys and header values with line breaks or other control characters, and framing or
// hop-by-hop headers, through the real `adminchat` against a scripted loopback server that logs
// what arrives: nothing injected ever reaches the wire, each refusal is one line naming where the
// bad value came from, and the value itself is never printed.
#include "AppProcess.h"
#include "HostileServer.h"
#include "TestHome.h"
#include "endpoints/KeyStore.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <memory>

class TestHeaderInjection : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void keyWithControlCharacters_data();
    void keyWithControlCharacters();
    void keyFromTheKeychainWithALineBreak();
    void keyOnStdinWithALineBreak();
    void surroundingWhitespaceIsTrimmed();
    void headerValueWithALineBreak();
    void framingHeadersRefused_data();
    void framingHeadersRefused();
    void storedFramingHeaderSkipped();

private:
    AppRun run(const QStringList& arguments, const QStringList& environment = {},
               const QByteArray& input = {});
    void addProfile(const QString& name, const QStringList& headers = {});
    static HostileResponse answer(const HostileRequest&);
    QString settingsFile() const
    {
        return m_home->filePath(QStringLiteral("config/AdminChat/adminchat.conf"));
    }

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<HostileServer> m_server;
    QString m_tag; // keychain entries unique to this run
};

namespace {

const QByteArray injected = "sk-injected\r\nX-Injected: yes";

// ADMINCHAT_API_KEY_<NAME>, named as KeyStore names it.
QString keyVariable(const QString& name)
{
    return adminchat::KeyStore::environmentVariable(name);
}

} // namespace

HostileResponse TestHeaderInjection::answer(const HostileRequest&)
{
    return HostileResponse::eventStream({HostileResponse::contentChunk(QStringLiteral("Hi")),
                                         HostileResponse::contentChunk({}, "\"stop\"")});
}

void TestHeaderInjection::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_server = std::make_unique<HostileServer>(&TestHeaderInjection::answer);
    QVERIFY(m_server->isListening());
    m_tag = QUuid::createUuid().toString(QUuid::Id128).left(8);
}

AppRun TestHeaderInjection::run(const QStringList& arguments, const QStringList& environment,
                                const QByteArray& input)
{
    QProcessEnvironment env = appEnvironmentWithoutEndpoint(m_home->path());
    removeAdminChatVariables(env);
    assign(env, environment);
    return runApp(arguments, env, input, 60000);
}

void TestHeaderInjection::addProfile(const QString& name, const QStringList& headers)
{
    QStringList arguments{"profile", "add", name, "--base-url", m_server->baseUrl().toString(),
                          "--model", "m"};
    for (const QString& header : headers)
        arguments << "--header" << header;
    const AppRun added = run(arguments);
    QVERIFY2(added.exitCode == 0, added.all().constData());
}

void TestHeaderInjection::keyWithControlCharacters_data()
{
    QTest::addColumn<QString>("source"); // "base-url", "environment" or "profile"
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("reason");
    for (const char* source : {"base-url", "environment", "profile"}) {
        const QByteArray s(source);
        QTest::newRow(s + " CR LF") << QString::fromLatin1(s) << injected << "a line break";
        QTest::newRow(s + " LF") << QString::fromLatin1(s) << QByteArray("sk-a\nX-Injected: yes")
                                 << "a line break";
        QTest::newRow(s + " tab") << QString::fromLatin1(s) << QByteArray("sk-a\tb") << "a tab";
        QTest::newRow(s + " escape")
            << QString::fromLatin1(s) << QByteArray("sk-a\x1b[31mb") << "U+001B";
    }
}

void TestHeaderInjection::keyWithControlCharacters()
{
    QFETCH(QString, source);
    QFETCH(QByteArray, key);
    QFETCH(QString, reason);
    const QString base = m_server->baseUrl().toString();
    AppRun result;
    QString where;
    if (source == QLatin1String("base-url")) {
        where = QStringLiteral("OPENAI_API_KEY");
        result = run({"ask", "--base-url", base, "--model", "m", "Hello"},
                     {QStringLiteral("OPENAI_API_KEY=") + QString::fromLatin1(key)});
    } else if (source == QLatin1String("environment")) {
        where = QStringLiteral("OPENAI_API_KEY");
        result = run({"ask", "--profile", "Environment", "--model", "m", "Hello"},
                     {QStringLiteral("OPENAI_BASE_URL=") + base,
                      QStringLiteral("OPENAI_API_KEY=") + QString::fromLatin1(key)});
    } else {
        const QString name = QStringLiteral("inject-") + m_tag;
        addProfile(name);
        where = keyVariable(name);
        result = run({"ask", "--profile", name, "Hello"}, {where + "=" + QString::fromLatin1(key)});
    }
    QVERIFY2(result.exitCode == 2, result.all().constData()); // bad input, as bad usage
    const QString err = QString::fromUtf8(result.err).trimmed();
    QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err)); // one line
    QVERIFY2(err.contains(where), qPrintable(err));
    QVERIFY2(err.contains(reason), qPrintable(err));
    QVERIFY2(!result.all().contains("sk-a") && !result.all().contains("sk-injected"),
             result.all().constData());
    QCOMPARE(m_server->requestCount(), 0); // nothing went out
}

void TestHeaderInjection::keyFromTheKeychainWithALineBreak()
{
    REQUIRE_KEYCHAIN();
    const QString name = QStringLiteral("keychain-inject-") + m_tag;
    addProfile(name);
    // A key put into the keychain by another program, with a line break in it.
    adminchat::KeyStore keys;
    bool written = false;
    QObject context;
    keys.writeKey(name, QString::fromLatin1(injected), &context,
                  [&](const adminchat::KeyStore::Result& result) { written = result.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(written, 10000);
    QSettings(settingsFile(), QSettings::IniFormat)
        .setValue(QStringLiteral("profiles/keychain-inject-%1/hasKey").arg(m_tag), true);

    const AppRun result = run({"ask", "--profile", name, "Hello"});
    QCOMPARE(result.exitCode, 1);
    const QString err = QString::fromUtf8(result.err).trimmed();
    QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("in the keychain contains a line break")),
             qPrintable(err));
    QVERIFY2(!result.all().contains("sk-injected"), result.all().constData());
    QCOMPARE(m_server->requestCount(), 0);
    const AppRun removed = run({"profile", "remove", name});
    QVERIFY2(removed.exitCode == 0, removed.all().constData());
}

void TestHeaderInjection::keyOnStdinWithALineBreak()
{
    const QString name = QStringLiteral("stdin-") + m_tag;
    const AppRun result = run(
        {"profile", "add", name, "--base-url", m_server->baseUrl().toString(), "--api-key-stdin"},
        {}, "sk-a\r\nX-Injected: yes\n");
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("--api-key-stdin"), result.err.constData());
    QVERIFY2(!result.all().contains("sk-a"), result.all().constData());
    QVERIFY(!QFile::exists(settingsFile()) ||
            !QSettings(settingsFile(), QSettings::IniFormat).childGroups().contains("profiles"));
}

void TestHeaderInjection::surroundingWhitespaceIsTrimmed()
{
    const AppRun result =
        run({"ask", "--base-url", m_server->baseUrl().toString(), "--model", "m", "Hello"},
            {QStringLiteral("OPENAI_API_KEY= \t sk-trimmed \r\n")});
    QVERIFY2(result.exitCode == 0, result.all().constData());
    QCOMPARE(m_server->requestCount(), 1);
    const HostileRequest request = m_server->requests().first();
    QCOMPARE(request.header("Authorization"), QByteArray("Bearer sk-trimmed"));
    QVERIFY(!request.head.contains("sk-trimmed \r"));
}

void TestHeaderInjection::headerValueWithALineBreak()
{
    // Through the command line: refused before anything is saved.
    const QString name = QStringLiteral("hv-") + m_tag;
    AppRun added = run({"profile", "add", name, "--base-url", m_server->baseUrl().toString(),
                        "--header", "X-Team: a\r\nX-Injected: yes"});
    QCOMPARE(added.exitCode, 2);
    QVERIFY2(added.err.contains("the value of the header X-Team contains a line break"),
             added.err.constData());
    QVERIFY(!added.err.contains("X-Injected"));

    // Written into the settings file by hand (QSettings escapes nothing away): the header is
    // skipped with a warning, the request goes out without it.
    addProfile(name, {"X-Ok: 1"});
    {
        QSettings settings(settingsFile(), QSettings::IniFormat);
        settings.setValue(QStringLiteral("profiles/hv-%1/headers").arg(m_tag),
                          QStringList{"X-Team: a\r\nX-Injected: yes", "X-Ok: 1"});
    }
    const AppRun asked = run({"ask", "--profile", name, "Hello"});
    QVERIFY2(asked.exitCode == 0, asked.all().constData());
    QVERIFY2(asked.err.contains("X-Team"), asked.err.constData()); // the warning
    QCOMPARE(m_server->requestCount(), 1);
    const HostileRequest request = m_server->requests().first();
    QVERIFY2(!request.hasHeader("X-Injected"), request.head.constData());
    QVERIFY2(!request.hasHeader("X-Team"), request.head.constData());
    QCOMPARE(request.header("X-Ok"), QByteArray("1"));
}

void TestHeaderInjection::framingHeadersRefused_data()
{
    QTest::addColumn<QString>("header");
    for (const char* header :
         {"Content-Length: 5", "Transfer-Encoding: chunked", "Host: evil.example",
          "Connection: close", "Keep-Alive: timeout=5", "Upgrade: h2c", "TE: trailers",
          "Trailer: X-A", "Proxy-Authorization: Basic eA==", "X Bad: 1", "X-Ö: 1"})
        QTest::newRow(header) << QString::fromUtf8(header);
}

void TestHeaderInjection::framingHeadersRefused()
{
    QFETCH(QString, header);
    const AppRun added = run({"profile", "add", QStringLiteral("framing-") + m_tag, "--base-url",
                              m_server->baseUrl().toString(), "--header", header});
    QCOMPARE(added.exitCode, 2);
    const QString err = QString::fromUtf8(added.err).trimmed();
    QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
    QVERIFY2(err.contains(header.section(QLatin1Char(':'), 0, 0).trimmed()), qPrintable(err));
    QVERIFY(!QFile::exists(settingsFile()) ||
            !QSettings(settingsFile(), QSettings::IniFormat).childGroups().contains("profiles"));
}

void TestHeaderInjection::storedFramingHeaderSkipped()
{
    const QString name = QStringLiteral("stored-") + m_tag;
    addProfile(name, {"X-Ok: 1"});
    {
        QSettings settings(settingsFile(), QSettings::IniFormat);
        settings.setValue(QStringLiteral("profiles/stored-%1/headers").arg(m_tag),
                          QStringList{"Content-Length: 5", "Transfer-Encoding: chunked",
                                      "Host: evil.example", "X-Ok: 1"});
    }
    const AppRun asked = run({"ask", "--profile", name, "--max-tokens", "7", "Hello there"});
    QVERIFY2(asked.exitCode == 0, asked.all().constData());
    for (const char* skipped : {"Content-Length", "Transfer-Encoding", "Host"})
        QVERIFY2(asked.err.contains(skipped), asked.err.constData());
    QCOMPARE(m_server->requestCount(), 1);
    const HostileRequest request = m_server->requests().first();
    // The whole body arrived, framed by the client's own Content-Length.
    QVERIFY2(request.body.contains("Hello there") && request.body.endsWith('}'),
             request.body.constData());
    QCOMPARE(request.header("Content-Length"), QByteArray::number(request.body.size()));
    QVERIFY(!request.hasHeader("Transfer-Encoding"));
    QVERIFY(!request.header("Host").contains("evil"));
    QCOMPARE(request.header("X-Ok"), QByteArray("1"));
}

QTEST_GUILESS_MAIN(TestHeaderInjection)
#include "tst_headerinjection.moc"

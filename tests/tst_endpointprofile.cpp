// EndpointProfile: name rules, "K:V" headers, the insecure-remote check, the Environment profile
// and toConfig().
#include "endpoints/EndpointProfile.h"

#include <QTest>

using namespace adminchat;

class TestEndpointProfile : public QObject
{
    Q_OBJECT
private slots:
    void validNames_data();
    void validNames();
    void invalidNames_data();
    void invalidNames();
    void headers_data();
    void headers();
    void badHeaders_data();
    void badHeaders();
    void insecureRemote_data();
    void insecureRemote();
    void environment();
    void toConfigCopiesEverything();
};

void TestEndpointProfile::validNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("plain") << "Work";
    QTest::newRow("spaces") << "Local vLLM 8B";
    QTest::newRow("unicode") << QStringLiteral("Büro ☃ 東京");
    QTest::newRow("punctuation") << "gpu-box_2.lan:8000 (test)";
    QTest::newRow("longest") << QString(EndpointProfile::maxNameLength, QLatin1Char('x'));
    QTest::newRow("contains demo") << "Demo 2";
}

void TestEndpointProfile::validNames()
{
    QFETCH(QString, name);
    QCOMPARE(EndpointProfile::nameError(name), QString());
}

void TestEndpointProfile::invalidNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << ""
                           << "empty";
    QTest::newRow("blank") << "   "
                           << "empty";
    QTest::newRow("too long") << QString(EndpointProfile::maxNameLength + 1, QLatin1Char('x'))
                              << "longer than";
    QTest::newRow("Demo") << "Demo"
                          << "built-in";
    QTest::newRow("demo lower case") << "demo"
                                     << "built-in";
    QTest::newRow("Environment") << "ENVIRONMENT"
                                 << "built-in";
    QTest::newRow("leading space") << " Work"
                                   << "space";
    QTest::newRow("trailing space") << "Work "
                                    << "space";
    QTest::newRow("slash") << "a/b"
                           << "'/'";
    QTest::newRow("backslash") << "a\\b"
                               << "'\\'";
    QTest::newRow("tab") << "a\tb"
                         << "control";
    QTest::newRow("newline") << "a\nb"
                             << "control";
    QTest::newRow("escape") << "a\x1b[31mb"
                            << "control";
}

void TestEndpointProfile::invalidNames()
{
    QFETCH(QString, name);
    QFETCH(QString, reason);
    const QString error = EndpointProfile::nameError(name);
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QVERIFY(!error.contains(QLatin1Char('\x1b')));
}

void TestEndpointProfile::headers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("plain") << "X-Org:acme" << QByteArray("X-Org") << QByteArray("acme");
    QTest::newRow("trimmed") << "  X-Org :  acme corp  " << QByteArray("X-Org")
                             << QByteArray("acme corp");
    QTest::newRow("colon in value")
        << "X-Route: a:b:c" << QByteArray("X-Route") << QByteArray("a:b:c");
    QTest::newRow("empty value") << "X-Empty:" << QByteArray("X-Empty") << QByteArray();
    QTest::newRow("token chars") << "X!#$%&'*+-.^_`|~9: v" << QByteArray("X!#$%&'*+-.^_`|~9")
                                 << QByteArray("v");
    QTest::newRow("utf-8 value") << QStringLiteral("X-Name: Jürgen") << QByteArray("X-Name")
                                 << QStringLiteral("Jürgen").toUtf8();
}

void TestEndpointProfile::headers()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QString error;
    const auto header = EndpointProfile::parseHeader(text, &error);
    QVERIFY2(header, qPrintable(error));
    QCOMPARE(header->first, name);
    QCOMPARE(header->second, value);
    QCOMPARE(error, QString());
    // What is shown and stored parses back to the same header.
    const auto again = EndpointProfile::parseHeader(EndpointProfile::headerText(*header), &error);
    QVERIFY(again);
    QCOMPARE(*again, *header);
}

void TestEndpointProfile::badHeaders_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no colon") << "X-Org acme"
                              << "no ':'";
    QTest::newRow("empty") << ""
                           << "no ':'";
    QTest::newRow("empty name") << ": acme"
                                << "empty name";
    QTest::newRow("blank name") << "   : acme"
                                << "empty name";
    QTest::newRow("space in name") << "X Org: acme"
                                   << "not allowed";
    QTest::newRow("non-ascii name") << QStringLiteral("X-Ö: v") << "not allowed";
    QTest::newRow("parenthesis") << "X(1): v"
                                 << "not allowed";
    QTest::newRow("CR LF injection") << "X-Org: a\r\nX-Evil: b"
                                     << "line break";
    QTest::newRow("LF in name") << "X\n-Org: a"
                                << "line break";
    QTest::newRow("CR alone") << "X-Org: a\rb"
                              << "line break";
    QTest::newRow("NUL in value") << QStringLiteral("X-Org: a") + QChar(0) + QStringLiteral("b")
                                  << "NUL";
    QTest::newRow("tab in value") << "X-Org: a\tb"
                                  << "a tab";
    QTest::newRow("escape in value") << "X-Org: a\x1b[2Jb"
                                     << "control character (U+001B)";
    QTest::newRow("DEL in value") << "X-Org: a\x7f"
                                  << "control character (U+007F)";
    QTest::newRow("line separator") << QStringLiteral("X-Org: a\u2028b") << "line break";
    for (const char* name :
         {"Content-Length", "content-length", "Transfer-Encoding", "Host", "Connection",
          "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Authorization", "proxy-connection"})
        QTest::newRow(name) << QString::fromLatin1(name) + QStringLiteral(": 5") << "cannot be set";
}

void TestEndpointProfile::badHeaders()
{
    QFETCH(QString, text);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!EndpointProfile::parseHeader(text, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QVERIFY(!error.contains(QLatin1Char('\r')));
    // The value may be a secret: never quoted.
    const QString value = text.mid(text.indexOf(QLatin1Char(':')) + 1).trimmed();
    if (value.size() > 1 && text.contains(QLatin1Char(':')))
        QVERIFY2(!error.contains(value), qPrintable(error));
    QVERIFY(!EndpointProfile::parseHeader(text, nullptr)); // no error wanted: no crash
}

void TestEndpointProfile::insecureRemote_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("insecure");
    QTest::newRow("http remote host") << "http://example.com/v1" << true;
    QTest::newRow("http LAN address") << "http://192.168.1.20:8000/v1" << true;
    QTest::newRow("http 128.0.0.1") << "http://128.0.0.1/v1" << true;
    QTest::newRow("http localhost lookalike") << "http://localhost.example.com/v1" << true;
    QTest::newRow("http IPv6 remote") << "http://[2001:db8::1]:8000/v1" << true;
    QTest::newRow("https remote") << "https://example.com/v1" << false;
    QTest::newRow("https LAN") << "https://192.168.1.20/v1" << false;
    QTest::newRow("127.0.0.1") << "http://127.0.0.1:8000/v1" << false;
    QTest::newRow("127.x.y.z") << "http://127.31.2.9:8000/v1" << false;
    QTest::newRow("::1") << "http://[::1]:8000/v1" << false;
    QTest::newRow("mapped IPv4 loopback") << "http://[::ffff:127.0.0.1]:8000/v1" << false;
    QTest::newRow("localhost") << "http://localhost:8000/v1" << false;
    QTest::newRow("LOCALHOST") << "HTTP://LOCALHOST:8000/v1" << false;
}

void TestEndpointProfile::insecureRemote()
{
    QFETCH(QString, url);
    QFETCH(bool, insecure);
    QCOMPARE(EndpointProfile::isInsecureRemote(QUrl(url)), insecure);
}

void TestEndpointProfile::environment()
{
    const QByteArray savedBase = qgetenv("OPENAI_BASE_URL");
    const auto restore = qScopeGuard([&] {
        if (savedBase.isNull())
            qunsetenv("OPENAI_BASE_URL");
        else
            qputenv("OPENAI_BASE_URL", savedBase);
    });

    qunsetenv("OPENAI_BASE_URL");
    QVERIFY(!EndpointProfile::fromEnvironment());
    qputenv("OPENAI_BASE_URL", "");
    QVERIFY(!EndpointProfile::fromEnvironment());
    qputenv("OPENAI_BASE_URL", "ftp://example.com/v1");
    QVERIFY(!EndpointProfile::fromEnvironment());

    qputenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1/chat/completions");
    auto profile = EndpointProfile::fromEnvironment();
    QVERIFY(profile);
    QCOMPARE(profile->kind, EndpointProfile::Kind::Environment);
    QCOMPARE(profile->name, QStringLiteral("Environment"));
    QCOMPARE(profile->name, EndpointProfile::environmentName);
    QCOMPARE(profile->baseUrl.toString(), QStringLiteral("http://127.0.0.1:8000/v1"));
    QVERIFY(!profile->hasKey); // the key comes from OPENAI_API_KEY, never the keychain

    qputenv("OPENAI_BASE_URL", "https://api.example.com");
    profile = EndpointProfile::fromEnvironment();
    QVERIFY(profile);
    QCOMPARE(profile->baseUrl.toString(), QStringLiteral("https://api.example.com/v1"));
}

void TestEndpointProfile::toConfigCopiesEverything()
{
    EndpointProfile profile;
    profile.name = QStringLiteral("Lab");
    profile.baseUrl = QUrl(QStringLiteral("https://lab.example/v1"));
    profile.defaultModel = QStringLiteral("m");
    profile.extraHeaders = {{"X-A", "1"}, {"X-B", "2"}};
    profile.connectTimeoutMs = 1500;
    profile.idleTimeoutMs = 2500;
    profile.totalTimeoutMs = 3500;
    profile.maxRetries = 7;
    profile.caFile = QStringLiteral("/etc/lab-ca.pem");
    profile.sendStreamOptions = false;
    profile.sendPrediction = true;
    profile.hasKey = true;

    const EndpointConfig config = profile.toConfig(QStringLiteral("sk-lab"));
    QCOMPARE(config.baseUrl, profile.baseUrl);
    QCOMPARE(config.apiKey, QStringLiteral("sk-lab"));
    QCOMPARE(config.extraHeaders, profile.extraHeaders);
    QCOMPARE(config.connectTimeoutMs, 1500);
    QCOMPARE(config.idleTimeoutMs, 2500);
    QCOMPARE(config.totalTimeoutMs, 3500);
    QCOMPARE(config.maxRetries, 7);
    QCOMPARE(config.caFile, profile.caFile);
    QCOMPARE(config.sendStreamOptions, false);
    QCOMPARE(config.sendPrediction, true);
    QCOMPARE(EndpointProfile().toConfig(QString()).sendPrediction, false); // off by default
    QCOMPARE(profile.toConfig(QString()).apiKey, QString());
}

QTEST_GUILESS_MAIN(TestEndpointProfile)
#include "tst_endpointprofile.moc"

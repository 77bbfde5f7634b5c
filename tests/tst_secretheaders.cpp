// Secret header values (Azure's api-key, x-api-key, a gateway's key) and the key's header, through
// the real `adminchat` with a real Secret Service (gnome-keyring in a private D-Bus session, see
// tests/run-all.sh) against a scripted loopback server that logs what arrives: values go to the
// keychain or come from the environment, never into a file or onto the screen; an older settings
// file with a plaintext value is moved into the keychain on first use.
#include "AppProcess.h"
#include "HostileServer.h"
#include "TestHome.h"
#include "endpoints/KeyStore.h"

#include <QDirIterator>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <memory>

class TestSecretHeaders : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void secretHeadersGoToTheKeychain();
    void keychainUnreachable();
    void valueFromTheEnvironment();
    void plaintextValueMigrates();
    void plaintextValueKeptWithoutKeychain();
    void keyHeader_data();
    void keyHeader();
    void keyHeaderRefused();

private:
    AppRun run(const QStringList& arguments, const QStringList& environment = {},
               const QByteArray& input = {});
    QString settingsFile() const
    {
        return m_home->filePath(QStringLiteral("config/AdminChat/adminchat.conf"));
    }
    QString n(const char* name) const
    {
        return QString::fromLatin1(name) + QLatin1Char('-') + m_tag;
    }
    // What the keychain holds for a header of a profile: the value, "" when nothing.
    QString storedValue(const QString& profile, const QByteArray& header);
    void verifyNoFileHolds(const QByteArray& secret);
    void writeLegacyProfile(const QString& name, const QStringList& headers);

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<HostileServer> m_server;
    QString m_tag;
    QByteArray m_canary;  // a secret header value
    QByteArray m_canary2; // another
};

namespace {

const QStringList noBus{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus"};

HostileResponse answer(const HostileRequest& request)
{
    if (request.target.contains("/models"))
        return HostileResponse::status(200, R"({"object":"list","data":[{"id":"m"}]})");
    return HostileResponse::eventStream({HostileResponse::contentChunk(QStringLiteral("Hi")),
                                         HostileResponse::contentChunk({}, "\"stop\"")});
}

} // namespace

void TestSecretHeaders::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_server = std::make_unique<HostileServer>(&answer);
    QVERIFY(m_server->isListening());
    m_tag = QUuid::createUuid().toString(QUuid::Id128).left(8);
    m_canary = "hdr-canary-" + QUuid::createUuid().toString(QUuid::Id128).toLatin1();
    m_canary2 = "hdr-canary2-" + QUuid::createUuid().toString(QUuid::Id128).toLatin1();
}

void TestSecretHeaders::cleanup()
{
    if (m_home) {
        verifyNoFileHolds(m_canary);
        verifyNoFileHolds(m_canary2);
    }
}

AppRun TestSecretHeaders::run(const QStringList& arguments, const QStringList& environment,
                              const QByteArray& input)
{
    QProcessEnvironment env = appEnvironmentWithoutEndpoint(m_home->path());
    removeAdminChatVariables(env);
    assign(env, environment);
    return runApp(arguments, env, input, 60000);
}

QString TestSecretHeaders::storedValue(const QString& profile, const QByteArray& header)
{
    adminchat::KeyStore keys;
    QObject context;
    bool finished = false;
    QString value;
    keys.readHeaderValue(profile, header, &context, [&](const adminchat::KeyStore::Result& read) {
        value = read.ok ? read.key : QString();
        finished = true;
    });
    if (!QTest::qWaitFor([&] { return finished; }, 10000))
        return QStringLiteral("(no answer)");
    return value;
}

void TestSecretHeaders::verifyNoFileHolds(const QByteArray& secret)
{
    QDirIterator it(m_home->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        QVERIFY2(!file.readAll().contains(secret), qPrintable(file.fileName() + " holds a secret"));
    }
}

void TestSecretHeaders::writeLegacyProfile(const QString& name, const QStringList& headers)
{
    // As an older version wrote it: every header value in plain text.
    QSettings settings(settingsFile(), QSettings::IniFormat);
    settings.beginGroup(QStringLiteral("profiles/") + name);
    settings.setValue(QStringLiteral("name"), name);
    settings.setValue(QStringLiteral("baseUrl"), m_server->baseUrl().toString());
    settings.setValue(QStringLiteral("defaultModel"), QStringLiteral("m"));
    settings.setValue(QStringLiteral("headers"), headers);
}

void TestSecretHeaders::secretHeadersGoToTheKeychain()
{
    REQUIRE_KEYCHAIN();
    const QString name = n("azure");
    AppRun r =
        run({"profile", "add", name, "--base-url", m_server->baseUrl().toString(), "--model", "m",
             "--header", "api-key: " + QString::fromLatin1(m_canary), "--secret-header",
             "X-Gateway: " + QString::fromLatin1(m_canary2), "--header", "X-Title: AdminChat"});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QVERIFY(!r.all().contains(m_canary) && !r.all().contains(m_canary2));

    // The settings file has the names, the keychain the values.
    QFile ini(settingsFile());
    QVERIFY(ini.open(QIODevice::ReadOnly));
    const QByteArray bytes = ini.readAll();
    QVERIFY2(bytes.contains("X-Title: AdminChat"), bytes.constData());
    QVERIFY2(bytes.contains("api-key") && bytes.contains("X-Gateway"), bytes.constData());
    QCOMPARE(storedValue(name, "api-key"), QString::fromLatin1(m_canary));
    QCOMPARE(storedValue(name, "X-Gateway"), QString::fromLatin1(m_canary2));

    // Listed by name, the value hidden.
    r = run({"profile", "list"});
    QVERIFY2(r.out.contains("api-key (secret)") && r.out.contains("X-Gateway (secret)") &&
                 r.out.contains("X-Title"),
             r.out.constData());
    r = run({"profile", "list", "--json"});
    const QJsonArray list = r.jsonArray();
    QJsonObject entry;
    for (const QJsonValue& value : list) {
        if (value.toObject().value("name").toString() == name)
            entry = value.toObject();
    }
    QCOMPARE(entry.value("secret_headers").toArray(), (QJsonArray{"api-key", "X-Gateway"}));
    QVERIFY(!r.all().contains(m_canary) && !r.all().contains(m_canary2));

    // Sent with the request, as given.
    r = run({"ask", "--profile", name, "Hello"});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QCOMPARE(m_server->requestCount(), 1);
    const HostileRequest request = m_server->requests().first();
    QCOMPARE(request.header("api-key"), m_canary);
    QCOMPARE(request.header("X-Gateway"), m_canary2);
    QCOMPARE(request.header("X-Title"), QByteArray("AdminChat"));

    // Replaced without X-Gateway: its entry goes.
    r = run({"profile", "add", name, "--base-url", m_server->baseUrl().toString(), "--header",
             "api-key: " + QString::fromLatin1(m_canary), "--replace"});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QCOMPARE(storedValue(name, "X-Gateway"), QString());
    QCOMPARE(storedValue(name, "api-key"), QString::fromLatin1(m_canary));

    // Removing the profile removes the values.
    r = run({"profile", "remove", name});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QCOMPARE(storedValue(name, "api-key"), QString());
}

void TestSecretHeaders::keychainUnreachable()
{
    REQUIRE_KEYCHAIN();
    const QString name = n("nokeychain");
    const AppRun r = run({"profile", "add", name, "--base-url", m_server->baseUrl().toString(),
                          "--header", "x-api-key: " + QString::fromLatin1(m_canary)},
                         noBus);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("no keychain service answered"), r.err.constData());
    QVERIFY2(r.err.contains("the value of header x-api-key was not stored"), r.err.constData());
    QVERIFY2(r.err.contains(adminchat::KeyStore::headerVariable(name, "x-api-key").toUtf8()),
             r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(!r.all().contains(m_canary));
    QVERIFY(!run({"profile", "list"}).out.contains(name.toUtf8())); // nothing saved
}

void TestSecretHeaders::valueFromTheEnvironment()
{
    // No keychain at all: the name is saved, the value comes from the environment.
    const QString name = n("envheader");
    AppRun r = run({"profile", "add", name, "--base-url", m_server->baseUrl().toString(), "--model",
                    "m", "--secret-header", "CF-Access-Client-Secret:"},
                   noBus);
    QVERIFY2(r.exitCode == 0, r.all().constData());
    const QString variable = adminchat::KeyStore::headerVariable(name, "CF-Access-Client-Secret");
    QVERIFY2(variable.endsWith(QLatin1String("__CF_ACCESS_CLIENT_SECRET")), qPrintable(variable));
    r = run({"ask", "--profile", name, "Hello"},
            QStringList{variable + "= " + QString::fromLatin1(m_canary) + " "} + noBus);
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QCOMPARE(m_server->requests().last().header("CF-Access-Client-Secret"), m_canary);

    // With a line break in it: refused, naming the variable, nothing sent.
    const int before = m_server->requestCount();
    r = run({"ask", "--profile", name, "Hello"},
            QStringList{variable + "=" + QString::fromLatin1(m_canary) + "\r\nX-Injected: yes"} +
                noBus);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(variable.toUtf8()) && r.err.contains("line break"), r.err.constData());
    QVERIFY(!r.all().contains(m_canary));
    QCOMPARE(m_server->requestCount(), before);
}

void TestSecretHeaders::plaintextValueMigrates()
{
    REQUIRE_KEYCHAIN();
    const QString name = n("legacy");
    writeLegacyProfile(name, {"api-key: " + QString::fromLatin1(m_canary), "X-Title: t"});
    // The canary is in the file now; the first use moves it into the keychain.
    AppRun r = run({"ask", "--profile", name, "Hello"});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QCOMPARE(m_server->requests().last().header("api-key"), m_canary);
    QCOMPARE(storedValue(name, "api-key"), QString::fromLatin1(m_canary));
    {
        QFile ini(settingsFile());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        const QByteArray bytes = ini.readAll();
        QVERIFY2(!bytes.contains(m_canary), bytes.constData());
        QVERIFY2(bytes.contains("X-Title: t") && bytes.contains("api-key"), bytes.constData());
    }
    // And it is still sent, now from the keychain.
    r = run({"ask", "--profile", name, "Hello"});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QCOMPARE(m_server->requests().last().header("api-key"), m_canary);
    r = run({"profile", "remove", name});
    QVERIFY2(r.exitCode == 0, r.all().constData());
}

void TestSecretHeaders::plaintextValueKeptWithoutKeychain()
{
    const QString name = n("legacy-nokc");
    writeLegacyProfile(name, {"x-api-key: " + QString::fromLatin1(m_canary)});
    const AppRun r = run({"ask", "--profile", name, "Hello"}, noBus);
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QCOMPARE(m_server->requests().last().header("x-api-key"), m_canary);
    QVERIFY2(r.err.contains("stays in plain text"), r.err.constData()); // the warning
    QVERIFY(!r.all().contains(m_canary));
    // Still there, for the next try; removed here so that cleanup() finds no file holding it.
    QFile ini(settingsFile());
    QVERIFY(ini.open(QIODevice::ReadOnly));
    QVERIFY(ini.readAll().contains(m_canary));
    ini.close();
    QVERIFY(ini.remove());
}

void TestSecretHeaders::keyHeader_data()
{
    QTest::addColumn<QString>("option"); // "": the default
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("default") << QString() << QByteArray("Authorization")
                             << QByteArray("Bearer sk-hdr");
    QTest::newRow("authorization")
        << "authorization" << QByteArray("Authorization") << QByteArray("Bearer sk-hdr");
    QTest::newRow("azure") << "api-key" << QByteArray("api-key") << QByteArray("sk-hdr");
    QTest::newRow("custom") << "X-Portkey-Api-Key" << QByteArray("X-Portkey-Api-Key")
                            << QByteArray("sk-hdr");
    QTest::newRow("custom plain name") << "X-Gw" << QByteArray("X-Gw") << QByteArray("sk-hdr");
}

void TestSecretHeaders::keyHeader()
{
    QFETCH(QString, option);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    const QString name = n("keyheader");
    QStringList arguments{"profile", "add", name, "--base-url", m_server->baseUrl().toString(),
                          "--model", "m"};
    if (!option.isEmpty())
        arguments << "--key-header" << option;
    AppRun r = run(arguments);
    QVERIFY2(r.exitCode == 0, r.all().constData());
    r = run({"profile", "list", "--json"});
    const QByteArray listed = header == "Authorization"
                                  ? "\"key_header\": \"Authorization: Bearer\""
                                  : "\"key_header\": \"" + header + "\"";
    QVERIFY2(r.out.contains(listed), r.out.constData());
    // The key from the environment, so that no keychain is needed.
    const QString variable = adminchat::KeyStore::environmentVariable(name) + "=sk-hdr";
    r = run({"ask", "--profile", name, "Hello"}, {variable});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    r = run({"profile", "test", name}, {variable});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QCOMPARE(m_server->requestCount(), 2);
    for (const HostileRequest& request : m_server->requests()) {
        QCOMPARE(request.header(header), value);
        if (header != "Authorization")
            QVERIFY2(!request.hasHeader("Authorization"), request.head.constData());
    }
}

void TestSecretHeaders::keyHeaderRefused()
{
    const AppRun r = run({"profile", "add", n("kh"), "--base-url", m_server->baseUrl().toString(),
                          "--key-header", "Content-Length"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--key-header") && r.err.contains("Content-Length"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestSecretHeaders)
#include "tst_secretheaders.moc"

// `adminchat profile add|list|remove|test` as a user runs them: the real binary with its settings
// and data in temporary directories, the key in a real Secret Service (gnome-keyring in a
// private D-Bus session, see tests/run-all.sh), and `adminchat serve-demo` requiring that key.
// After every scenario no file under the settings or data directories holds the key.
#include "AppProcess.h"
#include "TestHome.h"

#include <QDirIterator>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <memory>

class TestProfileCommand : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void help();
    void usageErrors_data();
    void usageErrors();
    void addListWithoutKey();
    void insecureRemoteWarning();
    void keyInTheKeychain();
    void keychainUnreachable();
    void environmentProfile();
    void askWithProfile();

private:
    using Result = AppRun;

    Result run(const QStringList& arguments, const QByteArray& input = {},
               const QStringList& environment = {}, bool keepEnvironmentProfile = false);
    QString startDemo(const QString& requiredKey);
    static QJsonObject entry(const QJsonArray& list, const QString& name);
    void verifyNoFileHolds(const QByteArray& secret);
    void markHasKey(const QString& name);
    QString settingsFile() const
    {
        return m_home->filePath(QStringLiteral("config/AdminChat/adminchat.conf"));
    }

    std::unique_ptr<QTemporaryDir> m_home; // XDG_CONFIG_HOME and XDG_DATA_HOME of the runs
    std::vector<std::unique_ptr<QProcess>> m_servers;
    QString m_key; // a fresh canary per test
    QString m_tag; // makes the names of keychain entries unique to this run

    // A profile name unique to this run: the keychain is shared by every test in the session.
    QString n(const char* name) const { return QString::fromUtf8(name) + QLatin1Char(' ') + m_tag; }
    // ADMINCHAT_API_KEY_<NAME>=value, the variable named as KeyStore names it.
    static QString keyVariable(const QString& name, const QString& value)
    {
        QString variable = QStringLiteral("ADMINCHAT_API_KEY_");
        for (const char32_t c : name.toUpper().toUcs4())
            variable += (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9') ? QChar(char16_t(c))
                                                                             : QLatin1Char('_');
        return variable + QLatin1Char('=') + value;
    }
};

void TestProfileCommand::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_key = QStringLiteral("sk-canary-") + QUuid::createUuid().toString(QUuid::Id128);
    m_tag = QUuid::createUuid().toString(QUuid::Id128).left(8);
}

void TestProfileCommand::cleanup()
{
    for (auto& server : m_servers) {
        server->terminate();
        server->waitForFinished(5000);
    }
    m_servers.clear();
    if (m_home)
        verifyNoFileHolds(m_key.toUtf8());
    m_home.reset();
}

TestProfileCommand::Result TestProfileCommand::run(const QStringList& arguments,
                                                   const QByteArray& input,
                                                   const QStringList& environment,
                                                   bool keepEnvironmentProfile)
{
    QProcessEnvironment env = keepEnvironmentProfile
                                  ? appEnvironment(m_home->path())
                                  : appEnvironmentWithoutEndpoint(m_home->path());
    removeAdminChatVariables(env);
    assign(env, environment);
    return runApp(arguments, env, input, 60000);
}

QString TestProfileCommand::startDemo(const QString& requiredKey)
{
    // The demo's own records stay in the temporary directories too.
    QProcessEnvironment env = appEnvironment(m_home->path());
    env.insert(QStringLiteral("ADMINCHAT_DEMO_API_KEY"), requiredKey);
    m_servers.push_back(std::make_unique<QProcess>());
    return startDemoServer(*m_servers.back(), {"--profile", "instant"}, env);
}

QJsonObject TestProfileCommand::entry(const QJsonArray& list, const QString& name)
{
    for (const QJsonValue& value : list) {
        if (value.toObject().value(QLatin1String("name")).toString() == name)
            return value.toObject();
    }
    return {};
}

void TestProfileCommand::verifyNoFileHolds(const QByteArray& secret)
{
    int files = 0;
    QDirIterator it(m_home->path(), QDir::Files | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        const QByteArray bytes = file.readAll();
        QVERIFY2(!bytes.contains(secret), qPrintable(file.fileName() + " holds the key"));
        QVERIFY2(!bytes.contains(secret.toBase64()), qPrintable(file.fileName()));
        ++files;
    }
    qInfo() << "scanned" << files << "files for the key";
}

// Claims in the settings file that `name` has a key in the keychain, so that the next use of
// the profile asks the keychain for it.
void TestProfileCommand::markHasKey(const QString& name)
{
    QSettings settings(settingsFile(), QSettings::IniFormat);
    settings.beginGroup(QStringLiteral("profiles"));
    for (const QString& group : settings.childGroups()) {
        if (settings.value(group + QStringLiteral("/name")).toString() == name)
            settings.setValue(group + QStringLiteral("/hasKey"), true);
    }
}

void TestProfileCommand::help()
{
    Result r = run({"profile", "--help"});
    QCOMPARE(r.exitCode, 0);
    for (const char* word : {"profile add", "profile list", "profile remove", "profile test",
                             "keychain", "ADMINCHAT_API_KEY_"})
        QVERIFY2(r.out.contains(word), word);
    for (const char* sub : {"add", "list", "remove", "test"}) {
        r = run({"profile", sub, "--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("Usage: adminchat profile " + QByteArray(sub)), r.out);
    }
    r = run({"profile", "add", "--help"});
    for (const char* option : {"--base-url", "--model", "--header", "--connect-timeout",
                               "--idle-timeout", "--total-timeout", "--max-retries", "--ca-file",
                               "--no-stream-options", "--predict", "--api-key-stdin", "--replace"})
        QVERIFY2(r.out.contains(option), option);
    r = run({"--help"});
    QVERIFY(r.out.contains("profile"));
}

void TestProfileCommand::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("no subcommand") << QStringList{"profile"} << 2 << "Usage:";
    QTest::newRow("unknown subcommand")
        << QStringList{"profile", "frob"} << 2 << "unknown subcommand \"frob\"";
    QTest::newRow("add without name") << QStringList{"profile", "add"} << 2 << "no profile name";
    QTest::newRow("add without URL")
        << QStringList{"profile", "add", "x"} << 2 << "--base-url URL is required";
    QTest::newRow("bad URL") << QStringList{"profile", "add", "x", "--base-url", "ftp://h"} << 2
                             << "invalid base URL (--base-url): unsupported scheme \"ftp\"";
    QTest::newRow("reserved name")
        << QStringList{"profile", "add", "Demo", "--base-url", "http://127.0.0.1:1"} << 2
        << "built-in";
    QTest::newRow("bad header")
        << QStringList{"profile",  "add",   "x", "--base-url", "http://127.0.0.1:1",
                       "--header", "X Y: z"}
        << 2 << "not allowed in a header name";
    QTest::newRow("bad timeout")
        << QStringList{"profile",        "add", "x", "--base-url", "http://127.0.0.1:1",
                       "--idle-timeout", "soon"}
        << 2 << "--idle-timeout needs a number of seconds";
    QTest::newRow("bad max retries")
        << QStringList{"profile",       "add", "x", "--base-url", "http://127.0.0.1:1",
                       "--max-retries", "11"}
        << 2 << "--max-retries needs an integer from 0 to 10";
    QTest::newRow("missing CA file") << QStringList{"profile",
                                                    "add",
                                                    "x",
                                                    "--base-url",
                                                    "https://h",
                                                    "--ca-file",
                                                    "/nonexistent/ca.pem"}
                                     << 2 << "cannot read the CA file /nonexistent/ca.pem";
    QTest::newRow("bad provider")
        << QStringList{"profile",    "add",         "x", "--base-url", "http://127.0.0.1:1",
                       "--provider", "Azure OpenAI"}
        << 2 << "--provider: the provider name must be";
    QTest::newRow("credentials in URL")
        << QStringList{"profile", "add", "x", "--base-url", "https://u:sk-in-url@h/v1"} << 2
        << "user name or password";
    QTest::newRow("empty key")
        << QStringList{"profile", "add", "x", "--base-url", "http://127.0.0.1:1", "--api-key-stdin"}
        << 2 << "no key on stdin";
    QTest::newRow("remove unknown")
        << QStringList{"profile", "remove", "nobody"} << 1 << "no profile named \"nobody\"";
    QTest::newRow("remove built-in") << QStringList{"profile", "remove", "Demo"} << 1 << "built in";
    QTest::newRow("test unknown") << QStringList{"profile", "test", "nobody"} << 1
                                  << "no profile named \"nobody\"; known: Demo";
    QTest::newRow("list extra") << QStringList{"profile", "list", "x"} << 2
                                << "unexpected argument";
}

void TestProfileCommand::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const Result r = run(arguments);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    QVERIFY(!r.all().contains("sk-in-url"));
    // Nothing was saved.
    QVERIFY(!run({"profile", "list", "--json"}).out.contains("\"saved\""));
}

void TestProfileCommand::addListWithoutKey()
{
    // No key: the keychain is never asked, so this works without one.
    const QStringList noBus{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus"};
    const QStringList retries{"--max-retries", "4"};
    Result r = run(QStringList{"profile", "add", "Büro Lab", "--base-url", "http://127.0.0.1:9/v1/",
                               "--model", "m-1", "--header", "X-Org: acme", "--header", "X-Team:ml",
                               "--connect-timeout", "2.5", "--idle-timeout", "30",
                               "--total-timeout", "120", "--no-stream-options", "--predict"} +
                       retries,
                   {}, noBus);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("Saved profile \"Büro Lab\""), r.out.constData());
    QVERIFY(r.err.isEmpty()); // loopback http: no warning

    r = run({"profile", "add", "Büro Lab", "--base-url", "http://127.0.0.1:10"}, {}, noBus);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("already exists"));
    QVERIFY(r.err.contains("--replace"));

    r = run({"profile", "list"}, {}, noBus);
    QCOMPARE(r.exitCode, 0);
    const QList<QByteArray> lines = r.out.split('\n');
    QVERIFY(lines.first().startsWith("NAME"));
    QVERIFY(lines.first().contains("BASE URL"));
    QVERIFY(lines.first().contains("KEY"));
    QVERIFY2(r.out.contains("Büro Lab"), r.out.constData());
    QVERIFY(r.out.contains("http://127.0.0.1:9/v1"));
    QVERIFY(r.out.contains("Demo"));
    QVERIFY(r.out.contains("built-in"));
    QVERIFY(!r.out.contains("Environment")); // OPENAI_BASE_URL is not set

    r = run({"profile", "list", "--json"}, {}, noBus);
    QCOMPARE(r.exitCode, 0);
    const QJsonArray list = r.jsonArray();
    QCOMPARE(list.size(), 2);
    const QJsonObject lab = entry(list, QStringLiteral("Büro Lab"));
    QCOMPARE(lab.value("kind").toString(), QStringLiteral("saved"));
    QCOMPARE(lab.value("base_url").toString(), QStringLiteral("http://127.0.0.1:9/v1"));
    QCOMPARE(lab.value("default_model").toString(), QStringLiteral("m-1"));
    QCOMPARE(lab.value("key").toString(), QStringLiteral("none"));
    QCOMPARE(lab.value("header_names").toArray(), (QJsonArray{"X-Org", "X-Team"}));
    QCOMPARE(lab.value("connect_timeout_s").toDouble(), 2.5);
    QCOMPARE(lab.value("idle_timeout_s").toDouble(), 30.0);
    QCOMPARE(lab.value("total_timeout_s").toDouble(), 120.0);
    QCOMPARE(lab.value("max_retries").toInt(), 4);
    QCOMPARE(lab.value("send_stream_options").toBool(), false);
    QCOMPARE(lab.value("send_prediction").toBool(), true);
    QCOMPARE(lab.value("insecure").toBool(), false);
    const QJsonObject demo = entry(list, QStringLiteral("Demo"));
    QCOMPARE(demo.value("kind").toString(), QStringLiteral("demo"));
    QCOMPARE(demo.value("base_url").toString(), QStringLiteral("built-in"));

    // A key from the environment shows as "env".
    r = run({"profile", "list"}, {}, {"ADMINCHAT_API_KEY_B_RO_LAB=" + m_key});
    QVERIFY(r.out.contains(" env"));
    QVERIFY(!r.out.contains(m_key.toUtf8()));

    // --replace keeps the name and replaces the rest.
    r = run({"profile", "add", "Büro Lab", "--base-url", "https://lab.example", "--replace"}, {},
            noBus);
    QCOMPARE(r.exitCode, 0);
    const QJsonObject replaced =
        entry(run({"profile", "list", "--json"}).jsonArray(), QStringLiteral("Büro Lab"));
    QCOMPARE(replaced.value("base_url").toString(), QStringLiteral("https://lab.example/v1"));
    QCOMPARE(replaced.value("header_names").toArray(), QJsonArray());
    QCOMPARE(replaced.value("send_stream_options").toBool(), true);
    QCOMPARE(replaced.value("send_prediction").toBool(), false); // off unless asked for

    r = run({"profile", "remove", "Büro Lab"}, {}, noBus);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("Removed profile \"Büro Lab\""));
    QCOMPARE(run({"profile", "list", "--json"}).jsonArray().size(), 1);
}

void TestProfileCommand::insecureRemoteWarning()
{
    Result r = run({"profile", "add", "Remote", "--base-url", "http://192.0.2.7:8000/v1"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.startsWith("warning: http://192.0.2.7:8000/v1 is plain http"), r.err);
    QVERIFY(r.err.contains("unencrypted"));
    QCOMPARE(r.err.count('\n'), 1);
    r = run({"profile", "list", "--json"});
    QCOMPARE(entry(r.jsonArray(), QStringLiteral("Remote")).value("insecure").toBool(), true);
    r = run({"profile", "add", "Secure", "--base-url", "https://192.0.2.7/v1"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.err.isEmpty());
}

void TestProfileCommand::keyInTheKeychain()
{
    REQUIRE_KEYCHAIN();
    const QString base = startDemo(m_key);
    QVERIFY(!base.isEmpty());
    const QString name = n("Key Lab ☃");
    const QByteArray key = m_key.toUtf8();

    // The key goes in on stdin, with a trailing newline as `echo` leaves it.
    Result r =
        run({"profile", "add", name, "--base-url", base, "--model", "demo-chat", "--api-key-stdin"},
            key + "\n");
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("in the keychain"), r.all().constData());
    QVERIFY(!r.all().contains(key));

    r = run({"profile", "list"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains(name.toUtf8()));
    QVERIFY(r.out.contains("keychain"));
    QVERIFY(!r.all().contains(key));
    r = run({"profile", "list", "--json"});
    QCOMPARE(entry(r.jsonArray(), name).value("key").toString(), QStringLiteral("keychain"));
    QVERIFY(!r.all().contains(key));

    // The demo requires the key: the test only succeeds when the keychain's key was sent.
    r = run({"profile", "test", name});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QVERIFY2(r.out.contains("OK: 2 models in "), r.out.constData());
    QVERIFY(r.out.contains("demo-chat, demo-reasoner"));
    QVERIFY(QRegularExpression(QStringLiteral("in \\d+ ms"))
                .match(QString::fromUtf8(r.out))
                .hasMatch());
    QVERIFY(!r.all().contains(key));

    // A wrong key, and no key, fail with the server's one-line answer.
    r = run({"profile", "add", n("Wrong"), "--base-url", base, "--api-key-stdin"}, "sk-wrong\n");
    QCOMPARE(r.exitCode, 0);
    r = run({"profile", "test", n("Wrong")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("HTTP 401"), r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(!r.all().contains("sk-wrong"));
    // ADMINCHAT_API_KEY_<NAME> comes before the keychain.
    r = run({"profile", "test", n("Wrong")}, {}, {keyVariable(n("Wrong"), m_key)});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("(key: env)"));
    r = run({"profile", "add", n("Keyless"), "--base-url", base});
    QCOMPARE(r.exitCode, 0);
    r = run({"profile", "test", n("Keyless")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("HTTP 401"));

    // --replace without a new key keeps the stored one.
    r = run({"profile", "add", name, "--base-url", base, "--replace"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("kept in the keychain"), r.out.constData());
    QCOMPARE(run({"profile", "test", name}).exitCode, 0);

    // Removing takes the key out of the keychain.
    r = run({"profile", "remove", name});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("and its key from the keychain"), r.out.constData());
    QVERIFY(!run({"profile", "list"}).out.contains(name.toUtf8()));
    // Same name again, claimed to have a key: the keychain has none any more.
    QCOMPARE(run({"profile", "add", name, "--base-url", base}).exitCode, 0);
    markHasKey(name);
    r = run({"profile", "test", name});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("missing from the keychain"), r.err.constData());
    // Removing a profile whose key is already gone is fine.
    QCOMPARE(run({"profile", "remove", name}).exitCode, 0);

    QCOMPARE(run({"profile", "remove", n("Wrong")}).exitCode, 0);
    QCOMPARE(run({"profile", "remove", n("Keyless")}).exitCode, 0);
    verifyNoFileHolds(key);
}

void TestProfileCommand::keychainUnreachable()
{
    REQUIRE_KEYCHAIN();
    const QStringList noBus{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus"};
    const QByteArray key = m_key.toUtf8();

    // Adding: the one-line error names the variable to use instead, and nothing is saved.
    Result r =
        run({"profile", "add", n("Lab 1"), "--base-url", "https://lab.example", "--api-key-stdin"},
            key, noBus);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("no keychain service answered"), r.err.constData());
    QVERIFY(r.err.contains("the key was not stored"));
    QVERIFY(r.err.contains(keyVariable(n("Lab 1"), "...").toUtf8()));
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(!r.all().contains(key));
    QVERIFY(r.out.isEmpty());
    QVERIFY(!run({"profile", "list"}).out.contains(n("Lab 1").toUtf8()));

    // Removing a profile with a key: the profile stays when the keychain cannot be reached.
    r = run({"profile", "add", n("Lab 2"), "--base-url", "https://lab.example", "--api-key-stdin"},
            key);
    QCOMPARE(r.exitCode, 0);
    r = run({"profile", "remove", n("Lab 2")}, {}, noBus);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("the profile is kept"), r.err.constData());
    QVERIFY(run({"profile", "list"}).out.contains(n("Lab 2").toUtf8()));
    // Testing: reading the key fails the same way, naming the variable.
    r = run({"profile", "test", n("Lab 2")}, {}, noBus);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(keyVariable(n("Lab 2"), "...").toUtf8()), r.err.constData());
    // ... and the variable works without any keychain.
    const QString base = startDemo(m_key);
    QVERIFY(!base.isEmpty());
    QCOMPARE(run({"profile", "add", n("Lab 3"), "--base-url", base}, {}, noBus).exitCode, 0);
    r = run({"profile", "test", n("Lab 3")}, {},
            noBus + QStringList{keyVariable(n("Lab 3"), m_key)});
    QVERIFY2(r.exitCode == 0, r.all().constData());

    QCOMPARE(run({"profile", "remove", n("Lab 2")}).exitCode, 0);
    verifyNoFileHolds(key);
}

void TestProfileCommand::environmentProfile()
{
    const QString base = startDemo(m_key);
    QVERIFY(!base.isEmpty());
    const QStringList env{"OPENAI_BASE_URL=" + base, "OPENAI_API_KEY=" + m_key};
    Result r = run({"profile", "list", "--json"}, {}, env, true);
    const QJsonObject environment = entry(r.jsonArray(), QStringLiteral("Environment"));
    QCOMPARE(environment.value("kind").toString(), QStringLiteral("environment"));
    QCOMPARE(environment.value("base_url").toString(), base);
    QCOMPARE(environment.value("key").toString(), QStringLiteral("env"));
    QVERIFY(!r.all().contains(m_key.toUtf8()));

    r = run({"profile", "test", "Environment"}, {}, env, true);
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QVERIFY(r.out.contains("OK: 2 models"));
    r = run({"profile", "test", "Demo"});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    QVERIFY(r.out.contains("OK: 2 models"));
}

void TestProfileCommand::askWithProfile()
{
    REQUIRE_KEYCHAIN();
    const Result help = run({"ask", "--help"});
    if (!help.out.contains("--profile"))
        QSKIP("this adminchat has no `ask --profile` yet");
    const QString base = startDemo(m_key);
    QVERIFY(!base.isEmpty());
    const QString name = n("Ask Lab");
    Result r =
        run({"profile", "add", name, "--base-url", base, "--model", "demo-chat", "--api-key-stdin"},
            m_key.toUtf8());
    QCOMPARE(r.exitCode, 0);

    // The demo answers only with the key: success means the keychain's key was sent.
    r = run({"ask", "--profile", name, "--json", "hi"});
    QVERIFY2(r.exitCode == 0, r.all().constData());
    const QJsonObject json = QJsonDocument::fromJson(r.out).object();
    QVERIFY2(json.value("error").isNull(), r.out.constData());
    QVERIFY(!json.value("text").toString().isEmpty());
    QCOMPARE(json.value("http_status").toInt(), 200);
    QVERIFY(!r.all().contains(m_key.toUtf8()));

    // Without the key the same demo refuses: the success above was the key's.
    QCOMPARE(run({"profile", "add", n("Ask Keyless"), "--base-url", base, "--model", "demo-chat"})
                 .exitCode,
             0);
    r = run({"ask", "--profile", n("Ask Keyless"), "--json", "hi"});
    QCOMPARE(r.exitCode, 1);

    QCOMPARE(run({"profile", "remove", name}).exitCode, 0);
    verifyNoFileHolds(m_key.toUtf8()); // the metrics and history databases included
}

QTEST_GUILESS_MAIN(TestProfileCommand)
#include "tst_profilecommand.moc"

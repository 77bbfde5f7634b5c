// ProfileResolver: a profile name to a ready EndpointConfig. Saved profiles with their key from
// ADMINCHAT_API_KEY_<NAME>, the keychain (real Secret Service when a D-Bus session is there) or
// none; Environment from OPENAI_*; Demo and unknown names refused with a useful line.
#include "TestHome.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileResolver.h"
#include "endpoints/ProfileStore.h"

#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace adminchat;

class TestProfileResolver : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void savedWithoutKey();
    void keyFromEnvironmentVariable();
    void caseInsensitiveWhenUnambiguous();
    void environmentProfile();
    void demoIsNotResolved();
    void unknownNameListsKnownOnes();
    void alwaysAsynchronous();
    void noCallbackWhenContextIsGone();
    void keyFromKeychain();
    void keyMissingFromKeychain();

private:
    ProfileResolver::Result resolve(const QString& name);
    EndpointProfile profile(const QString& name, bool hasKey = false) const;
    QString iniPath() const { return m_dir.filePath(QStringLiteral("settings.ini")); }

    QTemporaryDir m_dir;
};

void TestProfileResolver::initTestCase()
{
    for (const char* name :
         {"OPENAI_BASE_URL", "OPENAI_API_KEY", "ADMINCHAT_API_KEY_LAB", "ADMINCHAT_API_KEY_WORK"})
        qunsetenv(name);
}

void TestProfileResolver::init()
{
    QFile::remove(iniPath());
}

EndpointProfile TestProfileResolver::profile(const QString& name, bool hasKey) const
{
    EndpointProfile p;
    p.name = name;
    p.baseUrl = QUrl(QStringLiteral("https://lab.example/v1"));
    p.extraHeaders = {{"X-Org", "acme"}};
    p.idleTimeoutMs = 1234;
    p.caFile = QStringLiteral("/tmp/ca.pem");
    p.sendStreamOptions = false;
    p.hasKey = hasKey;
    return p;
}

ProfileResolver::Result TestProfileResolver::resolve(const QString& name)
{
    ProfileResolver resolver(iniPath());
    std::optional<ProfileResolver::Result> result;
    QObject context;
    resolver.resolve(name, &context, [&](const ProfileResolver::Result& r) { result = r; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
        return {std::nullopt, {}, QStringLiteral("timed out")};
    return *result;
}

void TestProfileResolver::savedWithoutKey()
{
    QVERIFY(ProfileStore(iniPath()).save(profile(QStringLiteral("Lab"))));
    const auto r = resolve(QStringLiteral("Lab"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(r.profile);
    QCOMPARE(r.profile->name, QStringLiteral("Lab"));
    QCOMPARE(r.config.baseUrl, QUrl(QStringLiteral("https://lab.example/v1")));
    QCOMPARE(r.config.apiKey, QString());
    QCOMPARE(r.config.extraHeaders, profile(QStringLiteral("Lab")).extraHeaders);
    QCOMPARE(r.config.idleTimeoutMs, 1234);
    QCOMPARE(r.config.caFile, QStringLiteral("/tmp/ca.pem"));
    QCOMPARE(r.config.sendStreamOptions, false);
}

void TestProfileResolver::keyFromEnvironmentVariable()
{
    // Before the keychain: hasKey is true but no keychain is asked (none may be running).
    QVERIFY(ProfileStore(iniPath()).save(profile(QStringLiteral("Lab"), true)));
    qputenv("ADMINCHAT_API_KEY_LAB", "sk-from-env");
    const auto r = resolve(QStringLiteral("Lab"));
    qunsetenv("ADMINCHAT_API_KEY_LAB");
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.config.apiKey, QStringLiteral("sk-from-env"));
}

void TestProfileResolver::caseInsensitiveWhenUnambiguous()
{
    QVERIFY(ProfileStore(iniPath()).save(profile(QStringLiteral("Work"))));
    auto r = resolve(QStringLiteral("work"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.profile->name, QStringLiteral("Work"));
    r = resolve(QStringLiteral("wor"));
    QVERIFY(!r.ok());
    QVERIFY(!r.profile);
}

void TestProfileResolver::environmentProfile()
{
    auto r = resolve(QStringLiteral("Environment"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(QStringLiteral("OPENAI_BASE_URL")), qPrintable(r.error));

    qputenv("OPENAI_BASE_URL", "http://127.0.0.1:8000");
    qputenv("OPENAI_API_KEY", "sk-openai-env");
    r = resolve(QStringLiteral("environment"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.profile->kind, EndpointProfile::Kind::Environment);
    QCOMPARE(r.config.baseUrl, QUrl(QStringLiteral("http://127.0.0.1:8000/v1")));
    QCOMPARE(r.config.apiKey, QStringLiteral("sk-openai-env"));
    QVERIFY(ProfileResolver(iniPath()).knownNames().contains(QStringLiteral("Environment")));

    qputenv("OPENAI_BASE_URL", "ftp://nope");
    r = resolve(QStringLiteral("Environment"));
    QVERIFY(!r.ok());
    QVERIFY2(
        r.error.contains(QStringLiteral("invalid base URL (OPENAI_BASE_URL): unsupported scheme")),
        qPrintable(r.error));
    qunsetenv("OPENAI_BASE_URL");
    qunsetenv("OPENAI_API_KEY");
}

void TestProfileResolver::demoIsNotResolved()
{
    const auto r = resolve(QStringLiteral("Demo"));
    QVERIFY(!r.ok());
    QVERIFY(!r.profile);
    QVERIFY2(r.error.contains(QStringLiteral("built-in")), qPrintable(r.error));
    QVERIFY(r.error.contains(QStringLiteral("serve-demo")));
}

void TestProfileResolver::unknownNameListsKnownOnes()
{
    ProfileStore store(iniPath());
    QVERIFY(store.save(profile(QStringLiteral("Lab"))));
    QVERIFY(store.save(profile(QStringLiteral("Work"))));
    const auto r = resolve(QStringLiteral("Nope"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error, QStringLiteral("no profile named \"Nope\"; known: Lab, Work, Demo"));
}

void TestProfileResolver::alwaysAsynchronous()
{
    QVERIFY(ProfileStore(iniPath()).save(profile(QStringLiteral("Lab"))));
    ProfileResolver resolver(iniPath());
    int calls = 0;
    QObject context;
    for (const QString& name : {QStringLiteral("Lab"), QStringLiteral("Demo"),
                                QStringLiteral("Nope"), QStringLiteral("Environment")})
        resolver.resolve(name, &context, [&](const ProfileResolver::Result&) { ++calls; });
    QCOMPARE(calls, 0); // never from within resolve()
    QTRY_COMPARE(calls, 4);
}

void TestProfileResolver::noCallbackWhenContextIsGone()
{
    QVERIFY(ProfileStore(iniPath()).save(profile(QStringLiteral("Lab"))));
    ProfileResolver resolver(iniPath());
    bool called = false;
    {
        QObject context;
        resolver.resolve(QStringLiteral("Lab"), &context,
                         [&](const ProfileResolver::Result&) { called = true; });
    }
    QTest::qWait(50);
    QVERIFY(!called);
}

void TestProfileResolver::keyFromKeychain()
{
    REQUIRE_KEYCHAIN();
    const QString name = QStringLiteral("resolver ") + QUuid::createUuid().toString();
    const QString key = QStringLiteral("sk-resolver-") + QUuid::createUuid().toString(QUuid::Id128);
    KeyStore keys;
    std::optional<KeyStore::Result> written;
    keys.writeKey(name, key, this, [&](const KeyStore::Result& r) { written = r; });
    QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 30000);
    QVERIFY2(written->ok, qPrintable(written->error));

    QVERIFY(ProfileStore(iniPath()).save(profile(name, true)));
    auto r = resolve(name);
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.config.apiKey, key);

    // hasKey false: the keychain is not asked, even though it holds a key.
    QVERIFY(ProfileStore(iniPath()).save(profile(name, false)));
    r = resolve(name);
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.config.apiKey, QString());

    std::optional<KeyStore::Result> removed;
    keys.removeKey(name, this, [&](const KeyStore::Result& result) { removed = result; });
    QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 30000);
    QVERIFY(removed->ok);
}

void TestProfileResolver::keyMissingFromKeychain()
{
    REQUIRE_KEYCHAIN();
    const QString name = QStringLiteral("gone ") + QUuid::createUuid().toString(QUuid::Id128);
    QVERIFY(ProfileStore(iniPath()).save(profile(name, true)));
    const auto r = resolve(name);
    QVERIFY(!r.ok());
    QVERIFY(r.profile);
    QVERIFY2(r.error.contains(QStringLiteral("missing from the keychain")), qPrintable(r.error));
    QVERIFY(r.error.contains(KeyStore::environmentVariable(name)));
}

QTEST_GUILESS_MAIN(TestProfileResolver)
#include "tst_profileresolver.moc"

// KeyStore against a real Secret Service (gnome-keyring in a private D-Bus session, as
// tests/run-all.sh starts it): write, read, overwrite, remove, not found. Without a reachable
// keychain (a child process with a dead D-Bus address) every operation fails with one line that
// names ADMINCHAT_API_KEY_<NAME>, and nothing is written anywhere.
#include "TestHome.h"
#include "endpoints/KeyStore.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace adminchat;

namespace {

const char* const childVariable = "TST_KEYSTORE_CHILD";
const QString childKey = QStringLiteral("sk-child-3f9a0c1e-never-stored");

} // namespace

class TestKeyStore : public QObject
{
    Q_OBJECT
private slots:
    void environmentVariableNames_data();
    void environmentVariableNames();
    void keyFromEnvironment();
    void writeReadRemove();
    void unicodeNameAndKey();
    void readMissingIsNotFound();
    void callbackSkippedWhenContextIsGone();
    void noKeychain();
    void noKeychainChild(); // runs only as the child of noKeychain()

private:
    static KeyStore::Result wait(const std::function<void(QObject*, KeyStore::Callback)>& start);
    static QString uniqueName(const QString& prefix)
    {
        return prefix + QLatin1Char(' ') + QUuid::createUuid().toString(QUuid::WithoutBraces);
    }
};

KeyStore::Result TestKeyStore::wait(const std::function<void(QObject*, KeyStore::Callback)>& start)
{
    QObject context;
    std::optional<KeyStore::Result> result;
    int calls = 0;
    start(&context, [&](const KeyStore::Result& r) {
        result = r;
        ++calls;
    });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
        return {false, {}, false, QStringLiteral("timed out")};
    QTest::qWait(10);
    if (calls != 1)
        return {false, {}, false, QStringLiteral("callback called %1 times").arg(calls)};
    return *result;
}

void TestKeyStore::environmentVariableNames_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("variable");
    QTest::newRow("plain") << "work"
                           << "ADMINCHAT_API_KEY_WORK";
    QTest::newRow("spaces and dash") << "My Lab-2"
                                     << "ADMINCHAT_API_KEY_MY_LAB_2";
    QTest::newRow("already upper") << "GPU"
                                   << "ADMINCHAT_API_KEY_GPU";
    QTest::newRow("umlaut") << QStringLiteral("Büro") << "ADMINCHAT_API_KEY_B_RO";
    QTest::newRow("emoji is one character") << QStringLiteral("a🚀b") << "ADMINCHAT_API_KEY_A_B";
    QTest::newRow("punctuation") << "x.y:z"
                                 << "ADMINCHAT_API_KEY_X_Y_Z";
}

void TestKeyStore::environmentVariableNames()
{
    QFETCH(QString, profile);
    QFETCH(QString, variable);
    QCOMPARE(KeyStore::environmentVariable(profile), variable);
}

void TestKeyStore::keyFromEnvironment()
{
    const char* name = "ADMINCHAT_API_KEY_ENV_TEST";
    qunsetenv(name);
    QVERIFY(!KeyStore::keyFromEnvironment(QStringLiteral("env test")));
    qputenv(name, "");
    QVERIFY(!KeyStore::keyFromEnvironment(QStringLiteral("env test")));
    qputenv(name, "sk-from-env");
    QCOMPARE(KeyStore::keyFromEnvironment(QStringLiteral("env test")),
             std::optional<QString>(QStringLiteral("sk-from-env")));
    QCOMPARE(KeyStore::keyFromEnvironment(QStringLiteral("Env-Test")),
             std::optional<QString>(QStringLiteral("sk-from-env")));
    qunsetenv(name);
}

void TestKeyStore::writeReadRemove()
{
    REQUIRE_KEYCHAIN();
    KeyStore keys;
    const QString profile = uniqueName(QStringLiteral("tst_keystore"));
    const QString key = QStringLiteral("sk-test-") + QUuid::createUuid().toString(QUuid::Id128);

    KeyStore::Result r =
        wait([&](QObject* c, KeyStore::Callback done) { keys.writeKey(profile, key, c, done); });
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(r.error.isEmpty());
    QVERIFY(r.key.isEmpty()); // a write hands nothing back

    r = wait([&](QObject* c, KeyStore::Callback done) { keys.readKey(profile, c, done); });
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.key, key);
    QVERIFY(!r.notFound);

    // Overwriting replaces the key.
    r = wait([&](QObject* c, KeyStore::Callback done) {
        keys.writeKey(profile, key + QStringLiteral("-2"), c, done);
    });
    QVERIFY2(r.ok, qPrintable(r.error));
    r = wait([&](QObject* c, KeyStore::Callback done) { keys.readKey(profile, c, done); });
    QCOMPARE(r.key, key + QStringLiteral("-2"));

    r = wait([&](QObject* c, KeyStore::Callback done) { keys.removeKey(profile, c, done); });
    QVERIFY2(r.ok, qPrintable(r.error));
    r = wait([&](QObject* c, KeyStore::Callback done) { keys.readKey(profile, c, done); });
    QVERIFY(!r.ok);
    QVERIFY(r.notFound);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QVERIFY(r.key.isEmpty());

    // Removing what is not there is fine.
    r = wait([&](QObject* c, KeyStore::Callback done) { keys.removeKey(profile, c, done); });
    QVERIFY2(r.ok, qPrintable(r.error));
}

void TestKeyStore::unicodeNameAndKey()
{
    REQUIRE_KEYCHAIN();
    KeyStore keys;
    const QString profile = uniqueName(QStringLiteral("Büro ☃ 東京"));
    const QString key = QStringLiteral("sk-ünïcödé-🔑-") + QUuid::createUuid().toString();
    KeyStore::Result r =
        wait([&](QObject* c, KeyStore::Callback done) { keys.writeKey(profile, key, c, done); });
    QVERIFY2(r.ok, qPrintable(r.error));
    // Names differing only in case are different entries.
    const QString upper = profile.toUpper();
    r = wait([&](QObject* c, KeyStore::Callback done) { keys.readKey(upper, c, done); });
    QVERIFY(r.notFound);
    r = wait([&](QObject* c, KeyStore::Callback done) { keys.readKey(profile, c, done); });
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.key, key);
    r = wait([&](QObject* c, KeyStore::Callback done) { keys.removeKey(profile, c, done); });
    QVERIFY2(r.ok, qPrintable(r.error));
}

void TestKeyStore::readMissingIsNotFound()
{
    REQUIRE_KEYCHAIN();
    KeyStore keys;
    const QString profile = uniqueName(QStringLiteral("never written"));
    const KeyStore::Result r =
        wait([&](QObject* c, KeyStore::Callback done) { keys.readKey(profile, c, done); });
    QVERIFY(!r.ok);
    QVERIFY(r.notFound);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
}

void TestKeyStore::callbackSkippedWhenContextIsGone()
{
    REQUIRE_KEYCHAIN();
    KeyStore keys;
    const QString profile = uniqueName(QStringLiteral("gone"));
    bool called = false;
    {
        QObject context;
        keys.readKey(profile, &context, [&](const KeyStore::Result&) { called = true; });
    }
    // A second job queued behind the first tells when the first one has ended.
    const KeyStore::Result r =
        wait([&](QObject* c, KeyStore::Callback done) { keys.readKey(profile, c, done); });
    QVERIFY(r.notFound);
    QTest::qWait(50);
    QVERIFY(!called);
}

void TestKeyStore::noKeychain()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(childVariable), QStringLiteral("1"));
    // A bus that is not there: QtKeychain finds no Secret Service (nor KWallet).
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
               QStringLiteral("unix:path=%1/no-such-bus").arg(home.path()));
    for (const char* name : {"XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION",
                             "GNOME_KEYRING_CONTROL", "DISPLAY", "WAYLAND_DISPLAY"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.path());

    QProcess child;
    child.setProcessEnvironment(env);
    child.setWorkingDirectory(home.path());
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("noKeychainChild")});
    QVERIFY(child.waitForFinished(60000));
    const QByteArray output = child.readAllStandardOutput() + child.readAllStandardError();
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
             output.constData());
    QVERIFY2(output.contains("PASS   : TestKeyStore::noKeychainChild()"), output.constData());
    QVERIFY(!output.contains(childKey.toUtf8()));

    // No plaintext fallback anywhere the child could write.
    QDirIterator files(home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(childKey.toUtf8()), qPrintable(file.fileName()));
    }
}

void TestKeyStore::noKeychainChild()
{
    if (qEnvironmentVariableIsEmpty(childVariable))
        QSKIP("runs as a child process of noKeychain()");
    KeyStore keys;
    const QString profile = QStringLiteral("Nowhere Lab");
    const QString variable = QStringLiteral("ADMINCHAT_API_KEY_NOWHERE_LAB=...");

    KeyStore::Result r = wait(
        [&](QObject* c, KeyStore::Callback done) { keys.writeKey(profile, childKey, c, done); });
    QVERIFY(!r.ok);
    QVERIFY(!r.notFound);
    QVERIFY2(r.error.contains(QStringLiteral("the key was not stored")), qPrintable(r.error));
    QVERIFY2(r.error.contains(variable), qPrintable(r.error));
    QVERIFY2(r.error.startsWith(QStringLiteral("no keychain service answered (")),
             qPrintable(r.error));
    QVERIFY(!r.error.contains(childKey));
    QVERIFY(!r.error.contains(QLatin1Char('\n')));
    qInfo().noquote() << "write:" << r.error;

    r = wait([&](QObject* c, KeyStore::Callback done) { keys.readKey(profile, c, done); });
    QVERIFY(!r.ok);
    QVERIFY(!r.notFound);
    QVERIFY(r.key.isEmpty());
    QVERIFY2(r.error.contains(QStringLiteral("could not be read")), qPrintable(r.error));
    QVERIFY2(r.error.contains(variable), qPrintable(r.error));
    QVERIFY(!r.error.contains(QLatin1Char('\n')));

    r = wait([&](QObject* c, KeyStore::Callback done) { keys.removeKey(profile, c, done); });
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(QStringLiteral("not removed")), qPrintable(r.error));
    QVERIFY(!r.error.contains(QLatin1Char('\n')));
}

QTEST_GUILESS_MAIN(TestKeyStore)
#include "tst_keystore.moc"

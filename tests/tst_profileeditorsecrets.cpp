// The profile editor offscreen with secrets: the key's header, secret header values (stored in
// the real keychain, shown as "stored in the keychain"), keys and headers with control
// characters, framing headers and bad base URLs; Test connection runs the real client against a
// scripted loopback server that logs what arrives.
#include "HostileServer.h"
#include "ProfileEditorDialog.h"
#include "ProfileForm.h"
#include "TestHome.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileStore.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace adminchat;

class TestProfileEditorSecrets : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void secretHeaderStoredInTheKeychain();
    void keyHeaderChoice();
    void keyWithALineBreakRefused();
    void framingHeaderRefused();
    void badBaseUrlNamesThePart();

private:
    template <typename T> T* child(const char* name) const
    {
        return m_dialog->findChild<T*>(QLatin1String(name));
    }
    QString label(const char* name) const { return child<QLabel>(name)->text(); }
    void fillNew(const QString& name);
    bool clickSave();
    bool testConnection();
    QString storedValue(const QString& profile, const QByteArray& header);

    QTemporaryDir m_dir;
    std::unique_ptr<HostileServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<ProfileStore> m_store;
    std::unique_ptr<KeyStore> m_keys;
    std::unique_ptr<ProfileEditorDialog> m_dialog;
    QString m_tag;
};

namespace {

HostileResponse answer(const HostileRequest&)
{
    return HostileResponse::status(200, R"({"object":"list","data":[{"id":"m1"}]})");
}

constexpr int timeoutMs = 15000;

} // namespace

void TestProfileEditorSecrets::init()
{
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<HostileServer>(&answer);
    QVERIFY(m_server->isListening());
    m_network = std::make_unique<QNetworkAccessManager>();
    m_store = std::make_unique<ProfileStore>(
        m_dir.filePath(QUuid::createUuid().toString(QUuid::Id128) + ".ini"));
    m_keys = std::make_unique<KeyStore>();
    m_dialog = std::make_unique<ProfileEditorDialog>(m_store.get(), m_keys.get(), m_network.get());
    m_dialog->show();
    m_tag = QUuid::createUuid().toString(QUuid::Id128).left(8);
}

void TestProfileEditorSecrets::cleanup()
{
    m_dialog.reset();
    m_server.reset();
}

void TestProfileEditorSecrets::fillNew(const QString& name)
{
    child<QPushButton>("addProfileButton")->click();
    child<QLineEdit>("profileName")->setText(name);
    child<QLineEdit>("baseUrl")->setText(m_server->baseUrl().toString());
}

bool TestProfileEditorSecrets::clickSave()
{
    auto* save = child<QPushButton>("saveProfileButton");
    save->click();
    return QTest::qWaitFor([save] { return save->isEnabled(); }, timeoutMs);
}

bool TestProfileEditorSecrets::testConnection()
{
    auto* button = child<QPushButton>("testConnectionButton");
    button->click();
    return QTest::qWaitFor([button] { return button->isEnabled(); }, timeoutMs);
}

QString TestProfileEditorSecrets::storedValue(const QString& profile, const QByteArray& header)
{
    bool finished = false;
    QString value;
    m_keys->readHeaderValue(profile, header, this, [&](const KeyStore::Result& read) {
        value = read.ok ? read.key : QString();
        finished = true;
    });
    if (!QTest::qWaitFor([&] { return finished; }, timeoutMs))
        return QStringLiteral("(no answer)");
    return value;
}

void TestProfileEditorSecrets::secretHeaderStoredInTheKeychain()
{
    REQUIRE_KEYCHAIN();
    const QString name = QStringLiteral("Secret ") + m_tag;
    const QByteArray value = "sk-hdr-" + m_tag.toLatin1();
    fillNew(name);
    child<QPlainTextEdit>("extraHeaders")
        ->setPlainText(QStringLiteral("X-Title: t\nx-api-key: ") + QString::fromLatin1(value));
    QVERIFY(testConnection());
    QVERIFY2(label("testResult").contains(QStringLiteral("1 model")),
             qPrintable(label("testResult")));
    QCOMPARE(m_server->requests().last().header("x-api-key"), value);
    QVERIFY(clickSave());
    QVERIFY2(m_store->contains(name), qPrintable(label("formError")));
    QCOMPARE(storedValue(name, "x-api-key"), QString::fromLatin1(value));
    QFile ini(m_store->fileName());
    QVERIFY(ini.open(QIODevice::ReadOnly));
    QVERIFY(!ini.readAll().contains(value));

    // Shown again: the value hidden, and still sent when left as it is.
    m_dialog->selectProfile(name);
    const QString shown = child<QPlainTextEdit>("extraHeaders")->toPlainText();
    QVERIFY2(shown.contains(QStringLiteral("x-api-key: ") + ProfileForm::storedMarker()),
             qPrintable(shown));
    QVERIFY(!shown.contains(QString::fromLatin1(value)));
    QVERIFY(testConnection());
    QCOMPARE(m_server->requests().last().header("x-api-key"), value);
    QVERIFY(clickSave());
    QCOMPARE(storedValue(name, "x-api-key"), QString::fromLatin1(value));

    // Renamed: the value moves with it. Deleted: the value goes.
    const QString renamed = name + QStringLiteral(" 2");
    child<QLineEdit>("profileName")->setText(renamed);
    QVERIFY(clickSave());
    QVERIFY(QTest::qWaitFor([&] { return storedValue(name, "x-api-key").isEmpty(); }, timeoutMs));
    QCOMPARE(storedValue(renamed, "x-api-key"), QString::fromLatin1(value));
    m_dialog->selectProfile(renamed);
    auto* remove = child<QPushButton>("deleteProfileButton");
    remove->click();
    auto* box = m_dialog->findChild<QMessageBox*>(QStringLiteral("deleteConfirmation"));
    QVERIFY(box);
    box->button(QMessageBox::Yes)->click();
    QVERIFY(QTest::qWaitFor([&] { return !m_store->contains(renamed); }, timeoutMs));
    QVERIFY(
        QTest::qWaitFor([&] { return storedValue(renamed, "x-api-key").isEmpty(); }, timeoutMs));
}

void TestProfileEditorSecrets::keyHeaderChoice()
{
    fillNew(QStringLiteral("Azure ") + m_tag);
    child<QLineEdit>("apiKey")->setText(QStringLiteral("sk-azure"));
    child<QComboBox>("keyHeader")->setCurrentText(QStringLiteral("api-key"));
    QVERIFY(testConnection());
    HostileRequest request = m_server->requests().last();
    QCOMPARE(request.header("api-key"), QByteArray("sk-azure"));
    QVERIFY(!request.hasHeader("Authorization"));

    child<QComboBox>("keyHeader")->setCurrentText(ProfileForm::bearerText());
    QVERIFY(testConnection());
    QCOMPARE(m_server->requests().last().header("Authorization"), QByteArray("Bearer sk-azure"));

    child<QComboBox>("keyHeader")->setCurrentText(QStringLiteral("Host"));
    QVERIFY(testConnection());
    QVERIFY2(label("testResult").contains(QStringLiteral("key header")),
             qPrintable(label("testResult")));
    QCOMPARE(m_server->requestCount(), 2);
}

void TestProfileEditorSecrets::keyWithALineBreakRefused()
{
    fillNew(QStringLiteral("Broken key ") + m_tag);
    auto* key = child<QLineEdit>("apiKey");
    key->setText(QStringLiteral("sk-a\r\nX-Injected: yes"));
    QVERIFY(testConnection());
    QVERIFY2(
        label("testResult").contains(QStringLiteral("the API key typed contains a line break")),
        qPrintable(label("testResult")));
    QVERIFY(!label("testResult").contains(QStringLiteral("sk-a")));
    QVERIFY(clickSave());
    QVERIFY(!m_store->contains(QStringLiteral("Broken key ") + m_tag));
    QCOMPARE(m_server->requestCount(), 0);
}

void TestProfileEditorSecrets::framingHeaderRefused()
{
    fillNew(QStringLiteral("Framing ") + m_tag);
    child<QPlainTextEdit>("extraHeaders")
        ->setPlainText(QStringLiteral("X-Ok: 1\nContent-Length: 5"));
    QVERIFY(child<QLabel>("headersError")->isVisible());
    QVERIFY2(label("headersError").startsWith(QStringLiteral("line 2: the header Content-Length")),
             qPrintable(label("headersError")));
    QVERIFY(testConnection());
    QVERIFY(clickSave());
    QVERIFY(!m_store->contains(QStringLiteral("Framing ") + m_tag));
    QCOMPARE(m_server->requestCount(), 0);
}

void TestProfileEditorSecrets::badBaseUrlNamesThePart()
{
    fillNew(QStringLiteral("Bad URL ") + m_tag);
    const QList<QPair<QString, QString>> cases{
        {QStringLiteral("http://127.0.0.1:99999/v1"), QStringLiteral("port 99999 is out of range")},
        {QStringLiteral("http:///v1"), QStringLiteral("no host")},
        {QStringLiteral("ftp://h/v1"), QStringLiteral("unsupported scheme \"ftp\"")},
    };
    for (const auto& [url, reason] : cases) {
        child<QLineEdit>("baseUrl")->setText(url);
        QVERIFY(child<QLabel>("urlError")->isVisible());
        QVERIFY2(label("urlError").contains(reason), qPrintable(label("urlError")));
    }
    child<QLineEdit>("baseUrl")->setText(QString::fromLatin1(m_server->origin()) +
                                         QStringLiteral("/openai/deployments/d?api-version=1"));
    QVERIFY(!child<QLabel>("urlError")->isVisible());
    QVERIFY(testConnection());
    QCOMPARE(m_server->requests().last().target,
             QByteArray("/openai/deployments/d/models?api-version=1"));
}

QTEST_MAIN(TestProfileEditorSecrets)
#include "tst_profileeditorsecrets.moc"

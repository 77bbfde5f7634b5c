// The endpoint profile editor offscreen, with a temporary settings file, the real keychain
// (Secret Service) and the demo endpoint over loopback demanding a bearer key.
#include "DemoTestClient.h"
#include "NamedChild.h"
#include "ProfileEditorDialog.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileStore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>

using namespace adminchat;
using namespace demotest;

namespace {

const QString demoKey = QStringLiteral("sk-demo-7f3a9c");

} // namespace

class TestProfileEditor : public QObject, private DemoTestClient
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void addProfileWithKey();
    void testConnectionListsModels();
    void testConnectionWithWrongKey();
    void insecureWarningAndPreview();
    void validationRefusesToSave();
    void takenNameKeepsOtherKey();
    void duplicateCopiesKey();
    void renameMovesKey();
    void removeKeyCheckbox();
    void deleteRemovesProfileAndKey();
    void predictionCheckbox();
    void maxRetriesSpinBox();

private:
    template <typename T> T* child(const char* name) const
    {
        return namedChild<T>(m_dialog.get(), name);
    }
    QString text(const char* label) const { return child<QLabel>(label)->text(); }
    KeyStore::Result readKey(const QString& profile);
    // Fills the form of a new profile and saves it; true once it is in the store.
    bool addProfile(const QString& name, const QString& key);
    bool clickSave();

    QTemporaryDir m_dir;
    std::unique_ptr<ProfileStore> m_store;
    std::unique_ptr<KeyStore> m_keys;
    std::unique_ptr<ProfileEditorDialog> m_dialog;
};

KeyStore::Result TestProfileEditor::readKey(const QString& profile)
{
    auto result = std::make_shared<std::optional<KeyStore::Result>>();
    m_keys->readKey(profile, this, [result](const KeyStore::Result& read) { *result = read; });
    if (!QTest::qWaitFor([result] { return result->has_value(); }, kTimeoutMs))
        return KeyStore::Result{false, {}, false, QStringLiteral("keychain timed out")};
    return **result;
}

bool TestProfileEditor::clickSave()
{
    auto* save = child<QPushButton>("saveProfileButton");
    save->click();
    // Busy while the keychain answers; enabled again when done either way.
    return QTest::qWaitFor([save] { return save->isEnabled(); }, kTimeoutMs);
}

bool TestProfileEditor::addProfile(const QString& name, const QString& key)
{
    child<QPushButton>("addProfileButton")->click();
    child<QLineEdit>("profileName")->setText(name);
    child<QLineEdit>("baseUrl")->setText(m_server->baseUrl().toString());
    child<QLineEdit>("apiKey")->setText(key);
    return clickSave() && m_store->contains(name);
}

void TestProfileEditor::initTestCase()
{
    quietRequestLog();
    QVERIFY(m_dir.isValid());
    // A keychain must answer: these tests run against the real Secret Service.
    KeyStore keys;
    bool done = false;
    KeyStore::Result written;
    keys.writeKey(QStringLiteral("tst_profileeditor probe"), QStringLiteral("x"), this,
                  [&](const KeyStore::Result& result) {
                      written = result;
                      done = true;
                  });
    QVERIFY(QTest::qWaitFor([&] { return done; }, kTimeoutMs));
    QVERIFY2(written.ok, qPrintable(QStringLiteral("no usable keychain: ") + written.error));
    done = false;
    keys.removeKey(QStringLiteral("tst_profileeditor probe"), this,
                   [&](const KeyStore::Result&) { done = true; });
    QVERIFY(QTest::qWaitFor([&] { return done; }, kTimeoutMs));
}

void TestProfileEditor::init()
{
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setProxy(QNetworkProxy::NoProxy);
    DemoConfig config = instantConfig();
    config.requiredApiKey = demoKey;
    startServer(config);
    const QString ini = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + ".ini");
    QFile::remove(ini);
    m_store = std::make_unique<ProfileStore>(ini);
    m_keys = std::make_unique<KeyStore>();
    m_dialog = std::make_unique<ProfileEditorDialog>(m_store.get(), m_keys.get(), m_nam.get());
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
}

void TestProfileEditor::cleanup()
{
    // No key of one test left for the next.
    for (const EndpointProfile& profile : m_store->profiles()) {
        bool done = false;
        m_keys->removeKey(profile.name, this, [&](const KeyStore::Result&) { done = true; });
        QVERIFY(QTest::qWaitFor([&] { return done; }, kTimeoutMs));
    }
    m_dialog.reset();
    m_keys.reset();
    m_store.reset();
    stop();
}

void TestProfileEditor::addProfileWithKey()
{
    QSignalSpy changed(m_dialog.get(), &ProfileEditorDialog::profilesChanged);
    QCOMPARE(child<QListWidget>("profileList")->count(), 0);
    QCOMPARE(child<QLineEdit>("apiKey")->echoMode(), QLineEdit::Password);
    QCOMPARE(child<QLineEdit>("apiKey")->placeholderText(),
             QStringLiteral("stored in the OS keychain"));

    QVERIFY(addProfile(QStringLiteral("Local vLLM"), demoKey));
    QCOMPARE(changed.count(), 1);
    const EndpointProfile saved = *m_store->profile(QStringLiteral("Local vLLM"));
    QVERIFY(saved.hasKey);
    QCOMPARE(saved.baseUrl, m_server->baseUrl());

    QFile ini(m_store->fileName());
    QVERIFY(ini.open(QIODevice::ReadOnly));
    const QByteArray contents = ini.readAll();
    QVERIFY(contents.contains("Local"));
    QVERIFY(!contents.contains(demoKey.toUtf8()));

    const KeyStore::Result read = readKey(QStringLiteral("Local vLLM"));
    QVERIFY2(read.ok, qPrintable(read.error));
    QCOMPARE(read.key, demoKey);

    auto* list = child<QListWidget>("profileList");
    QCOMPARE(list->count(), 1);
    QCOMPARE(list->currentItem()->text(), QStringLiteral("Local vLLM"));
    QVERIFY(child<QLineEdit>("apiKey")->text().isEmpty());
    QCOMPARE(child<QLineEdit>("apiKey")->placeholderText(),
             QStringLiteral("unchanged (a key is stored)"));
    QVERIFY(text("keyError").isEmpty());
}

void TestProfileEditor::testConnectionListsModels()
{
    QVERIFY(addProfile(QStringLiteral("Demo endpoint"), demoKey));
    // The stored key, read back from the keychain.
    QVERIFY(child<QLineEdit>("apiKey")->text().isEmpty());
    child<QPushButton>("testConnectionButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(text("testResult").contains(QStringLiteral("round trip")), kTimeoutMs);
    QVERIFY2(text("testResult").startsWith(QStringLiteral("2 models · round trip ")),
             qPrintable(text("testResult")));
    QVERIFY(text("testResult").endsWith(QStringLiteral(" ms")));
    auto* models = child<QComboBox>("defaultModel");
    QVERIFY(models->findText(QStringLiteral("demo-chat")) >= 0);
    QVERIFY(models->findText(QStringLiteral("demo-reasoner")) >= 0);
    QCOMPARE(models->currentText(), QStringLiteral("demo-chat"));
    // The chosen model is saved with the profile.
    QVERIFY(clickSave());
    QCOMPARE(m_store->profile(QStringLiteral("Demo endpoint"))->defaultModel,
             QStringLiteral("demo-chat"));
}

void TestProfileEditor::testConnectionWithWrongKey()
{
    QVERIFY(addProfile(QStringLiteral("Demo endpoint"), demoKey));
    child<QLineEdit>("apiKey")->setText(QStringLiteral("sk-wrong-key-000"));
    child<QPushButton>("testConnectionButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>("testConnectionButton")->isEnabled() &&
                                 !text("testResult").startsWith(QStringLiteral("Testing")),
                             kTimeoutMs);
    const QString result = text("testResult");
    QVERIFY2(result.contains(QStringLiteral("401")), qPrintable(result));
    QVERIFY(!result.contains(QStringLiteral("round trip")));
    QVERIFY(!result.contains(QStringLiteral("sk-wrong-key-000")));
    QVERIFY(!result.contains(QLatin1Char('\n')));
}

void TestProfileEditor::insecureWarningAndPreview()
{
    auto* url = child<QLineEdit>("baseUrl");
    auto* warning = child<QLabel>("insecureWarning");
    url->setText(QStringLiteral("http://example.com"));
    QVERIFY(warning->isVisible());
    QVERIFY(warning->text().contains(QStringLiteral("unencrypted")));
    QCOMPARE(text("urlPreview"), QStringLiteral("Calls http://example.com/v1/chat/completions"));

    url->setText(QStringLiteral("http://127.0.0.1:8000/v1/"));
    QVERIFY(!warning->isVisible());
    QCOMPARE(text("urlPreview"), QStringLiteral("Calls http://127.0.0.1:8000/v1/chat/completions"));
    url->setText(QStringLiteral("https://example.com/v1/chat/completions"));
    QVERIFY(!warning->isVisible());
    QCOMPARE(text("urlPreview"), QStringLiteral("Calls https://example.com/v1/chat/completions"));
    url->setText(QStringLiteral("example dot com"));
    QVERIFY(!warning->isVisible());
    QVERIFY(child<QLabel>("urlError")->isVisible());
}

void TestProfileEditor::validationRefusesToSave()
{
    QSignalSpy changed(m_dialog.get(), &ProfileEditorDialog::profilesChanged);
    child<QLineEdit>("baseUrl")->setText(m_server->baseUrl().toString());
    child<QLineEdit>("profileName")->setText(QStringLiteral("Demo"));
    QVERIFY(child<QLabel>("nameError")->isVisible());
    QVERIFY(clickSave());
    QVERIFY(text("formError").contains(QStringLiteral("built-in")));

    child<QLineEdit>("profileName")->setText(QStringLiteral("Gateway"));
    child<QPlainTextEdit>("extraHeaders")->setPlainText(QStringLiteral("X-Team: research\nbroken"));
    QVERIFY(child<QLabel>("headersError")->isVisible());
    QVERIFY(text("headersError").startsWith(QStringLiteral("line 2: ")));
    QVERIFY(clickSave());
    QVERIFY(text("formError").startsWith(QStringLiteral("line 2: ")));

    child<QPlainTextEdit>("extraHeaders")->setPlainText(QStringLiteral("X-Team: research"));
    child<QLineEdit>("baseUrl")->setText(QStringLiteral("ftp://example.com"));
    QVERIFY(clickSave());
    QVERIFY(text("formError").contains(QStringLiteral("http")));
    QCOMPARE(changed.count(), 0);
    QVERIFY(m_store->profiles().isEmpty());

    child<QLineEdit>("baseUrl")->setText(m_server->baseUrl().toString());
    QVERIFY(clickSave());
    const EndpointProfile saved = *m_store->profile(QStringLiteral("Gateway"));
    QCOMPARE(saved.extraHeaders.size(), 1);
    QCOMPARE(saved.extraHeaders.first().first, QByteArray("X-Team"));
    QVERIFY(!saved.hasKey);
    QCOMPARE(changed.count(), 1);
}

void TestProfileEditor::takenNameKeepsOtherKey()
{
    QVERIFY(addProfile(QStringLiteral("Work"), demoKey));
    QVERIFY(!addProfile(QStringLiteral("work"), QStringLiteral("sk-other")));
    QVERIFY(text("formError").contains(QStringLiteral("already exists")));
    QCOMPARE(readKey(QStringLiteral("Work")).key, demoKey);
    QVERIFY(readKey(QStringLiteral("work")).notFound);
    QCOMPARE(m_store->profiles().size(), 1);
}

void TestProfileEditor::duplicateCopiesKey()
{
    QVERIFY(addProfile(QStringLiteral("Local"), demoKey));
    QSignalSpy changed(m_dialog.get(), &ProfileEditorDialog::profilesChanged);
    child<QPushButton>("duplicateProfileButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(m_store->contains(QStringLiteral("Local copy")), kTimeoutMs);
    QTRY_VERIFY(child<QPushButton>("saveProfileButton")->isEnabled());
    QCOMPARE(changed.count(), 1);
    const EndpointProfile copy = *m_store->profile(QStringLiteral("Local copy"));
    QVERIFY(copy.hasKey);
    QCOMPARE(copy.baseUrl, m_server->baseUrl());
    QCOMPARE(readKey(QStringLiteral("Local copy")).key, demoKey);
    QCOMPARE(readKey(QStringLiteral("Local")).key, demoKey);
    QCOMPARE(child<QListWidget>("profileList")->currentItem()->text(),
             QStringLiteral("Local copy"));

    // A second copy gets its own name.
    child<QListWidget>("profileList")->setCurrentRow(0);
    child<QPushButton>("duplicateProfileButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(m_store->contains(QStringLiteral("Local copy 2")), kTimeoutMs);
    QTRY_VERIFY(child<QPushButton>("saveProfileButton")->isEnabled());
}

void TestProfileEditor::renameMovesKey()
{
    QVERIFY(addProfile(QStringLiteral("Old name"), demoKey));
    child<QLineEdit>("profileName")->setText(QStringLiteral("New name"));
    QVERIFY(clickSave());
    QVERIFY(!m_store->contains(QStringLiteral("Old name")));
    QVERIFY(m_store->profile(QStringLiteral("New name"))->hasKey);
    QCOMPARE(readKey(QStringLiteral("New name")).key, demoKey);
    QVERIFY(readKey(QStringLiteral("Old name")).notFound);
    QCOMPARE(child<QListWidget>("profileList")->count(), 1);
    QCOMPARE(child<QListWidget>("profileList")->currentItem()->text(), QStringLiteral("New name"));

    // Only the case changes: still one profile, key kept.
    child<QLineEdit>("profileName")->setText(QStringLiteral("NEW name"));
    QVERIFY(clickSave());
    QCOMPARE(m_store->profiles().size(), 1);
    QVERIFY(m_store->contains(QStringLiteral("NEW name")));
    QCOMPARE(readKey(QStringLiteral("NEW name")).key, demoKey);
}

void TestProfileEditor::removeKeyCheckbox()
{
    QVERIFY(addProfile(QStringLiteral("Keyed"), demoKey));
    auto* remove = child<QCheckBox>("removeKey");
    QVERIFY(remove->isVisible());
    remove->setChecked(true);
    QVERIFY(!child<QLineEdit>("apiKey")->isEnabled());
    QVERIFY(clickSave());
    QVERIFY(!m_store->profile(QStringLiteral("Keyed"))->hasKey);
    QVERIFY(readKey(QStringLiteral("Keyed")).notFound);
    QVERIFY(!remove->isVisible());
    QCOMPARE(child<QLineEdit>("apiKey")->placeholderText(),
             QStringLiteral("stored in the OS keychain"));
}

void TestProfileEditor::deleteRemovesProfileAndKey()
{
    QVERIFY(addProfile(QStringLiteral("Alpha"), QStringLiteral("sk-alpha")));
    QVERIFY(addProfile(QStringLiteral("Beta"), demoKey));
    auto* list = child<QListWidget>("profileList");
    list->setCurrentRow(0);
    QCOMPARE(list->currentItem()->text(), QStringLiteral("Alpha"));

    QSignalSpy changed(m_dialog.get(), &ProfileEditorDialog::profilesChanged);
    child<QPushButton>("deleteProfileButton")->click();
    QMessageBox* confirm = nullptr;
    QTRY_VERIFY((confirm = child<QMessageBox>("deleteConfirmation")));
    QTest::mouseClick(confirm->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_store->contains(QStringLiteral("Alpha")), kTimeoutMs);
    QTRY_VERIFY(child<QPushButton>("saveProfileButton")->isEnabled());
    QCOMPARE(changed.count(), 1);
    QVERIFY(readKey(QStringLiteral("Alpha")).notFound);
    QCOMPARE(readKey(QStringLiteral("Beta")).key, demoKey);
    QCOMPARE(list->count(), 1);
    QCOMPARE(list->currentItem()->text(), QStringLiteral("Beta"));
    QCOMPARE(child<QLineEdit>("profileName")->text(), QStringLiteral("Beta"));
}

void TestProfileEditor::predictionCheckbox()
{
    QVERIFY(addProfile(QStringLiteral("Alpha"), demoKey));
    QVERIFY(addProfile(QStringLiteral("Beta"), demoKey));
    auto* predict = child<QCheckBox>("sendPrediction");
    QCOMPARE(predict->text(), QStringLiteral("Send the previous answer as a prediction on "
                                             "regenerate and edit (Predicted Outputs)"));
    QVERIFY(predict->isVisible());
    QVERIFY(!predict->isChecked()); // off by default
    QVERIFY(!m_store->profile(QStringLiteral("Beta"))->sendPrediction);

    predict->setChecked(true);
    QVERIFY(clickSave());
    QVERIFY(m_store->profile(QStringLiteral("Beta"))->sendPrediction);
    QVERIFY(!m_store->profile(QStringLiteral("Alpha"))->sendPrediction);
    QVERIFY(m_store->profile(QStringLiteral("Beta"))->hasKey); // the key stays

    // The form shows each profile's own setting.
    auto* list = child<QListWidget>("profileList");
    list->setCurrentRow(0);
    QCOMPARE(list->currentItem()->text(), QStringLiteral("Alpha"));
    QVERIFY(!predict->isChecked());
    list->setCurrentRow(1);
    QCOMPARE(list->currentItem()->text(), QStringLiteral("Beta"));
    QVERIFY(predict->isChecked());

    predict->setChecked(false);
    QVERIFY(clickSave());
    QVERIFY(!m_store->profile(QStringLiteral("Beta"))->sendPrediction);
}

void TestProfileEditor::maxRetriesSpinBox()
{
    QVERIFY(addProfile(QStringLiteral("Alpha"), demoKey));
    QVERIFY(addProfile(QStringLiteral("Beta"), demoKey));
    auto* retries = child<QSpinBox>("maxRetries");
    QVERIFY(retries->isVisible());
    QCOMPARE(retries->value(), 2); // the SDKs' default
    QCOMPARE(retries->minimum(), 0);
    QCOMPARE(retries->maximum(), EndpointConfig::maxRetriesLimit);

    retries->setValue(0);
    QCOMPARE(retries->text(), QStringLiteral("never"));
    QVERIFY(clickSave());
    QCOMPARE(m_store->profile(QStringLiteral("Beta"))->maxRetries, 0);
    QCOMPARE(m_store->profile(QStringLiteral("Alpha"))->maxRetries, 2);

    // The form shows each profile's own setting.
    auto* list = child<QListWidget>("profileList");
    list->setCurrentRow(0);
    QCOMPARE(retries->value(), 2);
    list->setCurrentRow(1);
    QCOMPARE(retries->value(), 0);
    retries->setValue(5);
    QVERIFY(clickSave());
    QCOMPARE(m_store->profile(QStringLiteral("Beta"))->maxRetries, 5);
    QCOMPARE(m_store->profile(QStringLiteral("Beta"))->toConfig(QString()).maxRetries, 5);
}

QTEST_MAIN(TestProfileEditor)
#include "tst_profileeditor.moc"

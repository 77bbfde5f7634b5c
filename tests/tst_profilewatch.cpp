// Profiles saved by another process appear in the open window's endpoint picker and profile
// editor: the real `adminchat profile add|remove` writes the settings file (QSettings renames a
// new file over it) while they watch the same file, offscreen.
#include "AppProcess.h"
#include "EndpointPicker.h"
#include "ProfileEditorDialog.h"
#include "ProfileFileWatcher.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileStore.h"

#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestProfileWatch : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void profilesFromTheCommandLineAppear();
    void editorListFollowsAndKeepsUnsavedEdits();
    void watchSettingsAreChangesToo();

private:
    QStringList choices() const;
    AppRun profileCommand(const QStringList& arguments) const;

    QTemporaryDir m_home;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<ProfileStore> m_store;
    std::unique_ptr<EndpointPicker> m_picker;
};

void TestProfileWatch::initTestCase()
{
    QVERIFY(m_home.isValid());
    qunsetenv("OPENAI_BASE_URL");
    // Where the binary keeps its settings under XDG_CONFIG_HOME (AppSettings::defaultFileName).
    const QString settings = m_home.filePath(QStringLiteral("config/AdminChat/adminchat.conf"));
    QVERIFY(QDir().mkpath(QFileInfo(settings).absolutePath()));
    m_store = std::make_unique<ProfileStore>(settings);
    EndpointProfile first;
    first.name = QStringLiteral("Existing");
    first.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v1"));
    QVERIFY(m_store->save(first));
    m_store->sync();
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_picker = std::make_unique<EndpointPicker>(m_store.get(), m_nam.get());
    m_picker->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_picker.get()));
    QCOMPARE(choices(), QStringList{QStringLiteral("Existing")});
}

QStringList TestProfileWatch::choices() const
{
    auto* box = m_picker->findChild<QComboBox*>(QStringLiteral("endpointBox"));
    QStringList names;
    for (int i = 0; i < box->count(); ++i)
        names << box->itemText(i);
    return names;
}

AppRun TestProfileWatch::profileCommand(const QStringList& arguments) const
{
    QProcessEnvironment env = appEnvironmentWithoutEndpoint(m_home.path());
    removeAdminChatVariables(env);
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")); // no key involved
    return runApp(QStringList{QStringLiteral("profile")} + arguments, env);
}

void TestProfileWatch::profilesFromTheCommandLineAppear()
{
    AppRun run = profileCommand({"add", "Lab", "--base-url", "http://127.0.0.1:9/v1"});
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QTRY_COMPARE_WITH_TIMEOUT(choices(), (QStringList{"Existing", "Lab"}), 5000);

    // Again: the file the first add renamed into place is watched too.
    run = profileCommand({"add", "Cluster", "--base-url", "http://127.0.0.1:10/v1"});
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QTRY_COMPARE_WITH_TIMEOUT(choices(), (QStringList{"Cluster", "Existing", "Lab"}), 5000);

    run = profileCommand({"remove", "Lab"});
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QTRY_COMPARE_WITH_TIMEOUT(choices(), (QStringList{"Cluster", "Existing"}), 5000);
    // The picker's store reads what the other process wrote.
    QCOMPARE(m_store->profile(QStringLiteral("Cluster"))->baseUrl.port(), 10);
}

void TestProfileWatch::editorListFollowsAndKeepsUnsavedEdits()
{
    KeyStore keys;
    ProfileEditorDialog editor(m_store.get(), &keys, m_nam.get());
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    auto* list = editor.findChild<QListWidget*>(QStringLiteral("profileList"));
    auto* url = editor.findChild<QLineEdit*>(QStringLiteral("baseUrl"));
    const auto listed = [list] {
        QStringList names;
        for (int row = 0; row < list->count(); ++row)
            names << list->item(row)->text();
        return names;
    };
    QCOMPARE(listed(), (QStringList{"Cluster", "Existing"}));
    QTest::keyClicks(url, QStringLiteral("/edited"));

    const AppRun run = profileCommand({"add", "Staging", "--base-url", "http://127.0.0.1:11/v1"});
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QTRY_COMPARE_WITH_TIMEOUT(listed(), (QStringList{"Cluster", "Existing", "Staging"}), 5000);
    // What was being typed stays, and the list still shows which profile it belongs to.
    QCOMPARE(url->text(), QStringLiteral("http://127.0.0.1:10/v1/edited"));
    QCOMPARE(list->currentItem()->text(), QStringLiteral("Cluster"));
}

void TestProfileWatch::watchSettingsAreChangesToo()
{
    // A change the picker does not show still reaches the endpoint watch: a per-profile alert
    // threshold, of a profile whose probing is off.
    ProfileFileWatcher watcher(m_store.get());
    QSignalSpy changed(&watcher, &ProfileFileWatcher::profilesChanged);
    AppRun run = profileCommand({"probe", "Existing", "--alert-ttft-p95", "1500"});
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 5000);
    // The same value again: the file is written, nothing changed.
    run = profileCommand({"probe", "Existing", "--alert-ttft-p95", "1500"});
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QTest::qWait(4 * ProfileFileWatcher::settleMs);
    QCOMPARE(changed.count(), 1);
}

QTEST_MAIN(TestProfileWatch)
#include "tst_profilewatch.moc"

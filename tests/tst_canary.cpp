// Keys never leave the keychain: with a canary key, a canary secret header value and a canary
// token in the endpoint's query string, debug logging on for every subsystem, the command line
// and the window are used as a user would; then every file written and everything printed is
// searched for the canaries.
#include "AppProcess.h"
#include "EndpointPicker.h"
#include "ProfileEditorDialog.h"
#include "TestHome.h"
#include "WindowTestHelpers.h"

#include <QAbstractButton>
#include <QDirIterator>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMutex>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

class TestCanary : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void commandLineNeverShowsOrStoresTheKey();
    void windowNeverShowsOrStoresTheKey();
    void nothingWrittenOrPrintedHoldsTheKey(); // after the two above

private:
    QProcessEnvironment environment() const;
    void run(const QStringList& arguments, const QByteArray& input = {}, int expectedExit = 0);
    QStringList leaksIn(const QByteArray& bytes) const;

    QTemporaryDir m_home;
    QByteArray m_key;      // the profile's key, in the keychain
    QByteArray m_token;    // a credential in the base URL's query string
    QByteArray m_header;   // a secret header's value, in the keychain
    QByteArray m_header2;  // another, typed in the editor
    QByteArray m_wrongKey; // a key the server rejects: must not come back in its error
    QString m_baseUrl;     // of the demo endpoint
    QString m_tokenUrl;    // the same with ?api_key=<token>, as some gateways want
    QProcess m_server;
    QByteArray m_printed; // everything every process printed
    int m_scannedFiles = 0;
};

namespace {

QByteArray canary(const char* prefix)
{
    return QByteArray(prefix) + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
}

QMutex logMutex;
QByteArray logged; // the in-process window's log output
QtMessageHandler previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        QMutexLocker lock(&logMutex);
        logged += message.toUtf8() + '\n';
    }
    if (type != QtDebugMsg && previousHandler)
        previousHandler(type, context, message);
}

} // namespace

QProcessEnvironment TestCanary::environment() const
{
    // Everything a process could write goes under the throwaway home.
    QProcessEnvironment env = appEnvironment(m_home.path());
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_STATE_HOME"), m_home.filePath(QStringLiteral("state")));
    env.insert(QStringLiteral("TMPDIR"), m_home.filePath(QStringLiteral("tmp")));
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("adminchat.*.debug=true"));
    env.remove(QStringLiteral("OPENAI_BASE_URL"));
    env.remove(QStringLiteral("OPENAI_API_KEY"));
    return env;
}

QStringList TestCanary::leaksIn(const QByteArray& bytes) const
{
    QStringList leaks;
    for (const QByteArray& secret : {m_key, m_token, m_wrongKey, m_header, m_header2}) {
        // UTF-8 and UTF-16 (a QString dumped raw), and the key's distinctive tail alone.
        const QByteArray tail = secret.right(12);
        const QByteArray utf16 = QByteArray(
            reinterpret_cast<const char*>(QString::fromLatin1(tail).utf16()), tail.size() * 2);
        if (bytes.contains(tail) || bytes.contains(utf16))
            leaks << QString::fromLatin1(secret.left(10)) + QStringLiteral("…");
    }
    return leaks;
}

void TestCanary::run(const QStringList& arguments, const QByteArray& input, int expectedExit)
{
    const AppRun result = runApp(arguments, environment(), input, 60000);
    m_printed += result.all();
    QVERIFY2(result.exitCode == expectedExit,
             qPrintable(arguments.join(QLatin1Char(' ')) +
                        QStringLiteral(": exit %1\n").arg(result.exitCode) +
                        QString::fromUtf8(result.err)));
    const QStringList leaks = leaksIn(result.all());
    QVERIFY2(leaks.isEmpty(), qPrintable(arguments.join(QLatin1Char(' ')) +
                                         QStringLiteral(" printed ") + leaks.join(", ")));
}

void TestCanary::initTestCase()
{
    REQUIRE_KEYCHAIN();
    QVERIFY(m_home.isValid());
    QDir(m_home.path()).mkpath(QStringLiteral("tmp"));
    m_key = canary("sk-canarykey-");
    m_token = canary("canarytoken-");
    m_wrongKey = canary("sk-canarywrong-");
    m_header = canary("canaryheader-");
    m_header2 = canary("canaryheadertwo-");
    // The search finds a canary anywhere, in UTF-8 or UTF-16.
    QVERIFY(!leaksIn("Bearer " + m_key + "\n").isEmpty());
    QVERIFY(!leaksIn(QByteArray(reinterpret_cast<const char*>(QString::fromLatin1(m_token).utf16()),
                                m_token.size() * 2))
                 .isEmpty());

    QProcessEnvironment serverEnv = environment();
    serverEnv.insert(QStringLiteral("ADMINCHAT_DEMO_API_KEY"), QString::fromLatin1(m_key));
    const QString url = startDemoServer(m_server, {"--profile", "instant"}, serverEnv);
    QVERIFY2(!url.isEmpty(), m_server.readAllStandardError().constData());
    m_baseUrl = url;
    m_tokenUrl = url + QStringLiteral("?api_key=") + QString::fromLatin1(m_token);
}

void TestCanary::commandLineNeverShowsOrStoresTheKey()
{
    run({"profile", "add", "canary", "--base-url", m_baseUrl, "--api-key-stdin", "--secret-header",
         "X-Gateway: " + QString::fromLatin1(m_header)},
        m_key + '\n');
    run({"profile", "list"});
    run({"profile", "list", "--json"});
    run({"profile", "test", "canary"});
    run({"ask", "--profile", "canary", "--json", "Hello"});
    run({"ask", "--profile", "canary", "Tell me more"});
    run({"bench", "--profile", "canary", "--requests", "12", "--concurrency", "3", "--tag",
         "canary", "--csv", m_home.filePath(QStringLiteral("bench.csv")), "--json"});

    // A credential in the URL's query string, the key from the environment.
    QProcessEnvironment keyEnv = environment();
    keyEnv.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromLatin1(m_key));
    const AppRun withToken = runApp({"ask", "--base-url", m_tokenUrl, "--json", "Hi"}, keyEnv);
    m_printed += withToken.all();
    QVERIFY2(withToken.exitCode == 0, withToken.all().constData());

    // A key the server rejects: the 401 names no key in the message, the output or the store.
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromLatin1(m_wrongKey));
    const AppRun rejected =
        runApp({"ask", "--base-url", m_tokenUrl, "--max-retries", "0", "--json", "Hi"}, env);
    m_printed += rejected.all();
    QVERIFY2(rejected.exitCode != 0 && rejected.all().contains("401"), rejected.all().constData());

    // The token in OPENAI_BASE_URL's query, through the Environment profile.
    QProcessEnvironment tokenEnv = keyEnv;
    tokenEnv.insert(QStringLiteral("OPENAI_BASE_URL"), m_tokenUrl);
    const AppRun environmentProfile =
        runApp({"ask", "--profile", "Environment", "--json", "Hi again"}, tokenEnv);
    m_printed += environmentProfile.all();
    QVERIFY2(environmentProfile.exitCode == 0, environmentProfile.all().constData());
    const AppRun listed = runApp({"profile", "list", "--json"}, tokenEnv);
    m_printed += listed.all();
    QVERIFY2(listed.exitCode == 0, listed.all().constData());

    run({"metrics", "export", "--csv", m_home.filePath(QStringLiteral("metrics.csv"))});
    run({"metrics", "export", "--summary", "--csv", m_home.filePath(QStringLiteral("sum.csv"))});
    run({"metrics", "summary", "--json"});
    const AppRun list = runApp({"history", "list", "--json"}, environment());
    m_printed += list.all();
    QVERIFY2(!list.jsonArray().isEmpty(), list.all().constData());
    const QString id = list.jsonArray().first().toObject().value("id").toString();
    run({"history", "show", id});
    run({"history", "export", id, "--format", "json", "-o",
         m_home.filePath(QStringLiteral("conversation.json"))});
    run({"history", "export", id, "--format", "md", "-o",
         m_home.filePath(QStringLiteral("conversation.md"))});
    // The key was really used: the demo endpoint answers only to it.
    QVERIFY(QFile::exists(m_home.filePath(QStringLiteral("metrics.csv"))));
}

void TestCanary::windowNeverShowsOrStoresTheKey()
{
    // In-process, so that the window's whole log output can be captured: a profile with the
    // canary key is added in the editor (the key goes to the keychain), chosen, and used.
    QLoggingCategory::setFilterRules(QStringLiteral("adminchat.*.debug=true"));
    previousHandler = qInstallMessageHandler(captureMessage);
    qputenv("OPENAI_BASE_URL", m_tokenUrl.toUtf8());
    qputenv("OPENAI_API_KEY", m_key);
    const auto unset = qScopeGuard([] {
        qunsetenv("OPENAI_BASE_URL");
        qunsetenv("OPENAI_API_KEY");
    });
    {
        QTemporaryDir dir(m_home.filePath(QStringLiteral("window-XXXXXX")));
        dir.setAutoRemove(false); // searched with the rest
        auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
        QVERIFY(window);
        QTest::mouseClick(window->findChild<QAbstractButton*>(QStringLiteral("editProfilesButton")),
                          Qt::LeftButton);
        adminchat::ProfileEditorDialog* editor = window->profileEditor();
        QTest::mouseClick(editor->findChild<QPushButton*>("addProfileButton"), Qt::LeftButton);
        auto* name = editor->findChild<QLineEdit*>("profileName");
        name->clear();
        QTest::keyClicks(name, QStringLiteral("Canary"));
        auto* url = editor->findChild<QLineEdit*>("baseUrl");
        url->clear();
        QTest::keyClicks(url, m_baseUrl);
        QTest::keyClicks(editor->findChild<QLineEdit*>("apiKey"), QString::fromLatin1(m_key));
        QTest::keyClicks(editor->findChild<QPlainTextEdit*>("extraHeaders"),
                         QStringLiteral("X-Api-Key: ") + QString::fromLatin1(m_header2));
        QSignalSpy changed(editor, &adminchat::ProfileEditorDialog::profilesChanged);
        QTest::mouseClick(editor->findChild<QPushButton*>("saveProfileButton"), Qt::LeftButton);
        QVERIFY(changed.wait(10000));
        editor->close();
        QSignalSpy ready(window.get(), &adminchat::MainWindow::endpointReady);
        QVERIFY(window->endpointPicker()->selectProfile(QStringLiteral("Canary")));
        QVERIFY(ready.wait(10000));
        windowtest::sendText(window.get(), QStringLiteral("Hello from the window"));
        QVERIFY(windowtest::waitForAnswer(window.get()));
        const adminchat::ChatEntry& answer = window->session()->entries().last();
        QVERIFY2(!answer.error, qPrintable(answer.error ? answer.error->message : QString()));

        // The Environment profile, with the token in OPENAI_BASE_URL's query.
        QVERIFY(window->endpointPicker()->selectProfile(QStringLiteral("Environment")));
        QVERIFY(ready.wait(10000));
        windowtest::sendText(window.get(), QStringLiteral("Hello from the environment"));
        QVERIFY(windowtest::waitForAnswer(window.get()));
        const adminchat::ChatEntry& second = window->session()->entries().last();
        QVERIFY2(!second.error, qPrintable(second.error ? second.error->message : QString()));
    }
    qInstallMessageHandler(previousHandler);
    QLoggingCategory::setFilterRules(QString());
    QMutexLocker lock(&logMutex);
    QVERIFY2(logged.contains("POST"), "debug logging of requests was not on");
    QVERIFY2(logged.contains("<redacted>"), "the request log shows no redacted credential");
    m_printed += logged;
}

void TestCanary::nothingWrittenOrPrintedHoldsTheKey()
{
    QVERIFY2(m_server.state() == QProcess::Running, "the demo endpoint ended early");
    m_server.kill();
    m_server.waitForFinished();
    m_printed += m_server.readAllStandardOutput() + m_server.readAllStandardError();

    QStringList leaks = leaksIn(m_printed);
    QVERIFY2(leaks.isEmpty(), qPrintable(QStringLiteral("printed: ") + leaks.join(", ")));
    QStringList kinds;
    QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        ++m_scannedFiles;
        kinds << QFileInfo(file).suffix();
        const QStringList found = leaksIn(file.readAll());
        QVERIFY2(found.isEmpty(),
                 qPrintable(file.fileName() + QStringLiteral(": ") + found.join(", ")));
    }
    qInfo("%d files and %lld printed bytes searched", m_scannedFiles,
          static_cast<long long>(m_printed.size()));
    // The search covered what the app writes: settings, databases, exports.
    for (const char* suffix : {"ini", "sqlite", "csv", "json", "md"})
        QVERIFY2(kinds.contains(QLatin1String(suffix)), suffix);
    QVERIFY(m_printed.size() > 10000); // debug logging was on
}

QTEST_MAIN(TestCanary)
#include "tst_canary.moc"

// The real binary on a database it cannot write: the data folder, or only the database file,
// made read-only in a way that stops root too (a read-only bind mount; chmod as another user,
// see ScratchMounts.h). Readers work; a write that fails names the file and the reason, once.
#include "AppProcess.h"
#include "CsvTestReader.h"
#include "ScratchMounts.h"

#include <QTemporaryDir>
#include <QTest>

class TestReadOnlyStore : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();
    void readers_data();
    void readers();
    void askAnswersAndSaysWhyOnce_data();
    void askAnswersAndSaysWhyOnce();
    void benchSaysItIsNotStored();
    void unwritableOutputFails();

private:
    AppRun adminchat(const QStringList& arguments);
    QString dataFolder() const
    {
        return m_home.filePath(QStringLiteral("data/AdminChat/adminchat"));
    }
    void makeReadOnly(const QString& what);

    QTemporaryDir m_home;
    BackgroundApp m_demo;
    QString m_base;
    std::unique_ptr<ScratchMounts> m_mounts;
};

AppRun TestReadOnlyStore::adminchat(const QStringList& arguments)
{
    QProcessEnvironment env = appEnvironment(m_home.path());
    env.remove(QStringLiteral("OPENAI_BASE_URL"));
    env.remove(QStringLiteral("OPENAI_API_KEY"));
    return runApp(arguments, env);
}

void TestReadOnlyStore::initTestCase()
{
    m_base = m_demo.startDemo({"--profile", "instant"});
    QVERIFY(!m_base.isEmpty());
    // Two saved exchanges and their metrics, written while the folder is writable.
    for (const char* prompt : {"first question", "second question"})
        QCOMPARE(adminchat({"ask", "--base-url", m_base, "--model", "demo-chat", prompt}).exitCode,
                 0);
    QVERIFY(QFileInfo::exists(dataFolder() + QStringLiteral("/adminchat.sqlite")));
}

void TestReadOnlyStore::cleanup()
{
    m_mounts.reset();
}

void TestReadOnlyStore::makeReadOnly(const QString& what)
{
    m_mounts = std::make_unique<ScratchMounts>();
    const QString path = what == QLatin1String("folder")
                             ? dataFolder()
                             : dataFolder() + QStringLiteral("/adminchat.sqlite");
    QString why;
    if (!m_mounts->makeReadOnly(path, &why))
        QSKIP(qPrintable(why));
}

void TestReadOnlyStore::readers_data()
{
    QTest::addColumn<QString>("what");
    QTest::newRow("folder") << "folder";
    QTest::newRow("file") << "file";
}

void TestReadOnlyStore::readers()
{
    QFETCH(QString, what);
    makeReadOnly(what);

    const AppRun list = adminchat({"history", "list", "--json"});
    QVERIFY2(list.exitCode == 0, list.err.constData());
    QCOMPARE(list.jsonArray().size(), 2);
    const QString id = list.jsonArray().at(0).toObject().value("id").toString();
    QVERIFY(!id.isEmpty());
    const AppRun show = adminchat({"history", "show", id});
    QVERIFY2(show.exitCode == 0, show.err.constData());
    QVERIFY(show.out.contains("question"));

    const AppRun exported = adminchat({"metrics", "export", "--csv", "-"});
    QVERIFY2(exported.exitCode == 0, exported.err.constData());
    const auto rows = csvtest::parse(QString::fromUtf8(exported.out));
    QVERIFY(rows);
    QCOMPARE(rows->size(), 3); // header and two requests

    const AppRun summary = adminchat({"metrics", "summary", "--json"});
    QVERIFY2(summary.exitCode == 0, summary.err.constData());
    QCOMPARE(jsonNumber(summary.json().value("total").toObject(), QStringLiteral("requests")),
             std::optional<double>(2));
    for (const AppRun* run : {&list, &show, &exported, &summary})
        QVERIFY2(run->err.isEmpty(), run->err.constData());
}

void TestReadOnlyStore::askAnswersAndSaysWhyOnce_data()
{
    readers_data();
}

void TestReadOnlyStore::askAnswersAndSaysWhyOnce()
{
    QFETCH(QString, what);
    makeReadOnly(what);
    const AppRun json =
        adminchat({"ask", "--base-url", m_base, "--model", "demo-chat", "--json", "third"});
    const AppRun plain =
        adminchat({"ask", "--base-url", m_base, "--model", "demo-chat", "fourth question"});
    for (const AppRun* run : {&json, &plain}) {
        // The answer is the command's output, and it arrived: success.
        QCOMPARE(run->exitCode, 0);
        const QString err = QString::fromUtf8(run->err);
        QVERIFY2(!err.contains(QStringLiteral("cannot read schema")), qPrintable(err));
        // One line, naming the file and why it cannot be written.
        QCOMPARE(err.count(QLatin1Char('\n')), 1);
        QVERIFY2(err.contains(QStringLiteral("adminchat.sqlite")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("read-only")) ||
                     err.contains(QStringLiteral("readonly")),
                 qPrintable(err));
    }
    QVERIFY(!json.json().value("text").toString().isEmpty());
    QVERIFY(!plain.out.trimmed().isEmpty());
    // Nothing was written: still the two earlier exchanges.
    QCOMPARE(adminchat({"history", "list", "--json"}).jsonArray().size(), 2);
}

void TestReadOnlyStore::benchSaysItIsNotStored()
{
    makeReadOnly(QStringLiteral("folder"));
    const AppRun run = adminchat({"bench", "--base-url", m_base, "--model", "demo-chat",
                                  "--requests", "3", "--max-tokens", "5", "--tag", "ro-run"});
    // The run itself worked; its storing did not, and it says so once, without "Stored".
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("Requests 3 · completed 3"), run.out.constData());
    QVERIFY2(!run.out.contains("Stored with tag"), run.out.constData());
    const QString err = QString::fromUtf8(run.err);
    QCOMPARE(err.count(QStringLiteral("not stored")), 1);
    QVERIFY2(err.contains(QStringLiteral("3 of 3 records")) &&
                 err.contains(QStringLiteral("adminchat.sqlite")) &&
                 err.contains(QStringLiteral("read-only")),
             qPrintable(err));
    QVERIFY(!err.contains(QStringLiteral("cannot read schema")));
}

void TestReadOnlyStore::unwritableOutputFails()
{
    // A path under a regular file cannot be created, by root either.
    const QString file = m_home.filePath(QStringLiteral("plain-file"));
    QFile(file).open(QIODevice::WriteOnly);
    const QString target = file + QStringLiteral("/export.csv");
    const AppRun run = adminchat({"metrics", "export", "--csv", target});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.err.count('\n'), 1);
    QVERIFY2(run.err.contains(target.toUtf8()), run.err.constData());

    const QString id = adminchat({"history", "list", "--json"})
                           .jsonArray()
                           .at(0)
                           .toObject()
                           .value("id")
                           .toString();
    const AppRun history = adminchat({"history", "export", id, "--format", "md", "-o", target});
    QCOMPARE(history.exitCode, 1);
    QCOMPARE(history.err.count('\n'), 1);
    QVERIFY2(history.err.contains(target.toUtf8()), history.err.constData());

    // bench: the run worked, the file it was asked to write did not.
    const AppRun bench = adminchat({"bench", "--base-url", m_base, "--model", "demo-chat",
                                    "--requests", "2", "--max-tokens", "5", "--csv", target});
    QCOMPARE(bench.exitCode, 1);
    QCOMPARE(bench.err.count(target.toUtf8()), 1);

    // stdout on a full device: the rows are buffered, the failure shows at the flush.
    QProcess process;
    QProcessEnvironment env = appEnvironment(m_home.path());
    process.setProcessEnvironment(env);
    process.setStandardOutputFile(QStringLiteral("/dev/full"));
    process.start(QStringLiteral(ADMINCHAT_BIN), {"metrics", "export", "--csv", "-"});
    QVERIFY(process.waitForFinished(30000));
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitCode(), 1);
    QVERIFY2(err.contains("stdout") && err.contains("No space left"), err.constData());
}

QTEST_GUILESS_MAIN(TestReadOnlyStore)
#include "tst_readonlystore.moc"

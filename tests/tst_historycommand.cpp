// `adminchat history ...` as a user runs it: a real process reading a database seeded through
// ConversationStore at the path the app uses.
#include "AppProcess.h"
#include "store/ConversationStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestHistoryCommand : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void list();
    void listJsonSearchAndLimit();
    void show();
    void exportToStdout();
    void exportToFile();
    void exportToUnwritableFile();
    void badAndAmbiguousIds_data();
    void badAndAmbiguousIds();
    void usageErrors_data();
    void usageErrors();
    void emptyDatabase();
    void deleteRemovesForGood(); // last: it changes the seeded data

private:
    using Run = AppRun;

    Run adminchat(const QStringList& arguments, const QString& home = {});
    QString databasePath() const;
    void seed(const QString& id, const QStringList& contents, const QString& lastStatus = {});

    QTemporaryDir m_home;
};

TestHistoryCommand::Run TestHistoryCommand::adminchat(const QStringList& arguments,
                                                      const QString& home)
{
    return runApp(QStringList{QStringLiteral("history")} + arguments,
                  appEnvironment(home.isEmpty() ? m_home.path() : home));
}

QString TestHistoryCommand::databasePath() const
{
    // AppDataLocation for organisation "AdminChat", application "adminchat".
    return m_home.filePath(QStringLiteral("data/AdminChat/adminchat/adminchat.sqlite"));
}

void TestHistoryCommand::seed(const QString& id, const QStringList& contents,
                              const QString& lastStatus)
{
    ConversationStore store(databasePath());
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    ConversationRecord c;
    c.id = id;
    c.profile = QStringLiteral("local");
    c.model = QStringLiteral("demo-model");
    QVERIFY2(store.create(c, &error), qPrintable(error));
    for (int seq = 0; seq < contents.size(); ++seq) {
        MessageRecord m;
        m.conversationId = id;
        m.seq = seq;
        m.role = seq % 2 ? MessageRole::Assistant : MessageRole::User;
        m.content = contents[seq];
        m.model = seq % 2 ? QStringLiteral("demo-model") : QString();
        m.status = MessageStatus::Done;
        if (seq == contents.size() - 1 && !lastStatus.isEmpty()) {
            m.status = *messageStatusFromName(lastStatus);
            m.error = QStringLiteral("HTTP 500 from the server");
            m.errorKind = ApiError::Kind::Http;
        }
        QVERIFY2(store.saveMessage(m, &error), qPrintable(error));
    }
    QTest::qWait(3); // distinct update times, so the listing order is defined
}

void TestHistoryCommand::initTestCase()
{
    QVERIFY(m_home.isValid());
    seed(QStringLiteral("0190aaaa00001111"),
         {QStringLiteral("How do pods restart?"), QStringLiteral("With a restartPolicy.")});
    seed(QStringLiteral("0190aaaa00002222"),
         {QStringLiteral("Second question about Rust"), QStringLiteral("Ownership."),
          QStringLiteral("And borrowing?"), QStringLiteral("References.")});
    seed(QStringLiteral("0190bbbb00003333"),
         {QStringLiteral("Third one"), QStringLiteral("Partial answ")}, QStringLiteral("failed"));
}

void TestHistoryCommand::list()
{
    const Run run = adminchat({QStringLiteral("list")});
    QCOMPARE(run.exitCode, 0);
    const QStringList lines =
        QString::fromUtf8(run.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines[0].startsWith(QLatin1String("id")));
    QVERIFY(lines[0].contains(QLatin1String("title")));
    QVERIFY2(lines[1].startsWith(QLatin1String("0190bbbb00003333")), qPrintable(lines[1]));
    QVERIFY(lines[1].endsWith(QLatin1String("Third one")));
    QVERIFY(lines[1].contains(QLatin1String("demo-model")));
    QVERIFY(lines[2].startsWith(QLatin1String("0190aaaa00002222")));
    QVERIFY(lines[2].contains(QLatin1String("   4  ")));
    QVERIFY(lines[3].startsWith(QLatin1String("0190aaaa00001111")));
    QVERIFY(lines[3].contains(
        QRegularExpression(QStringLiteral("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d"))));
}

void TestHistoryCommand::listJsonSearchAndLimit()
{
    Run run = adminchat({QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    QJsonArray array = QJsonDocument::fromJson(run.out).array();
    QCOMPARE(array.size(), 3);
    const QJsonObject first = array[0].toObject();
    QCOMPARE(first.value("id").toString(), QStringLiteral("0190bbbb00003333"));
    QCOMPARE(first.value("title").toString(), QStringLiteral("Third one"));
    QCOMPARE(first.value("messages").toInt(), 2);
    QCOMPARE(first.value("model").toString(), QStringLiteral("demo-model"));
    QVERIFY(QDateTime::fromString(first.value("updated").toString(), Qt::ISODateWithMs).isValid());

    run = adminchat({QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--search"),
                     QStringLiteral("BORROW")});
    QCOMPARE(run.exitCode, 0);
    array = QJsonDocument::fromJson(run.out).array();
    QCOMPARE(array.size(), 1);
    QCOMPARE(array[0].toObject().value("id").toString(), QStringLiteral("0190aaaa00002222"));
    QCOMPARE(array[0].toObject().value("snippet").toString(), QStringLiteral("And borrowing?"));

    run = adminchat({QStringLiteral("list"), QStringLiteral("--search"), QStringLiteral("borrow")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains("    And borrowing?\n"));

    run = adminchat({QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--limit"),
                     QStringLiteral("1")});
    QCOMPARE(QJsonDocument::fromJson(run.out).array().size(), 1);

    run = adminchat({QStringLiteral("list"), QStringLiteral("--search"), QStringLiteral("zzz")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.isEmpty());
    QVERIFY(run.err.contains("no conversation matches"));
}

void TestHistoryCommand::show()
{
    const Run run = adminchat({QStringLiteral("show"), QStringLiteral("0190bb")});
    QCOMPARE(run.exitCode, 0);
    const QString text = QString::fromUtf8(run.out);
    QVERIFY2(text.startsWith(QLatin1String("# Third one\n")), qPrintable(text));
    QVERIFY(text.contains(QLatin1String("0190bbbb00003333")));
    QVERIFY(text.contains(QLatin1String("## User\n\nThird one\n")));
    QVERIFY(text.contains(QStringLiteral("## Assistant · demo-model\n\nPartial answ\n")));
    QVERIFY(text.contains(QLatin1String("> **Error (http):** HTTP 500 from the server")));
    QVERIFY(run.err.isEmpty());
}

void TestHistoryCommand::exportToStdout()
{
    Run run = adminchat({QStringLiteral("export"), QStringLiteral("0190aaaa00001111"),
                         QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(run.exitCode, 0);
    QJsonParseError error;
    const QJsonObject root = QJsonDocument::fromJson(run.out, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(root.value("id").toString(), QStringLiteral("0190aaaa00001111"));
    QCOMPARE(root.value("title").toString(), QStringLiteral("How do pods restart?"));
    const QJsonArray messages = root.value("messages").toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages[1].toObject().value("content").toString(),
             QStringLiteral("With a restartPolicy."));

    run = adminchat({QStringLiteral("export"), QStringLiteral("0190aaaa00001"),
                     QStringLiteral("--format"), QStringLiteral("md")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.startsWith("# How do pods restart?\n"));
    QVERIFY(run.out.contains("With a restartPolicy."));
}

void TestHistoryCommand::exportToFile()
{
    for (const QString& format : {QStringLiteral("md"), QStringLiteral("json")}) {
        const QString path = m_home.filePath(QStringLiteral("export.") + format);
        const Run toFile =
            adminchat({QStringLiteral("export"), QStringLiteral("0190aaaa00002222"),
                       QStringLiteral("--format"), format, QStringLiteral("-o"), path});
        QCOMPARE(toFile.exitCode, 0);
        QVERIFY(toFile.out.isEmpty());
        QVERIFY2(toFile.err.contains("wrote conversation 0190aaaa00002222"), toFile.err);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const Run toStdout =
            adminchat({QStringLiteral("export"), QStringLiteral("0190aaaa00002222"),
                       QStringLiteral("--format"), format});
        QCOMPARE(file.readAll(), toStdout.out);
    }
}

void TestHistoryCommand::exportToUnwritableFile()
{
    const QString path = m_home.filePath(QStringLiteral("no-such-folder/out.md"));
    const Run run = adminchat(
        {QStringLiteral("export"), QStringLiteral("0190bbbb"), QStringLiteral("-o"), path});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.err.count('\n'), 1);
    QVERIFY2(run.err.contains("cannot write"), run.err);
    QVERIFY(run.err.contains("out.md"));
    QVERIFY(!QFile::exists(path));
}

void TestHistoryCommand::badAndAmbiguousIds_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("show unknown") << QStringList{"show", "ffff"}
                                  << QByteArray("no conversation \"ffff\"");
    QTest::newRow("export unknown") << QStringList{"export", "0190c", "--format", "json"}
                                    << QByteArray("no conversation \"0190c\"");
    QTest::newRow("delete unknown")
        << QStringList{"delete", "ffff"} << QByteArray("no conversation");
    QTest::newRow("show ambiguous")
        << QStringList{"show", "0190aaaa"} << QByteArray("\"0190aaaa\" matches 2 conversations");
    QTest::newRow("delete ambiguous")
        << QStringList{"delete", "0190"} << QByteArray("matches 3 conversations");
}

void TestHistoryCommand::badAndAmbiguousIds()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const Run run = adminchat(arguments);
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.isEmpty());
    QCOMPARE(run.err.count('\n'), 1);
    QVERIFY2(run.err.startsWith("adminchat history: "), run.err);
    QVERIFY2(run.err.contains(message), run.err);
}

void TestHistoryCommand::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no subcommand") << QStringList{};
    QTest::newRow("unknown subcommand") << QStringList{"frobnicate"};
    QTest::newRow("show without id") << QStringList{"show"};
    QTest::newRow("two ids") << QStringList{"delete", "0190aaaa00001111", "0190bbbb00003333"};
    QTest::newRow("bad format") << QStringList{"export", "0190bbbb", "--format", "pdf"};
    QTest::newRow("bad limit") << QStringList{"list", "--limit", "zero"};
    QTest::newRow("unknown option") << QStringList{"list", "--colour"};
}

void TestHistoryCommand::usageErrors()
{
    QFETCH(QStringList, arguments);
    const Run run = adminchat(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(!run.err.isEmpty());
}

void TestHistoryCommand::emptyDatabase()
{
    QTemporaryDir other;
    Run run = adminchat({QStringLiteral("list")}, other.path());
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.err.contains("no saved conversations"));
    run = adminchat({QStringLiteral("list"), QStringLiteral("--json")}, other.path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(run.out).array().size(), 0);
}

void TestHistoryCommand::deleteRemovesForGood()
{
    const Run run = adminchat({QStringLiteral("delete"), QStringLiteral("0190aaaa00002")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("deleted conversation 0190aaaa00002222"), run.out);
    QVERIFY(run.out.contains("Second question about Rust"));
    QVERIFY(run.out.contains("4 messages"));

    const Run listed = adminchat({QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(listed.out).array().size(), 2);
    ConversationStore store(databasePath());
    QVERIFY(store.open());
    QVERIFY(!store.conversation(QStringLiteral("0190aaaa00002222")));
    QVERIFY(store.messages(QStringLiteral("0190aaaa00002222")).isEmpty());
    // The prefix that was ambiguous now names one conversation.
    QCOMPARE(adminchat({QStringLiteral("show"), QStringLiteral("0190aaaa")}).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestHistoryCommand)
#include "tst_historycommand.moc"

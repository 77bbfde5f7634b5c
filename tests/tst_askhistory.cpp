// `adminchat ask` and the conversation history, as a user runs them: real processes, a real
// demo endpoint over loopback, the real database. Includes killing `ask` with SIGKILL while an
// answer streams: the text shown so far must be in the history.
#include "AppProcess.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>

class TestAskHistory : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void askSavesEachExchange();
    void continueSendsEarlierMessages();
    void conversationByIdPrefix();
    void noSaveLeavesNoConversation();
    void unknownConversationIsAnError();
    void killedWhileStreamingKeepsShownText();

private:
    using Result = AppRun;

    QProcessEnvironment environment() const;
    QString startDemo(const QString& profile);
    Result run(const QStringList& arguments);
    QJsonArray conversations();
    QJsonObject exported(const QString& id);

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QProcess> m_server;
    QString m_base;
};

QProcessEnvironment TestAskHistory::environment() const
{
    return appEnvironmentWithoutEndpoint(m_home->path());
}

QString TestAskHistory::startDemo(const QString& profile)
{
    m_server = std::make_unique<QProcess>();
    return startDemoServer(*m_server, {"--profile", profile}, environment());
}

void TestAskHistory::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    m_base = startDemo(QStringLiteral("instant"));
    QVERIFY(!m_base.isEmpty());
}

void TestAskHistory::cleanup()
{
    if (m_server) {
        m_server->terminate();
        m_server->waitForFinished(5000);
        m_server.reset();
    }
}

TestAskHistory::Result TestAskHistory::run(const QStringList& arguments)
{
    return runApp(arguments, environment());
}

QJsonArray TestAskHistory::conversations()
{
    const Result list = run({"history", "list", "--json"});
    if (list.exitCode != 0)
        qWarning() << list.err;
    return QJsonDocument::fromJson(list.out).array();
}

QJsonObject TestAskHistory::exported(const QString& id)
{
    const Result r = run({"history", "export", id, "--format", "json"});
    if (r.exitCode != 0)
        qWarning() << r.err;
    return r.json();
}

void TestAskHistory::askSavesEachExchange()
{
    const Result r =
        run({"ask", "--base-url", m_base, "--model", "demo-chat", "--json", "Hello there"});
    QCOMPARE(r.exitCode, 0);
    const QString id = r.json().value(QStringLiteral("conversation_id")).toString();
    QVERIFY(!id.isEmpty());

    const QJsonArray list = conversations();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("id")).toString(), id);
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("title")).toString(),
             QStringLiteral("Hello there"));

    const QJsonArray messages = exported(id).value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).toObject().value(QStringLiteral("role")).toString(), "user");
    QCOMPARE(messages.at(0).toObject().value(QStringLiteral("content")).toString(), "Hello there");
    const QJsonObject answer = messages.at(1).toObject();
    QCOMPARE(answer.value(QStringLiteral("role")).toString(), "assistant");
    QCOMPARE(answer.value(QStringLiteral("status")).toString(), "done");
    QCOMPARE(answer.value(QStringLiteral("content")).toString(),
             r.json().value(QStringLiteral("text")).toString());
    QVERIFY(!answer.value(QStringLiteral("request_uid")).toString().isEmpty());
}

void TestAskHistory::continueSendsEarlierMessages()
{
    const Result first = run({"ask", "--base-url", m_base, "--model", "demo-chat", "--json",
                              "--max-tokens", "20", "first question"});
    QCOMPARE(first.exitCode, 0);
    const QString id = first.json().value(QStringLiteral("conversation_id")).toString();

    const Result second = run({"ask", "--base-url", m_base, "--json", "--continue", "second"});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.json().value(QStringLiteral("conversation_id")).toString(), id);
    // The request carried the first exchange too: the endpoint counted more prompt tokens than
    // for the same prompt alone.
    const Result alone =
        run({"ask", "--base-url", m_base, "--model", "demo-chat", "--no-save", "--json", "second"});
    auto promptTokens = [](const Result& r) {
        return r.json().value(QStringLiteral("usage")).toObject().value("prompt_tokens").toInt();
    };
    QVERIFY(promptTokens(alone) > 0);
    QVERIFY2(
        promptTokens(second) > promptTokens(alone) + 5,
        qPrintable(QStringLiteral("%1 vs %2").arg(promptTokens(second)).arg(promptTokens(alone))));
    // The model of the conversation is kept when none is given.
    QCOMPARE(second.json().value(QStringLiteral("model")).toString(), QStringLiteral("demo-chat"));

    QCOMPARE(conversations().size(), 1);
    const QJsonArray messages = exported(id).value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 4);
    QCOMPARE(messages.at(2).toObject().value(QStringLiteral("content")).toString(), "second");
}

void TestAskHistory::conversationByIdPrefix()
{
    const Result first =
        run({"ask", "--base-url", m_base, "--model", "demo-chat", "--json", "one"});
    const QString id = first.json().value(QStringLiteral("conversation_id")).toString();
    QVERIFY(id.size() > 8);
    run({"ask", "--base-url", m_base, "--model", "demo-chat", "--json", "another conversation"});
    QCOMPARE(conversations().size(), 2);

    // The older conversation, by a prefix long enough to be unique (ids start with the time).
    const Result again = run({"ask", "--base-url", m_base, "--json", "--conversation", id, "two"});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.json().value(QStringLiteral("conversation_id")).toString(), id);
    QCOMPARE(exported(id).value(QStringLiteral("messages")).toArray().size(), 4);
}

void TestAskHistory::noSaveLeavesNoConversation()
{
    const Result r =
        run({"ask", "--base-url", m_base, "--model", "demo-chat", "--no-save", "--json", "hi"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!r.json().contains(QStringLiteral("conversation_id")));
    QCOMPARE(conversations().size(), 0);
}

void TestAskHistory::unknownConversationIsAnError()
{
    const Result r = run({"ask", "--base-url", m_base, "--model", "demo-chat", "--conversation",
                          "ffffffffffff0000", "hi"});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(r.err.contains("ffffffffffff0000"), r.err.constData());
    const Result none = run({"ask", "--base-url", m_base, "--continue", "hi"});
    QCOMPARE(none.exitCode, 1);
    QVERIFY2(none.err.contains("no conversation"), none.err.constData());
}

void TestAskHistory::killedWhileStreamingKeepsShownText()
{
    // The slow profile (about 90 ms a token) leaves time to kill it in the middle.
    cleanup();
    m_base = startDemo(QStringLiteral("slow"));
    QVERIFY(!m_base.isEmpty());

    QProcess ask;
    ask.setProcessEnvironment(environment());
    ask.start(QStringLiteral(ADMINCHAT_BIN), {"ask", "--base-url", m_base, "--model", "demo-chat",
                                              "--max-tokens", "400", "Tell me a long story"});
    QVERIFY(ask.waitForStarted(10000));
    QByteArray shown;
    while (shown.size() < 60 && ask.waitForReadyRead(15000))
        shown += ask.readAllStandardOutput();
    QVERIFY2(shown.size() >= 60, shown.constData());
    // Longer than the save interval (250 ms): everything in `shown` has been saved by now.
    QTest::qWait(400);
    ask.kill(); // SIGKILL: no chance to flush anything
    QVERIFY(ask.waitForFinished(10000));
    QCOMPARE(ask.exitStatus(), QProcess::CrashExit);

    const QJsonArray list = conversations();
    QCOMPARE(list.size(), 1);
    const QString id = list.at(0).toObject().value(QStringLiteral("id")).toString();
    const QJsonArray messages = exported(id).value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 2);
    const QJsonObject answer = messages.at(1).toObject();
    const QString saved = answer.value(QStringLiteral("content")).toString();
    QVERIFY2(
        saved.startsWith(QString::fromUtf8(shown)),
        qPrintable(QStringLiteral("shown: %1\nsaved: %2").arg(QString::fromUtf8(shown), saved)));
    QCOMPARE(answer.value(QStringLiteral("status")).toString(), QStringLiteral("streaming"));

    // The Markdown export has it too.
    const Result md = run({"history", "export", id, "--format", "md"});
    QCOMPARE(md.exitCode, 0);
    QVERIFY(QString::fromUtf8(md.out).contains(QString::fromUtf8(shown)));
}

QTEST_GUILESS_MAIN(TestAskHistory)
#include "tst_askhistory.moc"

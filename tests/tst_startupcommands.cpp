// The adminchat binary as a user runs it: `--measure-startup` prints one JSON line with the
// time to the window's first paint and the idle resident memory, then quits by itself;
// `serve-demo --handshake-delay MS` announces the delay and rejects bad values.
#include "AppProcess.h"

#include <QTemporaryDir>
#include <QTest>

class TestStartupCommands : public QObject
{
    Q_OBJECT
private slots:
    void measureStartupPrintsOneJsonLine();
    void serveDemoAnnouncesHandshakeDelay();
    void serveDemoRejectsBadHandshakeDelay_data();
    void serveDemoRejectsBadHandshakeDelay();
};

void TestStartupCommands::measureStartupPrintsOneJsonLine()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QProcessEnvironment env = appEnvironment(home.path());
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.remove(QStringLiteral("OPENAI_BASE_URL"));
    const AppRun run = runApp({QStringLiteral("--measure-startup")}, env);
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QCOMPARE(run.out.trimmed().count('\n'), 0); // one line
    const QJsonObject result = run.json();
    QVERIFY2(!result.isEmpty(), run.out.constData());
    QVERIFY(result.value("first_paint_ms").toDouble() > 0);
    QVERIFY(result.value("main_to_first_paint_ms").toDouble() > 0);
    QVERIFY(result.value("main_to_first_paint_ms").toDouble() <=
            result.value("first_paint_ms").toDouble());
    QVERIFY(result.value("idle_rss_mb").toDouble() > 0);
    QVERIFY(result.value("idle_rss_kib").toInteger() > 0);
    QCOMPARE(result.value("platform").toString(), QStringLiteral("offscreen"));
}

void TestStartupCommands::serveDemoAnnouncesHandshakeDelay()
{
    QTemporaryDir home;
    QProcess server;
    server.setProcessEnvironment(appEnvironment(home.path()));
    server.start(QStringLiteral(ADMINCHAT_BIN),
                 {QStringLiteral("serve-demo"), QStringLiteral("--port"), QStringLiteral("0"),
                  QStringLiteral("--profile"), QStringLiteral("instant"),
                  QStringLiteral("--handshake-delay"), QStringLiteral("150")});
    QVERIFY(server.waitForStarted(10000));
    QByteArray line;
    while (!line.contains('\n') && server.waitForReadyRead(10000))
        line += server.readAllStandardOutput();
    server.kill();
    server.waitForFinished(10000);
    QVERIFY2(line.contains("listening on http://127.0.0.1:"), line.constData());
    QVERIFY2(line.contains(", handshake 150 ms)"), line.constData());

    const AppRun help = runApp({QStringLiteral("serve-demo"), QStringLiteral("--help")},
                               appEnvironment(home.path()));
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("--handshake-delay <MS>"));
}

void TestStartupCommands::serveDemoRejectsBadHandshakeDelay_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("negative") << "-5";
    QTest::newRow("not a number") << "soon";
    QTest::newRow("too long") << "700000";
}

void TestStartupCommands::serveDemoRejectsBadHandshakeDelay()
{
    QFETCH(QString, value);
    QTemporaryDir home;
    const AppRun run = runApp({QStringLiteral("serve-demo"), QStringLiteral("--port"),
                               QStringLiteral("0"), QStringLiteral("--handshake-delay"), value},
                              appEnvironment(home.path()));
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--handshake-delay"), run.err.constData());
}

QTEST_GUILESS_MAIN(TestStartupCommands)
#include "tst_startupcommands.moc"

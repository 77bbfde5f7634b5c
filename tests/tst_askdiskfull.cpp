// `adminchat ask` with its database on a real full file system (a 2 MiB tmpfs filled to the
// last byte, as root): a 315 KB answer from a scripted endpoint (HostileServer) is printed
// whole, the failed save is said once on stderr with the file and the reason, and the exit
// status stays the answer's own (0).
#include "AppProcess.h"
#include "HostileServer.h"
#include "ScratchMounts.h"

#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int pieces = 300;
const QString piece = QString(QStringLiteral("Every answer counts. ")).repeated(50); // 1050 chars

HostileResponse bigAnswer(const HostileRequest&)
{
    QList<QByteArray> payloads;
    for (int i = 0; i < pieces; ++i)
        payloads << HostileResponse::contentChunk(piece);
    payloads << HostileResponse::contentChunk(QString(), "\"stop\"");
    return HostileResponse::eventStream(payloads);
}

} // namespace

class TestAskDiskFull : public QObject
{
    Q_OBJECT
private slots:
    void answerPrintedNotSavedSaidOnce();
};

void TestAskDiskFull::answerPrintedNotSavedSaidOnce()
{
    if (!ScratchMounts::canMount())
        QSKIP("mounting a tmpfs needs root on a system that allows it");
    HostileServer server(bigAnswer);
    QVERIFY(server.isListening());
    QTemporaryDir home;
    ScratchMounts mounts; // after home: unmounted first
    const QString data = home.filePath(QStringLiteral("data"));
    QString why;
    QVERIFY2(mounts.mountTmpfs(data, 2048, &why), qPrintable(why));
    QProcessEnvironment env = appEnvironment(home.path());
    env.remove(QStringLiteral("OPENAI_BASE_URL"));
    env.remove(QStringLiteral("OPENAI_API_KEY"));
    const QStringList ask{"ask", "--base-url", server.baseUrl().toString(), "--model", "hostile"};
    const QString expected = piece.repeated(pieces) + QLatin1Char('\n');

    // With room: saved, nothing said.
    const AppRun first = runApp(ask + QStringList{"first"}, env);
    QCOMPARE(first.exitCode, 0);
    QVERIFY2(first.err.isEmpty(), first.err.constData());

    QVERIFY(ScratchMounts::fill(data) > 0);
    const AppRun plain = runApp(ask + QStringList{"second"}, env);
    QCOMPARE(plain.exitCode, 0);
    QCOMPARE(QString::fromUtf8(plain.out), expected);
    const QString err = QString::fromUtf8(plain.err);
    QCOMPARE(err.count(QLatin1Char('\n')), 1);
    QVERIFY2(err.contains(QStringLiteral("the answer was not saved")) &&
                 err.contains(QStringLiteral("adminchat.sqlite")) &&
                 err.contains(QStringLiteral("full")),
             qPrintable(err));

    const AppRun json = runApp(ask + QStringList{"--json", "third"}, env);
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.json().value("text").toString().size(), piece.size() * pieces);
    QVERIFY(!json.json().contains("conversation_id")); // no conversation to point to
    QCOMPARE(json.err.count('\n'), 1);

    // Space back: the history holds what was saved, and says nothing false.
    QVERIFY(QFile::remove(data + QStringLiteral("/filler")));
    const AppRun list = runApp({"history", "list", "--json"}, env);
    QCOMPARE(list.exitCode, 0);
    QCOMPARE(list.jsonArray().size(), 1);
}

QTEST_GUILESS_MAIN(TestAskDiskFull)
#include "tst_askdiskfull.moc"

// The window on a full disk: a 315 KB answer from a scripted endpoint (HostileServer) arrives
// while the database's file system (a tmpfs, filled to the last byte) has no room. The answer
// stays in the window marked "Not saved", and once space returns "Retry save" writes it whole.
#include "ChatView.h"
#include "ConversationController.h"
#include "HostileServer.h"
#include "ScratchMounts.h"
#include "WindowTestHelpers.h"
#include "store/ConversationStore.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

constexpr int pieces = 300;
const QString piece = QString(QStringLiteral("Every answer counts. ")).repeated(50); // 1050 chars

HostileResponse answer(const HostileRequest& request)
{
    if (request.target.startsWith("/v1/models"))
        return HostileResponse::status(200, R"({"object":"list","data":[{"id":"big-model"}]})");
    QList<QByteArray> payloads;
    for (int i = 0; i < pieces; ++i)
        payloads << HostileResponse::contentChunk(piece, "null", "big-model");
    payloads << HostileResponse::contentChunk(QString(), "\"stop\"", "big-model");
    return HostileResponse::eventStream(payloads);
}

} // namespace

class TestUnsavedAnswer : public QObject
{
    Q_OBJECT
private slots:
    void markedKeptAndSavedOnRetry();
};

void TestUnsavedAnswer::markedKeptAndSavedOnRetry()
{
    if (!ScratchMounts::canMount())
        QSKIP("mounting a tmpfs needs root on a system that allows it");
    HostileServer server(answer);
    QVERIFY(server.isListening());
    qputenv("OPENAI_BASE_URL", server.baseUrl().toString().toUtf8());
    qunsetenv("OPENAI_API_KEY");

    QTemporaryDir dir;
    ScratchMounts mounts; // after dir: unmounted before dir is removed
    const QString fs = dir.filePath(QStringLiteral("fs"));
    QString why;
    QVERIFY2(mounts.mountTmpfs(fs, 2048, &why), qPrintable(why));
    const QString database = fs + QStringLiteral("/adminchat.sqlite");
    {
        GuiOptions options;
        options.databasePath = database;
        options.settingsPath = dir.filePath(QStringLiteral("settings.ini")); // not on the tmpfs
        MainWindow window(options);
        window.show();
        QSignalSpy ready(&window, &MainWindow::endpointReady);
        QVERIFY(ready.wait(10000));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(database), 5000);

        // The Environment endpoint, chosen while the picker was built, reached the conversations.
        QCOMPARE(window.session()->endpoint().baseUrl, server.baseUrl());
        window.conversations()->setModel(QStringLiteral("big-model"));
        QVERIFY(ScratchMounts::fill(fs) > 0);
        windowtest::sendText(&window, QStringLiteral("Tell me everything"));
        QVERIFY(windowtest::waitForAnswer(&window));
        ChatView* view = window.chatView();
        const QString expected = piece.repeated(pieces);
        const ChatEntry& answer = window.session()->entries().at(1);
        QVERIFY2(!answer.error, qPrintable(answer.error ? answer.error->message : QString()));
        QCOMPARE(answer.text, expected); // kept in memory

        // Marked, with the reason, on the answer.
        QTRY_VERIFY_WITH_TIMEOUT(!view->notSavedReason(1).isEmpty(), 5000);
        QVERIFY2(view->toPlainText().contains(QStringLiteral("Not saved")),
                 qPrintable(view->toPlainText().right(300)));
        const QString id = window.conversations()->currentId();

        // Space returns; the button writes it now.
        QVERIFY(QFile::remove(fs + QStringLiteral("/filler")));
        const QRect retry = view->retrySaveRect(1);
        QVERIFY(!retry.isNull());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, retry.center());
        QTRY_VERIFY_WITH_TIMEOUT(view->notSavedReason(1).isEmpty(), 5000);
        QVERIFY(view->notSavedReason(0).isEmpty());
        QVERIFY(!view->toPlainText().contains(QStringLiteral("Not saved")));

        ConversationStore store(database);
        QVERIFY(store.open());
        const QList<MessageRecord> messages = store.messages(id);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(1).content, expected);
        QCOMPARE(messages.at(1).status, MessageStatus::Done);
    }
    qunsetenv("OPENAI_BASE_URL");
}

QTEST_MAIN(TestUnsavedAnswer)
#include "tst_unsavedanswer.moc"

// The main window offscreen, against its own in-process demo endpoint: send a message, see it at
// once, see the answer stream in and the status line fill. Conversation flows (sidebar, edit and
// resend, rating, switching while streaming, profiles) are in tst_conversationflow.
#include "ChatView.h"
#include "ComposerEdit.h"
#include "MainWindow.h"
#include "chat/ChatSession.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void init() { qunsetenv("OPENAI_BASE_URL"); }
    void sendsAndStreamsAnswer();
    void shiftEnterMakesNewLine();
    void stopKeepsPartialAnswer();
    void errorShowsInline();
};

namespace {

GuiOptions options(const QString& profile)
{
    static QTemporaryDir dir; // one database and settings file for the whole test run
    GuiOptions options;
    options.demoProfile = profile;
    options.databasePath = dir.filePath(QStringLiteral("metrics.sqlite"));
    options.settingsPath = dir.filePath(QStringLiteral("settings.ini"));
    return options;
}

struct Fixture
{
    MainWindow window;
    ChatView* view;
    ComposerEdit* composer;
    QLabel* status;
    QComboBox* models;

    explicit Fixture(const QString& profile) : window(options(profile))
    {
        view = window.findChild<ChatView*>(QStringLiteral("chatView"));
        composer = window.findChild<ComposerEdit*>(QStringLiteral("composer"));
        status = window.findChild<QLabel*>(QStringLiteral("statusLine"));
        models = window.findChild<QComboBox*>(QStringLiteral("modelBox"));
        window.show();
    }
};

} // namespace

void TestMainWindow::sendsAndStreamsAnswer()
{
    Fixture f(QStringLiteral("instant"));
    QVERIFY(f.view && f.composer && f.status && f.models);
    QSignalSpy ready(&f.window, &MainWindow::endpointReady);
    QVERIFY(ready.wait(10000));
    QCOMPARE(f.models->currentText(), QStringLiteral("demo-chat"));
    const auto* endpoints = f.window.findChild<QComboBox*>(QStringLiteral("endpointBox"));
    QVERIFY(endpoints->currentText().contains(QStringLiteral("simulated")));

    QSignalSpy completed(f.window.session(), &ChatSession::requestCompleted);
    QTest::keyClicks(f.composer, QStringLiteral("What is TTFT?"));
    QTest::keyClick(f.composer, Qt::Key_Return);
    // Optimistic: the question and the pending answer are there before any byte came back.
    QCOMPARE(f.view->entryCount(), 2);
    QVERIFY(f.view->toPlainText().contains(QStringLiteral("What is TTFT?")));
    QVERIFY(f.view->toPlainText().contains(QStringLiteral("waiting for the first token")));
    QCOMPARE(f.window.session()->entries().last().state, ChatEntry::State::Pending);
    QVERIFY(f.composer->toPlainText().isEmpty());

    QVERIFY(completed.wait(15000));
    const auto trace = completed.first().at(0).value<RequestTrace>();
    QVERIFY(trace.succeeded());
    QVERIFY(!trace.text.isEmpty());
    const QString shown = f.view->toPlainText();
    QVERIFY(shown.contains(trace.text));
    QVERIFY(!shown.contains(QStringLiteral("waiting for the first token")));
    QVERIFY2(f.status->text().startsWith(QStringLiteral("TTFT ")), qPrintable(f.status->text()));
    QVERIFY(f.status->text().contains(QStringLiteral("tok/s")));
    QVERIFY(f.status->text().contains(QStringLiteral("excellent")) ||
            f.status->text().contains(QStringLiteral("good")));

    // The second message carries the conversation so far.
    QTest::keyClicks(f.composer, QStringLiteral("And E2E?"));
    QTest::keyClick(f.composer, Qt::Key_Enter);
    QVERIFY(completed.wait(15000));
    QCOMPARE(f.window.session()->entries().size(), 4);
    QCOMPARE(f.view->entryCount(), 4);
    QVERIFY(f.view->toPlainText().contains(completed.at(1).at(0).value<RequestTrace>().text));
}

void TestMainWindow::shiftEnterMakesNewLine()
{
    Fixture f(QStringLiteral("instant"));
    QTest::keyClicks(f.composer, QStringLiteral("line one"));
    QTest::keyClick(f.composer, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(f.composer, QStringLiteral("line two"));
    QCOMPARE(f.composer->toPlainText(), QStringLiteral("line one\nline two"));
    QVERIFY(f.window.session()->entries().isEmpty());
}

void TestMainWindow::stopKeepsPartialAnswer()
{
    Fixture f(QStringLiteral("slow"));
    QSignalSpy ready(&f.window, &MainWindow::endpointReady);
    QVERIFY(ready.wait(10000));
    ChatSession* session = f.window.session();
    QSignalSpy appended(session, &ChatSession::entryAppended);
    QSignalSpy completed(session, &ChatSession::requestCompleted);
    QTest::keyClicks(f.composer, QStringLiteral("a long one please"));
    QTest::keyClick(f.composer, Qt::Key_Return);
    auto* stop = f.window.findChild<QPushButton*>(QStringLiteral("stopButton"));
    QVERIFY(stop->isEnabled());
    QVERIFY(appended.wait(15000)); // first tokens are on screen
    QTest::mouseClick(stop, Qt::LeftButton);
    QVERIFY(completed.wait(10000));
    const auto trace = completed.first().at(0).value<RequestTrace>();
    QCOMPARE(trace.error->kind, ApiError::Kind::Cancelled);
    QVERIFY(!trace.text.isEmpty());
    QCOMPARE(session->entries().last().state, ChatEntry::State::Cancelled);
    QCOMPARE(session->entries().last().text, trace.text);
    QVERIFY(f.view->toPlainText().contains(QStringLiteral("[stopped]")));
    QVERIFY(!stop->isEnabled());
}

void TestMainWindow::errorShowsInline()
{
    Fixture f(QStringLiteral("instant"));
    QSignalSpy ready(&f.window, &MainWindow::endpointReady);
    QVERIFY(ready.wait(10000));
    f.models->setEditText(QStringLiteral("no-such-model"));
    QSignalSpy completed(f.window.session(), &ChatSession::requestCompleted);
    QTest::keyClicks(f.composer, QStringLiteral("hello?"));
    QTest::keyClick(f.composer, Qt::Key_Return);
    QVERIFY(completed.wait(10000));
    const auto trace = completed.first().at(0).value<RequestTrace>();
    QCOMPARE(trace.httpStatus, 404);
    QCOMPARE(f.view->entryCount(), 2);
    QVERIFY(f.view->toPlainText().contains(trace.error->message));
    QVERIFY(trace.error->message.startsWith(QStringLiteral("HTTP 404")));
    QVERIFY(f.status->text().contains(QStringLiteral("error")));
    QCOMPARE(f.window.session()->entries().last().state, ChatEntry::State::Failed);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"

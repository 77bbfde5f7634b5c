// Conversations in the main window, offscreen, through the real parts: the in-process demo
// endpoint, the history and metrics databases on their threads, the keychain (gnome-keyring).
// Drives the sidebar, the profile editor, edit-and-resend, rating and switching conversations
// while an answer streams.
#include "ChatView.h"
#include "ComposerEdit.h"
#include "ConversationController.h"
#include "ConversationSidebar.h"
#include "EndpointPicker.h"
#include "MainWindow.h"
#include "ProfileEditorDialog.h"
#include "WindowTestHelpers.h"
#include "chat/ChatSession.h"
#include "endpoints/KeyStore.h"
#include "settings/AppSettings.h"
#include "store/ConversationStore.h"
#include "store/MetricsStore.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestConversationFlow : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void sidebarListsSwitchesAndDeletesWithUndo();
    void editAndResendReplacesTheRest();
    void ratingIsStoredAndCounted();
    void switchingKeepsTheStreamGoing();
    void profileFromTheEditorIsUsed();
    void pacedAnswerIsShownWhole_data();
    void pacedAnswerIsShownWhole();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;

    void open(const QString& demoProfile);
    void sendText(const QString& text);
    bool waitForAnswer(); // the current conversation's answer finished
    QListView* list() const;
    QString dbPath() const { return m_dir->filePath(QStringLiteral("adminchat.sqlite")); }
};

void TestConversationFlow::init()
{
    qunsetenv("OPENAI_BASE_URL");
    m_window.reset();
    m_dir = std::make_unique<QTemporaryDir>();
}

void TestConversationFlow::open(const QString& demoProfile)
{
    m_window = windowtest::openWindow(*m_dir, demoProfile);
    QVERIFY(m_window);
}

void TestConversationFlow::sendText(const QString& text)
{
    windowtest::sendText(m_window.get(), text);
}

bool TestConversationFlow::waitForAnswer()
{
    return windowtest::waitForAnswer(m_window.get());
}

QListView* TestConversationFlow::list() const
{
    return m_window->sidebar()->findChild<QListView*>(QStringLiteral("conversationList"));
}

void TestConversationFlow::sidebarListsSwitchesAndDeletesWithUndo()
{
    open(QStringLiteral("instant"));
    sendText(QStringLiteral("First conversation about caching"));
    QVERIFY(waitForAnswer());
    const QString first = m_window->conversations()->currentId();
    QTRY_COMPARE(list()->model()->rowCount(), 1);
    QCOMPARE(list()->model()->index(0, 0).data().toString(),
             QStringLiteral("First conversation about caching"));

    // New conversation, from the sidebar's button.
    auto* newButton = m_window->sidebar()->findChild<QPushButton*>("newConversationButton");
    QTest::mouseClick(newButton, Qt::LeftButton);
    QCOMPARE(m_window->chatView()->entryCount(), 0);
    sendText(QStringLiteral("Second one, on batching"));
    QVERIFY(waitForAnswer());
    QTRY_COMPARE(list()->model()->rowCount(), 2);
    QCOMPARE(m_window->sidebar()->currentConversation(), m_window->conversations()->currentId());

    // Back to the first: its messages come from the database.
    QSignalSpy changed(m_window->conversations(), &ConversationController::currentChanged);
    const int firstRow = list()->model()->index(0, 0).data().toString().startsWith("First") ? 0 : 1;
    QTest::mouseClick(list()->viewport(), Qt::LeftButton, {},
                      list()->visualRect(list()->model()->index(firstRow, 0)).center());
    QTRY_COMPARE(m_window->conversations()->currentId(), first);
    QCOMPARE(m_window->chatView()->entryCount(), 2);
    QCOMPARE(m_window->session()->entries().first().text,
             QStringLiteral("First conversation about caching"));

    // Search over the text.
    auto* search = m_window->sidebar()->findChild<QLineEdit*>("conversationSearch");
    QTest::keyClicks(search, QStringLiteral("batching"));
    QTRY_COMPARE(list()->model()->rowCount(), 1);
    search->clear();
    QTRY_COMPARE(list()->model()->rowCount(), 2);

    // Delete the current one with the Delete key, then undo.
    list()->setFocus();
    list()->setCurrentIndex(list()->model()->index(firstRow, 0));
    QTest::keyClick(list(), Qt::Key_Delete);
    QTRY_COMPARE(list()->model()->rowCount(), 1);
    QVERIFY(m_window->conversations()->currentId() != first);
    auto* undo = m_window->sidebar()->findChild<QPushButton*>("undoDeleteButton");
    QTRY_VERIFY(undo->isVisible());
    QTest::mouseClick(undo, Qt::LeftButton);
    QTRY_COMPARE(list()->model()->rowCount(), 2);

    // It all survives a restart.
    m_window.reset();
    ConversationStore store(dbPath());
    QVERIFY(store.open());
    QCOMPARE(store.conversations().size(), 2);
    QCOMPARE(store.messages(first).size(), 2);
}

void TestConversationFlow::editAndResendReplacesTheRest()
{
    open(QStringLiteral("instant"));
    sendText(QStringLiteral("What is TTFT?"));
    QVERIFY(waitForAnswer());
    sendText(QStringLiteral("And ITL?"));
    QVERIFY(waitForAnswer());
    ChatView* view = m_window->chatView();
    QCOMPARE(view->entryCount(), 4);
    const QString oldAnswer = m_window->session()->entries().at(1).text;

    // Edit the first question from its action button.
    const QRect edit = view->actionRect(0, ChatView::Action::Edit);
    QVERIFY(!edit.isNull());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, edit.center());
    auto* composer = m_window->findChild<ComposerEdit*>(QStringLiteral("composer"));
    QCOMPARE(composer->toPlainText(), QStringLiteral("What is TTFT?"));
    QVERIFY(m_window->findChild<QWidget*>(QStringLiteral("editBanner"))->isVisible());
    composer->clear();
    QSignalSpy completed(m_window->session(), &ChatSession::requestCompleted);
    sendText(QStringLiteral("What is time to first token, exactly?"));
    QCOMPARE(view->entryCount(), 2); // the later exchange is gone at once
    QVERIFY(completed.wait(15000));
    const QList<ChatEntry>& entries = m_window->session()->entries();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).text, QStringLiteral("What is time to first token, exactly?"));
    QVERIFY(entries.at(1).text != oldAnswer); // the demo's text depends on the prompt

    // The database agrees.
    const QString id = m_window->conversations()->currentId();
    QTRY_VERIFY([&] {
        ConversationStore store(dbPath());
        const auto messages = store.open() ? store.messages(id) : QList<MessageRecord>();
        return messages.size() == 2 && messages.at(1).status == MessageStatus::Done &&
               messages.at(0).content == entries.at(0).text;
    }());
}

void TestConversationFlow::ratingIsStoredAndCounted()
{
    open(QStringLiteral("instant"));
    sendText(QStringLiteral("Rate me"));
    QVERIFY(waitForAnswer());
    ChatView* view = m_window->chatView();
    const QRect up = view->actionRect(1, ChatView::Action::RateUp);
    QVERIFY(!up.isNull());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, up.center());
    QCOMPARE(m_window->session()->entries().at(1).rating, std::optional<int>(1));
    const QString uid = m_window->session()->entries().at(1).requestUid;
    const QString id = m_window->conversations()->currentId();

    // Stored with the message, and as satisfaction on the request's metrics record.
    QTRY_VERIFY([&] {
        ConversationStore store(dbPath());
        const auto messages = store.open() ? store.messages(id) : QList<MessageRecord>();
        return messages.size() == 2 && messages.at(1).rating == 1;
    }());
    QTRY_VERIFY([&] {
        MetricsStore metrics(dbPath());
        if (!metrics.open())
            return false;
        for (const MetricsRecord& r : metrics.records({}, QDateTime::currentDateTimeUtc()))
            if (r.requestUid == uid)
                return r.rating == 1;
        return false;
    }());

    // Clicking it again clears it.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->actionRect(1, ChatView::Action::RateUp).center());
    QVERIFY(!m_window->session()->entries().at(1).rating);
}

void TestConversationFlow::switchingKeepsTheStreamGoing()
{
    open(QStringLiteral("slow"));
    ChatSession* streaming = m_window->session();
    QSignalSpy appended(streaming, &ChatSession::entryAppended);
    QSignalSpy completed(streaming, &ChatSession::requestCompleted);
    sendText(QStringLiteral("A long answer please"));
    QVERIFY(appended.wait(15000));
    const QString id = m_window->conversations()->currentId();

    m_window->conversations()->newConversation(); // another conversation is shown
    QVERIFY(m_window->session() != streaming);
    QCOMPARE(m_window->chatView()->entryCount(), 0);
    QVERIFY(completed.wait(60000)); // the first one still streams to its end
    QVERIFY(completed.first().at(0).value<RequestTrace>().succeeded());

    m_window->conversations()->open(id);
    QTRY_COMPARE(m_window->conversations()->currentId(), id);
    QCOMPARE(m_window->chatView()->entryCount(), 2);
    QCOMPARE(m_window->session()->entries().at(1).state, ChatEntry::State::Done);
    QVERIFY(!m_window->session()->entries().at(1).text.isEmpty());
}

void TestConversationFlow::profileFromTheEditorIsUsed()
{
    open(QStringLiteral("instant"));
    // A profile for the same demo endpoint, with a key, added in the editor.
    auto* editButton = m_window->findChild<QAbstractButton*>(QStringLiteral("editProfilesButton"));
    QTest::mouseClick(editButton, Qt::LeftButton);
    ProfileEditorDialog* editor = m_window->profileEditor();
    QVERIFY(editor->isVisible());
    QTest::mouseClick(editor->findChild<QPushButton*>("addProfileButton"), Qt::LeftButton);
    auto* name = editor->findChild<QLineEdit*>("profileName");
    name->clear();
    QTest::keyClicks(name, QStringLiteral("Local demo"));
    auto* url = editor->findChild<QLineEdit*>("baseUrl");
    url->clear();
    QTest::keyClicks(url, m_window->demoEndpointUrl().toString());
    QTest::keyClicks(editor->findChild<QLineEdit*>("apiKey"), QStringLiteral("sk-flow-canary"));
    QSignalSpy changed(editor, &ProfileEditorDialog::profilesChanged);
    QTest::mouseClick(editor->findChild<QPushButton*>("saveProfileButton"), Qt::LeftButton);
    QVERIFY(changed.wait(10000));

    // The picker lists it; choosing it reads the key from the keychain.
    QSignalSpy ready(m_window.get(), &MainWindow::endpointReady);
    QVERIFY(m_window->endpointPicker()->selectProfile(QStringLiteral("Local demo")));
    QVERIFY(ready.wait(10000));
    QCOMPARE(m_window->endpointPicker()->endpoint().apiKey, QStringLiteral("sk-flow-canary"));
    sendText(QStringLiteral("hello via a profile"));
    QVERIFY(waitForAnswer());
    const QString id = m_window->conversations()->currentId();
    QTRY_VERIFY([&] {
        ConversationStore store(dbPath());
        const auto c = store.open() ? store.conversation(id) : std::nullopt;
        return c && c->profile == QLatin1String("Local demo");
    }());

    // The key is in no file the app wrote.
    m_window.reset();
    for (const QString& file : QDir(m_dir->path()).entryList(QDir::Files)) {
        QFile f(m_dir->filePath(file));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(!f.readAll().contains("sk-flow-canary"), qPrintable(file));
    }
    KeyStore keys;
    bool done = false;
    keys.removeKey(QStringLiteral("Local demo"), this,
                   [&](const KeyStore::Result&) { done = true; });
    QTRY_VERIFY(done);
}

void TestConversationFlow::pacedAnswerIsShownWhole_data()
{
    QTest::addColumn<bool>("smooth");
    QTest::newRow("smooth") << true;
    QTest::newRow("off") << false;
}

void TestConversationFlow::pacedAnswerIsShownWhole()
{
    QFETCH(bool, smooth);
    const StreamingMode mode = smooth ? StreamingMode::Smooth : StreamingMode::Off;
    open(QStringLiteral("fixed")); // a token every 20 ms
    m_window->conversations()->setStreaming(mode, 100);
    QCOMPARE(m_window->conversations()->streamingMode(), mode);
    ChatSession* session = m_window->session();
    ChatView* view = m_window->chatView();
    // When the answer has all its text, before its final render: what the view was given piece
    // by piece must be the answer exactly, nothing held back, nothing twice.
    QString shownAtEnd;
    connect(session, &ChatSession::answerEnded, this, [&] { shownAtEnd = view->toPlainText(); });
    QSignalSpy appended(session, &ChatSession::entryAppended);
    QSignalSpy completed(session, &ChatSession::requestCompleted);
    sendText(QStringLiteral("Explain smooth streaming"));
    QVERIFY(completed.wait(30000));
    const RequestTrace trace = completed.first().at(0).value<RequestTrace>();
    QVERIFY(trace.succeeded());
    QVERIFY(appended.count() >= 2);
    for (const QList<QVariant>& args : std::as_const(appended))
        QVERIFY(args.at(3).toLongLong() > 0); // stamped where the bytes arrived

    const ChatEntry answer = session->entries().at(1);
    QCOMPARE(answer.text, trace.text);
    QVERIFY(!answer.text.isEmpty());
    const qsizetype at = shownAtEnd.lastIndexOf(QLatin1Char('\n') + answer.text);
    QVERIFY2(at >= 0, qPrintable(shownAtEnd));
    const QString after = shownAtEnd.mid(at + 1 + answer.text.size());
    QVERIFY2(after.isEmpty() || after.startsWith(QLatin1Char('\n')), qPrintable(after));
    QVERIFY(view->toPlainText().contains(answer.text));

    // The request's record carries the display lag.
    std::optional<double> lag;
    QTRY_VERIFY([&] {
        MetricsStore metrics(dbPath());
        if (!metrics.open())
            return false;
        for (const MetricsRecord& r : metrics.records({}, QDateTime::currentDateTimeUtc()))
            if (r.requestUid == answer.requestUid) {
                lag = r.displayLagP95Ms;
                return true;
            }
        return false;
    }());
    QVERIFY(lag);
    QVERIFY(*lag >= 0);
}

QTEST_MAIN(TestConversationFlow)
#include "tst_conversationflow.moc"

// A whole conversation from the keyboard alone, against the in-process demo endpoint over
// loopback: new conversation, type, send, stop, retry, copy, rate and regenerate, every step a
// key event on the window (as a user without a mouse would press it).
#include "ChatView.h"
#include "ChatWelcome.h"
#include "ComposerEdit.h"
#include "ConversationController.h"
#include "MainWindow.h"
#include "WindowTestHelpers.h"
#include "chat/ChatSession.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestKeyboardConversation : public QObject
{
    Q_OBJECT
private slots:
    void init() { qunsetenv("OPENAI_BASE_URL"); }
    void wholeConversationFromTheKeyboard();
};

namespace {

struct Keys
{
    QWindow* window;
    void press(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
    {
        // Through the window system, as a key press is delivered: shortcuts, focus, popups.
        QTest::keyClick(window, key, modifiers);
    }
    void type(const QString& text)
    {
        for (const QChar c : text)
            QTest::sendKeyEvent(QTest::Click, window, Qt::Key_unknown, c, Qt::NoModifier);
    }
};

QMenu* openMenu()
{
    return qobject_cast<QMenu*>(QApplication::activePopupWidget());
}

// Opens the focused message's action menu (Shift+F10) and chooses label with the arrow keys.
bool chooseFromMenu(Keys& keys, const QString& label)
{
    keys.press(Qt::Key_F10, Qt::ShiftModifier);
    QMenu* menu = openMenu();
    if (!menu)
        return false;
    const QList<QAction*> actions = menu->actions();
    for (int guard = 0; guard < actions.size() + 2; ++guard) {
        if (menu->activeAction() && menu->activeAction()->text() == label) {
            keys.press(Qt::Key_Return);
            return !openMenu();
        }
        keys.press(Qt::Key_Down);
    }
    keys.press(Qt::Key_Escape);
    return false;
}

} // namespace

void TestKeyboardConversation::wholeConversationFromTheKeyboard()
{
    QTemporaryDir dir;
    auto window = windowtest::openWindow(dir, QStringLiteral("realistic"));
    QVERIFY(window);
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window.get()));
    Keys keys{window->windowHandle()};
    auto* view = window->chatView();
    auto* composer = window->findChild<ComposerEdit*>(QStringLiteral("composer"));
    QCOMPARE(QApplication::focusWidget(), composer);

    // New conversation: empty, with the welcome state.
    QSignalSpy changed(window->conversations(), &ConversationController::currentChanged);
    keys.press(Qt::Key_N, Qt::ControlModifier);
    QVERIFY(changed.count() >= 1 || view->entryCount() == 0);
    QCOMPARE(view->entryCount(), 0);
    QVERIFY(view->welcome()->isVisible());

    // Type and send; stop the answer once it streams, from its own action menu.
    ChatSession* session = window->session();
    QSignalSpy appended(session, &ChatSession::entryAppended);
    QSignalSpy completed(session, &ChatSession::requestCompleted);
    QApplication::clipboard()->clear();
    keys.type(QStringLiteral("Explain caching"));
    keys.press(Qt::Key_Return);
    QCOMPARE(view->entryCount(), 2);
    QVERIFY(!view->welcome()->isVisible());
    QVERIFY(appended.wait(10000));
    keys.press(Qt::Key_Tab, Qt::ShiftModifier); // back from the composer to the conversation
    QCOMPARE(QApplication::focusWidget(), view);
    QCOMPARE(view->currentIndex(), 1);
    QVERIFY(chooseFromMenu(keys, QStringLiteral("Stop")));
    QTRY_COMPARE_WITH_TIMEOUT(completed.count(), 1, 10000);
    QCOMPARE(session->entries().at(1).state, ChatEntry::State::Cancelled);
    // The status line shows the figures that exist, and the outcome once.
    const auto* status = window->findChild<QLabel*>(QStringLiteral("statusLine"));
    QTRY_VERIFY(status->text().contains(QStringLiteral("cancelled")));
    QVERIFY2(!status->text().contains(QStringLiteral("cancelled · cancelled")) &&
                 !status->text().contains(QStringLiteral("–")),
             qPrintable(status->text()));

    // Retry the stopped answer; it streams to the end.
    QVERIFY(chooseFromMenu(keys, QStringLiteral("Retry")));
    QTRY_COMPARE_WITH_TIMEOUT(completed.count(), 2, 15000);
    QCOMPARE(session->entries().at(1).state, ChatEntry::State::Done);
    const QString answer = session->entries().at(1).text;
    QVERIFY(!answer.isEmpty());

    // Copy it (Ctrl+C on the focused message): the clipboard has it, the button says so.
    QCOMPARE(view->currentIndex(), 1);
    keys.press(Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), answer);
    QVERIFY(view->isCopyConfirmed(1));

    // Rate it, then regenerate it.
    QVERIFY(chooseFromMenu(keys, QStringLiteral("Good answer")));
    QTRY_COMPARE(session->entries().at(1).rating.value_or(0), 1);
    QVERIFY(chooseFromMenu(keys, QStringLiteral("Regenerate")));
    QTRY_COMPARE_WITH_TIMEOUT(completed.count(), 3, 15000);
    QCOMPARE(session->entries().size(), 2);
    QCOMPARE(session->entries().at(1).state, ChatEntry::State::Done);

    // Up and Down move between the messages; the question offers Edit.
    keys.press(Qt::Key_Up);
    QCOMPARE(view->currentIndex(), 0);
    QVERIFY(view->actions(0).contains({ChatView::Action::Edit, QStringLiteral("Edit")}));
    keys.press(Qt::Key_Down);
    QCOMPARE(view->currentIndex(), 1);
    // Tab goes on to the composer, where typing continues.
    keys.press(Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), composer);
}

QTEST_MAIN(TestKeyboardConversation)
#include "tst_keyboardconversation.moc"

// The chat view offscreen: long conversations open at their end and scroll, streamed deltas
// become the exact text, finished answers render Markdown, and the buttons act.
#include "ChatView.h"
#include "ChatWelcome.h"

#include <QAccessible>
#include <QClipboard>
#include <QGuiApplication>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextList>
#include <QTextTable>

using namespace adminchat;

class TestChatView : public QObject
{
    Q_OBJECT
private slots:
    void opensLongConversationAtEnd();
    void scrollsToTopAndBack();
    void keepsFirstVisibleEntryWhileLayingOut();
    void appendedDeltasMakeExactText();
    void rendersMarkdownWhenFinished();
    void codeCopyButtonCopiesCode();
    void actionButtonsEmitActions();
    void followsEndUnlessScrolledUp();
    void truncateKeepsFirstEntries();
    void updateEntryShowsStateAndMetrics();
    void messagesAreAccessibleItems();
    void emptyConversationWelcomes();
    void reasoningCollapsesOnceTheAnswerStarts();
};

namespace {

const QString kMarkdown = QStringLiteral("# Title\n\n"
                                         "Some text.\n\n"
                                         "- first\n- second\n\n"
                                         "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                                         "```cpp\nint x = 1;\n\nreturn x;\n```\n\n"
                                         "Between.\n\n"
                                         "```\necho hi\n```\n");

ChatEntry user(const QString& text)
{
    ChatEntry entry;
    entry.role = ChatEntry::Role::User;
    entry.text = text;
    return entry;
}

ChatEntry answer(const QString& text, ChatEntry::State state = ChatEntry::State::Done)
{
    ChatEntry entry;
    entry.role = ChatEntry::Role::Assistant;
    entry.state = state;
    entry.model = QStringLiteral("demo-chat");
    entry.text = text;
    return entry;
}

QList<ChatEntry> conversation(int count)
{
    QList<ChatEntry> entries;
    for (int i = 0; i < count; ++i) {
        if (i % 2 == 0) {
            entries << user(QStringLiteral("Question %1?").arg(i));
        } else {
            QString text = QStringLiteral("Answer %1.\n\n").arg(i);
            for (int p = 0; p < 1 + i % 4; ++p)
                text += QStringLiteral("A paragraph of the answer with several words in it. ")
                            .repeated(1 + i % 5) +
                        QStringLiteral("\n\n");
            if (i % 7 == 1)
                text += QStringLiteral("```\ncode line\n```\n");
            entries << answer(text);
        }
    }
    return entries;
}

struct Shown
{
    ChatView view;
    Shown()
    {
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
    }
    void paint() { view.viewport()->repaint(); }
    int bottomEntry() const { return view.entryAt(QPoint(10, view.viewport()->height() - 2)); }
    int topEntry() const { return view.entryAt(QPoint(10, 1)); }
};

} // namespace

void TestChatView::opensLongConversationAtEnd()
{
    Shown s;
    s.view.setEntries(conversation(2000));
    s.paint();
    QCOMPARE(s.view.entryCount(), 2000);
    QVERIFY(s.view.isFollowingEnd());
    QVERIFY(s.view.verticalScrollBar()->maximum() > 0);
    QCOMPARE(s.view.verticalScrollBar()->value(), s.view.verticalScrollBar()->maximum());
    QCOMPARE(s.bottomEntry(), 1999);
}

void TestChatView::scrollsToTopAndBack()
{
    Shown s;
    s.view.setEntries(conversation(2000));
    s.paint();
    s.view.verticalScrollBar()->setValue(0);
    s.paint();
    QCOMPARE(s.view.verticalScrollBar()->value(), 0);
    QCOMPARE(s.topEntry(), 0);
    QVERIFY(!s.view.isFollowingEnd());
    QVERIFY(s.view.toPlainText().startsWith(QStringLiteral("You\nQuestion 0?")));

    s.view.verticalScrollBar()->setValue(s.view.verticalScrollBar()->maximum());
    s.paint();
    QVERIFY(s.view.isFollowingEnd());
    QCOMPARE(s.view.verticalScrollBar()->value(), s.view.verticalScrollBar()->maximum());
    QCOMPARE(s.bottomEntry(), 1999);
}

void TestChatView::keepsFirstVisibleEntryWhileLayingOut()
{
    Shown s;
    s.view.setEntries(conversation(2000));
    s.paint();
    // Jump into the middle, where nothing is laid out yet: the estimates get corrected, but the
    // entry at the top stays there, also when a new width re-wraps everything in view.
    QScrollBar* bar = s.view.verticalScrollBar();
    bar->setValue(bar->maximum() / 2);
    const int top = s.topEntry();
    QVERIFY(top > 0 && top < 1999);
    s.paint();
    QCOMPARE(s.topEntry(), top);
    s.view.resize(350, 400);
    s.paint();
    QCOMPARE(s.topEntry(), top);
    s.view.resize(900, 400);
    s.paint();
    QCOMPARE(s.topEntry(), top);
    QVERIFY(!s.view.isFollowingEnd());
}

void TestChatView::appendedDeltasMakeExactText()
{
    Shown s;
    s.view.addEntry(user(QStringLiteral("Tell me")));
    s.view.addEntry(answer(QString(), ChatEntry::State::Pending));
    QVERIFY(s.view.toPlainText().contains(QStringLiteral("waiting for the first token")));
    s.view.appendToEntry(1, QString(), QStringLiteral("thinking "));
    s.view.appendToEntry(1, QString(), QStringLiteral("hard"));
    const QStringList deltas{QStringLiteral("Hel"),         QStringLiteral("lo, "),
                             QStringLiteral("wor"),         QStringLiteral("ld.\n\nSecond "),
                             QStringLiteral("paragraph\n"), QStringLiteral("- not a list yet")};
    for (const QString& delta : deltas) {
        s.view.appendToEntry(1, delta, QString());
        s.paint();
    }
    // Formatted as it streams: complete blocks, then the one arriving (a list item already).
    const auto shownText = [&] {
        QStringList texts;
        for (const QTextDocument* document : s.view.contentDocuments(1))
            texts << document->toPlainText();
        return texts.join(QLatin1Char('\n'));
    };
    QCOMPARE(shownText(), QStringLiteral("Hello, world.\nSecond paragraph\nnot a list yet"));
    const QString shown = s.view.toPlainText();
    QVERIFY(shown.contains(QStringLiteral("thinking hard\n") + deltas.join(QString())));
    QVERIFY(!shown.contains(QStringLiteral("waiting for the first token")));
    s.view.appendToEntry(1, QStringLiteral("!"), QString());
    QCOMPARE(shownText(), QStringLiteral("Hello, world.\nSecond paragraph\nnot a list yet!"));
    QVERIFY(s.view.isFollowingEnd());
}

void TestChatView::rendersMarkdownWhenFinished()
{
    Shown s;
    s.view.addEntry(user(QStringLiteral("Show me")));
    s.view.addEntry(answer(QString(), ChatEntry::State::Streaming));
    s.view.appendToEntry(1, kMarkdown, QString());
    // While streaming, formatted already: no pipes, fences or hashes.
    for (const QTextDocument* document : s.view.contentDocuments(1)) {
        QVERIFY(!document->toPlainText().contains(QStringLiteral("| a | b |")));
        QVERIFY(!document->toPlainText().contains(QStringLiteral("```")));
        QVERIFY(!document->toPlainText().contains(QStringLiteral("# Title")));
    }

    s.view.updateEntry(1, answer(kMarkdown));
    bool heading = false, list = false, code = false;
    QTextTable* table = nullptr;
    for (const QTextDocument* document : s.view.contentDocuments(1)) {
        QVERIFY(!document->toPlainText().contains(QStringLiteral("| a | b |")));
        for (QTextFrame* frame : document->rootFrame()->childFrames())
            table = table ? table : qobject_cast<QTextTable*>(frame);
        for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
            heading =
                heading || (block.blockFormat().headingLevel() == 1 && block.text() == "Title");
            list = list || (block.textList() && block.text() == QStringLiteral("second"));
            if (block.text() == QStringLiteral("int x = 1;")) {
                code = true;
                const QTextCharFormat format = block.begin().fragment().charFormat();
                QVERIFY(format.fontFixedPitch());
                QVERIFY(block.blockFormat().background().style() != Qt::NoBrush);
            }
        }
    }
    QVERIFY(heading);
    QVERIFY(list);
    QVERIFY(code);
    QVERIFY(table);
    QCOMPARE(table->rows(), 2);
    QCOMPARE(table->cellAt(1, 1).firstCursorPosition().block().text(), QStringLiteral("2"));
    QVERIFY(!s.view.codeCopyRect(1, 1).isNull());
    QVERIFY(s.view.codeCopyRect(1, 2).isNull());
    // The source stays what the model wrote.
    QVERIFY(s.view.toPlainText().contains(kMarkdown));
}

void TestChatView::codeCopyButtonCopiesCode()
{
    Shown s;
    QList<ChatEntry> entries = conversation(400);
    entries[5] = answer(kMarkdown);
    s.view.setEntries(entries);
    s.paint();
    QClipboard* clipboard = QGuiApplication::clipboard();
    clipboard->clear();
    const QRect first = s.view.codeCopyRect(5, 0);
    QVERIFY(s.view.viewport()->rect().contains(first));
    QTest::mouseClick(s.view.viewport(), Qt::LeftButton, {}, first.center());
    QCOMPARE(clipboard->text(), QStringLiteral("int x = 1;\n\nreturn x;"));
    QTest::mouseClick(s.view.viewport(), Qt::LeftButton, {}, s.view.codeCopyRect(5, 1).center());
    QCOMPARE(clipboard->text(), QStringLiteral("echo hi"));
}

void TestChatView::actionButtonsEmitActions()
{
    Shown s;
    QList<ChatEntry> entries = conversation(2000);
    entries[7] = answer(QStringLiteral("partial"), ChatEntry::State::Failed);
    entries[1999] = answer(QStringLiteral("streaming"), ChatEntry::State::Streaming);
    s.view.setEntries(entries);
    s.paint();
    QSignalSpy triggered(&s.view, &ChatView::actionTriggered);
    const auto click = [&](int index, ChatView::Action action) {
        const QRect rect = s.view.actionRect(index, action);
        QVERIFY(!rect.isNull());
        QVERIFY(s.view.viewport()->rect().contains(rect));
        QTest::mouseClick(s.view.viewport(), Qt::LeftButton, {}, rect.center());
    };
    const auto last = [&] {
        const QList<QVariant> args = triggered.takeLast();
        return std::pair(args.at(0).toInt(), args.at(1).value<ChatView::Action>());
    };
    click(4, ChatView::Action::Edit);
    QCOMPARE(last(), std::pair(4, ChatView::Action::Edit));
    click(1001, ChatView::Action::Regenerate);
    QCOMPARE(last(), std::pair(1001, ChatView::Action::Regenerate));
    click(3, ChatView::Action::RateDown);
    QCOMPARE(last(), std::pair(3, ChatView::Action::RateDown));
    click(7, ChatView::Action::Retry);
    QCOMPARE(last(), std::pair(7, ChatView::Action::Retry));
    click(1999, ChatView::Action::Stop);
    QCOMPARE(last(), std::pair(1999, ChatView::Action::Stop));

    // Copy is done by the view itself.
    click(10, ChatView::Action::Copy);
    QVERIFY(triggered.isEmpty());
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("Question 10?"));

    // Buttons a message does not have.
    QVERIFY(s.view.actionRect(10, ChatView::Action::Regenerate).isNull());
    QVERIFY(s.view.actionRect(1999, ChatView::Action::Copy).isNull());
    QVERIFY(s.view.actionRect(7, ChatView::Action::RateUp).isNull());
    QVERIFY(s.view.actionRect(2000, ChatView::Action::Copy).isNull());
}

void TestChatView::followsEndUnlessScrolledUp()
{
    Shown s;
    s.view.setEntries(conversation(200));
    s.paint();
    QScrollBar* bar = s.view.verticalScrollBar();
    QVERIFY(s.view.isFollowingEnd());
    bar->setValue(bar->maximum() - 200);
    s.paint();
    QVERIFY(!s.view.isFollowingEnd());
    const int value = bar->value();
    const int top = s.topEntry();
    s.view.addEntry(user(QStringLiteral("more")));
    s.view.addEntry(answer(QStringLiteral("growing"), ChatEntry::State::Streaming));
    s.view.appendToEntry(201, QStringLiteral(" and growing\n\nmore").repeated(20), QString());
    s.paint();
    QCOMPARE(bar->value(), value);
    QCOMPARE(s.topEntry(), top);
    QVERIFY(!s.view.isFollowingEnd());

    bar->setValue(bar->maximum());
    QVERIFY(s.view.isFollowingEnd());
    s.view.appendToEntry(201, QStringLiteral("\n\nlonger").repeated(20), QString());
    s.paint();
    QCOMPARE(bar->value(), bar->maximum());
    QCOMPARE(s.bottomEntry(), 201);
}

void TestChatView::truncateKeepsFirstEntries()
{
    Shown s;
    s.view.setEntries(conversation(50));
    s.paint();
    s.view.truncate(3);
    s.paint();
    QCOMPARE(s.view.entryCount(), 3);
    QVERIFY(s.view.toPlainText().contains(QStringLiteral("Question 2?")));
    QVERIFY(!s.view.toPlainText().contains(QStringLiteral("Answer 3.")));
    QVERIFY(s.view.isFollowingEnd());
    QVERIFY(s.view.actionRect(3, ChatView::Action::Copy).isNull());
    s.view.addEntry(answer(QStringLiteral("Answer again.")));
    QCOMPARE(s.view.entryCount(), 4);
    QVERIFY(s.view.toPlainText().endsWith(QStringLiteral("Answer again.")));
    s.view.truncate(0);
    QCOMPARE(s.view.entryCount(), 0);
    QVERIFY(s.view.toPlainText().isEmpty());
    s.paint();
}

void TestChatView::updateEntryShowsStateAndMetrics()
{
    Shown s;
    s.view.addEntry(user(QStringLiteral("Hi")));
    s.view.addEntry(answer(QString(), ChatEntry::State::Pending));
    QVERIFY(!s.view.actionRect(1, ChatView::Action::Stop).isNull());
    s.view.appendToEntry(1, QStringLiteral("Partial"), QString());

    ChatEntry failed = answer(QStringLiteral("Partial"), ChatEntry::State::Failed);
    failed.error = ApiError{ApiError::Kind::IdleTimeout, QStringLiteral("no data for 30 s")};
    s.view.updateEntry(1, failed);
    QVERIFY(s.view.toPlainText().endsWith(QStringLiteral("Partial\nError: no data for 30 s")));
    QVERIFY(s.view.actionRect(1, ChatView::Action::Stop).isNull());
    QVERIFY(!s.view.actionRect(1, ChatView::Action::Retry).isNull());

    ChatEntry done = answer(QStringLiteral("Full **answer**"));
    RequestMetrics metrics;
    metrics.ttftMs = 312.4;
    metrics.tokensPerSecond = 41.23;
    metrics.e2eMs = 1234;
    done.metrics = metrics;
    done.rating = 1;
    s.view.updateEntry(1, done);
    s.paint();
    QVERIFY(s.view.toPlainText().contains(QStringLiteral("TTFT 312 ms · 41.2 tok/s · E2E 1.2 s")));
    QCOMPARE(s.view.contentDocuments(1).first()->toPlainText(), QStringLiteral("Full answer"));
    QVERIFY(!s.view.actionRect(1, ChatView::Action::RateUp).isNull());
    QVERIFY(!s.view.toPlainText().contains(QStringLiteral("no data")));

    ChatEntry stopped = answer(QStringLiteral("Cut"), ChatEntry::State::Cancelled);
    s.view.updateEntry(1, stopped);
    QVERIFY(s.view.toPlainText().endsWith(QStringLiteral("Cut\n[stopped]")));
    s.view.updateEntry(5, stopped); // out of range: ignored
    QCOMPARE(s.view.entryCount(), 2);
}

void TestChatView::messagesAreAccessibleItems()
{
    Shown s;
    s.view.setEntries({user(QStringLiteral("Hi")), answer(QStringLiteral("Some **bold** text"))});
    QAccessibleInterface* view = QAccessible::queryAccessibleInterface(&s.view);
    QVERIFY(view);
    QCOMPARE(view->role(), QAccessible::List);
    QCOMPARE(view->text(QAccessible::Name), QStringLiteral("Conversation"));
    QCOMPARE(view->childCount(), 2);
    QAccessibleInterface* item = view->child(1);
    QCOMPARE(item->role(), QAccessible::ListItem);
    QCOMPARE(item->text(QAccessible::Name), QStringLiteral("Assistant · demo-chat"));
    QCOMPARE(view->indexOfChild(item), 1);
    QCOMPARE(item->parent(), view);
    QAccessibleTextInterface* text = item->textInterface();
    QVERIFY(text);
    QCOMPARE(text->text(0, -1), QStringLiteral("Some bold text")); // as shown, not the markup
    QAccessibleActionInterface* actions = item->actionInterface();
    QVERIFY(actions);
    QVERIFY(actions->actionNames().contains(QStringLiteral("Regenerate")));
    QSignalSpy triggered(&s.view, &ChatView::actionTriggered);
    actions->doAction(QStringLiteral("Good answer"));
    QCOMPARE(triggered.size(), 1);
    QCOMPARE(triggered.first().at(1).value<ChatView::Action>(), ChatView::Action::RateUp);
    QVERIFY(!item->rect().isEmpty());
    // Fewer messages: the items that went are invalid, not dangling.
    s.view.truncate(1);
    QCOMPARE(view->childCount(), 1);
    QVERIFY(!view->child(1));
}

void TestChatView::emptyConversationWelcomes()
{
    Shown s;
    auto* welcome = qobject_cast<ChatWelcome*>(s.view.welcome());
    QVERIFY(welcome && welcome->isVisible());
    QVERIFY(welcome->text().contains(QStringLiteral("simulated endpoint")));
    for (const char* shortcut : {"Ctrl+N", "Esc", "Ctrl+R", "Ctrl+Shift+C", "Ctrl+2"})
        QVERIFY2(welcome->text().contains(QLatin1String(shortcut)), shortcut);
    // "Add your endpoint" is a real button: in the Tab order, pressed from the keyboard.
    QSignalSpy add(&s.view, &ChatView::addEndpointRequested);
    welcome->addEndpointButton()->setFocus();
    QTest::keyClick(welcome->addEndpointButton(), Qt::Key_Space);
    QCOMPARE(add.size(), 1);
    s.view.addEntry(user(QStringLiteral("Hello")));
    QVERIFY(!welcome->isVisible());
    s.view.truncate(0);
    QVERIFY(welcome->isVisible());
}

void TestChatView::reasoningCollapsesOnceTheAnswerStarts()
{
    Shown s;
    s.view.addEntry(user(QStringLiteral("Think first")));
    s.view.addEntry(answer(QString(), ChatEntry::State::Streaming));
    s.view.appendToEntry(1, QString(), QStringLiteral("The user wants **two** steps:\n\n1. a\n"));
    s.paint();
    QVERIFY(s.view.hasReasoning(1));
    QVERIFY(s.view.isReasoningExpanded(1)); // open while it streams
    QVERIFY(s.view.toPlainText().contains(QStringLiteral("Thinking…")));
    const int withThinking = s.view.visualRect(1).height();
    s.view.appendToEntry(1, QStringLiteral("The answer."), QString());
    s.paint();
    QVERIFY(!s.view.isReasoningExpanded(1)); // closed once the answer starts
    QVERIFY(s.view.visualRect(1).height() < withThinking);
    QVERIFY(s.view.toPlainText().contains(QStringLiteral("Thinking (6 words)")));
    // The reader opens it again: from the keyboard, by a click on the toggle.
    s.view.setFocus();
    s.view.setCurrentIndex(1);
    QTest::keyClick(&s.view, Qt::Key_Right);
    QVERIFY(s.view.isReasoningExpanded(1));
    QTest::keyClick(&s.view, Qt::Key_Left);
    QVERIFY(!s.view.isReasoningExpanded(1));
    const QRect toggle = s.view.reasoningToggleRect(1);
    QVERIFY(!toggle.isNull());
    QTest::mouseClick(s.view.viewport(), Qt::LeftButton, {}, toggle.center());
    QVERIFY(s.view.isReasoningExpanded(1));
    // Its text is rendered Markdown too; the reader's choice holds when the answer ends.
    s.view.updateEntry(1, [] {
        ChatEntry done = answer(QStringLiteral("The answer."));
        done.reasoning = QStringLiteral("The user wants **two** steps:\n\n1. a\n");
        return done;
    }());
    QVERIFY(s.view.isReasoningExpanded(1));
    // Thinking that arrives after the answer started (some servers interleave) is kept.
    s.view.addEntry(answer(QString(), ChatEntry::State::Streaming));
    s.view.appendToEntry(2, QString(), QStringLiteral("First thought."));
    s.paint();
    s.view.appendToEntry(2, QStringLiteral("The answer."), QString());
    s.paint();
    s.view.appendToEntry(2, QString(), QStringLiteral(" Late thought."));
    s.view.appendToEntry(2, QStringLiteral(" More."), QString());
    s.paint();
    QVERIFY(s.view.toPlainText().contains(QStringLiteral("First thought. Late thought.")));
    QVERIFY(s.view.toPlainText().endsWith(QStringLiteral("The answer. More.")));
}

QTEST_MAIN(TestChatView)
#include "tst_chatview.moc"

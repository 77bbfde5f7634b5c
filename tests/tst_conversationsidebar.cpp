// The conversation sidebar offscreen: listing, selection across relistings, activation by mouse
// and keyboard, inline rename, delete and undo, debounced search, empty state and export menu.
#include "ConversationListModel.h"
#include "ConversationSidebar.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QContextMenuEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTest>

using namespace adminchat;

namespace {

ConversationRecord record(const QString& id, const QString& title, int minutesAgo,
                          const QString& model = QStringLiteral("demo-chat"))
{
    ConversationRecord conversation;
    conversation.id = id;
    conversation.title = title;
    conversation.updatedUtc = QDateTime::currentDateTimeUtc().addSecs(-60 * minutesAgo);
    conversation.createdUtc = conversation.updatedUtc;
    conversation.model = model;
    conversation.messageCount = 2;
    return conversation;
}

QList<ConversationRecord> threeConversations()
{
    return {record("c", "Tuning vLLM", 5), record("b", QString(), 90),
            record("a", "A very long title about quantisation and batching", 60 * 24 * 3)};
}

} // namespace

class TestConversationSidebar : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void listing();
    void relativeTimes();
    void selectionKeptAcrossListings();
    void activationByClickAndEnter();
    void renameByEditing();
    void deleteKey();
    void deleteShowsUndo();
    void searchIsDebounced();
    void emptyState();
    void contextMenu();
    void rightClickKeepsTheShownConversation();

private:
    QListView* list() const
    {
        return m_sidebar->findChild<QListView*>(QStringLiteral("conversationList"));
    }
    QModelIndex indexOf(const QString& id) const
    {
        auto* model = list()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data(ConversationListModel::IdRole).toString() == id)
                return model->index(row, 0);
        }
        return {};
    }
    QLineEdit* editor() const
    {
        for (auto* edit : list()->viewport()->findChildren<QLineEdit*>()) {
            if (edit->isVisible())
                return edit;
        }
        return nullptr;
    }
    QMenu* openMenuAt(const QString& id)
    {
        emit list()->customContextMenuRequested(list()->visualRect(indexOf(id)).center());
        // Menus closed before are deleted later: the visible one is this one.
        for (auto* menu : m_sidebar->findChildren<QMenu*>(QStringLiteral("conversationMenu"))) {
            if (menu->isVisible())
                return menu;
        }
        return nullptr;
    }

    std::unique_ptr<ConversationSidebar> m_sidebar;
};

void TestConversationSidebar::init()
{
    m_sidebar = std::make_unique<ConversationSidebar>();
    m_sidebar->resize(280, 500);
    m_sidebar->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_sidebar.get()));
    QVERIFY(list());
    QVERIFY(m_sidebar->findChild<QPushButton*>(QStringLiteral("newConversationButton")));
}

void TestConversationSidebar::cleanup()
{
    m_sidebar.reset();
}

void TestConversationSidebar::listing()
{
    QSignalSpy newSpy(m_sidebar.get(), &ConversationSidebar::newConversationRequested);
    QTest::mouseClick(m_sidebar->findChild<QPushButton*>(QStringLiteral("newConversationButton")),
                      Qt::LeftButton);
    QCOMPARE(newSpy.count(), 1);

    QList<ConversationRecord> conversations = threeConversations();
    conversations[2].snippet = QStringLiteral("…continuous batching helps…");
    m_sidebar->setConversations(conversations);
    auto* model = list()->model();
    QCOMPARE(model->rowCount(), 3);
    QVERIFY(list()->isVisible());
    QCOMPARE(model->index(0, 0).data().toString(), QStringLiteral("Tuning vLLM"));
    QCOMPARE(model->index(1, 0).data().toString(), QStringLiteral("New conversation"));
    QCOMPARE(model->index(0, 0).data(ConversationListModel::SubtitleRole).toString(),
             QStringLiteral("5 min ago · demo-chat"));
    QCOMPARE(model->index(2, 0).data(ConversationListModel::SubtitleRole).toString(),
             QStringLiteral("…continuous batching helps…"));
    QCOMPARE(model->index(1, 0).data(ConversationListModel::IdRole).toString(),
             QStringLiteral("b"));
    // Rows are two lines high and laid out in the view.
    QVERIFY(list()->visualRect(model->index(1, 0)).height() >
            2 * list()->fontMetrics().height() - 4);
}

void TestConversationSidebar::relativeTimes()
{
    const QDateTime now = QDateTime(QDate(2024, 5, 15), QTime(12, 0), Qt::UTC);
    QCOMPARE(ConversationListModel::relativeTime(now.addSecs(-20), now),
             QStringLiteral("just now"));
    QCOMPARE(ConversationListModel::relativeTime(now.addSecs(-5 * 60), now),
             QStringLiteral("5 min ago"));
    QCOMPARE(ConversationListModel::relativeTime(now.addSecs(-3 * 3600), now),
             QStringLiteral("3 h ago"));
    const QString old = ConversationListModel::relativeTime(now.addDays(-40), now);
    QVERIFY2(old.contains(QStringLiteral("Apr")) || old.contains(QStringLiteral("5")),
             qPrintable(old));
    QVERIFY(ConversationListModel::relativeTime(QDateTime(), now).isEmpty());
}

void TestConversationSidebar::selectionKeptAcrossListings()
{
    QSignalSpy activated(m_sidebar.get(), &ConversationSidebar::conversationActivated);
    m_sidebar->setConversations(threeConversations());
    m_sidebar->setCurrentConversation(QStringLiteral("b"));
    QCOMPARE(m_sidebar->currentConversation(), QStringLiteral("b"));
    QCOMPARE(list()->currentIndex(), indexOf("b"));
    QVERIFY(list()->selectionModel()->isSelected(indexOf("b")));

    // A new conversation on top and "b" moved: still selected.
    QList<ConversationRecord> relisted = threeConversations();
    relisted.prepend(record("d", "Fresh", 0));
    relisted.move(2, 0);
    m_sidebar->setConversations(relisted);
    QCOMPARE(list()->currentIndex().data(ConversationListModel::IdRole).toString(),
             QStringLiteral("b"));
    QCOMPARE(list()->selectionModel()->selectedIndexes().size(), 1);

    // Not in a search result: nothing selected, still current; back when listed again.
    m_sidebar->setConversations({record("a", "A", 1)});
    QVERIFY(list()->selectionModel()->selectedIndexes().isEmpty());
    QCOMPARE(m_sidebar->currentConversation(), QStringLiteral("b"));
    m_sidebar->setConversations(relisted);
    QVERIFY(list()->selectionModel()->isSelected(indexOf("b")));
    QCOMPARE(activated.count(), 0);
}

void TestConversationSidebar::activationByClickAndEnter()
{
    QSignalSpy activated(m_sidebar.get(), &ConversationSidebar::conversationActivated);
    m_sidebar->setConversations(threeConversations());
    QTest::mouseClick(list()->viewport(), Qt::LeftButton, {},
                      list()->visualRect(indexOf("b")).center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toString(), QStringLiteral("b"));
    QCOMPARE(m_sidebar->currentConversation(), QStringLiteral("b"));

    // Up/Down only move; Enter opens.
    list()->setFocus();
    QTest::keyClick(list(), Qt::Key_Down);
    QCOMPARE(activated.count(), 0);
    QTest::keyClick(list(), Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toString(), QStringLiteral("a"));
    QTest::keyClick(list(), Qt::Key_Up);
    QTest::keyClick(list(), Qt::Key_Up);
    QTest::keyClick(list(), Qt::Key_Enter);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toString(), QStringLiteral("c"));
}

void TestConversationSidebar::renameByEditing()
{
    QSignalSpy renamed(m_sidebar.get(), &ConversationSidebar::renameRequested);
    QSignalSpy activated(m_sidebar.get(), &ConversationSidebar::conversationActivated);
    m_sidebar->setConversations(threeConversations());
    m_sidebar->setCurrentConversation(QStringLiteral("c"));

    // F2 edits the selected row; the editor holds the stored title.
    list()->setFocus();
    QTest::keyClick(list(), Qt::Key_F2);
    QLineEdit* edit = editor();
    QVERIFY(edit);
    QCOMPARE(edit->text(), QStringLiteral("Tuning vLLM"));
    edit->setText(QStringLiteral("  Tuning vLLM on two GPUs  "));
    QTest::keyClick(edit, Qt::Key_Return); // commits from the event loop
    QTRY_COMPARE(renamed.count(), 1);
    QCOMPARE(renamed.first().at(0).toString(), QStringLiteral("c"));
    QCOMPARE(renamed.first().at(1).toString(), QStringLiteral("Tuning vLLM on two GPUs"));
    QCOMPARE(indexOf("c").data().toString(), QStringLiteral("Tuning vLLM on two GPUs"));
    QCOMPARE(activated.count(), 0); // Enter in the editor commits, it does not open

    // Double-click (its first click opens the row) edits too; an empty title is ignored.
    QTest::mouseClick(list()->viewport(), Qt::LeftButton, {},
                      list()->visualRect(indexOf("b")).center());
    QTest::mouseDClick(list()->viewport(), Qt::LeftButton, {},
                       list()->visualRect(indexOf("b")).center());
    edit = editor();
    QVERIFY(edit);
    QVERIFY(edit->text().isEmpty());
    edit->setText(QStringLiteral("   "));
    QTest::keyClick(edit, Qt::Key_Return);
    QTRY_VERIFY(!editor());
    QCOMPARE(renamed.count(), 1);
    QCOMPARE(indexOf("b").data().toString(), QStringLiteral("New conversation"));

    // The context menu's Rename opens the editor as well.
    QMenu* menu = openMenuAt(QStringLiteral("a"));
    QVERIFY(menu);
    menu->findChild<QAction*>(QStringLiteral("renameAction"))->trigger();
    menu->close();
    QTRY_VERIFY(editor());
    editor()->setText(QStringLiteral("Quantisation"));
    QTest::keyClick(editor(), Qt::Key_Return);
    QTRY_COMPARE(renamed.count(), 2);
    QCOMPARE(renamed.last().at(0).toString(), QStringLiteral("a"));
    QCOMPARE(renamed.last().at(1).toString(), QStringLiteral("Quantisation"));
}

void TestConversationSidebar::deleteKey()
{
    QSignalSpy deleted(m_sidebar.get(), &ConversationSidebar::deleteRequested);
    m_sidebar->setConversations(threeConversations());
    list()->setFocus();
    list()->setCurrentIndex(indexOf("b"));
    QTest::keyClick(list(), Qt::Key_Delete);
    QCOMPARE(deleted.count(), 1);
    QCOMPARE(deleted.first().at(0).toString(), QStringLiteral("b"));
}

void TestConversationSidebar::deleteShowsUndo()
{
    QSignalSpy undo(m_sidebar.get(), &ConversationSidebar::undoDeleteRequested);
    m_sidebar->setConversations(threeConversations());
    auto* bar = m_sidebar->findChild<QWidget*>(QStringLiteral("undoBar"));
    auto* button = m_sidebar->findChild<QPushButton*>(QStringLiteral("undoDeleteButton"));
    QVERIFY(bar && button);
    QVERIFY(!bar->isVisible());

    m_sidebar->showDeleted(QStringLiteral("c"), QStringLiteral("Tuning vLLM"));
    QVERIFY(bar->isVisible());
    const auto labels = bar->findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel* label) {
        return label->text() == QStringLiteral("Deleted “Tuning vLLM”");
    }));
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(undo.count(), 1);
    QCOMPARE(undo.first().at(0).toString(), QStringLiteral("c"));
    QVERIFY(!bar->isVisible());
}

void TestConversationSidebar::searchIsDebounced()
{
    QSignalSpy search(m_sidebar.get(), &ConversationSidebar::searchChanged);
    auto* field = m_sidebar->findChild<QLineEdit*>(QStringLiteral("conversationSearch"));
    QVERIFY(field);
    QVERIFY(field->isClearButtonEnabled());
    QTest::keyClicks(field, QStringLiteral("batch"));
    QCOMPARE(search.count(), 0); // five keystrokes, no search yet
    QVERIFY(search.wait(2000));
    QCOMPARE(search.count(), 1);
    QCOMPARE(search.first().at(0).toString(), QStringLiteral("batch"));
    QCOMPARE(m_sidebar->searchText(), QStringLiteral("batch"));

    field->clear();
    QVERIFY(search.wait(2000));
    QCOMPARE(search.count(), 2);
    QVERIFY(search.last().at(0).toString().isEmpty());
}

void TestConversationSidebar::emptyState()
{
    auto* empty = m_sidebar->findChild<QLabel*>(QStringLiteral("conversationEmptyState"));
    QVERIFY(empty);
    QVERIFY(empty->isVisible());
    QVERIFY(!list()->isVisible());
    QVERIFY(empty->text().startsWith(QStringLiteral("No conversations yet")));

    m_sidebar->setConversations(threeConversations());
    QVERIFY(list()->isVisible());
    QVERIFY(!empty->isVisible());

    QSignalSpy search(m_sidebar.get(), &ConversationSidebar::searchChanged);
    m_sidebar->findChild<QLineEdit*>(QStringLiteral("conversationSearch"))
        ->setText(QStringLiteral("zebra"));
    QVERIFY(search.wait(2000));
    m_sidebar->setConversations({});
    QVERIFY(empty->isVisible());
    QCOMPARE(empty->text(), QStringLiteral("No conversation matches “zebra”."));
}

void TestConversationSidebar::contextMenu()
{
    QSignalSpy exported(m_sidebar.get(), &ConversationSidebar::exportRequested);
    QSignalSpy deleted(m_sidebar.get(), &ConversationSidebar::deleteRequested);
    m_sidebar->setConversations(threeConversations());

    QMenu* menu = openMenuAt(QStringLiteral("b"));
    QVERIFY(menu);
    QCOMPARE(menu->findChild<QAction*>(QStringLiteral("exportMarkdownAction"))->text(),
             QStringLiteral("Export as Markdown…"));
    menu->findChild<QAction*>(QStringLiteral("exportMarkdownAction"))->trigger();
    menu->close();
    QCOMPARE(exported.count(), 1);
    QCOMPARE(exported.last(), QVariantList({QStringLiteral("b"), QStringLiteral("md")}));

    menu = openMenuAt(QStringLiteral("a"));
    QVERIFY(menu);
    menu->findChild<QAction*>(QStringLiteral("exportJsonAction"))->trigger();
    menu->close();
    QCOMPARE(exported.count(), 2);
    QCOMPARE(exported.last(), QVariantList({QStringLiteral("a"), QStringLiteral("json")}));

    menu = openMenuAt(QStringLiteral("c"));
    QVERIFY(menu);
    menu->findChild<QAction*>(QStringLiteral("deleteAction"))->trigger();
    menu->close();
    QCOMPARE(deleted.count(), 1);
    QCOMPARE(deleted.first().at(0).toString(), QStringLiteral("c"));
}

void TestConversationSidebar::rightClickKeepsTheShownConversation()
{
    QSignalSpy activated(m_sidebar.get(), &ConversationSidebar::conversationActivated);
    QSignalSpy exported(m_sidebar.get(), &ConversationSidebar::exportRequested);
    m_sidebar->setConversations(threeConversations());
    m_sidebar->setCurrentConversation(QStringLiteral("c"));
    const auto highlighted = [this] {
        QStringList ids;
        for (const QModelIndex& index : list()->selectionModel()->selectedIndexes())
            ids << index.data(ConversationListModel::IdRole).toString();
        return ids;
    };

    // A right click as the platform delivers it: the press, then the context menu event.
    const QPoint onA = list()->visualRect(indexOf("a")).center();
    QTest::mousePress(list()->viewport(), Qt::RightButton, {}, onA);
    QContextMenuEvent event(QContextMenuEvent::Mouse, onA, list()->viewport()->mapToGlobal(onA));
    QApplication::sendEvent(list()->viewport(), &event);
    QTest::mouseRelease(list()->viewport(), Qt::RightButton, {}, onA);
    QMenu* menu = nullptr;
    for (auto* candidate : m_sidebar->findChildren<QMenu*>(QStringLiteral("conversationMenu"))) {
        if (candidate->isVisible())
            menu = candidate;
    }
    QVERIFY(menu);
    // The highlight stays on the conversation shown while the menu is up.
    QCOMPARE(highlighted(), QStringList{QStringLiteral("c")});
    QCOMPARE(list()->currentIndex(), indexOf("c"));

    // The menu acts on the row clicked, and nothing else is opened.
    menu->findChild<QAction*>(QStringLiteral("exportJsonAction"))->trigger();
    menu->close();
    QCOMPARE(exported.count(), 1);
    QCOMPARE(exported.last(), QVariantList({QStringLiteral("a"), QStringLiteral("json")}));
    QCOMPARE(activated.count(), 0);
    QCOMPARE(m_sidebar->currentConversation(), QStringLiteral("c"));
    QCOMPARE(highlighted(), QStringList{QStringLiteral("c")});
}

QTEST_MAIN(TestConversationSidebar)
#include "tst_conversationsidebar.moc"

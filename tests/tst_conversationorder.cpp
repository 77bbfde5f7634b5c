// The order of the conversation list over a real SQLite file, through HistoryService as the
// window drives it, shown in the sidebar offscreen: a new message moves its conversation to the
// top and relists; a rename or an update of a streaming answer does neither.
#include "ConversationListModel.h"
#include "ConversationSidebar.h"
#include "store/ConversationStore.h"
#include "store/HistoryService.h"

#include <QListView>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestConversationOrder : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void newMessageMovesToTopRenameDoesNot();

private:
    QStringList shownTitles() const;
    void relist();
    ConversationRecord create(const QString& title);
    MessageRecord message(const QString& conversationId, int seq, MessageRole role,
                          const QString& content) const;

    QTemporaryDir m_dir;
    std::unique_ptr<HistoryService> m_service;
    std::unique_ptr<ConversationSidebar> m_sidebar;
    QList<ConversationRecord> m_listing;
};

void TestConversationOrder::init()
{
    QVERIFY(m_dir.isValid());
    m_service = std::make_unique<HistoryService>(
        m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + ".sqlite"));
    QSignalSpy opened(m_service.get(), &HistoryService::opened);
    m_service->open();
    QCOMPARE(opened.count(), 1);
    connect(m_service.get(), &HistoryService::listed, this,
            [this](const QString&, const QList<ConversationRecord>& conversations) {
                m_listing = conversations;
            });
    m_sidebar = std::make_unique<ConversationSidebar>();
    m_sidebar->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_sidebar.get()));
}

void TestConversationOrder::cleanup()
{
    m_sidebar.reset();
    m_service.reset();
}

QStringList TestConversationOrder::shownTitles() const
{
    const QAbstractItemModel* model =
        m_sidebar->findChild<QListView*>(QStringLiteral("conversationList"))->model();
    QStringList titles;
    for (int row = 0; row < model->rowCount(); ++row)
        titles << model->index(row, 0).data().toString();
    return titles;
}

void TestConversationOrder::relist()
{
    m_service->list(QString());
    m_sidebar->setConversations(m_listing);
}

ConversationRecord TestConversationOrder::create(const QString& title)
{
    ConversationRecord conversation;
    conversation.id = ConversationStore::newId();
    conversation.createdUtc = QDateTime::currentDateTimeUtc();
    conversation.model = QStringLiteral("demo-chat");
    m_service->create(conversation);
    m_service->saveMessage(message(conversation.id, 0, MessageRole::User, title));
    QTest::qWait(5); // distinct update times, at millisecond resolution
    return conversation;
}

MessageRecord TestConversationOrder::message(const QString& conversationId, int seq,
                                             MessageRole role, const QString& content) const
{
    MessageRecord record;
    record.conversationId = conversationId;
    record.seq = seq;
    record.role = role;
    record.content = content;
    record.createdUtc = QDateTime::currentDateTimeUtc();
    return record;
}

void TestConversationOrder::newMessageMovesToTopRenameDoesNot()
{
    const ConversationRecord older = create(QStringLiteral("Older"));
    const ConversationRecord newer = create(QStringLiteral("Newer"));
    relist();
    QCOMPARE(shownTitles(), (QStringList{"Newer", "Older"}));
    m_sidebar->setCurrentConversation(newer.id);

    QSignalSpy changed(m_service.get(), &HistoryService::conversationsChanged);
    // An answer starts streaming in the older conversation: new message, the list changes.
    MessageRecord answer = message(older.id, 1, MessageRole::Assistant, QStringLiteral("Par"));
    answer.status = MessageStatus::Streaming;
    m_service->saveMessage(answer);
    QCOMPARE(changed.count(), 1);
    relist();
    QCOMPARE(shownTitles(), (QStringList{"Older", "Newer"}));
    // The highlight follows the conversation shown, not the row it was on.
    QCOMPARE(m_sidebar->currentConversation(), newer.id);
    QCOMPARE(m_sidebar->findChild<QListView*>(QStringLiteral("conversationList"))
                 ->currentIndex()
                 .data(ConversationListModel::IdRole)
                 .toString(),
             newer.id);

    // Its next saves while streaming are updates: no relisting for each.
    QTest::qWait(5);
    answer.content = QStringLiteral("Paris.");
    answer.status = MessageStatus::Done;
    m_service->saveMessage(answer);
    QCOMPARE(changed.count(), 1);

    // Renaming the conversation further down relists (its title changed) but does not move it.
    QTest::qWait(5);
    m_service->rename(newer.id, QStringLiteral("Renamed"));
    QCOMPARE(changed.count(), 2);
    relist();
    QCOMPARE(shownTitles(), (QStringList{"Older", "Renamed"}));

    // A new message in it does.
    QTest::qWait(5);
    m_service->saveMessage(message(newer.id, 1, MessageRole::Assistant, QStringLiteral("Yes.")));
    QCOMPARE(changed.count(), 3);
    relist();
    QCOMPARE(shownTitles(), (QStringList{"Renamed", "Older"}));
}

QTEST_MAIN(TestConversationOrder)
#include "tst_conversationorder.moc"

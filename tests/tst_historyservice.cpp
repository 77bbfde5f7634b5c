// HistoryService on its thread, driven by queued calls as the GUI drives it, over a real file.
#include "store/ConversationStore.h"
#include "store/HistoryService.h"
#include "store/HistoryThread.h"

#include <QDeadlineTimer>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace adminchat;

namespace {

MessageRecord message(const QString& id, int seq, const QString& role, const QString& content,
                      MessageStatus status = MessageStatus::Done)
{
    MessageRecord m;
    m.conversationId = id;
    m.seq = seq;
    m.role = *roleFromName(role);
    m.content = content;
    m.status = status;
    return m;
}

// What the service reported, received on the test's thread through queued connections (as the
// GUI receives it), so nothing here is touched by two threads. Signals from one thread arrive in
// the order they were sent.
class Recorder : public QObject
{
public:
    explicit Recorder(HistoryService* service)
    {
        connect(service, &HistoryService::opened, this,
                [this](const QString& path, const QString& movedAside) {
                    openedPath = path;
                    movedAsidePath = movedAside;
                    ++openedCount;
                });
        connect(service, &HistoryService::failed, this,
                [this](const QString& error) { failures << error; });
        connect(
            service, &HistoryService::listed, this,
            [this](const QString&, const QList<ConversationRecord>& list) { listings << list; });
        connect(
            service, &HistoryService::loaded, this,
            [this](const ConversationRecord& conversation, const QList<MessageRecord>& messages) {
                loadedConversation = conversation;
                loadedMessages = messages;
                ++loadedCount;
            });
        connect(service, &HistoryService::conversationsChanged, this, [this] { ++changed; });
    }

    int openedCount = 0;
    QString openedPath;
    QString movedAsidePath;
    QStringList failures;
    QList<QList<ConversationRecord>> listings;
    int loadedCount = 0;
    ConversationRecord loadedConversation;
    QList<MessageRecord> loadedMessages;
    int changed = 0;
};

} // namespace

class TestHistoryService : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void purgesDeletionsOfEarlierRuns();
    void signalsFollowTheListing();
    void failuresAreReported();
    void queuedWritesSurviveShutdown();

private:
    // Queues a call by name, as a connection or invokeMethod from the GUI thread would.
    template <typename... Args> void call(const char* method, Args... args)
    {
        QVERIFY(
            QMetaObject::invokeMethod(m_thread->service(), method, Qt::QueuedConnection, args...));
    }
    // Everything queued before has run once the listing it asks for arrives.
    QList<ConversationRecord> listNow(const QString& search = {});
    void startThread();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::unique_ptr<HistoryThread> m_thread;
    std::unique_ptr<Recorder> m_recorder;
};

void TestHistoryService::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("adminchat.sqlite"));
}

void TestHistoryService::cleanup()
{
    m_thread.reset();
    m_recorder.reset();
    m_dir.reset();
}

void TestHistoryService::startThread()
{
    m_thread = std::make_unique<HistoryThread>(m_path);
    m_recorder = std::make_unique<Recorder>(m_thread->service());
    m_thread->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_recorder->openedCount, 1, 10000);
    QCOMPARE(m_recorder->openedPath, m_path);
    QCOMPARE(m_recorder->movedAsidePath, QString());
}

QList<ConversationRecord> TestHistoryService::listNow(const QString& search)
{
    const qsizetype before = m_recorder->listings.size();
    QMetaObject::invokeMethod(m_thread->service(), "list", Qt::QueuedConnection,
                              Q_ARG(QString, search));
    QDeadlineTimer deadline(10000);
    while (m_recorder->listings.size() == before && !deadline.hasExpired())
        QTest::qWait(5);
    return m_recorder->listings.value(before);
}

void TestHistoryService::purgesDeletionsOfEarlierRuns()
{
    QString keptId;
    QString goneId;
    {
        ConversationStore store(m_path);
        QVERIFY(store.open());
        ConversationRecord kept;
        ConversationRecord gone;
        QVERIFY(store.create(kept));
        QVERIFY(store.create(gone));
        QVERIFY(
            store.saveMessage(message(gone.id, 0, QStringLiteral("user"), QStringLiteral("x"))));
        QVERIFY(store.markDeleted(gone.id));
        keptId = kept.id;
        goneId = gone.id;
    }
    QTest::qWait(5); // the run below starts strictly after the mark
    startThread();
    // Marked in this run: kept for an undo until the next run starts.
    call("markDeleted", Q_ARG(QString, keptId));
    QVERIFY(listNow().isEmpty());

    ConversationStore check(m_path);
    QVERIFY(check.open());
    QVERIFY(!check.conversation(goneId));
    QVERIFY(check.messages(goneId).isEmpty());
    QVERIFY(check.conversation(keptId));
}

void TestHistoryService::signalsFollowTheListing()
{
    startThread();
    const Recorder& seen = *m_recorder;

    ConversationRecord c;
    c.id = ConversationStore::newId();
    c.profile = QStringLiteral("local");
    call("create", Q_ARG(adminchat::ConversationRecord, c));
    QTRY_COMPARE_WITH_TIMEOUT(seen.changed, 1, 10000);

    // First message: the listing gains a title and a message.
    call("saveMessage",
         Q_ARG(adminchat::MessageRecord,
               message(c.id, 0, QStringLiteral("user"), QStringLiteral("Tell me about queues"))));
    // The answer's first save is a new message (the conversation moves to the top); saved again
    // and again while it streams, it changes nothing the listing shows.
    for (const QString& partial :
         {QStringLiteral("Qu"), QStringLiteral("Queues are"), QStringLiteral("Queues are FIFO.")})
        call("saveMessage",
             Q_ARG(adminchat::MessageRecord, message(c.id, 1, QStringLiteral("assistant"), partial,
                                                     MessageStatus::Streaming)));
    QList<ConversationRecord> list = listNow();
    QCOMPARE(seen.changed, 3);
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.first().title, QStringLiteral("Tell me about queues"));
    QCOMPARE(list.first().messageCount, 2);

    call("rename", Q_ARG(QString, c.id), Q_ARG(QString, QStringLiteral("Queues")));
    call("setProfileAndModel", Q_ARG(QString, c.id), Q_ARG(QString, QStringLiteral("remote")),
         Q_ARG(QString, QStringLiteral("m2")));
    call("setRating", Q_ARG(QString, c.id), Q_ARG(int, 1), Q_ARG(int, -1));
    call("truncate", Q_ARG(QString, c.id), Q_ARG(int, 2));
    list = listNow(QStringLiteral("fifo"));
    QCOMPARE(seen.changed, 5);
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.first().title, QStringLiteral("Queues"));
    QCOMPARE(list.first().model, QStringLiteral("m2"));
    QCOMPARE(list.first().snippet, QStringLiteral("Queues are FIFO."));

    call("load", Q_ARG(QString, c.id));
    QTRY_COMPARE_WITH_TIMEOUT(seen.loadedCount, 1, 10000);
    const QList<MessageRecord>& messages = seen.loadedMessages;
    QCOMPARE(seen.loadedConversation.profile, QStringLiteral("remote"));
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages[1].content, QStringLiteral("Queues are FIFO."));
    QCOMPARE(messages[1].rating, std::optional<int>(-1));

    call("markDeleted", Q_ARG(QString, c.id));
    QVERIFY(listNow().isEmpty());
    call("restore", Q_ARG(QString, c.id));
    QCOMPARE(listNow().size(), 1);
    QCOMPARE(seen.changed, 7);
    QVERIFY2(seen.failures.isEmpty(), qPrintable(seen.failures.value(0)));
}

void TestHistoryService::failuresAreReported()
{
    startThread();
    const Recorder& seen = *m_recorder;
    call("saveMessage",
         Q_ARG(adminchat::MessageRecord, message(QStringLiteral("0123456789abcdef"), 0,
                                                 QStringLiteral("user"), QStringLiteral("x"))));
    QTRY_COMPARE_WITH_TIMEOUT(seen.failures.size(), 1, 10000);
    QVERIFY2(seen.failures[0].contains(QLatin1String("no conversation \"0123456789abcdef\"")),
             qPrintable(seen.failures[0]));
    call("load", Q_ARG(QString, QStringLiteral("ffff")));
    QTRY_COMPARE_WITH_TIMEOUT(seen.failures.size(), 2, 10000);
    QVERIFY(seen.failures[1].contains(QLatin1String("ffff")));
    QCOMPARE(seen.changed, 0);
}

void TestHistoryService::queuedWritesSurviveShutdown()
{
    startThread();
    ConversationRecord c;
    c.id = ConversationStore::newId();
    call("create", Q_ARG(adminchat::ConversationRecord, c));
    for (int seq = 0; seq < 50; ++seq)
        call("saveMessage",
             Q_ARG(adminchat::MessageRecord,
                   message(c.id, seq, QStringLiteral("user"), QString::number(seq))));
    m_thread.reset(); // at once: the destructor lets the queue drain first

    ConversationStore check(m_path);
    QVERIFY(check.open());
    QCOMPARE(check.messages(c.id).size(), 50);
}

QTEST_GUILESS_MAIN(TestHistoryService)
#include "tst_historyservice.moc"

// HistoryService on a real full file system (a 1 MiB tmpfs, filled to the last byte): an answer
// that cannot be written is kept in memory, said once, exported and loaded as if stored, and
// written when space returns, by the retry timer or at the next write that works.
#include "ScratchMounts.h"
#include "store/ConversationStore.h"
#include "store/HistoryService.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

const QString bigAnswer =
    QString(QStringLiteral("Every answer counts. ")).repeated(15000); // 315 KB

MessageRecord message(const QString& conversationId, int seq, const QString& content,
                      MessageStatus status = MessageStatus::Done)
{
    MessageRecord m;
    m.conversationId = conversationId;
    m.seq = seq;
    m.role = seq % 2 ? MessageRole::Assistant : MessageRole::User;
    m.content = content;
    m.status = status;
    m.createdUtc = QDateTime::currentDateTimeUtc();
    return m;
}

} // namespace

class TestHistoryDiskFull : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void keptSaidOnceAndRetriedByTimer();
    void writtenAtTheNextWriteThatWorks();

private:
    // A service on a fresh tmpfs, with one conversation, a question and an empty answer saved.
    bool start();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ScratchMounts> m_mounts;
    std::unique_ptr<HistoryService> m_service;
    QString m_mount;
    QString m_id;
};

void TestHistoryDiskFull::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_mounts = std::make_unique<ScratchMounts>();
    m_mount = m_dir->filePath(QStringLiteral("fs"));
}

void TestHistoryDiskFull::cleanup()
{
    m_service.reset(); // closes the database before the file system goes
    m_mounts.reset();
    m_dir.reset();
}

bool TestHistoryDiskFull::start()
{
    QString why;
    if (!m_mounts->mountTmpfs(m_mount, 1024, &why)) {
        qWarning("%s", qPrintable(why));
        return false;
    }
    m_service = std::make_unique<HistoryService>(m_mount + QStringLiteral("/adminchat.sqlite"));
    QSignalSpy failed(m_service.get(), &HistoryService::failed);
    m_service->open();
    ConversationRecord conversation;
    conversation.id = m_id = ConversationStore::newId();
    m_service->create(conversation);
    m_service->saveMessage(message(m_id, 0, QStringLiteral("Tell me everything")));
    m_service->saveMessage(message(m_id, 1, QString(), MessageStatus::Streaming));
    return failed.isEmpty() && m_service->unsavedCount() == 0;
}

void TestHistoryDiskFull::keptSaidOnceAndRetriedByTimer()
{
    if (!ScratchMounts::canMount())
        QSKIP("mounting a tmpfs needs root on a system that allows it");
    QVERIFY(start());
    QSignalSpy saveFailed(m_service.get(), &HistoryService::messageSaveFailed);
    QSignalSpy saved(m_service.get(), &HistoryService::messageSaved);
    QVERIFY(ScratchMounts::fill(m_mount) > 0);

    // The answer streams in and ends while the disk is full.
    m_service->saveMessage(message(m_id, 1, bigAnswer.left(100000), MessageStatus::Streaming));
    m_service->saveMessage(message(m_id, 1, bigAnswer.left(200000), MessageStatus::Streaming));
    m_service->saveMessage(message(m_id, 1, bigAnswer));
    QCOMPARE(saveFailed.count(), 1); // once, not for every streaming save
    QCOMPARE(saveFailed.at(0).at(0).toString(), m_id);
    QCOMPARE(saveFailed.at(0).at(1).toInt(), 1);
    const QString error = saveFailed.at(0).at(2).toString();
    QVERIFY2(error.contains(QStringLiteral("adminchat.sqlite")) && error.contains("full"),
             qPrintable(error));
    QCOMPARE(m_service->unsavedCount(), 1);

    // Loading and exporting show the newest version, not the stored empty one.
    QSignalSpy loaded(m_service.get(), &HistoryService::loaded);
    m_service->load(m_id);
    QCOMPARE(loaded.count(), 1);
    const auto messages = loaded.at(0).at(1).value<QList<MessageRecord>>();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(1).content, bigAnswer);
    QSignalSpy exported(m_service.get(), &HistoryService::exported);
    const QString exportPath = m_dir->filePath(QStringLiteral("kept.json")); // not on the tmpfs
    m_service->exportConversation(m_id, QStringLiteral("json"), exportPath);
    QCOMPARE(exported.count(), 1);
    QCOMPARE(exported.at(0).at(1).toString(), QString());
    QFile file(exportPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains(bigAnswer.left(1000).toUtf8()));

    // Still full: the retries fail quietly.
    QTest::qWait(HistoryService::firstRetryMs + 300);
    QCOMPARE(saved.count(), 0);
    QCOMPARE(saveFailed.count(), 1);

    // Space returns; the next timed retry writes it.
    QVERIFY(QFile::remove(m_mount + QStringLiteral("/filler")));
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 4 * HistoryService::firstRetryMs + 2000);
    QCOMPARE(saved.at(0).at(1).toInt(), 1);
    QCOMPARE(m_service->unsavedCount(), 0);
    ConversationStore store(m_mount + QStringLiteral("/adminchat.sqlite"));
    QVERIFY(store.open());
    const QList<MessageRecord> stored = store.messages(m_id);
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored.at(1).content, bigAnswer);
    QCOMPARE(stored.at(1).status, MessageStatus::Done);
}

void TestHistoryDiskFull::writtenAtTheNextWriteThatWorks()
{
    if (!ScratchMounts::canMount())
        QSKIP("mounting a tmpfs needs root on a system that allows it");
    QVERIFY(start());
    QSignalSpy saved(m_service.get(), &HistoryService::messageSaved);
    QSignalSpy saveFailed(m_service.get(), &HistoryService::messageSaveFailed);
    QVERIFY(ScratchMounts::fill(m_mount) > 0);
    m_service->saveMessage(message(m_id, 1, bigAnswer));
    QCOMPARE(saveFailed.count(), 1);

    // Space returns and the next question is written at once: the kept answer goes with it,
    // before any timer.
    QVERIFY(QFile::remove(m_mount + QStringLiteral("/filler")));
    m_service->saveMessage(message(m_id, 2, QStringLiteral("And then?")));
    QCOMPARE(saved.count(), 1);
    QCOMPARE(m_service->unsavedCount(), 0);
    ConversationStore store(m_mount + QStringLiteral("/adminchat.sqlite"));
    QVERIFY(store.open());
    const QList<MessageRecord> stored = store.messages(m_id);
    QCOMPARE(stored.size(), 3);
    QCOMPARE(stored.at(1).content, bigAnswer);
}

QTEST_GUILESS_MAIN(TestHistoryDiskFull)
#include "tst_historydiskfull.moc"

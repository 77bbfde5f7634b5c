// ConversationPersistence: a session's conversation goes to a real HistoryService and its
// finished request to a real MetricsService, each on its own thread over one SQLite file, while
// the session streams from the demo endpoint over loopback.
#include "chat/ChatSession.h"
#include "chat/ConversationPersistence.h"
#include "demo/DemoServer.h"
#include "net/ChatClient.h"
#include "store/ConversationStore.h"
#include "store/HistoryThread.h"
#include "store/MetricsStore.h"
#include "store/MetricsThread.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

constexpr int kWaitMs = 20000;

} // namespace

class TestConversationPersistence : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void savesTheConversationAndRecordsTheRequest();
    void ratingReachesTheRecord();

private:
    // Sends text from a session kept by m_persistence; false when no answer came.
    bool exchange(ChatSession& session, const QString& text);
    std::vector<MetricsRecord> recordsNow() const;
    QList<MessageRecord> messagesNow(const QString& id) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::unique_ptr<DemoServer> m_server;
    std::unique_ptr<ChatClient> m_client;
    std::unique_ptr<HistoryThread> m_history;
    std::unique_ptr<MetricsThread> m_metrics;
    std::unique_ptr<ConversationPersistence> m_persistence;
};

void TestConversationPersistence::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("adminchat.sqlite"));
    m_server = std::make_unique<DemoServer>(*DemoConfig::fromProfile(QStringLiteral("instant")));
    QVERIFY(m_server->listen());
    m_client = std::make_unique<ChatClient>();
    m_history = std::make_unique<HistoryThread>(m_path);
    m_metrics = std::make_unique<MetricsThread>(m_path);
    QSignalSpy historyOpened(m_history->service(), &HistoryService::opened);
    m_history->start();
    QVERIFY(historyOpened.wait(10000));
    m_metrics->start();
    m_persistence =
        std::make_unique<ConversationPersistence>(m_history->service(), m_metrics->service());
}

void TestConversationPersistence::cleanup()
{
    m_persistence.reset();
    m_metrics.reset(); // finishes the calls still queued
    m_history.reset();
    m_client.reset();
    m_server.reset();
    m_dir.reset();
}

bool TestConversationPersistence::exchange(ChatSession& session, const QString& text)
{
    QSignalSpy completed(&session, &ChatSession::requestCompleted);
    return session.send(text) && completed.wait(kWaitMs);
}

std::vector<MetricsRecord> TestConversationPersistence::recordsNow() const
{
    MetricsStore store(m_path);
    if (!store.open())
        return {};
    return store.records({}, QDateTime::currentDateTimeUtc());
}

QList<MessageRecord> TestConversationPersistence::messagesNow(const QString& id) const
{
    ConversationStore store(m_path);
    if (!store.open())
        return {};
    return store.messages(id);
}

void TestConversationPersistence::savesTheConversationAndRecordsTheRequest()
{
    ChatSession session(m_client.get());
    session.setConversationId(ConversationStore::newId());
    session.setModel(QStringLiteral("demo-chat"));
    session.setProfileName(QStringLiteral("Demo"));
    EndpointConfig endpoint;
    endpoint.baseUrl = m_server->baseUrl();
    endpoint.extraHeaders = {{"X-Demo-Latency", "ttft=0,itl=0"}};
    session.setEndpoint(endpoint);
    QStringList lagAskedFor;
    m_persistence->attach(&session, false,
                          [&lagAskedFor](const QString& uid) -> std::optional<double> {
                              lagAskedFor << uid;
                              return 3.5;
                          });
    QVERIFY(!m_persistence->isStored(session.conversationId()));
    QVERIFY(exchange(session, QStringLiteral("save me")));
    QVERIFY(m_persistence->isStored(session.conversationId()));

    const QString uid = session.entries().at(1).requestUid;
    QCOMPARE(lagAskedFor, QStringList{uid});
    QTRY_COMPARE_WITH_TIMEOUT(recordsNow().size(), std::size_t(1), 10000);
    const MetricsRecord record = recordsNow().front();
    QCOMPARE(record.requestUid, uid);
    QCOMPARE(record.profile, QStringLiteral("Demo"));
    QCOMPARE(record.displayLagP95Ms, std::optional<double>(3.5));
    // The answer's row exists from its first save while it streams; its final text follows.
    const auto answerSaved = [&] {
        const QList<MessageRecord> messages = messagesNow(session.conversationId());
        return messages.size() == 2 && messages.at(1).content == session.entries().at(1).text;
    };
    QTRY_VERIFY_WITH_TIMEOUT(answerSaved(), 10000);
    QCOMPARE(messagesNow(session.conversationId()).at(1).requestUid, uid);
    QVERIFY(m_persistence->notSaved(session.conversationId()).isEmpty());
}

void TestConversationPersistence::ratingReachesTheRecord()
{
    ChatSession session(m_client.get());
    session.setConversationId(ConversationStore::newId());
    session.setModel(QStringLiteral("demo-chat"));
    EndpointConfig endpoint;
    endpoint.baseUrl = m_server->baseUrl();
    session.setEndpoint(endpoint);
    m_persistence->attach(&session, false);
    QVERIFY(exchange(session, QStringLiteral("rate me")));
    const QString uid = session.entries().at(1).requestUid;
    QTRY_COMPARE_WITH_TIMEOUT(recordsNow().size(), std::size_t(1), 10000);
    QVERIFY(!recordsNow().front().displayLagP95Ms); // nothing was shown
    QVERIFY(session.setRating(1, 1));
    m_persistence->rateRequest(uid, 1);
    QTRY_COMPARE_WITH_TIMEOUT(recordsNow().front().rating, std::optional<int>(1), 10000);
    // The message's rating went through the recorder.
    QTRY_COMPARE_WITH_TIMEOUT(messagesNow(session.conversationId()).at(1).rating,
                              std::optional<int>(1), 10000);
}

QTEST_GUILESS_MAIN(TestConversationPersistence)
#include "tst_conversationpersistence.moc"

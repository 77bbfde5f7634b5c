// RequestFinisher: what the end of a request sets in motion, for the window, ask and bench. A
// real session streams from the demo endpoint over loopback, its recorder writes into a real
// SQLite file, and the finisher's record must point at the answer already in it.
#include "chat/ChatSession.h"
#include "chat/RequestFinisher.h"
#include "chat/SessionRecorder.h"
#include "demo/DemoServer.h"
#include "metrics/RequestMetrics.h"
#include "net/ChatClient.h"
#include "net/RequestTrace.h"
#include "store/ConversationStore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

constexpr int kWaitMs = 20000;

struct Finished
{
    RequestTrace trace;
    RequestMetrics metrics;
    QString requestUid;
};

// Sends text and waits for the session's requestCompleted.
std::optional<Finished> exchange(ChatSession& session, const QString& text)
{
    std::optional<Finished> finished;
    const QMetaObject::Connection connection = QObject::connect(
        &session, &ChatSession::requestCompleted,
        [&finished](const RequestTrace& trace, const RequestMetrics& metrics, const QString& uid) {
            finished = Finished{trace, metrics, uid};
        });
    QSignalSpy completed(&session, &ChatSession::requestCompleted);
    const bool sent = session.send(text);
    if (sent)
        completed.wait(kWaitMs);
    QObject::disconnect(connection);
    return finished;
}

EndpointConfig demoEndpoint(const DemoServer& server, const QByteArray& fault = "none")
{
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    endpoint.extraHeaders = {{"X-Demo-Fault", fault}, {"X-Demo-Latency", "ttft=0,itl=0"}};
    return endpoint;
}

} // namespace

class TestRequestFinisher : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qRegisterMetaType<MessageRecord>();
        qRegisterMetaType<ConversationRecord>();
        QVERIFY(m_server.listen());
    }

    void labelsTheRecord();
    void noSinksStillBuildsTheRecord();
    void answerIsSavedBeforeItsRecord();
    void answerCarriesTheExperimentsLabels();
    void streamOptionsRejectionReachesTheProfile();

private:
    DemoServer m_server{*DemoConfig::fromProfile(QStringLiteral("instant"))};
};

void TestRequestFinisher::labelsTheRecord()
{
    RequestTrace trace;
    trace.endpoint = QStringLiteral("http://127.0.0.1:1/v1");
    trace.model = QStringLiteral("m");
    trace.finishReason = QStringLiteral("length");
    trace.firstOutputNs = 120'000'000;
    trace.endNs = 400'000'000;
    trace.outputEventNs = {120'000'000, 200'000'000, 400'000'000};
    const RequestMetrics metrics = RequestMetrics::fromTrace(trace);

    QList<MetricsRecord> sunk;
    QStringList rejected;
    const RequestFinisher finisher([&sunk](const MetricsRecord& r) { sunk.append(r); },
                                   [&rejected](const QString& p) { rejected.append(p); });
    RequestLabels labels;
    labels.profile = QStringLiteral("Lab");
    labels.experiment = QStringLiteral("exp");
    labels.variant = QStringLiteral("B");
    labels.tag = QStringLiteral("run-1");
    labels.requestUid = QStringLiteral("uid-1");
    labels.displayLagP95Ms = 12.5;
    const MetricsRecord record = finisher.finish(trace, metrics, labels);

    QCOMPARE(sunk.size(), 1);
    QCOMPARE(sunk.first().requestUid, record.requestUid);
    QCOMPARE(record.profile, QStringLiteral("Lab"));
    QCOMPARE(record.experiment, QStringLiteral("exp"));
    QCOMPARE(record.variant, QStringLiteral("B"));
    QCOMPARE(record.tag, QStringLiteral("run-1"));
    QCOMPARE(record.requestUid, QStringLiteral("uid-1"));
    QCOMPARE(record.displayLagP95Ms, std::optional<double>(12.5));
    QCOMPARE(record.ttftMs, std::optional<double>(120.0));
    QCOMPARE(record.outputTokens, qint64(3));
    QVERIFY(rejected.isEmpty()); // the endpoint took stream_options

    trace.streamOptionsRejected = true;
    finisher.finish(trace, metrics, labels);
    QCOMPARE(rejected, QStringList{QStringLiteral("Lab")});
    // A bare URL has no profile to remember it in.
    labels.profile.clear();
    finisher.finish(trace, metrics, labels);
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(sunk.size(), 3);
}

void TestRequestFinisher::noSinksStillBuildsTheRecord()
{
    RequestTrace trace;
    trace.error = ApiError{ApiError::Kind::Cancelled, QStringLiteral("stopped")};
    trace.streamOptionsRejected = true;
    RequestLabels labels;
    labels.profile = QStringLiteral("Lab");
    const MetricsRecord record =
        RequestFinisher({}).finish(trace, RequestMetrics::fromTrace(trace), labels);
    QVERIFY(record.isCancelled());
    QCOMPARE(record.profile, QStringLiteral("Lab"));
}

void TestRequestFinisher::answerIsSavedBeforeItsRecord()
{
    QTemporaryDir dir;
    ConversationStore store(dir.filePath(QStringLiteral("history.db")));
    QVERIFY(store.open());
    ChatClient client;
    ChatSession session(&client);
    session.setModel(QStringLiteral("demo-chat"));
    session.setProfileName(QStringLiteral("Demo"));
    session.setEndpoint(demoEndpoint(m_server));
    SessionRecorder recorder(&session);
    connect(&recorder, &SessionRecorder::conversationCreated,
            [&store](ConversationRecord c) { QVERIFY(store.create(c)); });
    connect(&recorder, &SessionRecorder::messageSaved,
            [&store](const MessageRecord& m) { QVERIFY(store.saveMessage(m)); });

    // What the store holds when the record is handed on.
    QList<MessageRecord> storedAtRecord;
    MetricsRecord sunk;
    const RequestFinisher finisher([&](const MetricsRecord& r) {
        sunk = r;
        storedAtRecord = store.messages(session.conversationId());
    });
    const auto done = exchange(session, QStringLiteral("hello there"));
    QVERIFY(done);
    const MetricsRecord record =
        finisher.finishAnswer(session, &recorder, done->trace, done->metrics, done->requestUid);

    QVERIFY(!done->requestUid.isEmpty());
    QCOMPARE(record.requestUid, done->requestUid);
    QCOMPARE(sunk.requestUid, done->requestUid);
    QCOMPARE(record.profile, QStringLiteral("Demo"));
    QVERIFY(record.experiment.isEmpty());
    QCOMPARE(storedAtRecord.size(), 2);
    const MessageRecord& answer = storedAtRecord.at(1);
    QCOMPARE(answer.requestUid, record.requestUid);
    QCOMPARE(answer.status, MessageStatus::Done);
    QCOMPARE(answer.content, done->trace.text);
    QVERIFY(!answer.content.isEmpty());
}

void TestRequestFinisher::answerCarriesTheExperimentsLabels()
{
    ChatClient client;
    ChatSession session(&client);
    session.setModel(QStringLiteral("demo-chat"));
    session.setProfileName(QStringLiteral("Conversation's"));
    session.setEndpoint(demoEndpoint(m_server));
    const EndpointConfig steered = demoEndpoint(m_server);
    session.setSteeringProvider([&steered](const ChatSession&, const QString&) {
        RequestSteering steering;
        steering.experiment = QStringLiteral("speed");
        steering.variant = QStringLiteral("fast");
        steering.profile = QStringLiteral("Fast one");
        steering.endpoint = steered;
        return std::optional<RequestSteering>(steering);
    });
    const auto done = exchange(session, QStringLiteral("which one"));
    QVERIFY(done);
    const MetricsRecord record = RequestFinisher({}).finishAnswer(
        session, nullptr, done->trace, done->metrics, done->requestUid, 7.0);
    QCOMPARE(record.experiment, QStringLiteral("speed"));
    QCOMPARE(record.variant, QStringLiteral("fast"));
    QCOMPARE(record.profile, QStringLiteral("Fast one")); // the experiment's choice
    QCOMPARE(record.displayLagP95Ms, std::optional<double>(7.0));
    QCOMPARE(record.requestUid, done->requestUid);
}

void TestRequestFinisher::streamOptionsRejectionReachesTheProfile()
{
    ChatClient client;
    ChatSession session(&client);
    session.setModel(QStringLiteral("demo-chat"));
    session.setProfileName(QStringLiteral("Strict"));
    session.setEndpoint(demoEndpoint(m_server, "reject-stream-options"));
    QStringList rejected;
    int records = 0;
    const RequestFinisher finisher([&records](const MetricsRecord&) { ++records; },
                                   [&rejected](const QString& p) { rejected.append(p); });
    const auto done = exchange(session, QStringLiteral("strict server"));
    QVERIFY(done);
    QVERIFY(done->trace.streamOptionsRejected);
    const MetricsRecord record =
        finisher.finishAnswer(session, nullptr, done->trace, done->metrics, done->requestUid);
    QVERIFY(record.isCompleted()); // answered after the retry without them
    QCOMPARE(rejected, QStringList{QStringLiteral("Strict")});
    QCOMPARE(records, 1);
}

QTEST_GUILESS_MAIN(TestRequestFinisher)
#include "tst_requestfinisher.moc"

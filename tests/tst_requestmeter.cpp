// RequestMeter: a request's metrics are computed on the thread the ChatClient runs on (the
// window's network thread), and the session on the GUI thread receives them computed. A real
// NetworkThread streams from the demo endpoint, itself on a thread of its own, over loopback.
#include "chat/ChatSession.h"
#include "chat/RequestMeter.h"
#include "demo/DemoServerThread.h"
#include "metrics/QuantileSketch.h"
#include "metrics/RequestMetrics.h"
#include "net/ChatClient.h"
#include "net/NetworkThread.h"

#include <QMutex>
#include <QMutexLocker>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace adminchat;

namespace {

constexpr int kWaitMs = 20000;

// What a meter emitted, written on the network thread and read on the test's.
class MeterLog
{
public:
    void attach(RequestMeter* meter)
    {
        // Direct: runs on the meter's thread, right where the metrics were computed.
        QObject::connect(
            meter, &RequestMeter::measured, meter,
            [this](quint64 id, const RequestTrace&, const RequestMetrics& metrics) {
                QMutexLocker lock(&m_mutex);
                m_entries.push_back({id, QThread::currentThread(), metrics});
            },
            Qt::DirectConnection);
    }
    struct Entry
    {
        quint64 id;
        QThread* thread;
        RequestMetrics metrics;
    };
    std::vector<Entry> entries() const
    {
        QMutexLocker lock(&m_mutex);
        return m_entries;
    }
    qsizetype size() const { return qsizetype(entries().size()); }

private:
    mutable QMutex m_mutex;
    std::vector<Entry> m_entries;
};

struct Completed
{
    RequestTrace trace;
    RequestMetrics metrics;
    QThread* thread = nullptr;
};

} // namespace

class TestRequestMeter : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void metricsAreComputedOnTheNetworkThread();
    void sessionsSharingAClientEachMeasureTheirOwn();
    void theRuleOfTheSessionReachesTheNetworkThread();
    void sessionGoneWhileItsRequestStreams();
    void sessionOutlivesTheNetworkThread();
    void clientOnTheSessionsThread();

private:
    void useDemo(ChatSession& session, const QByteArray& latency = "ttft=5,itl=2") const;
    // Sends text and waits for requestCompleted.
    std::optional<Completed> exchange(ChatSession& session, const QString& text) const;

    std::unique_ptr<DemoServerThread> m_demo;
};

void TestRequestMeter::initTestCase()
{
    m_demo =
        std::make_unique<DemoServerThread>(*DemoConfig::fromProfile(QStringLiteral("instant")));
    QSignalSpy started(m_demo.get(), &DemoServerThread::started);
    m_demo->start();
    QVERIFY(started.wait(kWaitMs));
}

void TestRequestMeter::useDemo(ChatSession& session, const QByteArray& latency) const
{
    EndpointConfig endpoint;
    endpoint.baseUrl = m_demo->baseUrl();
    endpoint.extraHeaders = {{"X-Demo-Latency", latency}};
    session.setEndpoint(endpoint);
    session.setModel(QStringLiteral("demo-chat"));
    session.setMaxTokens(12);
}

std::optional<Completed> TestRequestMeter::exchange(ChatSession& session, const QString& text) const
{
    std::optional<Completed> completed;
    const QMetaObject::Connection connection = QObject::connect(
        &session, &ChatSession::requestCompleted,
        [&completed](const RequestTrace& trace, const RequestMetrics& metrics, const QString&) {
            completed = Completed{trace, metrics, QThread::currentThread()};
        });
    QSignalSpy spy(&session, &ChatSession::requestCompleted);
    if (session.send(text))
        spy.wait(kWaitMs);
    QObject::disconnect(connection);
    return completed;
}

void TestRequestMeter::metricsAreComputedOnTheNetworkThread()
{
    NetworkThread network;
    ChatSession session(network.client());
    useDemo(session);
    MeterLog log;
    log.attach(session.meter());
    QCOMPARE(session.meter()->thread(), network.client()->thread());

    const std::optional<Completed> completed = exchange(session, QStringLiteral("hello"));
    QVERIFY(completed);
    QVERIFY2(completed->trace.succeeded(),
             qPrintable(completed->trace.error ? completed->trace.error->message : QString()));
    QTRY_COMPARE(log.size(), 1);
    const MeterLog::Entry measured = log.entries().front();

    // Computed on the network thread, shown on this one.
    QVERIFY(measured.thread != QThread::currentThread());
    QCOMPARE(measured.thread, network.client()->thread());
    QCOMPARE(measured.thread->objectName(), QStringLiteral("adminchat-network"));
    QCOMPARE(completed->thread, QThread::currentThread());
    QCOMPARE(measured.id, session.entries().last().requestId);

    // The session passes on what the meter computed, sketch included.
    const RequestMetrics& m = completed->metrics;
    QVERIFY(m.ttftMs && m.e2eMs && m.meanItlMs);
    QCOMPARE(m.outputTokens, 12);
    QCOMPARE(m.itlMs.size(), std::size_t(11));
    QCOMPARE(m.itlMs, measured.metrics.itlMs);
    QCOMPARE(m.ttftMs, measured.metrics.ttftMs);
    QCOMPARE(m.e2eMs, measured.metrics.e2eMs);
    QCOMPARE(m.itlSketch, measured.metrics.itlSketch);
    const std::optional<QuantileSketch> sketch = QuantileSketch::fromBytes(m.itlSketch);
    QVERIFY(sketch);
    QCOMPARE(sketch->count(), quint64(11));
    // The same figures the trace gives when computed anew.
    const RequestMetrics again = RequestMetrics::fromTrace(completed->trace);
    QCOMPARE(again.itlMs, m.itlMs);
    QCOMPARE(again.category, m.category);
    QVERIFY(session.entries().last().metrics);
    QCOMPARE(session.entries().last().metrics->itlMs, m.itlMs);
}

void TestRequestMeter::sessionsSharingAClientEachMeasureTheirOwn()
{
    NetworkThread network;
    ChatSession first(network.client());
    ChatSession second(network.client());
    useDemo(first, "ttft=30,itl=5");
    useDemo(second, "ttft=30,itl=5");
    MeterLog firstLog;
    MeterLog secondLog;
    firstLog.attach(first.meter());
    secondLog.attach(second.meter());
    QSignalSpy firstCompleted(&first, &ChatSession::requestCompleted);
    QSignalSpy secondCompleted(&second, &ChatSession::requestCompleted);

    // Both in flight at once on the one client.
    QVERIFY(first.send(QStringLiteral("one")));
    QVERIFY(second.send(QStringLiteral("two")));
    QTRY_COMPARE_WITH_TIMEOUT(firstCompleted.size(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(secondCompleted.size(), 1, kWaitMs);

    QTRY_COMPARE(firstLog.size(), 1);
    QTRY_COMPARE(secondLog.size(), 1);
    QCOMPARE(firstLog.entries().front().id, first.entries().last().requestId);
    QCOMPARE(secondLog.entries().front().id, second.entries().last().requestId);
    QVERIFY(firstLog.entries().front().id != secondLog.entries().front().id);
}

void TestRequestMeter::theRuleOfTheSessionReachesTheNetworkThread()
{
    NetworkThread network;
    ChatSession session(network.client());
    useDemo(session, "ttft=20,itl=2");
    // Judged on E2E, with thresholds no answer meets: slow, whatever the TTFT.
    CategoryRule rule;
    rule.metric = CategoryMetric::E2e;
    rule.thresholds = {0.001, 0.002, 0.003};
    session.setCategoryRule(rule);
    MeterLog log;
    log.attach(session.meter());

    const std::optional<Completed> completed = exchange(session, QStringLiteral("judge me"));
    QVERIFY(completed);
    QCOMPARE(completed->metrics.category, LatencyCategory::Slow);
    QTRY_COMPARE(log.size(), 1);
    QCOMPARE(log.entries().front().metrics.category, LatencyCategory::Slow);
    // The default rule would have called a 20 ms TTFT excellent.
    QCOMPARE(RequestMetrics::fromTrace(completed->trace).category, LatencyCategory::Excellent);
}

void TestRequestMeter::sessionGoneWhileItsRequestStreams()
{
    NetworkThread network;
    QSignalSpy finished(network.client(), &ChatClient::requestFinished);
    auto* session = new ChatSession(network.client());
    useDemo(*session, "ttft=100,itl=20");
    QVERIFY(session->send(QStringLiteral("going")));
    QTest::qWait(50); // sent, not yet answered
    delete session;   // its meter goes on the network thread
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);

    // The client still serves another session afterwards.
    ChatSession next(network.client());
    useDemo(next);
    const std::optional<Completed> completed = exchange(next, QStringLiteral("next"));
    QVERIFY(completed);
    QVERIFY(completed->trace.succeeded());
    QVERIFY(completed->metrics.ttftMs);
}

void TestRequestMeter::sessionOutlivesTheNetworkThread()
{
    // The window's order when it closes: the network thread stops first, its sessions go after.
    auto network = std::make_unique<NetworkThread>();
    auto session = std::make_unique<ChatSession>(network->client());
    useDemo(*session);
    QVERIFY(exchange(*session, QStringLiteral("before")));
    QPointer<RequestMeter> meter = session->meter();
    network.reset();
    QVERIFY(meter); // orphaned on a thread that is gone, deleted with its session
    session.reset();
    QVERIFY(!meter);
}

void TestRequestMeter::clientOnTheSessionsThread()
{
    // The command line's way: client, meter and session on one thread, no queued hop.
    ChatClient client;
    ChatSession session(&client);
    useDemo(session);
    MeterLog log;
    log.attach(session.meter());
    const std::optional<Completed> completed = exchange(session, QStringLiteral("here"));
    QVERIFY(completed);
    QCOMPARE(completed->metrics.outputTokens, 12);
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.entries().front().thread, QThread::currentThread());
    QCOMPARE(log.entries().front().metrics.itlMs, completed->metrics.itlMs);
}

QTEST_GUILESS_MAIN(TestRequestMeter)
#include "tst_requestmeter.moc"

// LoadRunner against the demo endpoint, which runs on a thread of its own and counts the
// requests it has in flight: the concurrency a plan asks for is what the server sees.
#include "bench/LoadRunner.h"
#include "demo/DemoServer.h"

#include <QMutex>
#include <QMutexLocker>
#include <QSet>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <random>

using namespace adminchat;

namespace {

constexpr int timeoutMs = 30000;

// A closed loop: requests in all, concurrency at a time, after warmup warm-up requests.
LoadPlan closedLoop(qint64 requests, int concurrency, qint64 warmup = 0)
{
    LoadPlan plan;
    plan.requests = requests;
    plan.concurrency = concurrency;
    plan.warmup = warmup;
    return plan;
}

struct Finished
{
    qint64 index;
    bool warmup;
    RequestTrace trace;
};

} // namespace

class TestLoadRunner : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void closedLoopKeepsExactlyTheConcurrency();
    void warmupComesFirstAndIsReportedApart();
    void wavesStartAFewAtATime();
    void openLoopSendsOnTheSeededSchedule();
    void durationStopsSendingAndLetsTheRestFinish();
    void stopLetsRequestsInFlightFinish();
    void cancelCancelsRequestsInFlight();
    void metricsAreComputedOnTheRunnersThread();

private:
    LoadRunner* makeRunner(const LoadPlan& plan, double ttftMs, double itlMs, int maxTokens = 5);
    bool runToEnd(LoadRunner* runner);

    QThread m_serverThread;
    DemoServer* m_server = nullptr;
    QUrl m_baseUrl;
    std::vector<Finished> m_finished;
    double m_seconds = -1;
    int m_maxInFlight = -1;
    int m_finishedBeforeMeasurement = -1;
};

void TestLoadRunner::initTestCase()
{
    m_server = new DemoServer(*DemoConfig::fromProfile(QStringLiteral("instant")));
    m_server->moveToThread(&m_serverThread);
    connect(&m_serverThread, &QThread::finished, m_server, &QObject::deleteLater);
    m_serverThread.start();
    bool listening = false;
    QMetaObject::invokeMethod(
        m_server, [&] { listening = m_server->listen(); }, Qt::BlockingQueuedConnection);
    QVERIFY(listening);
    m_baseUrl = m_server->baseUrl();
}

void TestLoadRunner::cleanupTestCase()
{
    m_serverThread.quit();
    m_serverThread.wait();
}

void TestLoadRunner::init()
{
    // The server may count the previous test's last answer a moment after the client read it.
    QTRY_COMPARE(m_server->inFlight(), 0);
    m_server->resetStats();
    m_finished.clear();
    m_seconds = -1;
    m_maxInFlight = -1;
    m_finishedBeforeMeasurement = -1;
}

LoadRunner* TestLoadRunner::makeRunner(const LoadPlan& plan, double ttftMs, double itlMs,
                                       int maxTokens)
{
    const QUrl baseUrl = m_baseUrl;
    const QByteArray latency = QStringLiteral("ttft=%1,itl=%2").arg(ttftMs).arg(itlMs).toLatin1();
    auto* runner = new LoadRunner(plan, [=](qint64 index) {
        BenchRequest made;
        made.endpoint.baseUrl = baseUrl;
        made.endpoint.extraHeaders.append({"X-Demo-Latency", latency});
        made.request.model = QStringLiteral("demo-chat");
        made.request.messages = {{QStringLiteral("user"), QStringLiteral("prompt %1").arg(index)}};
        made.request.maxTokens = maxTokens;
        return made;
    });
    runner->setParent(this);
    connect(runner, &LoadRunner::requestFinished, this,
            [this](qint64 index, bool warmup, const RequestTrace& trace) {
                m_finished.push_back({index, warmup, trace});
            });
    connect(runner, &LoadRunner::measurementStarted, this,
            [this] { m_finishedBeforeMeasurement = int(m_finished.size()); });
    connect(runner, &LoadRunner::finished, this, [this](double seconds, int maxInFlight) {
        m_seconds = seconds;
        m_maxInFlight = maxInFlight;
    });
    return runner;
}

bool TestLoadRunner::runToEnd(LoadRunner* runner)
{
    if (m_seconds >= 0)
        return true;
    QSignalSpy finished(runner, &LoadRunner::finished);
    return finished.wait(timeoutMs);
}

void TestLoadRunner::closedLoopKeepsExactlyTheConcurrency()
{
    // 10 in flight to one host: more than the 6 connections per host some HTTP stacks allow.
    const LoadPlan plan = closedLoop(40, 10);
    LoadRunner* runner = makeRunner(plan, 60, 10);
    runner->start();
    QVERIFY(runToEnd(runner));

    QCOMPARE(m_finished.size(), std::size_t(40));
    QSet<qint64> indices;
    for (const Finished& f : m_finished) {
        QVERIFY(!f.warmup);
        QVERIFY2(f.trace.succeeded(), qPrintable(f.trace.error ? f.trace.error->message : ""));
        QCOMPARE(f.trace.contentEventCount, 5);
        indices.insert(f.index);
    }
    QCOMPARE(indices.size(), 40);
    QCOMPARE(*std::max_element(indices.cbegin(), indices.cend()), 39);
    QCOMPARE(m_maxInFlight, 10);
    QCOMPARE(m_server->maxInFlight(), 10); // what the server saw at once
    QTRY_COMPARE(m_server->requestsServed(), 40);
    QCOMPARE(m_server->inFlight(), 0);
    // 4 rounds of 10 requests that take at least 100 ms each.
    QVERIFY2(m_seconds >= 0.4, qPrintable(QString::number(m_seconds)));
}

void TestLoadRunner::warmupComesFirstAndIsReportedApart()
{
    const LoadPlan plan = closedLoop(5, 2, 3);
    LoadRunner* runner = makeRunner(plan, 10, 5);
    runner->start();
    QVERIFY(runToEnd(runner));

    QCOMPARE(m_finishedBeforeMeasurement, 3);
    QCOMPARE(m_finished.size(), std::size_t(8));
    for (std::size_t i = 0; i < m_finished.size(); ++i)
        QCOMPARE(m_finished[i].warmup, i < 3);
    QCOMPARE(m_maxInFlight, 2);
    QCOMPARE(m_server->maxInFlight(), 2);
}

void TestLoadRunner::wavesStartAFewAtATime()
{
    // A wave of 32 (the warm-up, the measurement's start, the next requests as the first ones
    // end) is launched a few requests per pass of the event loop, so that the streams already
    // running are read in between. A zero-interval timer fires once per pass.
    const LoadPlan plan = closedLoop(64, 32, 32);
    LoadRunner* runner = makeRunner(plan, 30, 5);
    int startedThisPass = 0;
    int mostInOnePass = 0;
    int passesWithStarts = 0;
    connect(runner, &LoadRunner::requestStarted, this, [&] {
        if (startedThisPass++ == 0)
            ++passesWithStarts;
        mostInOnePass = std::max(mostInOnePass, startedThisPass);
    });
    QTimer pass;
    pass.setInterval(0);
    connect(&pass, &QTimer::timeout, this, [&] { startedThisPass = 0; });
    pass.start();
    runner->start();
    QVERIFY(runToEnd(runner));

    QCOMPARE(m_finishedBeforeMeasurement, 32);
    QCOMPARE(m_finished.size(), std::size_t(96));
    for (const Finished& f : m_finished)
        QVERIFY2(f.trace.succeeded(), qPrintable(f.trace.error ? f.trace.error->message : ""));
    QCOMPARE(m_maxInFlight, 32);
    QVERIFY2(mostInOnePass <= 4, qPrintable(QString::number(mostInOnePass)));
    QVERIFY2(passesWithStarts >= 96 / 4, qPrintable(QString::number(passesWithStarts)));
}

void TestLoadRunner::openLoopSendsOnTheSeededSchedule()
{
    LoadPlan plan;
    plan.requests = 30;
    plan.rate = 60;
    plan.seed = 7;
    LoadRunner* runner = makeRunner(plan, 0, 0, 2);
    runner->start();
    QVERIFY(runToEnd(runner));
    QCOMPARE(m_finished.size(), std::size_t(30));

    // The last request cannot end before its arrival time, which the seed fixes.
    std::mt19937_64 random(7);
    std::exponential_distribution<double> gap(60);
    double lastArrival = 0;
    for (int i = 1; i < 30; ++i)
        lastArrival += gap(random);
    QVERIFY2(m_seconds >= lastArrival - 0.002,
             qPrintable(QStringLiteral("%1 < %2").arg(m_seconds).arg(lastArrival)));
    for (const Finished& f : m_finished)
        QVERIFY(f.trace.succeeded());
}

void TestLoadRunner::durationStopsSendingAndLetsTheRestFinish()
{
    LoadPlan plan;
    plan.durationSeconds = 0.5;
    plan.concurrency = 3;
    LoadRunner* runner = makeRunner(plan, 50, 10); // about 100 ms per request
    runner->start();
    QVERIFY(runToEnd(runner));
    QVERIFY(m_finished.size() >= 3);
    for (const Finished& f : m_finished)
        QVERIFY2(f.trace.succeeded(), "requests in flight when the time is up finish normally");
    QVERIFY(m_seconds >= 0.5);
    QTRY_COMPARE(m_server->requestsServed(), qint64(m_finished.size()));
}

void TestLoadRunner::stopLetsRequestsInFlightFinish()
{
    const LoadPlan plan = closedLoop(100, 3);
    LoadRunner* runner = makeRunner(plan, 300, 5);
    QSignalSpy started(runner, &LoadRunner::requestStarted);
    runner->start();
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 3, timeoutMs);
    runner->stop();
    QVERIFY(runToEnd(runner));
    QCOMPARE(m_finished.size(), std::size_t(3));
    for (const Finished& f : m_finished)
        QVERIFY(f.trace.succeeded());
    QCOMPARE(started.count(), 3);
}

void TestLoadRunner::cancelCancelsRequestsInFlight()
{
    const LoadPlan plan = closedLoop(100, 3);
    LoadRunner* runner = makeRunner(plan, 20000, 5);
    QSignalSpy started(runner, &LoadRunner::requestStarted);
    runner->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->inFlight(), 3, timeoutMs);
    runner->cancel();
    QVERIFY(runToEnd(runner));
    QCOMPARE(m_finished.size(), std::size_t(3));
    for (const Finished& f : m_finished) {
        QVERIFY(f.trace.error);
        QCOMPARE(f.trace.error->kind, ApiError::Kind::Cancelled);
    }
    QCOMPARE(started.count(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->inFlight(), 0, timeoutMs);
}

void TestLoadRunner::metricsAreComputedOnTheRunnersThread()
{
    // As bench runs it: the runner on a thread of its own, the results folded on this one.
    const LoadPlan plan = closedLoop(6, 3, 1);
    LoadRunner* runner = makeRunner(plan, 10, 3, 8);
    runner->setParent(nullptr);
    // Judged on E2E against thresholds no answer meets: the rule must reach the runner.
    CategoryRule rule;
    rule.metric = CategoryMetric::E2e;
    rule.thresholds = {0.001, 0.002, 0.003};
    runner->setCategoryRule(rule);

    struct Measured
    {
        QThread* thread;
        RequestTrace trace;
        RequestMetrics metrics;
    };
    QMutex mutex;
    std::vector<Measured> measured; // written on the runner's thread
    connect(
        runner, &LoadRunner::requestFinished, runner,
        [&](qint64, bool, const RequestTrace& trace, const RequestMetrics& metrics) {
            QMutexLocker lock(&mutex);
            measured.push_back({QThread::currentThread(), trace, metrics});
        },
        Qt::DirectConnection);
    std::vector<RequestMetrics> received; // what the queued receiver got, on this thread
    connect(runner, &LoadRunner::requestFinished, this,
            [&](qint64, bool, const RequestTrace&, const RequestMetrics& metrics) {
                received.push_back(metrics);
            });

    QThread thread;
    runner->moveToThread(&thread);
    connect(&thread, &QThread::finished, runner, &QObject::deleteLater);
    thread.start();
    QSignalSpy finished(runner, &LoadRunner::finished);
    QMetaObject::invokeMethod(runner, &LoadRunner::start, Qt::QueuedConnection);
    QVERIFY(finished.wait(timeoutMs));
    QTRY_COMPARE(received.size(), std::size_t(7));
    thread.quit();
    thread.wait();

    QCOMPARE(measured.size(), std::size_t(7));
    for (std::size_t i = 0; i < measured.size(); ++i) {
        const Measured& m = measured[i];
        QCOMPARE(m.thread, &thread);
        QVERIFY(m.thread != QThread::currentThread());
        QVERIFY(m.trace.succeeded());
        QCOMPARE(m.metrics.category, LatencyCategory::Slow);
        QCOMPARE(m.metrics.itlMs.size(), std::size_t(7));
        QVERIFY(!m.metrics.itlSketch.isEmpty());
        QCOMPARE(m.metrics.itlMs, RequestMetrics::fromTrace(m.trace, rule).itlMs);
        QCOMPARE(received[i].itlMs, m.metrics.itlMs);
        QCOMPARE(received[i].category, LatencyCategory::Slow);
    }
}

QTEST_GUILESS_MAIN(TestLoadRunner)
#include "tst_loadrunner.moc"

// StreamPacer: on a test clock (exact lag figures, the end flush, smoothing off) and on real
// answers of the demo endpoint over loopback, paced by its own frame timer.
#include "ManualClock.h"
#include "chat/StreamPacer.h"
#include "demo/DemoConfig.h"
#include "demo/DemoServerThread.h"
#include "net/ChatClient.h"

#include <QSignalSpy>
#include <QTest>

using namespace adminchat;

namespace {

constexpr qint64 kMs = 1'000'000;

struct Collected
{
    QString content;
    QString reasoning;
    int releases = 0;
};

void collect(StreamPacer& pacer, Collected& into)
{
    QObject::connect(&pacer, &StreamPacer::released,
                     [&into](const QString& content, const QString& reasoning) {
                         into.content += content;
                         into.reasoning += reasoning;
                         ++into.releases;
                     });
}

} // namespace

class TestStreamPacer : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void firstPieceIsReleasedOnPush();
    void displayLagP95IsExact();
    void endFlushShowsTheRestAtOnce();
    void flushShowsEverything();
    void offReleasesEveryDeltaAsItComes();
    void pacesRealStreams_data();
    void pacesRealStreams();

private:
    DemoServerThread* m_demo = nullptr;
};

void TestStreamPacer::initTestCase()
{
    auto config = DemoConfig::fromProfile(QStringLiteral("instant"));
    QVERIFY(config);
    m_demo = new DemoServerThread(*config, this);
    QSignalSpy started(m_demo, &DemoServerThread::started);
    m_demo->start();
    QVERIFY(started.wait(5000));
}

void TestStreamPacer::firstPieceIsReleasedOnPush()
{
    ManualClock clock(5 * kMs);
    StreamPacer pacer;
    pacer.setClock(clock.function());
    pacer.setTimerEnabled(false);
    Collected got;
    collect(pacer, got);
    pacer.push(QStringLiteral("Hi "), QString());
    QCOMPARE(got.releases, 1);
    QCOMPARE(got.content, QStringLiteral("Hi "));
    QVERIFY(!pacer.isPacing());
    QCOMPARE(pacer.displayLagP95Ms(), std::optional<double>(0.0));
}

void TestStreamPacer::displayLagP95IsExact()
{
    ManualClock clock;
    StreamPacer pacer;
    pacer.setClock(clock.function());
    pacer.setTimerEnabled(false);
    QVERIFY(!pacer.displayLagP95Ms());
    // Piece i arrives at 50 i ms. The first is shown at once; the second is due 50 ms later,
    // so only its first word goes out on arrival; the rest wait for flush() at 1000 ms.
    for (int i = 0; i < 20; ++i) {
        clock.setNs(i * 50 * kMs);
        pacer.push(QStringLiteral("x "), QString(), clock.nowNs());
    }
    QVERIFY(pacer.isPacing());
    clock.setNs(1000 * kMs);
    pacer.flush();
    const std::vector<double> lags = pacer.lagSamplesMs();
    QCOMPARE(lags.size(), std::size_t(20));
    QCOMPARE(lags.front(), 0.0);
    QCOMPARE(lags.back(), 950.0);
    // Sorted: 0, 50, ..., 950; rank 0.95 * 19 = 18.05 lies between 900 and 950.
    QVERIFY(pacer.displayLagP95Ms());
    QVERIFY2(qFuzzyCompare(*pacer.displayLagP95Ms(), 902.5),
             qPrintable(QString::number(*pacer.displayLagP95Ms())));
    pacer.reset();
    QVERIFY(!pacer.displayLagP95Ms());
    QVERIFY(!pacer.hasPending());
}

void TestStreamPacer::endFlushShowsTheRestAtOnce()
{
    ManualClock clock;
    StreamPacer pacer;
    pacer.setClock(clock.function());
    pacer.setTimerEnabled(false);
    Collected got;
    collect(pacer, got);
    pacer.push(QStringLiteral("start "), QString());
    clock.setNs(200 * kMs);
    pacer.push(QStringLiteral("a b c d e f g h i j k l m n o p "), QString(), clock.nowNs());
    clock.setNs(216 * kMs);
    pacer.tick();
    QVERIFY(pacer.hasPending()); // spread over the next 100 ms
    QVERIFY(pacer.pendingContentSize() > 0);
    const int releasesBefore = got.releases;
    // The last delta arrives and the stream ends in the same instant: all of it is shown then.
    pacer.push(QStringLiteral("end."), QString(), clock.nowNs());
    QVERIFY(pacer.hasPending());
    pacer.flush();
    QCOMPARE(got.releases, releasesBefore + 1);
    QVERIFY(!pacer.hasPending());
    QVERIFY(!pacer.isPacing());
    QCOMPARE(pacer.pendingContentSize(), 0);
    QCOMPARE(got.content, QStringLiteral("start a b c d e f g h i j k l m n o p end."));
    const std::vector<double> lags = pacer.lagSamplesMs();
    QCOMPARE(lags.size(), std::size_t(3));
    QCOMPARE(lags.front(), 0.0); // the first delta and the last both shown as they arrived
    QCOMPARE(lags[1], 0.0);
    QCOMPARE(lags.back(), 16.0); // the burst waited one frame for its tail
    pacer.tick();
    QCOMPARE(got.releases, releasesBefore + 1); // nothing left
}

void TestStreamPacer::flushShowsEverything()
{
    ManualClock clock;
    StreamPacer pacer;
    pacer.setClock(clock.function());
    pacer.setTimerEnabled(false);
    Collected got;
    collect(pacer, got);
    pacer.push(QStringLiteral("one "), QStringLiteral("think "));
    clock.setNs(100 * kMs);
    pacer.push(QStringLiteral("two three four"), QStringLiteral("more"), clock.nowNs());
    QVERIFY(pacer.hasPending());
    QVERIFY(pacer.pendingReasoningSize() + pacer.pendingContentSize() > 0);
    clock.setNs(130 * kMs);
    pacer.flush();
    QCOMPARE(got.content, QStringLiteral("one two three four"));
    QCOMPARE(got.reasoning, QStringLiteral("think more"));
    QVERIFY(!pacer.hasPending());
    // Content and reasoning: two samples each, the second of each 30 ms late.
    QCOMPARE(pacer.lagSamplesMs(), (std::vector<double>{0.0, 0.0, 30.0, 30.0}));
}

void TestStreamPacer::offReleasesEveryDeltaAsItComes()
{
    ManualClock clock;
    StreamPacer pacer;
    pacer.setClock(clock.function());
    pacer.setTimerEnabled(false);
    pacer.setSmoothing(false);
    Collected got;
    collect(pacer, got);
    // A burst after a long gap would be spread out when smoothing; off, it is shown whole.
    pacer.push(QStringLiteral("one "), QString(), 0);
    clock.setNs(500 * kMs);
    pacer.push(QStringLiteral("two three four five six seven "), QString(), 497 * kMs);
    QCOMPARE(got.releases, 2);
    QCOMPARE(got.content, QStringLiteral("one two three four five six seven "));
    QVERIFY(!pacer.hasPending());
    // The lag is still measured: here the hop from arrival to the push, 3 ms.
    QCOMPARE(pacer.lagSamplesMs(), (std::vector<double>{0.0, 3.0}));
    QVERIFY(pacer.displayLagP95Ms());
    QVERIFY(qFuzzyCompare(*pacer.displayLagP95Ms(), 2.85)); // between 0 and 3 at rank 0.95

    // Switching smoothing off while text is held back shows it.
    StreamPacer smooth;
    smooth.setClock(clock.function());
    smooth.setTimerEnabled(false);
    Collected held;
    collect(smooth, held);
    clock.setNs(0);
    smooth.push(QStringLiteral("a "), QString());
    clock.setNs(200 * kMs);
    smooth.push(QStringLiteral("b c d e f g h i j k l "), QString());
    QVERIFY(smooth.hasPending());
    smooth.setSmoothing(false);
    QVERIFY(!smooth.hasPending());
    QCOMPARE(held.content, QStringLiteral("a b c d e f g h i j k l "));
}

void TestStreamPacer::pacesRealStreams_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QByteArray>("latency");
    QTest::newRow("steady tokens") << QStringLiteral("demo-chat") << QByteArray("ttft=0,itl=3");
    QTest::newRow("one burst") << QStringLiteral("demo-chat") << QByteArray("ttft=0,itl=0");
    QTest::newRow("reasoning") << QStringLiteral("demo-reasoner") << QByteArray("ttft=0,itl=2");
}

void TestStreamPacer::pacesRealStreams()
{
    QFETCH(QString, model);
    QFETCH(QByteArray, latency);
    EndpointConfig endpoint;
    endpoint.baseUrl = m_demo->baseUrl();
    endpoint.extraHeaders.append({QByteArray("X-Demo-Latency"), latency});
    ChatRequest request;
    request.model = model;
    request.maxTokens = 80;
    request.messages.append({QStringLiteral("user"), QStringLiteral("Tell me about pacing")});

    ChatClient client;
    StreamPacer pacer;
    Collected got;
    collect(pacer, got);
    std::size_t pieces = 0;
    connect(&client, &ChatClient::outputReceived, &pacer, [&](quint64, const ChunkUpdate& update) {
        pieces += !update.content.isEmpty() + !update.reasoning.isEmpty();
        pacer.push(update.content, update.reasoning, update.arrivalNs);
    });
    connect(&client, &ChatClient::outputReceived, &pacer, [&](quint64, const ChunkUpdate& update) {
        // Stamped where the bytes arrived, on the pacer's clock, no later than now.
        QVERIFY(update.arrivalNs > 0);
        QVERIFY(update.arrivalNs <= StreamPacer::monotonicNowNs());
    });
    connect(&client, &ChatClient::requestFinished, &pacer, &StreamPacer::flush);
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), endpoint, request);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.count(), 1);
    const RequestTrace trace = finished.first().at(1).value<RequestTrace>();
    QVERIFY(trace.succeeded());
    QVERIFY(!trace.text.isEmpty());
    QCOMPARE(got.content, trace.text);
    QCOMPARE(got.reasoning, trace.reasoning);
    QCOMPARE(model == QLatin1String("demo-reasoner"), !trace.reasoning.isEmpty());
    QVERIFY(got.releases >= 1);
    QCOMPARE(pacer.lagSamplesMs().size(), pieces);
    QVERIFY(pieces >= 2);
    QVERIFY(!pacer.hasPending());
    QVERIFY(!pacer.isPacing());
    const std::optional<double> p95 = pacer.displayLagP95Ms();
    QVERIFY(p95);
    QVERIFY(*p95 >= 0);
    QVERIFY(*p95 <= pacer.lagSamplesMs().back());
}

QTEST_GUILESS_MAIN(TestStreamPacer)
#include "tst_streampacer.moc"

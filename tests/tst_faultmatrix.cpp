// Every fault mode of the demo endpoint through the real streaming client: `adminchat
// serve-demo` runs as its own process (so its memory is not ours), the client runs here and each
// fault must end in the outcome a user should see: the right error kind and one line naming it,
// the partial text kept and never repeated, retries counted, and bounded memory.
#include "AppProcess.h"
#include "DemoTestClient.h"
#include "demo/DemoCompletionBuilder.h"
#include "net/ChatClient.h"
#include "openai/ResponseAccumulator.h"

#include <QSignalSpy>
#include <QTest>
#include <memory>
#include <sys/resource.h>

using namespace adminchat;

namespace {

// How much of the answer the trace must hold.
enum class Text
{
    None,    // nothing arrived
    Partial, // a non-empty beginning of the answer the fault-free request gets
    Whole,   // exactly that answer
    Huge,    // the endless answer, cut at the client's limit
};

constexpr int kRunTimeoutMs = 30000;
// What any fault may cost the client, an answer sent as fast as the socket takes included: the
// transport reads no faster than the client decodes, so only the answer itself (cut at
// ResponseAccumulator::maxTextChars) grows, whatever the load of the machine.
#ifdef ADMINCHAT_SANITIZED
// AddressSanitizer pads every allocation and keeps freed memory in quarantine (256 MB).
constexpr qint64 kPeakGrowthLimitKib = 768 * 1024;
#else
constexpr qint64 kPeakGrowthLimitKib = 100 * 1024;
#endif
// Room for the address space to grow before allocations fail: a client that buffered without
// bound would end this test instead of taking the machine's memory. The cap only has to stop a
// runaway, not measure: that is the growth check.
constexpr rlim_t kAddressSpaceHeadroom = rlim_t(2) * 1024 * 1024 * 1024;

// The peak resident size is a high-water mark that never goes down: reset it to the current
// size, so that each case is measured on its own and not masked by an earlier, bigger one.
bool resetPeakRss()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

// What one fault must end in.
struct FaultCase
{
    const char* fault = "";
    QString kinds;       // empty: success; else the accepted error kinds, '|'-separated
    QString messagePart; // in the error's one-line message
    int retries = 0;
    Text text = Text::None;
    int idleTimeoutMs = 0; // 0: the default
    int minElapsedMs = 0;
};

QList<FaultCase> faultCases()
{
    return {
        // Retried until the server answers: the user sees the answer, the trace the retry.
        {"500-once", {}, {}, 1, Text::Whole},
        {"429-once", {}, {}, 1, Text::Whole, 0, 180}, // retry-after-ms: 200 was waited for
        // Every attempt fails: the last status, after all retries.
        {"500", "http", "HTTP 500 Internal Server Error", 2, Text::None},
        {"429", "http", "HTTP 429 Too Many Requests", 2, Text::None},
        {"html502", "http", "HTTP 502 Bad Gateway", 2, Text::None},
        // Broken mid-stream: never retried once content arrived, the text so far kept. Qt
        // reports a reset or a short chunk of a chunked body as an error or as a clean end.
        {"reset", "connection|cut_off", {}, 0, Text::Partial},
        {"truncated-chunked", "connection|cut_off", {}, 0, Text::Partial},
        {"stall", "idle_timeout", "idle timeout", 0, Text::Partial, 500},
        {"error-after-200", "stream", "invalid content", 0, Text::Partial},
        {"cut-off", "cut_off", "stream ended before the answer was complete", 0, Text::Partial},
        {"malformed", "protocol", "malformed JSON", 0, Text::Partial},
        {"huge-line", "protocol", "line exceeds 8 MiB", 0, Text::Partial},
        {"garbage", "protocol", "not an event stream", 0, Text::None},
        // Served, one way or another.
        {"trickle", {}, {}, 0, Text::Whole},
        {"ignore-stream", {}, {}, 0, Text::Whole},
        {"reject-stream-options", {}, {}, 1, Text::Whole}, // sent again without the field
        // Last: should the client not stop reading, the address-space cap set in initTestCase
        // ends the run here, after every other case.
        {"endless", "protocol", "exceeds the limit of 16 Mi characters", 0, Text::Huge},
    };
}

// "kind: message", or "no error" (QVERIFY2 builds its message even when the check passes).
QString errorText(const RequestTrace& trace)
{
    return trace.error ? trace.error->kindName() + QStringLiteral(": ") + trace.error->message
                       : QStringLiteral("no error");
}

} // namespace

Q_DECLARE_METATYPE(FaultCase)

class TestFaultMatrix : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyFault_data();
    void everyFault();
    void everyFaultIsCovered();

private:
    struct Outcome
    {
        bool finished = false;
        RequestTrace trace;
        QString shown; // what outputReceived delivered, in order
        qint64 elapsedMs = 0;
    };

    EndpointConfig endpoint(const QByteArray& fault) const;
    static ChatRequest request();
    Outcome run(const EndpointConfig& endpoint, const ChatRequest& request);

    // `adminchat serve-demo` for the whole run, stopped however the run ends (ProcessRunner).
    std::unique_ptr<ProcessRunner> m_server;
    QUrl m_baseUrl;
    QString m_answer; // the answer without a fault
};

void TestFaultMatrix::initTestCase()
{
    const qint64 sizeKib = demotest::procStatusKib("VmSize");
    QVERIFY(sizeKib > 0);
    const rlimit cap{rlim_t(sizeKib) * 1024 + kAddressSpaceHeadroom, RLIM_INFINITY};
    QCOMPARE(setrlimit(RLIMIT_AS, &cap), 0);

    m_server = std::make_unique<ProcessRunner>();
    const QString url = startDemoServer(m_server->process(), {"--profile", "instant"});
    QVERIFY2(!url.isEmpty(), m_server->process().readAllStandardError().constData());
    m_baseUrl = QUrl(url);

    const Outcome plain = run(endpoint("none"), request());
    QVERIFY(plain.finished);
    QVERIFY2(plain.trace.succeeded(), qPrintable(errorText(plain.trace)));
    QCOMPARE(plain.trace.retries, 0);
    m_answer = plain.trace.text;
    QVERIFY(!m_answer.isEmpty());
}

void TestFaultMatrix::cleanupTestCase()
{
    m_server.reset();
}

EndpointConfig TestFaultMatrix::endpoint(const QByteArray& fault) const
{
    EndpointConfig config;
    config.baseUrl = m_baseUrl;
    config.extraHeaders.append({"X-Demo-Fault", fault});
    config.maxRetries = 2;
    return config;
}

ChatRequest TestFaultMatrix::request()
{
    // Short, so that the trickled answer (2 ms a byte) takes seconds, not minutes; longer than
    // the tokens sent before a fault strikes, so partial answers are really partial.
    ChatRequest request;
    request.model = QStringLiteral("demo-chat");
    request.messages.append({QStringLiteral("user"), QStringLiteral("Tell me about faults")});
    request.maxTokens = 8;
    return request;
}

TestFaultMatrix::Outcome TestFaultMatrix::run(const EndpointConfig& endpoint,
                                              const ChatRequest& request)
{
    Outcome outcome;
    ChatClient client;
    const quint64 id = ChatClient::nextRequestId();
    bool cancelled = false;
    connect(&client, &ChatClient::outputReceived, this, [&](quint64, const ChunkUpdate& update) {
        outcome.shown += update.content;
        // A client that never stops reading an endless answer would fill the memory; this
        // ends the test run instead (the outcome is then a cancellation, which fails).
        if (!cancelled && outcome.shown.size() > 4 * ResponseAccumulator::maxTextChars) {
            cancelled = true;
            client.cancel(id);
        }
    });
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    QElapsedTimer clock;
    clock.start();
    client.start(id, endpoint, request);
    outcome.finished = demotest::spinUntil([&] { return !finished.isEmpty(); }, kRunTimeoutMs);
    outcome.elapsedMs = clock.elapsed();
    if (outcome.finished)
        outcome.trace = finished.first().at(1).value<RequestTrace>();
    return outcome;
}

void TestFaultMatrix::everyFault_data()
{
    QTest::addColumn<FaultCase>("expected");
    for (const FaultCase& expected : faultCases())
        QTest::newRow(expected.fault) << expected;
}

void TestFaultMatrix::everyFault()
{
    QFETCH(FaultCase, expected);
    const QByteArray fault = expected.fault;
    const QString& kinds = expected.kinds;
    const QString& messagePart = expected.messagePart;

    EndpointConfig config = endpoint(fault);
    if (expected.idleTimeoutMs > 0)
        config.idleTimeoutMs = expected.idleTimeoutMs;
    QVERIFY(resetPeakRss());
    const qint64 peakBefore = demotest::procStatusKib("VmHWM");
    const Outcome outcome = run(config, request());
    const qint64 peakAfter = demotest::procStatusKib("VmHWM");
    QVERIFY2(outcome.finished, "the request did not end");
    const RequestTrace& trace = outcome.trace;

    if (kinds.isEmpty()) {
        QVERIFY2(trace.succeeded(), qPrintable(errorText(trace)));
        QCOMPARE(trace.httpStatus, 200);
    } else {
        QVERIFY2(trace.error,
                 qPrintable(QStringLiteral("no error; text: ") + trace.text.left(200)));
        QVERIFY2(kinds.split(QLatin1Char('|')).contains(trace.error->kindName()),
                 qPrintable(errorText(trace)));
        QVERIFY(!trace.error->message.isEmpty());
        QVERIFY(!trace.error->message.contains(QLatin1Char('\n')));
        QVERIFY2(trace.error->message.contains(messagePart), qPrintable(trace.error->message));
        qInfo("%s: %s: %s", fault.constData(), qPrintable(trace.error->kindName()),
              qPrintable(trace.error->message));
    }
    QCOMPARE(trace.retries, expected.retries);
    QVERIFY2(outcome.elapsedMs >= expected.minElapsedMs,
             qPrintable(QString::number(outcome.elapsedMs)));

    // What the view was shown is the trace's text: a retry repeats nothing.
    QCOMPARE(outcome.shown.size(), trace.text.size());
    QVERIFY(outcome.shown == trace.text);
    switch (expected.text) {
    case Text::None:
        QCOMPARE(trace.text, QString());
        break;
    case Text::Partial:
        QVERIFY(!trace.text.isEmpty());
        QVERIFY2(trace.text.size() < m_answer.size(), qPrintable(trace.text));
        QVERIFY2(m_answer.startsWith(trace.text), qPrintable(trace.text));
        break;
    case Text::Whole:
        QCOMPARE(trace.text, m_answer);
        break;
    case Text::Huge:
        // Stopped at the limit (the event that crossed it may stay), never far beyond it.
        QVERIFY(trace.text.size() > ResponseAccumulator::maxTextChars);
        QVERIFY(trace.text.size() <=
                ResponseAccumulator::maxTextChars + DemoCompletionBuilder::endlessEventChars);
        break;
    }

    // Every case, each from its own starting point (resetPeakRss()).
    const qint64 growthKib = peakAfter - peakBefore;
    qInfo("%s: peak RSS %lld KiB before, %lld KiB after (+%lld KiB)", fault.constData(), peakBefore,
          peakAfter, growthKib);
    QVERIFY(peakBefore > 0);
    QVERIFY2(growthKib < kPeakGrowthLimitKib, qPrintable(QString::number(growthKib)));
}

void TestFaultMatrix::everyFaultIsCovered()
{
    // A fault added to the demo must get its case above.
    QStringList tested;
    for (const FaultCase& expected : faultCases())
        tested << QString::fromLatin1(expected.fault);
    QStringList missing;
    for (const QString& name : DemoConfig::faultNames()) {
        if (!tested.contains(name))
            missing << name;
    }
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral(", "))));
}

QTEST_GUILESS_MAIN(TestFaultMatrix)
#include "tst_faultmatrix.moc"

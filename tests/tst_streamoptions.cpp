// stream_options: a server that rejects it with a 400 gets the request once more without it,
// transparently (same id, one finished request, the answer streamed), recorded in the trace;
// EndpointConfig::sendStreamOptions = false never sends it. Against the demo endpoint's
// reject-stream-options fault, and a scripted server that shows the bytes on the wire.
#include "HostileServer.h"
#include "ResponsePlan.h"
#include "demo/DemoServerThread.h"
#include "net/ChatClient.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace adminchat;

namespace {

// Answers each request with the next scripted response (after its delay), the last one again
// when they run out, then closes the connection; HostileServer keeps every request body.
struct Answer
{
    QByteArray bytes;
    int delayMs = 0;
};

class ScriptedServer : public HostileServer
{
public:
    explicit ScriptedServer(const QList<Answer>& answers) : HostileServer(plan(answers)) {}

private:
    static ResponsePlan plan(const QList<Answer>& answers)
    {
        ResponsePlan plan;
        for (const Answer& answer : answers)
            plan.append(HostileResponse().wait(answer.delayMs).write(answer.bytes));
        return plan;
    }
};

QByteArray badRequest(const QByteArray& body)
{
    return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
           "Content-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

const QByteArray rejection = badRequest(
    R"({"error":{"message":"Unknown parameter: 'Stream_Options'.","type":"invalid_request_error"}})");

QByteArray streamAnswer()
{
    const QByteArray chunk = R"({"id":"c1","object":"chat.completion.chunk","model":"scripted",)"
                             R"("choices":[{"index":0,"delta":{"content":"Hello"},)"
                             R"("finish_reason":null}]})";
    const QByteArray last = R"({"id":"c1","object":"chat.completion.chunk","model":"scripted",)"
                            R"("choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})";
    return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
           "data: " +
           chunk + "\n\ndata: " + last + "\n\ndata: [DONE]\n\n";
}

} // namespace

class TestStreamOptions : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void rejectedOnceThenAnswered();
    void rejectedServerWide();
    void acceptedWithoutRetry();
    void notSentWhenDisabled();
    void notStreamedNeverSendsIt();
    void otherBadRequestIsNotRetried();
    void retriedOnlyOnce();
    void timesStayRelativeToTheFirstSend();
    void wireBodies();

private:
    struct Run
    {
        RequestTrace trace;
        QString streamed;
        int finishedCount = 0;
        quint64 id = 0;
    };
    Run run(const EndpointConfig& endpoint, bool stream = true,
            const QString& model = QStringLiteral("demo-chat"));
    EndpointConfig demo(bool rejectFault) const;

    DemoServerThread* m_demo = nullptr;
    QUrl m_baseUrl;
};

void TestStreamOptions::initTestCase()
{
    m_demo = new DemoServerThread(*DemoConfig::fromProfile(QStringLiteral("instant")), this);
    QSignalSpy started(m_demo, &DemoServerThread::started);
    m_demo->start();
    QVERIFY(started.wait(5000));
    m_baseUrl = m_demo->baseUrl();
}

EndpointConfig TestStreamOptions::demo(bool rejectFault) const
{
    EndpointConfig config;
    config.baseUrl = m_baseUrl;
    if (rejectFault)
        config.extraHeaders.append(
            qMakePair(QByteArray("X-Demo-Fault"), QByteArray("reject-stream-options")));
    return config;
}

TestStreamOptions::Run TestStreamOptions::run(const EndpointConfig& endpoint, bool stream,
                                              const QString& model)
{
    ChatClient client;
    Run result;
    connect(&client, &ChatClient::outputReceived, this,
            [&](quint64, const ChunkUpdate& update) { result.streamed += update.content; });
    connect(&client, &ChatClient::requestFinished, this,
            [&](quint64 id, const RequestTrace& trace) {
                ++result.finishedCount;
                result.id = id;
                result.trace = trace;
            });
    ChatRequest request;
    request.model = model;
    request.stream = stream;
    request.messages.append({QStringLiteral("user"), QStringLiteral("Hello there")});
    const quint64 id = ChatClient::nextRequestId();
    client.start(id, endpoint, request);
    if (!QTest::qWaitFor([&] { return result.finishedCount > 0; }, 20000))
        return {};
    QTest::qWait(20); // a second finished() would show up here
    if (result.id != id)
        result.finishedCount = -1;
    return result;
}

void TestStreamOptions::rejectedOnceThenAnswered()
{
    const Run r = run(demo(true));
    QCOMPARE(r.finishedCount, 1);
    const RequestTrace& t = r.trace;
    QVERIFY2(t.succeeded(), qPrintable(t.error ? t.error->message : QString()));
    QCOMPARE(t.httpStatus, 200);
    QVERIFY(t.streamOptionsRejected);
    QCOMPARE(t.retries, 1);
    QVERIFY(t.streamed);
    QVERIFY(!t.text.isEmpty());
    QCOMPARE(r.streamed, t.text); // the caller saw the answer once, nothing of the 400
    QCOMPARE(t.finishReason, QStringLiteral("stop"));
    QVERIFY(!t.usage); // asked for without stream_options: no usage chunk
    QVERIFY(t.headersNs >= 0 && t.firstOutputNs >= t.headersNs && t.endNs >= t.firstOutputNs);

    // The same answer as an accepting server gives.
    QCOMPARE(run(demo(false)).trace.text, t.text);
}

void TestStreamOptions::rejectedServerWide()
{
    DemoConfig config = *DemoConfig::fromProfile(QStringLiteral("instant"));
    config.faults = {DemoFault::RejectStreamOptions};
    config.faultRate = 1.0;
    DemoServerThread server(config);
    QSignalSpy started(&server, &DemoServerThread::started);
    server.start();
    QVERIFY(started.wait(5000));
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    const Run r = run(endpoint);
    QCOMPARE(r.finishedCount, 1);
    QVERIFY(r.trace.succeeded());
    QVERIFY(r.trace.streamOptionsRejected);
    QCOMPARE(r.trace.retries, 1);
    QVERIFY(!r.trace.text.isEmpty());
}

void TestStreamOptions::acceptedWithoutRetry()
{
    const Run r = run(demo(false));
    QCOMPARE(r.finishedCount, 1);
    QVERIFY(r.trace.succeeded());
    QVERIFY(!r.trace.streamOptionsRejected);
    QCOMPARE(r.trace.retries, 0);
    QVERIFY(r.trace.usage); // stream_options.include_usage was sent and honoured
}

void TestStreamOptions::notSentWhenDisabled()
{
    EndpointConfig endpoint = demo(true);
    endpoint.sendStreamOptions = false;
    const Run r = run(endpoint);
    QCOMPARE(r.finishedCount, 1);
    QVERIFY2(r.trace.succeeded(), qPrintable(r.trace.error ? r.trace.error->message : ""));
    QVERIFY(!r.trace.streamOptionsRejected);
    QCOMPARE(r.trace.retries, 0); // the rejecting server never saw stream_options
    QVERIFY(!r.trace.usage);
    QVERIFY(!r.trace.text.isEmpty());
}

void TestStreamOptions::notStreamedNeverSendsIt()
{
    const Run r = run(demo(true), false);
    QCOMPARE(r.finishedCount, 1);
    QVERIFY(r.trace.succeeded());
    QVERIFY(!r.trace.streamed);
    QCOMPARE(r.trace.retries, 0);
    QVERIFY(!r.trace.streamOptionsRejected);
}

void TestStreamOptions::otherBadRequestIsNotRetried()
{
    // A 400 about something else is the answer, not a reason to retry.
    ScriptedServer server(
        {{badRequest(R"({"error":{"message":"max_tokens is too large","type":"x"}})"), 0}});
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    const Run r = run(endpoint, true, QStringLiteral("m"));
    QCOMPARE(r.finishedCount, 1);
    QVERIFY(r.trace.error);
    QCOMPARE(r.trace.error->kind, ApiError::Kind::Http);
    QCOMPARE(r.trace.httpStatus, 400);
    QCOMPARE(r.trace.retries, 0);
    QVERIFY(!r.trace.streamOptionsRejected);
    QCOMPARE(server.bodies().size(), 1);
}

void TestStreamOptions::retriedOnlyOnce()
{
    // A server that keeps answering 400 naming stream_options (case aside): one retry, then
    // that 400 is the answer.
    ScriptedServer server({{rejection, 0}});
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    const Run r = run(endpoint, true, QStringLiteral("m"));
    QCOMPARE(r.finishedCount, 1);
    QVERIFY(r.trace.error);
    QCOMPARE(r.trace.error->kind, ApiError::Kind::Http);
    QVERIFY2(r.trace.error->message.contains(QStringLiteral("Stream_Options")),
             qPrintable(r.trace.error->message));
    QCOMPARE(r.trace.httpStatus, 400);
    QCOMPARE(r.trace.retries, 1);
    QVERIFY(r.trace.streamOptionsRejected);
    QCOMPARE(server.bodies().size(), 2);
    QVERIFY(server.bodies().at(0).contains("\"stream_options\""));
    QVERIFY(!server.bodies().at(1).contains("stream_options"));
}

void TestStreamOptions::timesStayRelativeToTheFirstSend()
{
    constexpr int delayMs = 300;
    ScriptedServer server({{rejection, delayMs}, {streamAnswer(), 0}});
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    QElapsedTimer wall;
    wall.start();
    const Run r = run(endpoint, true, QStringLiteral("m"));
    QCOMPARE(r.finishedCount, 1);
    QVERIFY2(r.trace.succeeded(), qPrintable(r.trace.error ? r.trace.error->message : ""));
    QCOMPARE(r.trace.text, QStringLiteral("Hello"));
    QCOMPARE(r.trace.model, QStringLiteral("scripted"));
    QCOMPARE(r.trace.retries, 1);
    QVERIFY(r.trace.streamOptionsRejected);
    // What the user waited: the rejected round trip is part of the time to first token.
    QVERIFY2(r.trace.headersNs >= delayMs * 1'000'000LL,
             qPrintable(QString::number(r.trace.headersNs)));
    QVERIFY(r.trace.firstOutputNs >= delayMs * 1'000'000LL);
    QVERIFY(r.trace.endNs >= r.trace.firstOutputNs);
    QVERIFY(r.trace.endNs <= wall.nsecsElapsed());
    QCOMPARE(r.trace.outputEventNs.size(), size_t(1));
}

void TestStreamOptions::wireBodies()
{
    ScriptedServer server({{streamAnswer(), 0}});
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    QVERIFY(run(endpoint, true, QStringLiteral("m")).trace.succeeded());
    endpoint.sendStreamOptions = false;
    QVERIFY(run(endpoint, true, QStringLiteral("m")).trace.succeeded());
    QCOMPARE(server.bodies().size(), 2);
    QVERIFY(server.bodies().at(0).contains(R"("stream_options":{"include_usage":true})"));
    QVERIFY(!server.bodies().at(1).contains("stream_options"));
    QVERIFY(server.bodies().at(1).contains(R"("stream":true)"));
}

QTEST_GUILESS_MAIN(TestStreamOptions)
#include "tst_streamoptions.moc"

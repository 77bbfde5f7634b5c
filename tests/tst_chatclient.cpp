// The streaming client against the real demo endpoint over loopback: success paths, every
// fault mode, timeouts, cancellation and the metrics computed from the trace.
#include "HostileServer.h"
#include "ResponsePlan.h"
#include "demo/DemoServerThread.h"
#include "metrics/RequestMetrics.h"
#include "net/ChatClient.h"
#include "net/ModelsFetcher.h"
#include "openai/ResponseAccumulator.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace adminchat;

class TestChatClient : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void streamsAnswerWithUsage();
    void estimatesTokensWithoutUsage();
    void fixedLatencyIsMeasured();
    void reasoningModelSeparatesFirstTokens();
    void nonStreamedAnswer();
    void serverIgnoringStreamFlag();
    void maxTokensFinishesWithLength();
    void faultModes_data();
    void faultModes();
    void stallHitsIdleTimeout();
    void totalTimeout();
    void connectionRefused();
    void connectTimeout();
    void cancelKeepsPartialText();
    void listsModels();
    void wrongKeyIsRedacted();
    void oversizedLineIsOneLineError();
    void endlessAnswerStopsAtTheLimit();

private:
    RequestTrace run(const EndpointConfig& endpoint, const ChatRequest& request,
                     int timeoutMs = 20000);
    EndpointConfig endpoint(const QByteArray& header = {}, const QByteArray& value = {}) const;
    static ChatRequest request(const QString& prompt, const QString& model = "demo-chat");

    DemoServerThread* m_demo = nullptr;
    QUrl m_baseUrl;
};

void TestChatClient::initTestCase()
{
    auto config = DemoConfig::fromProfile(QStringLiteral("instant"));
    QVERIFY(config);
    config->requiredApiKey = QStringLiteral("sk-test-right-key");
    m_demo = new DemoServerThread(*config, this);
    QSignalSpy started(m_demo, &DemoServerThread::started);
    m_demo->start();
    QVERIFY(started.wait(5000));
    m_baseUrl = m_demo->baseUrl();
    QVERIFY(m_baseUrl.isValid());
}

EndpointConfig TestChatClient::endpoint(const QByteArray& header, const QByteArray& value) const
{
    EndpointConfig config;
    config.baseUrl = m_baseUrl;
    config.apiKey = QStringLiteral("sk-test-right-key");
    if (!header.isEmpty())
        config.extraHeaders.append({header, value});
    return config;
}

ChatRequest TestChatClient::request(const QString& prompt, const QString& model)
{
    ChatRequest request;
    request.model = model;
    request.messages.append({QStringLiteral("user"), prompt});
    return request;
}

RequestTrace TestChatClient::run(const EndpointConfig& endpoint, const ChatRequest& request,
                                 int timeoutMs)
{
    ChatClient client;
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), endpoint, request);
    if (!finished.wait(timeoutMs))
        return {};
    return finished.first().at(1).value<RequestTrace>();
}

void TestChatClient::streamsAnswerWithUsage()
{
    ChatClient client;
    QString streamed;
    int pieces = 0;
    connect(&client, &ChatClient::outputReceived, this, [&](quint64, const ChunkUpdate& update) {
        streamed += update.content;
        ++pieces;
    });
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), endpoint(), request(QStringLiteral("Hello there")));
    QVERIFY(finished.wait(10000));
    const auto trace = finished.first().at(1).value<RequestTrace>();

    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
    QCOMPARE(trace.httpStatus, 200);
    QVERIFY(trace.streamed);
    QVERIFY(!trace.text.isEmpty());
    QCOMPARE(streamed, trace.text); // what the view saw is exactly the answer
    QCOMPARE(trace.finishReason, QStringLiteral("stop"));
    QCOMPARE(trace.model, QStringLiteral("demo-chat"));
    QVERIFY(trace.usage.has_value());
    QCOMPARE(qsizetype(pieces), qsizetype(trace.outputEventNs.size()));

    const RequestMetrics m = RequestMetrics::fromTrace(trace);
    QVERIFY(!m.outputTokensEstimated);
    QCOMPARE(m.outputTokens, trace.usage->value("completion_tokens").toInteger());
    QCOMPARE(m.outputTokens, qint64(trace.outputEventNs.size()));
    QVERIFY(m.ttftMs && *m.ttftMs >= 0);
    QVERIFY(m.e2eMs && *m.e2eMs >= *m.ttftMs);
    QCOMPARE(m.itlMs.size(), trace.outputEventNs.size() - 1);
    QVERIFY(m.tokensPerSecond && *m.tokensPerSecond > 0);

    // Deterministic: the same prompt gives the same answer.
    const RequestTrace again = run(endpoint(), request(QStringLiteral("Hello there")));
    QCOMPARE(again.text, trace.text);
}

void TestChatClient::estimatesTokensWithoutUsage()
{
    ChatRequest req = request(QStringLiteral("no usage please"));
    req.includeUsage = false;
    const RequestTrace trace = run(endpoint(), req);
    QVERIFY(trace.succeeded());
    QVERIFY(!trace.usage.has_value());
    const RequestMetrics m = RequestMetrics::fromTrace(trace);
    QVERIFY(m.outputTokensEstimated);
    QCOMPARE(m.outputTokens, qint64(trace.outputEventNs.size()));
    QVERIFY(m.outputTokens > 1);
}

void TestChatClient::fixedLatencyIsMeasured()
{
    ChatRequest req = request(QStringLiteral("timed"));
    req.maxTokens = 12;
    const RequestTrace trace = run(endpoint("X-Demo-Latency", "ttft=150,itl=20"), req);
    QVERIFY(trace.succeeded());
    const RequestMetrics m = RequestMetrics::fromTrace(trace);
    // Lower bounds only, and only on times measured from the send: a busy machine can only make
    // an arrival later. A single gap can shrink (a late token followed by one on time), so the
    // gaps are checked through the time of the last token: 150 + 11 * 20 ms at the earliest.
    QVERIFY2(*m.ttftMs >= 150, qPrintable(QString::number(*m.ttftMs)));
    QCOMPARE(m.outputTokens, 12);
    QVERIFY(*m.itlP50Ms > 0);
    QVERIFY2(*m.ttftMs + *m.meanItlMs * 11 >= 150 + 11 * 20 - 1,
             qPrintable(QString::number(*m.meanItlMs)));
    QVERIFY(*m.e2eMs >= 150 + 11 * 20 - 1);
    QVERIFY(*m.ttftMs + *m.tpotMs * 11 >= 150 + 11 * 20 - 1);
    QVERIFY(m.category != LatencyCategory::Error && m.category != LatencyCategory::Cancelled);
}

void TestChatClient::reasoningModelSeparatesFirstTokens()
{
    const RequestTrace trace =
        run(endpoint("X-Demo-Latency", "ttft=0,itl=2"), request("think", "demo-reasoner"));
    QVERIFY(trace.succeeded());
    QVERIFY(!trace.reasoning.isEmpty());
    QVERIFY(!trace.text.isEmpty());
    QVERIFY(trace.firstOutputNs >= 0);
    QVERIFY(trace.firstContentNs > trace.firstOutputNs);
    const RequestMetrics m = RequestMetrics::fromTrace(trace);
    QVERIFY(*m.ttfatMs > *m.ttftMs);
}

void TestChatClient::nonStreamedAnswer()
{
    ChatRequest req = request(QStringLiteral("whole answer"));
    req.stream = false;
    const RequestTrace trace = run(endpoint(), req);
    QVERIFY(trace.succeeded());
    QVERIFY(!trace.streamed);
    QVERIFY(!trace.text.isEmpty());
    QCOMPARE(trace.finishReason, QStringLiteral("stop"));
    QCOMPARE(trace.outputEventNs.size(), std::size_t(1));
    // Same text as the streamed answer to the same prompt.
    QCOMPARE(run(endpoint(), request(QStringLiteral("whole answer"))).text, trace.text);
}

void TestChatClient::serverIgnoringStreamFlag()
{
    ChatClient client;
    QString shown;
    connect(&client, &ChatClient::outputReceived, this,
            [&](quint64, const ChunkUpdate& update) { shown += update.content; });
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), endpoint("X-Demo-Fault", "ignore-stream"),
                 request(QStringLiteral("stream please")));
    QVERIFY(finished.wait(10000));
    const auto trace = finished.first().at(1).value<RequestTrace>();
    QVERIFY(trace.succeeded());
    QVERIFY(!trace.streamed);
    QVERIFY(!trace.text.isEmpty());
    QCOMPARE(shown, trace.text); // the whole answer reaches the view in one piece
    QCOMPARE(trace.text, run(endpoint(), request(QStringLiteral("stream please"))).text);
    QVERIFY(RequestMetrics::fromTrace(trace).ttftMs.has_value());
}

void TestChatClient::maxTokensFinishesWithLength()
{
    ChatRequest req = request(QStringLiteral("long"));
    req.maxTokens = 5;
    const RequestTrace trace = run(endpoint(), req);
    QVERIFY(trace.succeeded());
    QCOMPARE(trace.finishReason, QStringLiteral("length"));
    QCOMPARE(RequestMetrics::fromTrace(trace).outputTokens, 5);
}

void TestChatClient::faultModes_data()
{
    QTest::addColumn<QByteArray>("fault");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");
    QTest::addColumn<bool>("keepsPartialText");

    QTest::newRow("500") << QByteArray("500") << "http" << 500
                         << "HTTP 500 Internal Server Error: The server had an error" << false;
    QTest::newRow("429") << QByteArray("429") << "http" << 429
                         << "HTTP 429 Too Many Requests: Rate limit reached" << false;
    QTest::newRow("html502") << QByteArray("html502") << "http" << 502
                             << "HTTP 502 Bad Gateway: 502 Bad Gateway" << false;
    QTest::newRow("reset") << QByteArray("reset") << "connection|cut_off" << 200 << "" << true;
    QTest::newRow("error-after-200")
        << QByteArray("error-after-200") << "stream" << 200 << "invalid content" << true;
    QTest::newRow("cut-off") << QByteArray("cut-off") << "cut_off" << 200
                             << "stream ended before the answer was complete" << true;
    QTest::newRow("malformed") << QByteArray("malformed") << "protocol" << 200 << "malformed JSON"
                               << true;
}

void TestChatClient::faultModes()
{
    QFETCH(QByteArray, fault);
    QFETCH(QString, kind);
    QFETCH(int, status);
    QFETCH(QString, messagePart);
    QFETCH(bool, keepsPartialText);

    const RequestTrace trace = run(endpoint("X-Demo-Fault", fault), request("fault " + fault));
    QVERIFY(trace.error.has_value());
    // Qt 6.4 reports a reset in the middle of a chunked body either as an error or as a clean
    // end; both keep the partial text and end in an error.
    QVERIFY2(kind.split(QLatin1Char('|')).contains(trace.error->kindName()),
             qPrintable(trace.error->kindName()));
    QCOMPARE(trace.httpStatus, status);
    QVERIFY2(trace.error->message.contains(messagePart), qPrintable(trace.error->message));
    QVERIFY(!trace.error->message.contains(QLatin1Char('\n')));
    QCOMPARE(!trace.text.isEmpty(), keepsPartialText);
    QCOMPARE(RequestMetrics::fromTrace(trace).category, LatencyCategory::Error);
    // 429 and 5xx were sent twice more (the default) before the error was reported; once the
    // answer had started nothing was sent again.
    QCOMPARE(trace.retries, status >= 400 ? 2 : 0);
}

void TestChatClient::stallHitsIdleTimeout()
{
    EndpointConfig config = endpoint("X-Demo-Fault", "stall");
    config.idleTimeoutMs = 300;
    const RequestTrace trace = run(config, request(QStringLiteral("stall")));
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::IdleTimeout);
    QVERIFY2(trace.error->message.startsWith(QStringLiteral("idle timeout")),
             qPrintable(trace.error->message));
    QVERIFY(!trace.text.isEmpty()); // the tokens before the stall are kept
}

void TestChatClient::totalTimeout()
{
    EndpointConfig config = endpoint("X-Demo-Latency", "ttft=0,itl=50");
    config.totalTimeoutMs = 300;
    ChatRequest req = request(QStringLiteral("slow and long"));
    req.maxTokens = 100;
    const RequestTrace trace = run(config, req);
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::TotalTimeout);
    QVERIFY(trace.error->message.startsWith(QStringLiteral("total timeout")));
    QVERIFY(!trace.text.isEmpty());
}

void TestChatClient::connectionRefused()
{
    const quint16 port = HostileServer::closedPort();
    QVERIFY(port != 0);
    EndpointConfig config;
    config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
    const RequestTrace trace = run(config, request(QStringLiteral("anyone?")));
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Connection);
    QVERIFY2(trace.error->message.contains(QStringLiteral("refused")),
             qPrintable(trace.error->message));
    QCOMPARE(trace.retries, 2); // connection errors are retried
}

void TestChatClient::connectTimeout()
{
    // A listener that never accepts, with its accept queue full: the kernel drops further SYNs,
    // so the client's connection attempt hangs exactly like one to an unreachable host.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    QCOMPARE(::listen(fd, 0), 0);
    socklen_t length = sizeof address;
    QCOMPARE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    const quint16 port = ntohs(address.sin_port);
    std::vector<std::unique_ptr<QTcpSocket>> fillers;
    for (int i = 0; i < 4; ++i) {
        fillers.push_back(std::make_unique<QTcpSocket>());
        fillers.back()->connectToHost(QHostAddress::LocalHost, port);
    }
    QTest::qWait(100);

    EndpointConfig config;
    config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
    config.connectTimeoutMs = 300;
    const RequestTrace trace = run(config, request(QStringLiteral("hello?")));
    ::close(fd);
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::ConnectTimeout);
    QVERIFY2(trace.error->message.startsWith(QStringLiteral("connect timeout")),
             qPrintable(trace.error->message));
    QVERIFY(trace.error->message.contains(QStringLiteral("0.3 s")));
}

void TestChatClient::cancelKeepsPartialText()
{
    ChatClient client;
    const quint64 id = ChatClient::nextRequestId();
    connect(&client, &ChatClient::outputReceived, this,
            [&](quint64 received, const ChunkUpdate&) { client.cancel(received); });
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(id, endpoint("X-Demo-Latency", "ttft=0,itl=20"), request("cancel me"));
    QVERIFY(finished.wait(10000));
    const auto trace = finished.first().at(1).value<RequestTrace>();
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Cancelled);
    QVERIFY(!trace.text.isEmpty());
    QCOMPARE(RequestMetrics::fromTrace(trace).category, LatencyCategory::Cancelled);
}

void TestChatClient::listsModels()
{
    ChatClient client;
    ModelsFetcher fetcher(client.networkManager(), endpoint());
    QSignalSpy finished(&fetcher, &ModelsFetcher::finished);
    fetcher.start();
    QVERIFY(finished.wait(5000));
    QVERIFY(!finished.first().at(1).value<std::optional<ApiError>>().has_value());
    const QStringList models = finished.first().at(0).toStringList();
    QVERIFY(models.contains(QStringLiteral("demo-chat")));
    QVERIFY(models.contains(QStringLiteral("demo-reasoner")));
}

void TestChatClient::wrongKeyIsRedacted()
{
    EndpointConfig config = endpoint();
    config.apiKey = QStringLiteral("sk-wrong-canary-1234");
    const RequestTrace trace = run(config, request(QStringLiteral("who am I")));
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.httpStatus, 401);
    QVERIFY(trace.error->message.startsWith(QStringLiteral("HTTP 401 Unauthorized")));
    QVERIFY(!trace.error->message.contains(QStringLiteral("canary")));
}

namespace {

// Answers the first request with a 200 event stream: head, then body, then the connection stays
// open (the client has to end it); any later request gets no answer.
class RawStreamServer : public HostileServer
{
public:
    explicit RawStreamServer(const QByteArray& body)
        : HostileServer(ResponsePlan(
              {HostileResponse()
                   .write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + body)
                   .hold(),
               HostileResponse().hold()}))
    {}
};

} // namespace

void TestChatClient::oversizedLineIsOneLineError()
{
    // A first chunk with content, then a line longer than the decoder's 8 MiB limit.
    const QByteArray first = R"(data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]})"
                             "\n\n";
    RawStreamServer server(first + "data: " + QByteArray(9 * 1024 * 1024, 'x'));
    QVERIFY(server.isListening());
    EndpointConfig config;
    config.baseUrl = server.baseUrl();
    const RequestTrace trace = run(config, request(QStringLiteral("long line")));
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Protocol);
    QVERIFY2(trace.error->message.contains(QStringLiteral("line exceeds 8 MiB")),
             qPrintable(trace.error->message));
    QVERIFY(!trace.error->message.contains(QLatin1Char('\n')));
    QCOMPARE(trace.text, QStringLiteral("Hi"));
    QCOMPARE(trace.retries, 0);
}

void TestChatClient::endlessAnswerStopsAtTheLimit()
{
    // 64 Ki characters per event: enough events to pass ResponseAccumulator::maxTextChars.
    const QByteArray piece(64 * 1024, 'a');
    const QByteArray event =
        R"(data: {"choices":[{"index":0,"delta":{"content":")" + piece + "\"}}]}\n\n";
    const qsizetype events = ResponseAccumulator::maxTextChars / piece.size() + 8;
    QByteArray body;
    body.reserve(event.size() * events);
    for (qsizetype i = 0; i < events; ++i)
        body += event;
    RawStreamServer server(body);
    QVERIFY(server.isListening());
    EndpointConfig config;
    config.baseUrl = server.baseUrl();
    const RequestTrace trace = run(config, request(QStringLiteral("never stop")), 60000);
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Protocol);
    QVERIFY2(trace.error->message.contains(QStringLiteral("16 Mi characters")),
             qPrintable(trace.error->message));
    // The text so far is kept: the limit and at most the event that passed it.
    QVERIFY(trace.text.size() > ResponseAccumulator::maxTextChars);
    QVERIFY(trace.text.size() <= ResponseAccumulator::maxTextChars + piece.size());
    QCOMPARE(trace.retries, 0);
}

QTEST_GUILESS_MAIN(TestChatClient)
#include "tst_chatclient.moc"

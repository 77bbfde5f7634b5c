// ChatStream's retries against a scripted loopback HTTP server that answers each attempt from a
// plan (500, 429 with retry-after-ms, a stream, a stream cut after its first words, ...): which
// failures are sent again and how often, the waits (lower bounds only), the trace's retries and
// times, cancellation during the wait, and that an answer that has started is never repeated.
#include "HostileServer.h"
#include "ResponsePlan.h"
#include "net/ChatClient.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTest>

using namespace adminchat;

namespace {

constexpr qint64 nsPerMs = 1'000'000;

QByteArray errorAnswer(int status, const QByteArray& reason, const QByteArray& extraHeaders = {})
{
    const QByteArray body = R"({"error":{"message":"planned failure","type":"test"}})";
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
           "\r\nContent-Type: application/json\r\nConnection: close\r\n" + extraHeaders +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// One attempt's answer: the bytes, then the connection closed.
HostileResponse fail(int status, const QByteArray& reason, const QByteArray& extraHeaders = {})
{
    return HostileResponse().write(errorAnswer(status, reason, extraHeaders));
}

QByteArray chunk(const QByteArray& content, const QByteArray& finish = "null")
{
    return R"(data: {"id":"c1","object":"chat.completion.chunk","model":"scripted","choices":)"
           R"([{"index":0,"delta":{"content":")" +
           content + R"("},"finish_reason":)" + finish + "}]}\n\n";
}

const QByteArray streamHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";

HostileResponse stream()
{
    return HostileResponse().write(streamHead + chunk("Hello") + chunk(" world", "\"stop\"") +
                                   "data: [DONE]\n\n");
}

// The first words, then the connection broken abruptly once they have reached the client.
HostileResponse cutStream()
{
    return HostileResponse().write(streamHead + chunk("partial")).wait(100).reset();
}

// Never answers.
HostileResponse silent()
{
    return HostileResponse().hold();
}

// Serves one request per connection from the plan, the last step again when the plan runs out,
// and tells when each attempt arrived.
class ScriptedServer : public HostileServer
{
public:
    explicit ScriptedServer(QList<HostileResponse> plan) : HostileServer(ResponsePlan(plan)) {}
    explicit ScriptedServer(HostileHandler handler) : HostileServer(std::move(handler)) {}

    int attempts() const { return requestCount(); }
    qint64 gapMs(int attempt) const
    {
        const QList<HostileRequest> log = requests();
        return log.at(attempt).receivedMs - log.at(attempt - 1).receivedMs;
    }
};

ChatRequest chatRequest()
{
    ChatRequest request;
    request.model = QStringLiteral("scripted");
    request.messages.append({QStringLiteral("user"), QStringLiteral("hello")});
    return request;
}

} // namespace

class TestRetries : public QObject
{
    Q_OBJECT
private slots:
    void serverErrorsThenStream();
    void honoursRetryAfterMs();
    void honoursRetryAfterSeconds();
    void honoursRetryAfterHttpDate();
    void retryAfterOverAMinuteFallsBackToBackoff();
    void clientErrorIsNotRetried();
    void maxRetriesZeroSendsOnce();
    void budgetRunsOut();
    void streamCutAfterContentIsNotRetried();
    void idleTimeoutBeforeAnswerIsRetried();
    void connectionRefusedIsRetried();
    void cancelDuringTheWait();
    void totalTimeoutSpansAttempts();

private:
    static EndpointConfig endpoint(const ScriptedServer& server, int maxRetries = 2);
    static RequestTrace run(const EndpointConfig& endpoint, int timeoutMs = 20000);
};

EndpointConfig TestRetries::endpoint(const ScriptedServer& server, int maxRetries)
{
    EndpointConfig config;
    config.baseUrl = server.baseUrl();
    config.maxRetries = maxRetries;
    return config;
}

RequestTrace TestRetries::run(const EndpointConfig& endpoint, int timeoutMs)
{
    ChatClient client;
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), endpoint, chatRequest());
    if (!finished.wait(timeoutMs))
        return {};
    return finished.first().at(1).value<RequestTrace>();
}

void TestRetries::serverErrorsThenStream()
{
    ScriptedServer server(
        {fail(500, "Internal Server Error"), fail(503, "Service Unavailable"), stream()});
    QVERIFY(server.isListening());
    QStringList logged;
    static QStringList* sink = nullptr;
    sink = &logged;
    QLoggingCategory::setFilterRules(QStringLiteral("adminchat.net.info=true"));
    const QtMessageHandler previous = qInstallMessageHandler(
        [](QtMsgType, const QMessageLogContext&, const QString& text) { sink->append(text); });
    const RequestTrace trace = run(endpoint(server));
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());

    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
    QCOMPARE(trace.text, QStringLiteral("Hello world"));
    QCOMPARE(server.attempts(), 3);
    QCOMPARE(trace.retries, 2);
    QCOMPARE(trace.httpStatus, 200);
    // Backoff 0.5 s then 1 s, each shortened by at most a quarter by the jitter.
    QVERIFY2(server.gapMs(1) >= 350, qPrintable(QString::number(server.gapMs(1))));
    QVERIFY2(server.gapMs(2) >= 700, qPrintable(QString::number(server.gapMs(2))));
    // Times count from the first send: what the user waited.
    QVERIFY(trace.firstContentNs >= 1050 * nsPerMs);
    QVERIFY(trace.endNs >= trace.firstContentNs);

    const QStringList retryLines = logged.filter(QStringLiteral("retry"));
    QCOMPARE(retryLines.size(), 2);
    QVERIFY2(retryLines.at(0).contains(QStringLiteral("HTTP 500")) &&
                 retryLines.at(0).contains(QStringLiteral("retry 1 of 2 in")),
             qPrintable(retryLines.at(0)));
    QVERIFY2(retryLines.at(1).contains(QStringLiteral("HTTP 503")), qPrintable(retryLines.at(1)));
}

void TestRetries::honoursRetryAfterMs()
{
    // retry-after-ms wins over retry-after (30 s would outlast the test's wait).
    ScriptedServer server(
        {fail(429, "Too Many Requests", "retry-after-ms: 200\r\nretry-after: 30\r\n"), stream()});
    QVERIFY(server.isListening());
    const RequestTrace trace = run(endpoint(server));
    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
    QCOMPARE(server.attempts(), 2);
    QCOMPARE(trace.retries, 1);
    QVERIFY2(server.gapMs(1) >= 180, qPrintable(QString::number(server.gapMs(1))));
}

void TestRetries::honoursRetryAfterSeconds()
{
    ScriptedServer server({fail(503, "Service Unavailable", "Retry-After: 1\r\n"), stream()});
    QVERIFY(server.isListening());
    const RequestTrace trace = run(endpoint(server));
    QVERIFY(trace.succeeded());
    QCOMPARE(trace.retries, 1);
    // The backoff alone would wait at most 0.5 s.
    QVERIFY2(server.gapMs(1) >= 900, qPrintable(QString::number(server.gapMs(1))));
}

void TestRetries::honoursRetryAfterHttpDate()
{
    // The date is made when the request arrives.
    ScriptedServer server([attempt = 0](const HostileRequest&) mutable {
        if (++attempt > 1)
            return stream();
        const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(2);
        const QByteArray date =
            QLocale::c()
                .toString(when, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
                .toLatin1();
        return fail(429, "Too Many Requests", "Retry-After: " + date + "\r\n");
    });
    QVERIFY(server.isListening());
    const RequestTrace trace = run(endpoint(server));
    QVERIFY(trace.succeeded());
    QCOMPARE(trace.retries, 1);
    // Two seconds ahead, less the part of the current second the date cannot express.
    QVERIFY2(server.gapMs(1) >= 800, qPrintable(QString::number(server.gapMs(1))));
}

void TestRetries::retryAfterOverAMinuteFallsBackToBackoff()
{
    ScriptedServer server({fail(429, "Too Many Requests", "Retry-After: 3600\r\n"), stream()});
    QVERIFY(server.isListening());
    const RequestTrace trace = run(endpoint(server), 15000); // an hour's wait would fail here
    QVERIFY(trace.succeeded());
    QCOMPARE(trace.retries, 1);
    QVERIFY(server.gapMs(1) >= 350);
}

void TestRetries::clientErrorIsNotRetried()
{
    ScriptedServer server({fail(400, "Bad Request"), stream()});
    QVERIFY(server.isListening());
    const RequestTrace trace = run(endpoint(server));
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Http);
    QCOMPARE(trace.httpStatus, 400);
    QCOMPARE(trace.retries, 0);
    QTest::qWait(700); // a retry would have come within the first backoff
    QCOMPARE(server.attempts(), 1);
}

void TestRetries::maxRetriesZeroSendsOnce()
{
    ScriptedServer server({fail(500, "Internal Server Error"), stream()});
    QVERIFY(server.isListening());
    const RequestTrace trace = run(endpoint(server, 0));
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.httpStatus, 500);
    QCOMPARE(trace.retries, 0);
    QTest::qWait(700);
    QCOMPARE(server.attempts(), 1);
}

void TestRetries::budgetRunsOut()
{
    const QByteArray quick = "retry-after-ms: 20\r\n";
    ScriptedServer server({fail(502, "Bad Gateway", quick), fail(502, "Bad Gateway", quick),
                           fail(502, "Bad Gateway", quick), stream()});
    QVERIFY(server.isListening());
    const RequestTrace trace = run(endpoint(server, 2));
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Http);
    QVERIFY2(trace.error->message.contains(QStringLiteral("planned failure")),
             qPrintable(trace.error->message));
    QCOMPARE(trace.httpStatus, 502);
    QCOMPARE(trace.retries, 2);
    QCOMPARE(server.attempts(), 3);
}

void TestRetries::streamCutAfterContentIsNotRetried()
{
    ScriptedServer server({cutStream(), stream()});
    QVERIFY(server.isListening());
    ChatClient client;
    QString shown;
    connect(&client, &ChatClient::outputReceived, this,
            [&shown](quint64, const ChunkUpdate& update) { shown += update.content; });
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), endpoint(server), chatRequest());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    const auto trace = finished.first().at(1).value<RequestTrace>();
    QVERIFY(trace.error.has_value());
    // Qt reports the broken connection as an error or as an early end; either way no retry.
    QVERIFY2(trace.error->kind == ApiError::Kind::Connection ||
                 trace.error->kind == ApiError::Kind::CutOff,
             qPrintable(trace.error->kindName()));
    QVERIFY2(trace.error->message.contains(QStringLiteral("incomplete")) ||
                 trace.error->message.contains(QStringLiteral("complete")),
             qPrintable(trace.error->message));
    QCOMPARE(trace.text, QStringLiteral("partial")); // kept, not duplicated
    QCOMPARE(shown, QStringLiteral("partial"));
    QCOMPARE(trace.retries, 0);
    QTest::qWait(700);
    QCOMPARE(server.attempts(), 1);
}

void TestRetries::idleTimeoutBeforeAnswerIsRetried()
{
    ScriptedServer server({silent(), stream()});
    QVERIFY(server.isListening());
    EndpointConfig config = endpoint(server);
    config.idleTimeoutMs = 300;
    const RequestTrace trace = run(config);
    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
    QCOMPARE(trace.retries, 1);
    QCOMPARE(server.attempts(), 2);
    QVERIFY(server.gapMs(1) >= 300 + 350);
}

void TestRetries::connectionRefusedIsRetried()
{
    const quint16 port = HostileServer::closedPort();
    QVERIFY(port != 0);
    EndpointConfig config;
    config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
    config.maxRetries = 2;
    const RequestTrace trace = run(config);
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Connection);
    QVERIFY2(trace.error->message.contains(QStringLiteral("refused")),
             qPrintable(trace.error->message));
    QCOMPARE(trace.retries, 2);
    QVERIFY(trace.endNs >= (350 + 700) * nsPerMs); // both waits happened
}

void TestRetries::cancelDuringTheWait()
{
    ScriptedServer server(
        {fail(500, "Internal Server Error", "retry-after-ms: 5000\r\n"), stream()});
    QVERIFY(server.isListening());
    ChatClient client;
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    const quint64 id = ChatClient::nextRequestId();
    client.start(id, endpoint(server), chatRequest());
    QTRY_COMPARE_WITH_TIMEOUT(server.attempts(), 1, 10000);
    QTest::qWait(300); // the answer arrived; the 5 s wait runs
    QCOMPARE(finished.count(), 0);
    QElapsedTimer waited;
    waited.start();
    client.cancel(id);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 3000); // well before the wait would end
    QVERIFY(waited.elapsed() < 3000);
    const auto trace = finished.first().at(1).value<RequestTrace>();
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Cancelled);
    QCOMPARE(trace.retries, 0); // the retry was never sent
    QTest::qWait(300);
    QCOMPARE(server.attempts(), 1);
}

void TestRetries::totalTimeoutSpansAttempts()
{
    // The second wait would end after the total timeout: the request ends with the real error.
    const QByteArray second = "retry-after-ms: 1000\r\n";
    ScriptedServer server({fail(500, "Internal Server Error", second),
                           fail(500, "Internal Server Error", second), stream()});
    QVERIFY(server.isListening());
    EndpointConfig config = endpoint(server);
    config.totalTimeoutMs = 1500;
    const RequestTrace trace = run(config);
    QVERIFY(trace.error.has_value());
    QCOMPARE(trace.error->kind, ApiError::Kind::Http);
    QCOMPARE(trace.httpStatus, 500);
    QCOMPARE(trace.retries, 1);
    QCOMPARE(server.attempts(), 2);

    // A server that never answers: the total timeout ends the request during the retries.
    ScriptedServer hanging({silent()});
    QVERIFY(hanging.isListening());
    EndpointConfig slow = endpoint(hanging, 5);
    slow.idleTimeoutMs = 300;
    slow.totalTimeoutMs = 1200;
    const RequestTrace ended = run(slow);
    QVERIFY(ended.error.has_value());
    QVERIFY2(ended.error->kind == ApiError::Kind::TotalTimeout ||
                 ended.error->kind == ApiError::Kind::IdleTimeout,
             qPrintable(ended.error->kindName()));
    QVERIFY(ended.retries >= 1);
    // Two idle timeouts of 0.3 s and a wait of at least 0.375 s between them.
    QVERIFY2(ended.endNs >= 900 * nsPerMs, qPrintable(QString::number(ended.endNs / nsPerMs)));
}

QTEST_GUILESS_MAIN(TestRetries)
#include "tst_retries.moc"

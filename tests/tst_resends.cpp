// Every attempt a chat request makes reaches the server because we decided to send it, and is
// counted: Qt's HTTP layer must not re-send on its own (it did: 2 POSTs for a connection closed
// after reading, 4 for a non-HTTP status line, with --max-retries 0). Counted in HostileServer's
// log for the in-process client and for `adminchat ask --json`, with 0 and 2 retries.
#include "AppProcess.h"
#include "HostileServer.h"
#include "net/ChatClient.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

HostileResponse failure(const QString& kind)
{
    if (kind == QLatin1String("close"))
        return HostileResponse::closeAfterReading();
    if (kind == QLatin1String("garbage"))
        return HostileResponse().write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n");
    return HostileResponse().reset();
}

HostileHandler failing(const QString& kind)
{
    return [kind](const HostileRequest&) {
        return failure(kind);
    };
}

// A one-message request to model "m".
ChatRequest request(const QString& text)
{
    ChatRequest made;
    made.model = QStringLiteral("m");
    made.messages.append({QStringLiteral("user"), text});
    return made;
}

// Rows of (failure kind, max retries) for each kind, with 0 and 2 retries.
void addFailureRows(std::initializer_list<const char*> kinds)
{
    QTest::addColumn<QString>("failureKind");
    QTest::addColumn<int>("maxRetries");
    for (const char* kind : kinds) {
        for (const int retries : {0, 2})
            QTest::addRow("%s, max-retries %d", kind, retries)
                << QString::fromLatin1(kind) << retries;
    }
}

} // namespace

class TestResends : public QObject
{
    Q_OBJECT
private slots:
    void closeDelimitedAnswerIsOnePost();
    void idleConnectionClosedByServerIsNoError();
    void eachAttemptIsOurs_data();
    void eachAttemptIsOurs();
    void askCountsEveryAttempt_data();
    void askCountsEveryAttempt();
};

void TestResends::closeDelimitedAnswerIsOnePost()
{
    // The body of an event stream often ends with the connection: a complete answer, sent once.
    HostileServer server([](const HostileRequest&) {
        return HostileResponse::eventStream(
            {HostileResponse::contentChunk(QStringLiteral("Hello"), "\"stop\"")});
    });
    QVERIFY(server.isListening());
    EndpointConfig config;
    config.baseUrl = server.baseUrl();
    config.maxRetries = 0;
    const ChatRequest request = ::request(QStringLiteral("once"));
    ChatClient client;
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), config, request);
    QVERIFY(finished.wait(20000));
    const auto trace = finished.first().at(1).value<RequestTrace>();
    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
    QCOMPARE(trace.text, QStringLiteral("Hello"));
    QTest::qWait(500);
    QCOMPARE(server.requestCount(), 1);
}

void TestResends::idleConnectionClosedByServerIsNoError()
{
    // A kept-alive connection the server closes while idle (its keep-alive timeout): the next
    // request opens a new one; it is neither an error nor sent twice.
    const QByteArray body =
        "data: " + HostileResponse::contentChunk(QStringLiteral("Hi"), "\"stop\"") +
        "\n\ndata: [DONE]\n\n";
    HostileServer server([body](const HostileRequest&) {
        HostileResponse response = HostileResponse::status(200, body, {}, "text/event-stream");
        response.wait(100); // then the connection closes
        return response;
    });
    QVERIFY(server.isListening());
    EndpointConfig config;
    config.baseUrl = server.baseUrl();
    config.maxRetries = 0;
    const ChatRequest request = ::request(QStringLiteral("again"));
    ChatClient client; // one manager for both requests, as in the window and bench
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    for (int i = 0; i < 2; ++i) {
        client.start(ChatClient::nextRequestId(), config, request);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), i + 1, 20000);
        const auto trace = finished.at(i).at(1).value<RequestTrace>();
        QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
        QCOMPARE(trace.text, QStringLiteral("Hi"));
        QTest::qWait(400); // the server has closed the idle connection by now
    }
    QCOMPARE(server.requestCount(), 2);
}

void TestResends::eachAttemptIsOurs_data()
{
    addFailureRows({"close", "garbage", "reset"});
}

void TestResends::eachAttemptIsOurs()
{
    QFETCH(QString, failureKind);
    QFETCH(int, maxRetries);
    HostileServer server(failing(failureKind));
    QVERIFY(server.isListening());
    EndpointConfig config;
    config.baseUrl = server.baseUrl();
    config.apiKey = QStringLiteral("sk-resend-test");
    config.maxRetries = maxRetries;
    const ChatRequest request = ::request(QStringLiteral("count me once"));

    ChatClient client;
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), config, request);
    QVERIFY(finished.wait(20000));
    const auto trace = finished.first().at(1).value<RequestTrace>();
    QVERIFY(trace.error);
    QCOMPARE(trace.error->kind, ApiError::Kind::Connection);
    QVERIFY(!trace.error->message.contains(QLatin1Char('\n')));
    qInfo("%s: %s", qPrintable(failureKind), qPrintable(trace.error->message));
    QTest::qWait(1500); // anything sent behind our back would arrive by now
    QCOMPARE(server.requestCount("/v1/chat/completions"), 1 + maxRetries);
    QCOMPARE(trace.retries, maxRetries);
    for (const HostileRequest& received : server.requests())
        QVERIFY(received.body.contains("count me once")); // each attempt carries the whole body
}

void TestResends::askCountsEveryAttempt_data()
{
    addFailureRows({"close", "garbage"});
}

void TestResends::askCountsEveryAttempt()
{
    QFETCH(QString, failureKind);
    QFETCH(int, maxRetries);
    HostileServer server(failing(failureKind));
    QVERIFY(server.isListening());
    QTemporaryDir home;
    QProcessEnvironment env = appEnvironment(home.path());
    env.insert(QStringLiteral("OPENAI_BASE_URL"), QString::fromUtf8(server.origin() + "/v1"));
    env.remove(QStringLiteral("OPENAI_API_KEY"));
    const AppRun run = runApp({"ask", "--json", "--no-save", "--model", "m", "--max-retries",
                               QString::number(maxRetries), "count me once"},
                              env);
    QCOMPARE(run.exitCode, 1);
    const QJsonObject json = run.json();
    QVERIFY2(!json.isEmpty(), run.all().constData());
    QCOMPARE(json.value("retries").toInt(-1), maxRetries);
    QCOMPARE(json.value("error").toObject().value("kind").toString(), QStringLiteral("connection"));
    QCOMPARE(server.requestCount("/v1/chat/completions"), 1 + maxRetries);
}

QTEST_GUILESS_MAIN(TestResends)
#include "tst_resends.moc"

// What counts as an answer, through the real client: ChatClient in-process and `adminchat ask
// --json` as a process, both against a scripted HostileServer over loopback.
#include "AppProcess.h"
#include "HostileServer.h"
#include "LogCounter.h"
#include "metrics/MetricsAggregator.h"
#include "metrics/MetricsRecord.h"
#include "metrics/RequestMetrics.h"
#include "net/ChatClient.h"
#include "openai/LoneSurrogates.h"

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;
using namespace Qt::StringLiterals;

namespace {

// What the client saw of one request: the trace and the pieces it delivered for display.
struct Outcome
{
    RequestTrace trace;
    QString shown; // the content of every outputReceived, in order
    QString shownReasoning;
    bool finished = false;
};

// The trace's error as "kind: message", or empty: for failure messages.
QString errorText(const RequestTrace& trace)
{
    return trace.error ? trace.error->kindName() + u": "_s + trace.error->message : QString();
}

Outcome runClient(const HostileResponse& response, bool stream = true)
{
    HostileServer server([response](const HostileRequest&) { return response; });
    Outcome outcome;
    if (!server.isListening())
        return outcome;
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    endpoint.maxRetries = 0;
    ChatRequest request;
    request.model = u"hostile"_s;
    request.stream = stream;
    request.messages.append({u"user"_s, u"What is the capital of France?"_s});

    ChatClient client;
    QObject::connect(&client, &ChatClient::outputReceived, &client,
                     [&](quint64, const ChunkUpdate& update) {
                         outcome.shown += update.content;
                         outcome.shownReasoning += update.reasoning;
                     });
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), endpoint, request);
    if (!finished.wait(15000))
        return outcome;
    outcome.trace = finished.first().at(1).value<RequestTrace>();
    outcome.finished = true;
    return outcome;
}

QByteArray events(const QList<QByteArray>& payloads, bool done = true)
{
    QByteArray body;
    for (const QByteArray& payload : payloads)
        body += "data: " + payload + "\n\n";
    if (done)
        body += "data: [DONE]\n\n";
    return body;
}

HostileResponse streamOf(const QList<QByteArray>& payloads, bool done = true)
{
    return HostileResponse::eventStream(payloads, done);
}

// n = 2 as vLLM streams it: the choices take turns, each with its own finish_reason.
const QList<QByteArray> interleaved{
    R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})",
    R"({"choices":[{"index":1,"delta":{"role":"assistant","content":""}}]})",
    R"({"choices":[{"index":0,"delta":{"content":"Paris"}}]})",
    R"({"choices":[{"index":1,"delta":{"content":"Lyon"}}]})",
    R"({"choices":[{"index":0,"delta":{"content":" is the capital."}}]})",
    R"({"choices":[{"index":1,"delta":{"content":" is not."}}]})",
    R"({"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function",)"
    R"("function":{"name":"lookup","arguments":"{}"}}]},"finish_reason":"tool_calls"}]})",
    R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})",
};

const QByteArray twoChoiceCompletion =
    R"({"object":"chat.completion","model":"hostile","choices":[)"
    R"({"index":1,"message":{"role":"assistant","content":"Lyon is not.","tool_calls":[)"
    R"({"id":"c1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},)"
    R"("finish_reason":"tool_calls"},)"
    R"({"index":0,"message":{"role":"assistant","content":"Paris is the capital."},)"
    R"("finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":9,"completion_tokens":8,"total_tokens":17}})";

} // namespace

class TestAnswers : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void otherChoicesAreLeftOut_data();
    void otherChoicesAreLeftOut();
    void otherChoicesThroughAsk();
    void emptyAnswerIsAnError_data();
    void emptyAnswerIsAnError();
    void emptyAnswerThroughAsk();
    void reasoningOnlyIsAnAnswer();
    void loneSurrogatesShownAsStored_data();
    void loneSurrogatesShownAsStored();
    void loneSurrogatesThroughAsk();
    void unsaneUsageIsIgnored_data();
    void unsaneUsageIsIgnored();
    void unsaneUsageThroughAsk();
    void groqUsage();

private:
    // home: where the settings and the database go; m_home unless given.
    AppRun ask(const QUrl& baseUrl, const QStringList& extra = {}, const QString& home = {});
    static AppRun metricsCsv(const QString& home);

    QTemporaryDir m_home;
};

void TestAnswers::initTestCase()
{
    QVERIFY(m_home.isValid());
}

AppRun TestAnswers::ask(const QUrl& baseUrl, const QStringList& extra, const QString& home)
{
    QProcessEnvironment env = appEnvironment(home.isEmpty() ? m_home.path() : home);
    env.remove(u"OPENAI_BASE_URL"_s);
    env.remove(u"OPENAI_API_KEY"_s);
    return runApp(QStringList{"ask", "--base-url", baseUrl.toString(), "--model", "hostile",
                              "--max-retries", "0", "--json"} +
                      extra + QStringList{"What is the capital of France?"},
                  env);
}

AppRun TestAnswers::metricsCsv(const QString& home)
{
    return runApp({"metrics", "export", "--csv", "-"}, appEnvironment(home));
}

void TestAnswers::otherChoicesAreLeftOut_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("stream");
    QTest::newRow("streamed") << events(interleaved) << true;
    QTest::newRow("streamed, no [DONE]") << events(interleaved, false) << true;
    QTest::newRow("not streamed") << twoChoiceCompletion << false;
}

void TestAnswers::otherChoicesAreLeftOut()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, stream);
    const HostileResponse response =
        stream ? HostileResponse().write(HostileResponse::eventStreamHead() + body)
               : HostileResponse::status(200, body);
    const LogCounter log(u"choice pieces other than choice 0"_s);
    const Outcome outcome = runClient(response, stream);
    QVERIFY(outcome.finished);
    QVERIFY2(!outcome.trace.error, qPrintable(errorText(outcome.trace)));
    QCOMPARE(log.count(), 1); // once per request
    QCOMPARE(outcome.trace.text, u"Paris is the capital."_s);
    QCOMPARE(outcome.shown, outcome.trace.text);
    QCOMPARE(outcome.trace.finishReason, u"stop"_s);
    QVERIFY(outcome.trace.toolCalls.isEmpty());
    const RequestMetrics metrics = RequestMetrics::fromTrace(outcome.trace);
    const MetricsRecord record = MetricsRecord::fromTrace(outcome.trace, metrics);
    QCOMPARE(record.status, RequestStatus::Ok);
    if (stream) {
        // Only choice 0's pieces are timed: two content events.
        QCOMPARE(outcome.trace.outputEventNs.size(), std::size_t(2));
        QCOMPARE(metrics.outputTokens, qint64(2));
    }
}

void TestAnswers::otherChoicesThroughAsk()
{
    for (const bool stream : {true, false}) {
        const HostileResponse response =
            stream ? streamOf(interleaved) : HostileResponse::status(200, twoChoiceCompletion);
        HostileServer server([response](const HostileRequest&) { return response; });
        QVERIFY(server.isListening());
        const AppRun run =
            ask(server.baseUrl(), stream ? QStringList{} : QStringList{"--no-stream"});
        QVERIFY2(run.exitCode == 0, run.all().constData());
        const QJsonObject json = run.json();
        QCOMPARE(json.value("text").toString(), u"Paris is the capital."_s);
        QCOMPARE(json.value("finish_reason").toString(), u"stop"_s);
        QCOMPARE(json.value("tool_calls").toArray().size(), 0);
        QVERIFY(json.value("error").isNull());
    }
}

void TestAnswers::emptyAnswerIsAnError_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("stream");
    const QByteArray role =
        R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})";
    const QByteArray stop = R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})";
    QTest::newRow("only [DONE]") << events({}) << true;
    QTest::newRow("role, stop, [DONE]") << events({role, stop}) << true;
    QTest::newRow("role, stop, end of body") << events({role, stop}, false) << true;
    QTest::newRow("{}") << QByteArray("{}") << false;
    QTest::newRow("no choices") << QByteArray(R"({"choices":[]})") << false;
}

void TestAnswers::emptyAnswerIsAnError()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, stream);
    const HostileResponse response =
        stream ? HostileResponse().write(HostileResponse::eventStreamHead() + body)
               : HostileResponse::status(200, body);
    const Outcome outcome = runClient(response, stream);
    QVERIFY(outcome.finished);
    QVERIFY(outcome.trace.error);
    QCOMPARE(outcome.trace.error->kind, ApiError::Kind::Empty);
    QVERIFY2(outcome.trace.error->message.startsWith(u"empty answer: "_s),
             qPrintable(outcome.trace.error->message));
    QCOMPARE(outcome.trace.httpStatus, 200);
    QCOMPARE(outcome.trace.retries, 0);

    const RequestMetrics metrics = RequestMetrics::fromTrace(outcome.trace);
    QCOMPARE(metrics.category, LatencyCategory::Error);
    const MetricsRecord record = MetricsRecord::fromTrace(outcome.trace, metrics);
    QCOMPARE(record.status, RequestStatus::Error);
    QCOMPARE(record.errorKind, std::optional(ApiError::Kind::Empty));

    // The dashboard's figures: an error, in no latency percentile or category.
    MetricsRecord answered = record;
    answered.status = RequestStatus::Ok;
    answered.errorKind.reset();
    answered.category = LatencyCategory::Excellent;
    const AggregateReport report = MetricsAggregator::aggregate({record, answered}, MetricsFilter{},
                                                                record.startedUtc.addSecs(1));
    QCOMPARE(report.total.started, quint64(2));
    QCOMPARE(report.total.errors, quint64(1));
    QCOMPARE(report.total.completed, quint64(1));
    QCOMPARE(report.total.errorKinds.value(u"empty"_s), quint64(1));
    QCOMPARE(report.total.e2e.count, quint64(1));
    QCOMPARE(report.total.categories[0], quint64(1));
}

void TestAnswers::emptyAnswerThroughAsk()
{
    HostileServer server([](const HostileRequest&) {
        return streamOf({R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})",
                         R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"});
    });
    QVERIFY(server.isListening());
    QTemporaryDir home; // a database with this one record
    QVERIFY(home.isValid());
    const AppRun run = ask(server.baseUrl(), {}, home.path());
    QCOMPARE(run.exitCode, 1);
    const QJsonObject json = run.json();
    QCOMPARE(json.value("text").toString(), QString());
    QCOMPARE(json.value("error").toObject().value("kind").toString(), u"empty"_s);
    QVERIFY(
        json.value("error").toObject().value("message").toString().startsWith(u"empty answer: "_s));
    QCOMPARE(json.value("category").toString(), u"error"_s);

    // The stored record: status error, kind empty.
    const AppRun csv = metricsCsv(home.path());
    QCOMPARE(csv.exitCode, 0);
    const QList<QByteArray> lines = csv.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QList<QByteArray> header = lines.first().trimmed().split(',');
    const qsizetype status = header.indexOf("status");
    const qsizetype kind = header.indexOf("error_kind");
    QVERIFY(status >= 0 && kind >= 0);
    const QList<QByteArray> row = lines.last().trimmed().split(',');
    QCOMPARE(row.value(status), QByteArray("error"));
    QCOMPARE(row.value(kind), QByteArray("empty"));
}

void TestAnswers::reasoningOnlyIsAnAnswer()
{
    const Outcome outcome = runClient(
        streamOf({R"({"choices":[{"index":0,"delta":{"reasoning_content":"Thinking about it"}}]})",
                  R"({"choices":[{"index":0,"delta":{},"finish_reason":"length"}]})"}));
    QVERIFY(outcome.finished);
    QVERIFY(!outcome.trace.error);
    QCOMPARE(outcome.trace.reasoning, u"Thinking about it"_s);
    QCOMPARE(
        MetricsRecord::fromTrace(outcome.trace, RequestMetrics::fromTrace(outcome.trace)).status,
        RequestStatus::Length);
}

namespace {

// Lone surrogates of every kind, one a chunk, and a pair split across two chunks.
const QList<QByteArray> surrogateChunks{
    R"({"choices":[{"index":0,"delta":{"content":"C\ud800D"}}]})",
    R"({"choices":[{"index":0,"delta":{"content":" A\ud83d"}}]})",
    R"({"choices":[{"index":0,"delta":{"content":"\ude00B"}}]})",
    R"({"choices":[{"index":0,"delta":{"content":" \udc00E\ud800\u0041 end\udbff"}}]})",
    R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})",
};
const QString surrogateText = u"C\uFFFDD A\uFFFD\uFFFDB \uFFFDE\uFFFDA end\uFFFD"_s;

} // namespace

void TestAnswers::loneSurrogatesShownAsStored_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("text");
    QTest::newRow("streamed") << events(surrogateChunks) << true << surrogateText;
    QTest::newRow("not streamed")
        << QByteArray(R"({"choices":[{"index":0,"message":{"content":"C\ud800D \ud83d\ude00 )"
                      R"(\udc00"},"finish_reason":"stop"}]})")
        << false << u"C\uFFFDD \U0001F600 \uFFFD"_s;
}

void TestAnswers::loneSurrogatesShownAsStored()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, stream);
    QFETCH(QString, text);
    const HostileResponse response =
        stream ? HostileResponse().write(HostileResponse::eventStreamHead() + body)
               : HostileResponse::status(200, body);
    const Outcome outcome = runClient(response, stream);
    QVERIFY(outcome.finished);
    QVERIFY(!outcome.trace.error);
    QCOMPARE(outcome.trace.text, text);
    QCOMPARE(outcome.shown, outcome.trace.text); // what is stored is what was shown
    QVERIFY(!LoneSurrogates::found(outcome.trace.text));
    // Nothing after a lone surrogate is lost on the way to UTF-8 (the database, a file).
    QCOMPARE(QString::fromUtf8(outcome.trace.text.toUtf8()), text);
}

void TestAnswers::loneSurrogatesThroughAsk()
{
    QList<QByteArray> chunks = surrogateChunks;
    chunks.prepend(R"({"model":"hostile\ud800","choices":[{"index":0,"delta":{"role":"assistant",)"
                   R"("reasoning_content":"r\udc00"}}]})");
    HostileServer server([chunks](const HostileRequest&) { return streamOf(chunks); });
    QVERIFY(server.isListening());
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const AppRun run = ask(server.baseUrl(), {}, home.path());
    QVERIFY2(run.exitCode == 0, run.all().constData());

    // Valid UTF-8 without a single surrogate escape.
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString out = utf8(run.out);
    QVERIFY(!utf8.hasError());
    QVERIFY2(!out.contains(QRegularExpression(u"\\\\u[dD][89a-fA-F]"_s)), run.out.constData());
    const QJsonObject json = run.json();
    QCOMPARE(json.value("text").toString(), surrogateText);
    QCOMPARE(json.value("reasoning").toString(), u"r\uFFFD"_s);
    QCOMPARE(json.value("model").toString(), u"hostile\uFFFD"_s);

    // Stored as shown.
    const QString id = json.value("conversation_id").toString();
    QVERIFY(!id.isEmpty());
    const AppRun exported =
        runApp({"history", "export", id, "--format", "json"}, appEnvironment(home.path()));
    QVERIFY2(exported.exitCode == 0, exported.all().constData());
    const QJsonArray messages = exported.json().value("messages").toArray();
    QVERIFY(!messages.isEmpty());
    const QJsonObject answer = messages.last().toObject();
    QCOMPARE(answer.value("role").toString(), u"assistant"_s);
    QCOMPARE(answer.value("content").toString(), surrogateText);
    QCOMPARE(answer.value("reasoning").toString(), u"r\uFFFD"_s);
}

namespace {

QList<QByteArray> answerWithUsage(const QByteArray& usage)
{
    return {R"({"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]})",
            R"({"choices":[{"index":0,"delta":{"content":"lo"}}]})",
            R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})",
            R"({"choices":[],"usage":)" + usage + "}"};
}

} // namespace

void TestAnswers::unsaneUsageIsIgnored_data()
{
    QTest::addColumn<QByteArray>("usage");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<bool>("promptKept");
    const QByteArray huge = R"({"prompt_tokens":9,"completion_tokens":1e999,"total_tokens":1e999})";
    QTest::newRow("1e999") << huge << true << true;
    QTest::newRow("1e999, not streamed") << huge << false << true;
    QTest::newRow("negative")
        << QByteArray(R"({"prompt_tokens":-1,"completion_tokens":-7,"total_tokens":-8})") << true
        << false;
    QTest::newRow("fractional")
        << QByteArray(R"({"prompt_tokens":9,"completion_tokens":2.5,"total_tokens":11.5})") << true
        << true;
    QTest::newRow("out of range")
        << QByteArray(R"({"prompt_tokens":9,"completion_tokens":1e20,"total_tokens":1e20})") << true
        << true;
    QTest::newRow("2^31") << QByteArray(
                                 R"({"prompt_tokens":2147483648,"completion_tokens":2147483648})")
                          << true << false;
}

void TestAnswers::unsaneUsageIsIgnored()
{
    QFETCH(QByteArray, usage);
    QFETCH(bool, stream);
    QFETCH(bool, promptKept);
    const HostileResponse response =
        stream ? streamOf(answerWithUsage(usage))
               : HostileResponse::status(200,
                                         R"({"choices":[{"index":0,"message":{"content":"Hello"},)"
                                         R"("finish_reason":"stop"}],"usage":)" +
                                             usage + "}");
    const Outcome outcome = runClient(response, stream);
    QVERIFY(outcome.finished);
    QVERIFY2(!outcome.trace.error, qPrintable(errorText(outcome.trace)));
    QCOMPARE(outcome.trace.text, u"Hello"_s);
    const RequestMetrics metrics = RequestMetrics::fromTrace(outcome.trace);
    // Estimated from the content events, and said so.
    QVERIFY(metrics.outputTokensEstimated);
    QCOMPARE(metrics.outputTokens, qint64(stream ? 2 : 1));
    QCOMPARE(metrics.promptTokens.has_value(), promptKept);
    if (promptKept)
        QCOMPARE(*metrics.promptTokens, qint64(9));
    const MetricsRecord record = MetricsRecord::fromTrace(outcome.trace, metrics);
    QCOMPARE(record.status, RequestStatus::Ok);
    QVERIFY(record.outputTokens >= 0);
}

void TestAnswers::unsaneUsageThroughAsk()
{
    HostileServer server([](const HostileRequest&) {
        return streamOf(
            answerWithUsage(R"({"prompt_tokens":9,"completion_tokens":-7,"total_tokens":1e999,)"
                            R"("completion_tokens_details":{"accepted_prediction_tokens":-3,)"
                            R"("rejected_prediction_tokens":2.5,"reasoning_tokens":0}})"));
    });
    QVERIFY(server.isListening());
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const AppRun run = ask(server.baseUrl(), {}, home.path());
    QVERIFY2(run.exitCode == 0, run.all().constData());
    const QJsonObject json = run.json();
    QVERIFY(json.value("error").isNull());
    QCOMPARE(json.value("text").toString(), u"Hello"_s);
    QCOMPARE(json.value("output_tokens").toInt(), 2);
    QCOMPARE(json.value("output_tokens_estimated").toBool(), true);
    const QJsonObject usage = json.value("usage").toObject();
    QCOMPARE(usage.value("prompt_tokens").toInt(), 9);
    QVERIFY(!usage.contains("completion_tokens"));
    QVERIFY(!usage.contains("total_tokens"));
    QCOMPARE(usage.value("completion_tokens_details").toObject(),
             QJsonObject({{"reasoning_tokens", 0}}));
    QVERIFY(json.value("accepted_prediction_tokens").isNull());
    QVERIFY(json.value("rejected_prediction_tokens").isNull());

    // Stored with the estimate, never -7.
    const AppRun csv = metricsCsv(home.path());
    QCOMPARE(csv.exitCode, 0);
    const QList<QByteArray> lines = csv.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QList<QByteArray> header = lines.first().trimmed().split(',');
    const QList<QByteArray> row = lines.last().trimmed().split(',');
    QCOMPARE(row.value(header.indexOf("output_tokens")), QByteArray("2"));
    QCOMPARE(row.value(header.indexOf("output_tokens_estimated")), QByteArray("true"));
    QCOMPARE(row.value(header.indexOf("prompt_tokens")), QByteArray("9"));
    QCOMPARE(row.value(header.indexOf("status")), QByteArray("ok"));
}

void TestAnswers::groqUsage()
{
    // Groq's stream: usage only in x_groq on the last chunk.
    const QList<QByteArray> chunks{
        R"({"id":"chatcmpl-1","object":"chat.completion.chunk","model":"llama-3.1-8b-instant",)"
        R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],)"
        R"("x_groq":{"id":"req_01"}})",
        R"({"id":"chatcmpl-1","object":"chat.completion.chunk","model":"llama-3.1-8b-instant",)"
        R"("choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]})",
        R"({"id":"chatcmpl-1","object":"chat.completion.chunk","model":"llama-3.1-8b-instant",)"
        R"("choices":[{"index":0,"delta":{"content":" there"},"finish_reason":null}]})",
        R"({"id":"chatcmpl-1","object":"chat.completion.chunk","model":"llama-3.1-8b-instant",)"
        R"("choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_01",)"
        R"("usage":{"queue_time":0.0196,"prompt_tokens":12,"prompt_time":0.0006,)"
        R"("completion_tokens":9,"completion_time":0.0075,"total_tokens":21,"total_time":0.008}}})"};

    const Outcome outcome = runClient(streamOf(chunks));
    QVERIFY(outcome.finished);
    QVERIFY(!outcome.trace.error);
    const RequestMetrics metrics = RequestMetrics::fromTrace(outcome.trace);
    QCOMPARE(metrics.outputTokens, qint64(9));
    QVERIFY(!metrics.outputTokensEstimated);
    QCOMPARE(metrics.promptTokens, std::optional<qint64>(12));

    HostileServer server([chunks](const HostileRequest&) { return streamOf(chunks); });
    QVERIFY(server.isListening());
    const AppRun run = ask(server.baseUrl());
    QVERIFY2(run.exitCode == 0, run.all().constData());
    const QJsonObject json = run.json();
    QCOMPARE(json.value("text").toString(), u"Hello there"_s);
    QCOMPARE(json.value("output_tokens").toInt(), 9);
    QCOMPARE(json.value("output_tokens_estimated").toBool(), false);
    QCOMPARE(json.value("usage").toObject().value("prompt_tokens").toInt(), 12);
}

QTEST_GUILESS_MAIN(TestAnswers)
#include "tst_answers.moc"

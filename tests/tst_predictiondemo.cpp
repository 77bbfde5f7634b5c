// Predicted Outputs against the demo endpoint over loopback: the usage details it reports, how
// it answers malformed predictions, the faster delivery of accepted tokens, and the counts going
// from a real ChatClient request into the metrics record and the `ask --json` summary.
#include "DemoTestClient.h"
#include "metrics/MetricsRecord.h"
#include "metrics/RequestMetrics.h"
#include "metrics/TraceJson.h"
#include "net/ChatClient.h"
#include "openai/ChatRequest.h"

#include <QElapsedTimer>
#include <QSignalSpy>

using namespace adminchat;
using namespace demotest;

namespace {

QByteArray withPrediction(const QByteArray& body, const QJsonValue& prediction)
{
    QJsonObject object = jsonOf(body);
    object.insert("prediction", prediction);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject contentPrediction(const QString& text)
{
    return QJsonObject{{"type", "content"}, {"content", text}};
}

// The usage of the stream's include_usage chunk (the last JSON one).
QJsonObject usageOf(const SseStream& stream)
{
    return stream.chunks.isEmpty() ? QJsonObject() : stream.chunks.last()["usage"].toObject();
}

} // namespace

class TestPredictionDemo : public QObject, private DemoTestClient
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void predictionEqualToAnswerIsAccepted();
    void nonStreamedAnswerReportsDetails();
    void unrelatedPredictionIsRejected();
    void partlyMatchingPrediction();
    void reasoningModelCountsContentOnly();
    void noDetailsWithoutPrediction();
    void malformedPrediction_data();
    void malformedPrediction();
    void acceptedTokensComeFaster();
    void clientRoundTrip();

private:
    // Streams `prompt` once without a prediction; the answer's text and token count.
    QPair<QString, int> firstAnswer(const QString& prompt, const QString& model = "demo-chat");
};

void TestPredictionDemo::initTestCase()
{
    quietRequestLog();
}

void TestPredictionDemo::init()
{
    start();
}

void TestPredictionDemo::cleanup()
{
    stop();
}

QPair<QString, int> TestPredictionDemo::firstAnswer(const QString& prompt, const QString& model)
{
    const SseStream stream = streamChat(chatBody(prompt, model));
    return {stream.content, usageOf(stream)["completion_tokens"].toInt()};
}

void TestPredictionDemo::predictionEqualToAnswerIsAccepted()
{
    // The demo answers a prompt the same way every time, so the first answer predicts the second
    // exactly.
    const auto [answer, tokens] = firstAnswer(QStringLiteral("Explain connection pooling"));
    QVERIFY(tokens >= 40);
    const SseStream second = streamChat(withPrediction(
        chatBody(QStringLiteral("Explain connection pooling")), contentPrediction(answer)));
    QVERIFY(second.done);
    QCOMPARE(second.content, answer); // a prediction never changes the answer
    const QJsonObject usage = usageOf(second);
    QCOMPARE(usage["completion_tokens"].toInt(), tokens);
    const QJsonObject details = usage["completion_tokens_details"].toObject();
    QCOMPARE(details["accepted_prediction_tokens"].toInt(-1), tokens);
    QCOMPARE(details["rejected_prediction_tokens"].toInt(-1), 0);
    QCOMPARE(details["reasoning_tokens"].toInt(-1), 0);
}

void TestPredictionDemo::nonStreamedAnswerReportsDetails()
{
    const auto [answer, tokens] = firstAnswer(QStringLiteral("Why is my GPU idle?"));
    QNetworkReply* reply =
        post(withPrediction(chatBody(QStringLiteral("Why is my GPU idle?"), "demo-chat", false),
                            contentPrediction(answer + QStringLiteral(" And one more thing."))));
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 200);
    const QJsonObject body = jsonOf(reply->readAll());
    QCOMPARE(body["choices"][0]["message"]["content"].toString(), answer);
    const QJsonObject details = body["usage"]["completion_tokens_details"].toObject();
    QCOMPARE(details["accepted_prediction_tokens"].toInt(-1), tokens);
    // The extra sentence is four words the answer never used.
    QCOMPARE(details["rejected_prediction_tokens"].toInt(-1), 4);
}

void TestPredictionDemo::unrelatedPredictionIsRejected()
{
    const QString unrelated = QStringLiteral("zebra quartz violin\nmarmalade\t7 ∑ ok?");
    const SseStream stream = streamChat(
        withPrediction(chatBody(QStringLiteral("Tune my cache")), contentPrediction(unrelated)));
    QVERIFY(stream.done);
    const QJsonObject details = usageOf(stream)["completion_tokens_details"].toObject();
    QCOMPARE(details["accepted_prediction_tokens"].toInt(-1), 0);
    QCOMPARE(details["rejected_prediction_tokens"].toInt(-1), 7); // one per word

    // Text parts count as the same text.
    const SseStream parts = streamChat(withPrediction(
        chatBody(QStringLiteral("Tune my cache")),
        QJsonObject{{"type", "content"},
                    {"content", QJsonArray{QJsonObject{{"type", "text"}, {"text", "zebra"}}}}}));
    const QJsonObject partDetails = usageOf(parts)["completion_tokens_details"].toObject();
    QCOMPARE(partDetails["accepted_prediction_tokens"].toInt(-1), 0);
    QCOMPARE(partDetails["rejected_prediction_tokens"].toInt(-1), 1);
}

void TestPredictionDemo::partlyMatchingPrediction()
{
    // The first ten tokens of the answer, then text of its own: ten accepted, the rest rejected.
    const SseStream first = streamChat(chatBody(QStringLiteral("Summarise the incident")));
    QStringList tokens;
    for (const QJsonObject& chunk : first.chunks) {
        const QJsonObject delta = chunk["choices"][0]["delta"].toObject();
        if (delta.contains("content"))
            tokens << delta["content"].toString();
    }
    QVERIFY(tokens.size() > 10);
    const QString prediction = tokens.mid(0, 10).join(QString()) + QStringLiteral("XYZ zzz qqq");
    const SseStream second = streamChat(withPrediction(
        chatBody(QStringLiteral("Summarise the incident")), contentPrediction(prediction)));
    const QJsonObject details = usageOf(second)["completion_tokens_details"].toObject();
    QCOMPARE(details["accepted_prediction_tokens"].toInt(-1), 10);
    QCOMPARE(details["rejected_prediction_tokens"].toInt(-1), 3);
}

void TestPredictionDemo::reasoningModelCountsContentOnly()
{
    const SseStream first =
        streamChat(chatBody(QStringLiteral("Plan a load test"), "demo-reasoner"));
    QVERIFY(first.reasoningChunks > 0);
    const SseStream second =
        streamChat(withPrediction(chatBody(QStringLiteral("Plan a load test"), "demo-reasoner"),
                                  contentPrediction(first.content)));
    const QJsonObject usage = usageOf(second);
    const QJsonObject details = usage["completion_tokens_details"].toObject();
    QCOMPARE(details["accepted_prediction_tokens"].toInt(-1), first.contentChunks);
    QCOMPARE(details["rejected_prediction_tokens"].toInt(-1), 0);
    QCOMPARE(details["reasoning_tokens"].toInt(-1), first.reasoningChunks);
    QCOMPARE(usage["completion_tokens"].toInt(), first.contentChunks + first.reasoningChunks);
}

void TestPredictionDemo::noDetailsWithoutPrediction()
{
    const SseStream stream = streamChat(chatBody(QStringLiteral("Explain connection pooling")));
    const QJsonObject usage = usageOf(stream);
    QVERIFY(usage.contains("completion_tokens"));
    QVERIFY(!usage.contains("completion_tokens_details"));

    // "prediction": null is the same as none.
    const SseStream null = streamChat(
        withPrediction(chatBody(QStringLiteral("Explain connection pooling")), QJsonValue::Null));
    QVERIFY(null.done);
    QVERIFY(!usageOf(null).contains("completion_tokens_details"));
}

void TestPredictionDemo::malformedPrediction_data()
{
    QTest::addColumn<QJsonValue>("prediction");
    QTest::addColumn<QString>("field");
    QTest::newRow("string") << QJsonValue("just text") << "'prediction'";
    QTest::newRow("array") << QJsonValue(QJsonArray{1, 2}) << "'prediction'";
    QTest::newRow("no type") << QJsonValue(QJsonObject{{"content", "x"}}) << "'prediction'";
    QTest::newRow("wrong type") << QJsonValue(QJsonObject{{"type", "text"}, {"content", "x"}})
                                << "'prediction'";
    QTest::newRow("number content")
        << QJsonValue(QJsonObject{{"type", "content"}, {"content", 5}}) << "'prediction.content'";
    QTest::newRow("no content") << QJsonValue(QJsonObject{{"type", "content"}})
                                << "'prediction.content'";
    QTest::newRow("object content")
        << QJsonValue(QJsonObject{{"type", "content"}, {"content", QJsonObject{}}})
        << "'prediction.content'";
}

void TestPredictionDemo::malformedPrediction()
{
    QFETCH(QJsonValue, prediction);
    QFETCH(QString, field);
    QNetworkReply* reply = post(withPrediction(chatBody(QStringLiteral("Hi")), prediction));
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 400);
    const QJsonObject error = jsonOf(reply->readAll())["error"].toObject();
    QVERIFY2(error["message"].toString().contains(field), qPrintable(error["message"].toString()));
    QCOMPARE(error["type"].toString(), QStringLiteral("invalid_request_error"));
    QCOMPARE(error["code"].toString(), QStringLiteral("invalid_value"));
}

void TestPredictionDemo::acceptedTokensComeFaster()
{
    const Headers slow{{"X-Demo-Latency", "ttft=0,itl=15"}};
    const QString prompt = QStringLiteral("Explain connection pooling");
    QElapsedTimer clock;
    clock.start();
    const SseStream plain = streamChat(chatBody(prompt), slow);
    const double plainMs = double(clock.nsecsElapsed()) / 1e6;
    QVERIFY(plain.done);
    const int tokens = usageOf(plain)["completion_tokens"].toInt();
    QVERIFY(plainMs >= 15.0 * (tokens - 1) * 0.9);

    clock.restart();
    const SseStream predicted =
        streamChat(withPrediction(chatBody(prompt), contentPrediction(plain.content)), slow);
    const double predictedMs = double(clock.nsecsElapsed()) / 1e6;
    QCOMPARE(predicted.content, plain.content);
    // A tenth of the delay per accepted token: well under half the time.
    QVERIFY2(predictedMs < plainMs / 2,
             qPrintable(QStringLiteral("%1 ms vs %2 ms").arg(predictedMs).arg(plainMs)));
}

void TestPredictionDemo::clientRoundTrip()
{
    // ChatRequest::prediction through the real client: the usage the demo sends ends up in the
    // trace, the metrics record and the ask summary.
    EndpointConfig endpoint;
    endpoint.baseUrl = m_server->baseUrl();
    ChatRequest request;
    request.model = QStringLiteral("demo-chat");
    request.messages = {{QStringLiteral("user"), QStringLiteral("Explain connection pooling")}};
    const auto run = [&endpoint](const ChatRequest& r) {
        ChatClient client;
        QSignalSpy finished(&client, &ChatClient::requestFinished);
        client.start(ChatClient::nextRequestId(), endpoint, r);
        return finished.wait(kTimeoutMs) ? finished.first().at(1).value<RequestTrace>()
                                         : RequestTrace();
    };

    const RequestTrace first = run(request);
    QVERIFY(!first.error);
    QVERIFY(!first.text.isEmpty());
    const MetricsRecord plainRecord =
        MetricsRecord::fromTrace(first, RequestMetrics::fromTrace(first));
    QVERIFY(!plainRecord.acceptedPredictionTokens && !plainRecord.rejectedPredictionTokens);
    const QJsonObject plainJson = traceToJson(first, RequestMetrics::fromTrace(first));
    QVERIFY(plainJson.contains("accepted_prediction_tokens"));
    QVERIFY(plainJson["accepted_prediction_tokens"].isNull());
    QVERIFY(plainJson["rejected_prediction_tokens"].isNull());

    request.prediction = first.text + QStringLiteral(" Also, buy more GPUs.");
    for (const bool stream : {true, false}) {
        request.stream = stream;
        const RequestTrace second = run(request);
        QVERIFY(!second.error);
        QCOMPARE(second.text, first.text);
        const RequestMetrics metrics = RequestMetrics::fromTrace(second);
        const qint64 tokens = metrics.outputTokens;
        QVERIFY(tokens >= 40);
        const MetricsRecord record = MetricsRecord::fromTrace(second, metrics);
        QCOMPARE(record.acceptedPredictionTokens, std::optional<qint64>(tokens));
        QCOMPARE(record.rejectedPredictionTokens, std::optional<qint64>(4));
        const QJsonObject json = traceToJson(second, metrics);
        QCOMPARE(json["accepted_prediction_tokens"].toInteger(), tokens);
        QCOMPARE(json["rejected_prediction_tokens"].toInteger(), 4);
        const QJsonObject details = json["usage"]["completion_tokens_details"].toObject();
        QCOMPARE(details["accepted_prediction_tokens"].toInteger(), tokens);
        QCOMPARE(details["rejected_prediction_tokens"].toInteger(), 4);
    }
}

QTEST_GUILESS_MAIN(TestPredictionDemo)
#include "tst_predictiondemo.moc"

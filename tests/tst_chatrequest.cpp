#include "openai/ChatRequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace adminchat;

namespace {

ChatRequest baseRequest()
{
    ChatRequest request;
    request.model = QStringLiteral("gpt-4o-mini");
    request.messages = {{QStringLiteral("system"), QStringLiteral("Be brief.")},
                        {QStringLiteral("user"), QStringLiteral("Hi")}};
    return request;
}

QJsonObject parsed(const QByteArray& json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << json << error.errorString();
    return document.object();
}

} // namespace

class TestChatRequest : public QObject
{
    Q_OBJECT
private slots:
    void toJson_data();
    void toJson();
    void exactBytes();
    void escaping();
    void emptyMessages();
    void prediction();
};

void TestChatRequest::toJson_data()
{
    QTest::addColumn<bool>("stream");
    QTest::addColumn<bool>("includeUsage");
    QTest::addColumn<bool>("hasTemperature");
    QTest::addColumn<double>("temperature");
    QTest::addColumn<bool>("hasMaxTokens");
    QTest::addColumn<int>("maxTokens");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray messages = R"("messages":[{"role":"system","content":"Be brief."},)"
                                R"({"role":"user","content":"Hi"}])";
    QTest::newRow("stream with usage")
        << true << true << false << 0.0 << false << 0
        << R"({"model":"gpt-4o-mini",)" + messages +
               R"(,"stream":true,"stream_options":{"include_usage":true}})";
    QTest::newRow("stream without usage")
        << true << false << false << 0.0 << false << 0
        << R"({"model":"gpt-4o-mini",)" + messages + R"(,"stream":true})";
    QTest::newRow("not streamed: no stream_options even with usage")
        << false << true << false << 0.0 << false << 0
        << R"({"model":"gpt-4o-mini",)" + messages + R"(,"stream":false})";
    QTest::newRow("temperature")
        << true << true << true << 0.7 << false << 0
        << R"({"model":"gpt-4o-mini",)" + messages +
               R"(,"stream":true,"stream_options":{"include_usage":true},"temperature":0.7})";
    QTest::newRow("temperature zero is sent")
        << false << false << true << 0.0 << false << 0
        << R"({"model":"gpt-4o-mini",)" + messages + R"(,"stream":false,"temperature":0})";
    QTest::newRow("max_tokens") << false << false << false << 0.0 << true << 256
                                << R"({"model":"gpt-4o-mini",)" + messages +
                                       R"(,"stream":false,"max_tokens":256})";
    QTest::newRow("both")
        << true << true << true << 1.25 << true << 4096
        << R"({"model":"gpt-4o-mini",)" + messages +
               R"(,"stream":true,"stream_options":{"include_usage":true},"temperature":1.25,)"
               R"("max_tokens":4096})";
}

void TestChatRequest::toJson()
{
    QFETCH(bool, stream);
    QFETCH(bool, includeUsage);
    QFETCH(bool, hasTemperature);
    QFETCH(double, temperature);
    QFETCH(bool, hasMaxTokens);
    QFETCH(int, maxTokens);
    QFETCH(QByteArray, expected);

    ChatRequest request = baseRequest();
    request.stream = stream;
    request.includeUsage = includeUsage;
    if (hasTemperature)
        request.temperature = temperature;
    if (hasMaxTokens)
        request.maxTokens = maxTokens;

    const QByteArray json = request.toJson();
    QVERIFY2(!json.contains('\n') && !json.contains(": ") && !json.contains(", "),
             json.constData());
    const QJsonObject actual = parsed(json);
    const QJsonObject wanted = parsed(expected);
    QCOMPARE(actual.keys(), wanted.keys());
    for (const QString& key : wanted.keys())
        QCOMPARE(actual.value(key), wanted.value(key));
    // Message order and per-message keys matter to the server.
    QCOMPARE(actual.value("messages").toArray().size(), 2);
    QCOMPARE(actual.value("messages")[0]["role"].toString(), QStringLiteral("system"));
    QCOMPARE(actual.value("messages")[1]["content"].toString(), QStringLiteral("Hi"));
    if (hasMaxTokens) { // an integer, never 256.0 or 2.56e2
        const QByteArray written = "\"max_tokens\":" + QByteArray::number(maxTokens);
        QVERIFY2(json.contains(written + ',') || json.contains(written + '}'), json.constData());
    }
}

void TestChatRequest::exactBytes()
{
    ChatRequest request;
    request.model = QStringLiteral("m");
    request.messages = {{QStringLiteral("user"), QStringLiteral("hi")}};
    request.maxTokens = 16;
    // Qt writes keys in sorted order; what matters is that the text is compact and complete.
    QCOMPARE(request.toJson(),
             QByteArray(R"({"max_tokens":16,"messages":[{"content":"hi","role":"user"}],)"
                        R"("model":"m","stream":true,"stream_options":{"include_usage":true}})"));
}

void TestChatRequest::escaping()
{
    ChatRequest request;
    request.model = QStringLiteral("qwen/qwen3-32b");
    const QString content = QStringLiteral("line 1\nline \"2\"\t\\ caf\u00e9 \U0001F600");
    request.messages = {{QStringLiteral("user"), content}};
    request.stream = false;
    const QByteArray json = request.toJson();
    QVERIFY(!json.contains('\n'));
    const QJsonObject object = parsed(json);
    QCOMPARE(object.value("model").toString(), QStringLiteral("qwen/qwen3-32b"));
    QCOMPARE(object.value("messages")[0]["content"].toString(), content);
    QCOMPARE(object.value("stream"), QJsonValue(false));
    QVERIFY(!object.contains("stream_options"));
    QVERIFY(!object.contains("temperature"));
    QVERIFY(!object.contains("max_tokens"));
}

void TestChatRequest::emptyMessages()
{
    ChatRequest request;
    request.model = QStringLiteral("m");
    const QJsonObject object = parsed(request.toJson());
    QVERIFY(object.value("messages").isArray());
    QCOMPARE(object.value("messages").toArray().size(), 0);
    QCOMPARE(object.value("stream"), QJsonValue(true));
    QCOMPARE(object.value("stream_options")["include_usage"], QJsonValue(true));
}

void TestChatRequest::prediction()
{
    ChatRequest request = baseRequest();
    QVERIFY(!parsed(request.toJson()).contains("prediction")); // none unless asked for

    const QString text = QStringLiteral("int main() {\n    return \"caf\u00e9\";\n}\n");
    request.prediction = text;
    const QJsonObject object = parsed(request.toJson());
    const QJsonObject prediction = object.value("prediction").toObject();
    QCOMPARE(prediction.size(), 2);
    QCOMPARE(prediction.value("type").toString(), QStringLiteral("content"));
    QCOMPARE(prediction.value("content").toString(), text);
    // Everything else is unchanged.
    QCOMPARE(object.value("messages").toArray().size(), 2);
    QCOMPARE(object.value("stream_options")["include_usage"], QJsonValue(true));

    // An empty prediction is still a prediction: sent, not dropped.
    request.prediction = QString();
    request.stream = false;
    QCOMPARE(request.toJson(),
             QByteArray(R"({"messages":[{"content":"Be brief.","role":"system"},)"
                        R"({"content":"Hi","role":"user"}],"model":"gpt-4o-mini",)"
                        R"("prediction":{"content":"","type":"content"},"stream":false})"));
}

QTEST_GUILESS_MAIN(TestChatRequest)
#include "tst_chatrequest.moc"

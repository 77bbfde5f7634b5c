// RequestParameters: checks that name the field, JSON both ways, the header's summary, what
// goes into a request body (only the fields set), and how a preset and options combine.
#include "openai/RequestParameters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace adminchat;

namespace {

RequestParameters everything()
{
    RequestParameters p;
    p.system = QStringLiteral("Answer in French.");
    p.temperature = 0.7;
    p.topP = 0.9;
    p.maxTokens = 1024;
    p.stop = {QStringLiteral("\n\n"), QStringLiteral("END")};
    p.seed = 9007199254740993LL; // above 2^53: must survive JSON whole
    p.reasoningEffort = QStringLiteral("low");
    return p;
}

QJsonObject bodyOf(const ChatRequest& request)
{
    return QJsonDocument::fromJson(request.toJson()).object();
}

} // namespace

class TestRequestParameters : public QObject
{
    Q_OBJECT
private slots:
    void unsetFieldsAreNotSent();
    void setFieldsAreSent();
    void jsonRoundTrip();
    void invalidJsonNamesTheField_data();
    void invalidJsonNamesTheField();
    void parsingTypedValues_data();
    void parsingTypedValues();
    void summary();
    void optionsOverridePreset();
};

void TestRequestParameters::unsetFieldsAreNotSent()
{
    ChatRequest request;
    request.model = QStringLiteral("m");
    request.messages = {{QStringLiteral("user"), QStringLiteral("hi")}};
    RequestParameters().applyTo(request);
    const QStringList keys = bodyOf(request).keys();
    QCOMPARE(keys, (QStringList{"messages", "model", "stream", "stream_options"}));
    QVERIFY(RequestParameters().isEmpty());
    QCOMPARE(RequestParameters().toText(), QString());
}

void TestRequestParameters::setFieldsAreSent()
{
    ChatRequest request;
    request.model = QStringLiteral("m");
    everything().applyTo(request);
    const QJsonObject body = bodyOf(request);
    QCOMPARE(body.value("temperature").toDouble(), 0.7);
    QCOMPARE(body.value("top_p").toDouble(), 0.9);
    QCOMPARE(body.value("max_tokens").toInt(), 1024);
    QCOMPARE(body.value("stop").toArray(), (QJsonArray{"\n\n", "END"}));
    QCOMPARE(body.value("seed").toInteger(), 9007199254740993LL);
    QCOMPARE(body.value("reasoning_effort").toString(), QStringLiteral("low"));
    // The system prompt is a message, which the session builds; never a body field.
    QVERIFY(!body.contains("system"));

    // Only one field set: only that one beside the fixed ones.
    RequestParameters one;
    one.seed = 7;
    ChatRequest other;
    other.model = QStringLiteral("m");
    one.applyTo(other);
    QCOMPARE(bodyOf(other).keys(),
             (QStringList{"messages", "model", "seed", "stream", "stream_options"}));
    QVERIFY(other.toJson().contains(R"("seed":7)"));
}

void TestRequestParameters::jsonRoundTrip()
{
    const RequestParameters p = everything();
    QCOMPARE(p.validationError(), QString());
    QString error;
    const std::optional<RequestParameters> back = RequestParameters::fromJson(p.toJson(), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(*back, p);
    QCOMPARE(RequestParameters::fromText(p.toText()), p);
    // Text that is not a parameter object reads as none rather than half.
    QVERIFY(RequestParameters::fromText(QStringLiteral("{\"temperature\": 7}")).isEmpty());
    QVERIFY(RequestParameters::fromText(QStringLiteral("not json")).isEmpty());
}

void TestRequestParameters::invalidJsonNamesTheField_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field");
    QTest::newRow("temperature high") << QByteArray(R"({"temperature": 2.5})") << "temperature";
    QTest::newRow("temperature text") << QByteArray(R"({"temperature": "hot"})") << "temperature";
    QTest::newRow("top_p") << QByteArray(R"({"top_p": 1.5})") << "top_p";
    QTest::newRow("max_tokens zero") << QByteArray(R"({"max_tokens": 0})") << "max_tokens";
    QTest::newRow("max_tokens fraction") << QByteArray(R"({"max_tokens": 2.5})") << "max_tokens";
    QTest::newRow("seed fraction") << QByteArray(R"({"seed": 1.5})") << "seed";
    QTest::newRow("stop empty") << QByteArray(R"({"stop": [""]})") << "stop";
    QTest::newRow("stop number") << QByteArray(R"({"stop": [3]})") << "stop";
    QTest::newRow("effort") << QByteArray(R"({"reasoning_effort": "max"})") << "reasoning_effort";
}

void TestRequestParameters::invalidJsonNamesTheField()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    QString error;
    QVERIFY(!RequestParameters::fromJson(QJsonDocument::fromJson(json).object(), &error));
    QVERIFY2(error.startsWith(field + QLatin1Char(' ')), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
}

void TestRequestParameters::parsingTypedValues_data()
{
    QTest::addColumn<QString>("which");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("temperature 0") << "temperature"
                                   << "0" << true;
    QTest::newRow("temperature 2") << "temperature"
                                   << "2" << true;
    QTest::newRow("temperature 2.01") << "temperature"
                                      << "2.01" << false;
    QTest::newRow("temperature -0.1") << "temperature"
                                      << "-0.1" << false;
    QTest::newRow("temperature nan") << "temperature"
                                     << "nan" << false;
    QTest::newRow("top_p 1") << "top_p"
                             << "1" << true;
    QTest::newRow("top_p 1.1") << "top_p"
                               << "1.1" << false;
    QTest::newRow("max 1") << "max"
                           << "1" << true;
    QTest::newRow("max 0") << "max"
                           << "0" << false;
    QTest::newRow("max 1.5") << "max"
                             << "1.5" << false;
    QTest::newRow("seed negative") << "seed"
                                   << "-42" << true;
    QTest::newRow("seed word") << "seed"
                               << "lucky" << false;
    QTest::newRow("seed fraction") << "seed"
                                   << "4.2" << false;
    QTest::newRow("effort HIGH") << "effort"
                                 << "HIGH" << true;
    QTest::newRow("effort extreme") << "effort"
                                    << "extreme" << false;
}

void TestRequestParameters::parsingTypedValues()
{
    QFETCH(QString, which);
    QFETCH(QString, text);
    QFETCH(bool, valid);
    const QString field = QStringLiteral("--") + which;
    QString error;
    bool parsed = false;
    if (which == QLatin1String("temperature"))
        parsed = RequestParameters::parseTemperature(text, field, &error).has_value();
    else if (which == QLatin1String("top_p"))
        parsed = RequestParameters::parseTopP(text, field, &error).has_value();
    else if (which == QLatin1String("max"))
        parsed = RequestParameters::parseMaxTokens(text, field, &error).has_value();
    else if (which == QLatin1String("seed"))
        parsed = RequestParameters::parseSeed(text, field, &error).has_value();
    else
        parsed = RequestParameters::parseReasoningEffort(text, field, &error).has_value();
    QCOMPARE(parsed, valid);
    if (!valid) {
        QVERIFY2(error.startsWith(field + QLatin1Char(' ')), qPrintable(error));
        QVERIFY2(error.contains(text), qPrintable(error));
    }
}

void TestRequestParameters::summary()
{
    QCOMPARE(RequestParameters().summary(), QString());
    RequestParameters p;
    p.temperature = 0.7;
    p.maxTokens = 1024;
    QCOMPARE(p.summary(), QStringLiteral("temp 0.7 · max 1024"));
    QCOMPARE(everything().summary(), QStringLiteral("temp 0.7 · top_p 0.9 · max 1024 · stop 2 · "
                                                    "seed 9007199254740993 · effort low · "
                                                    "system prompt"));
}

void TestRequestParameters::optionsOverridePreset()
{
    RequestParameters preset;
    preset.temperature = 0.2;
    preset.maxTokens = 100;
    preset.system = QStringLiteral("Be precise.");
    RequestParameters options;
    options.maxTokens = 5;
    options.stop = {QStringLiteral("x")};
    const RequestParameters both = preset.overriddenBy(options);
    QCOMPARE(both.temperature, std::optional<double>(0.2));
    QCOMPARE(both.maxTokens, std::optional<int>(5));
    QCOMPARE(both.system, QStringLiteral("Be precise."));
    QCOMPARE(both.stop, QStringList{QStringLiteral("x")});
    QVERIFY(!both.topP && !both.seed);
}

QTEST_APPLESS_MAIN(TestRequestParameters)
#include "tst_requestparameters.moc"

// The OTLP/HTTP JSON encoding of what the telemetry registry counts and of one span per request,
// and the parsing of the standard OTEL_* variables, hostile values included.
#include "OtlpJsonChecks.h"
#include "metrics/MetricsRecord.h"
#include "metrics/QuantileSketch.h"
#include "telemetry/OtlpConfig.h"
#include "telemetry/OtlpJson.h"
#include "telemetry/TelemetryRegistry.h"

#include <QJsonDocument>
#include <QTest>

using namespace adminchat;

namespace {

MetricsRecord record(double e2eMs, double ttftMs, const QList<double>& gapsMs)
{
    MetricsRecord r;
    r.startedUtc = QDateTime::fromMSecsSinceEpoch(1'790'000'000'123, Qt::UTC);
    r.endpoint = QStringLiteral("http://127.0.0.1:8000/v1");
    r.profile = QStringLiteral("local");
    r.model = QStringLiteral("demo-chat");
    r.variant = QStringLiteral("B");
    r.e2eMs = e2eMs;
    r.ttftMs = ttftMs;
    r.outputTokens = gapsMs.size() + 1;
    r.outputTokensEstimated = false;
    r.promptTokens = 30;
    QuantileSketch sketch;
    for (double gap : gapsMs)
        sketch.add(gap);
    r.itlSketch = sketch.toBytes();
    return r;
}

QJsonObject parse(const QByteArray& body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << error.errorString();
    return document.object();
}

const QJsonObject metricNamed(const QJsonObject& body, const QString& name)
{
    for (const QJsonValue& metric : otlpcheck::metricsOf(body)) {
        if (metric.toObject().value(QStringLiteral("name")).toString() == name)
            return metric.toObject();
    }
    return {};
}

} // namespace

class TestOtlpJson : public QObject
{
    Q_OBJECT
private slots:
    void keyValueListsParseAsTheSpecificationSays_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected"); // key, value, key, value...
        QTest::newRow("plain") << "a=1,b=2" << QStringList{"a", "1", "b", "2"};
        QTest::newRow("white space") << " a = 1 ,\tb=2 " << QStringList{"a", "1", "b", "2"};
        QTest::newRow("empty members") << ",,a=1,, ,b=2," << QStringList{"a", "1", "b", "2"};
        QTest::newRow("'=' in a value") << "k=a=b==c" << QStringList{"k", "a=b==c"};
        QTest::newRow("percent-encoded") << "team%20name=ops%2Cdb,key=v%3D1%25"
                                         << QStringList{"team name", "ops,db", "key", "v=1%"};
        QTest::newRow("empty value") << "a=" << QStringList{"a", ""};
        QTest::newRow("nothing") << "" << QStringList{};
        QTest::newRow("utf-8") << "city=Z%C3%BCrich"
                               << QStringList{"city", QStringLiteral("Zürich")};
    }
    void keyValueListsParseAsTheSpecificationSays()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const auto pairs = OtlpConfig::parseKeyValueList(text);
        QVERIFY(pairs);
        QStringList flat;
        for (const auto& [key, value] : *pairs)
            flat << key << value;
        QCOMPARE(flat, expected);
    }

    void aMemberWithoutKeyInvalidatesTheList_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("member");
        QTest::newRow("no '='") << "a=1,secretvalue" << 2;
        QTest::newRow("empty key") << "=v,b=2" << 1;
        QTest::newRow("blank key") << "a=1, %20 =x" << 2;
    }
    void aMemberWithoutKeyInvalidatesTheList()
    {
        QFETCH(QString, text);
        QFETCH(int, member);
        int bad = 0;
        QVERIFY(!OtlpConfig::parseKeyValueList(text, &bad));
        QCOMPARE(bad, member);
    }

    void environmentConfiguresTheExporter()
    {
        QProcessEnvironment env;
        env.insert("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.example:4318/");
        env.insert("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Basic%20c2VjcmV0,x-team=ops");
        env.insert("OTEL_RESOURCE_ATTRIBUTES",
                   "service.name=ignored,deployment.environment=prod,host.name=db%2C1");
        env.insert("OTEL_SERVICE_NAME", "admin-desk");
        QString warning;
        const OtlpConfig config = OtlpConfig::fromEnvironment(env, &warning);
        QVERIFY2(warning.isEmpty(), qPrintable(warning));
        QVERIFY(config.isEnabled());
        QCOMPARE(config.signalUrl("/v1/traces").toString(),
                 QStringLiteral("http://collector.example:4318/v1/traces"));
        QCOMPARE(config.headers.size(), 2);
        QCOMPARE(config.headers[0].first, QByteArray("Authorization"));
        QCOMPARE(config.headers[0].second, QByteArray("Basic c2VjcmV0"));
        QCOMPARE(config.serviceName, QStringLiteral("admin-desk")); // wins over service.name
        QCOMPARE(config.resourceAttributes.size(), 2);
        QCOMPARE(config.resourceAttributes[1].second, QStringLiteral("db,1"));

        env.remove("OTEL_SERVICE_NAME");
        QCOMPARE(OtlpConfig::fromEnvironment(env).serviceName, QStringLiteral("ignored"));
        QCOMPARE(OtlpConfig::fromEnvironment(QProcessEnvironment()).serviceName,
                 QStringLiteral("adminchat"));
        QVERIFY(!OtlpConfig::fromEnvironment(QProcessEnvironment()).isEnabled());
    }

    void hostileHeadersAreLeftOutWithoutTheirValue()
    {
        QProcessEnvironment env;
        env.insert("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/otlp");
        // A decoded CR LF would inject a header; a bad name is refused; the good one stays.
        env.insert("OTEL_EXPORTER_OTLP_HEADERS",
                   "x-key=hunter2%0D%0AX-Injected: 1,bad name=hunter3,good=ok");
        QString warning;
        const OtlpConfig config = OtlpConfig::fromEnvironment(env, &warning);
        QCOMPARE(config.headers.size(), 1);
        QCOMPARE(config.headers[0].first, QByteArray("good"));
        QVERIFY(!warning.isEmpty());
        QVERIFY2(!warning.contains("hunter"), qPrintable(warning));
        QCOMPARE(config.signalUrl("/v1/metrics").path(), QStringLiteral("/otlp/v1/metrics"));

        env.insert("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer hunter4,justasecret");
        const OtlpConfig invalid = OtlpConfig::fromEnvironment(env, &warning);
        QVERIFY(invalid.headers.isEmpty()); // the whole list is invalid
        QVERIFY(warning.contains("member 2"));
        QVERIFY2(!warning.contains("hunter") && !warning.contains("justasecret"),
                 qPrintable(warning));

        env.insert("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://example");
        QVERIFY(!OtlpConfig::fromEnvironment(env, &warning).isEnabled());
        QVERIFY(warning.contains("OTEL_EXPORTER_OTLP_ENDPOINT"));
    }

    void metricsFollowTheProtobufJsonRules()
    {
        TelemetryRegistry registry;
        registry.add(record(1200, 150, {5, 6, 7, 40}));
        registry.add(record(800, 90, {4, 4}));
        MetricsRecord failed = record(30, 0, {});
        failed.ttftMs.reset();
        failed.status = RequestStatus::Error;
        failed.errorKind = ApiError::Kind::Http;
        failed.httpStatus = 503;
        failed.outputTokens = 0;
        registry.add(failed);

        OtlpConfig config;
        config.serviceVersion = QStringLiteral("1.2.3");
        config.resourceAttributes.append(
            qMakePair(QStringLiteral("deployment.environment"), QStringLiteral("test")));
        const qint64 start = 1'790'000'000'000'000'000;
        const QJsonObject body =
            parse(OtlpJson::metricsRequest(registry, config, start, start + 5'000'000'000));
        const QStringList problems = otlpcheck::checkMetricsBody(body);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));

        const QJsonObject resource = body["resourceMetrics"][0].toObject()["resource"].toObject();
        const auto resourceAttributes = otlpcheck::attributeMap(resource["attributes"].toArray());
        QCOMPARE(resourceAttributes.value("service.name"), QStringLiteral("adminchat"));
        QCOMPARE(resourceAttributes.value("deployment.environment"), QStringLiteral("test"));
        const QJsonObject scope =
            body["resourceMetrics"][0].toObject()["scopeMetrics"][0].toObject()["scope"].toObject();
        QCOMPARE(scope["name"].toString(), QStringLiteral("adminchat"));
        QCOMPARE(scope["version"].toString(), QStringLiteral("1.2.3"));

        const QJsonObject duration = metricNamed(body, "gen_ai.client.operation.duration");
        QCOMPARE(duration["unit"].toString(), QStringLiteral("s"));
        const QJsonArray points = duration["histogram"]["dataPoints"].toArray();
        QCOMPARE(points.size(), 2); // the failure has error.type, a series of its own
        quint64 requests = 0;
        for (const QJsonValue& point : points) {
            requests += point["count"].toString().toULongLong();
            QCOMPARE(point["startTimeUnixNano"].toString(), QString::number(start));
            const auto attributes = otlpcheck::attributeMap(point["attributes"].toArray());
            QCOMPARE(attributes.value("gen_ai.operation.name"), QStringLiteral("chat"));
            QCOMPARE(attributes.value("gen_ai.provider.name"), QStringLiteral("openai"));
            QCOMPARE(attributes.value("gen_ai.request.model"), QStringLiteral("demo-chat"));
            QCOMPARE(attributes.value("server.address"), QStringLiteral("127.0.0.1"));
            QCOMPARE(attributes.value("server.port"), QStringLiteral("8000"));
            QCOMPARE(attributes.value("adminchat.profile"), QStringLiteral("local"));
            QCOMPARE(attributes.value("adminchat.source"), QStringLiteral("chat"));
            QCOMPARE(attributes.value("adminchat.variant"), QStringLiteral("B"));
            if (point["count"].toString() == "1")
                QCOMPARE(attributes.value("error.type"), QStringLiteral("http"));
        }
        QCOMPARE(requests, quint64(3));

        // Every gap lands in time_per_output_chunk, exactly once.
        const QJsonObject gaps = metricNamed(body, "gen_ai.client.operation.time_per_output_chunk");
        QCOMPARE(gaps["histogram"]["dataPoints"][0]["count"].toString(), QStringLiteral("6"));
        QCOMPARE(gaps["histogram"]["dataPoints"][0]["sum"].toDouble(), 0.066);

        const QJsonObject tokens = metricNamed(body, "gen_ai.client.token.usage");
        QCOMPARE(tokens["unit"].toString(), QStringLiteral("{token}"));
        QStringList types;
        for (const QJsonValue& point : tokens["histogram"]["dataPoints"].toArray())
            types << otlpcheck::attributeMap(point["attributes"].toArray())
                         .value("gen_ai.token.type");
        types.sort();
        types.removeDuplicates();
        QCOMPARE(types, (QStringList{"input", "output"}));
        QVERIFY(!metricNamed(body, "gen_ai.client.operation.time_to_first_chunk").isEmpty());
        QCOMPARE(metricNamed(body, "adminchat.requests")["sum"]["isMonotonic"].toBool(), true);
    }

    void aSpanPerRequestWithTheGenAiAttributes()
    {
        const QByteArray traceId = QByteArray::fromHex("0af7651916cd43dd8448eb211c80319c");
        const QByteArray spanId = QByteArray::fromHex("b7ad6b7169203331");
        MetricsRecord ok = record(1200, 150, {5, 6});
        ok.status = RequestStatus::Length;
        const QJsonObject okSpan = OtlpJson::span(ok, traceId, spanId);
        MetricsRecord failed = record(30, 0, {});
        failed.ttftMs.reset();
        failed.status = RequestStatus::Error;
        failed.errorKind = ApiError::Kind::IdleTimeout;
        failed.outputTokens = 0;
        const QJsonObject failedSpan = OtlpJson::span(failed, traceId, spanId);
        const QJsonObject body = parse(OtlpJson::traceRequest({okSpan, failedSpan}, OtlpConfig()));
        const QStringList problems = otlpcheck::checkTraceBody(body);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QCOMPARE(otlpcheck::spansOf(body).size(), 2);

        QCOMPARE(okSpan["name"].toString(), QStringLiteral("chat demo-chat"));
        QCOMPARE(okSpan["traceId"].toString(), QStringLiteral("0af7651916cd43dd8448eb211c80319c"));
        QCOMPARE(okSpan["spanId"].toString(), QStringLiteral("b7ad6b7169203331"));
        QCOMPARE(okSpan["startTimeUnixNano"].toString(), QStringLiteral("1790000000123000000"));
        QCOMPARE(okSpan["endTimeUnixNano"].toString(), QStringLiteral("1790000001323000000"));
        QVERIFY(!okSpan.contains("status"));
        const auto attributes = otlpcheck::attributeMap(okSpan["attributes"].toArray());
        QCOMPARE(attributes.value("gen_ai.usage.input_tokens"), QStringLiteral("30"));
        QCOMPARE(attributes.value("gen_ai.usage.output_tokens"), QStringLiteral("3"));
        QCOMPARE(attributes.value("gen_ai.response.finish_reasons"), QStringLiteral("length"));
        QCOMPARE(attributes.value("gen_ai.response.time_to_first_chunk"), QStringLiteral("0.15"));
        QVERIFY(!attributes.contains("error.type"));

        QCOMPARE(failedSpan["status"]["code"].toInt(), OtlpJson::statusCodeError);
        QCOMPARE(failedSpan["status"]["message"].toString(), QStringLiteral("idle_timeout"));
        const auto failedAttributes = otlpcheck::attributeMap(failedSpan["attributes"].toArray());
        QCOMPARE(failedAttributes.value("error.type"), QStringLiteral("idle_timeout"));
        QVERIFY(!failedAttributes.contains("gen_ai.response.finish_reasons"));
    }

    void namesTranslateBothWays()
    {
        QCOMPARE(OtlpJson::metricName("adminchat_time_to_first_answer_token_seconds"),
                 QStringLiteral("adminchat.time_to_first_answer_token"));
        QCOMPARE(OtlpJson::metricName("adminchat_request_retries"),
                 QStringLiteral("adminchat.request_retries"));
        QCOMPARE(OtlpJson::attributeName("gen_ai_token_type"), QStringLiteral("gen_ai.token.type"));
        QCOMPARE(OtlpJson::attributeName("source"), QStringLiteral("adminchat.source"));
    }
};

QTEST_GUILESS_MAIN(TestOtlpJson)
#include "tst_otlpjson.moc"

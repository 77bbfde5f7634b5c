// `adminchat bench` and `ask` exporting over OTLP/HTTP JSON to a receiver the test runs on
// loopback, against `adminchat serve-demo` with fixed timing: the protobuf-JSON rules, the GenAI
// attributes, one span per request, histogram counts equal to the requests, the resource from
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, headers sent but never printed, no prompt or
// answer text in any body; a 503 with Retry-After retried once it allows; a receiver that never
// answers delays `ask` by no more than the documented flush bound; the watch's probes exported
// too; and a secret header kept in the keychain through --otlp-profile.
#include "AppProcess.h"
#include "OtlpJsonChecks.h"
#include "OtlpTestReceiver.h"
#include "TestHome.h"

#include <QElapsedTimer>
#include <QTest>

namespace {

constexpr int runTimeoutMs = 60000;
constexpr int requests = 12;
const QString promptMarker = QStringLiteral("zebra-lantern-4471 describe the harbour at dawn");
const QByteArray headerSecret = "otlp-token-c0ffee-91";

QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = TestHome::environment();
    removeAdminChatVariables(env);
    for (const QString& name : env.keys()) {
        if (name.startsWith(QLatin1String("OTEL_")))
            env.remove(name);
    }
    env.remove(QStringLiteral("OPENAI_BASE_URL"));
    env.remove(QStringLiteral("OPENAI_API_KEY"));
    return env;
}

QJsonObject metricNamed(const QJsonObject& body, const QString& name)
{
    for (const QJsonValue& metric : otlpcheck::metricsOf(body)) {
        if (metric.toObject().value(QStringLiteral("name")).toString() == name)
            return metric.toObject();
    }
    return {};
}

quint64 histogramCount(const QJsonObject& metric)
{
    quint64 total = 0;
    for (const QJsonValue& point : metric["histogram"]["dataPoints"].toArray())
        total += point["count"].toString().toULongLong();
    return total;
}

// Pairs of neighbouring words of the answer: unmistakable, where a single word ("server")
// may also be an attribute's name.
QStringList answerPieces(const QByteArray& out)
{
    const QStringList words =
        QString::fromUtf8(out).split(QRegularExpression("\\s+"), Qt::SkipEmptyParts);
    QStringList pieces;
    for (qsizetype i = 0; i + 1 < words.size(); ++i)
        pieces << words[i] + ' ' + words[i + 1];
    return pieces;
}

} // namespace

class TestOtlpExport : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        m_demoUrl = m_demo.startDemo({"--ttft", "40", "--itl", "5"}, cleanEnvironment());
        QVERIFY2(!m_demoUrl.isEmpty(), m_demo.process().readAllStandardError().constData());
    }

    void benchExportsASpanPerRequestAndTheHistograms()
    {
        OtlpTestReceiver receiver;
        QProcessEnvironment env = cleanEnvironment();
        env.insert("OTEL_SERVICE_NAME", "bench-box");
        env.insert("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=ci,team=ops%2Cdb");
        env.insert("OTEL_EXPORTER_OTLP_HEADERS", "x-otlp-token=" + headerSecret + ",x-team=ops");
        env.insert("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/"); // the flag wins
        const AppRun bench =
            runApp({"bench", "--base-url", m_demoUrl, "--model", "demo-chat", "--requests",
                    QString::number(requests), "--concurrency", "3", "--max-tokens", "8",
                    "--prompt", promptMarker, "--json", "--otlp-endpoint", receiver.url()},
                   env, {}, runTimeoutMs);
        QVERIFY2(bench.exitCode == 0, bench.all().constData());
        QVERIFY2(!bench.all().contains(headerSecret), bench.err.constData());
        QCOMPARE(bench.json().value("completed").toInt(), requests);

        // bench flushed before it exited: everything is there already.
        const QList<OtlpReceived> traces = receiver.received("/v1/traces");
        const QList<OtlpReceived> metrics = receiver.received("/v1/metrics");
        QVERIFY(!traces.isEmpty());
        QVERIFY(!metrics.isEmpty());
        QCOMPARE(receiver.received().size(), traces.size() + metrics.size());
        QStringList problems;
        QSet<QString> spanIds;
        int spans = 0;
        for (const OtlpReceived& post : receiver.received()) {
            QCOMPARE(post.header("content-type"), QByteArray("application/json"));
            QCOMPARE(post.header("x-otlp-token"), headerSecret);
            QVERIFY2(!post.body.contains(promptMarker.toUtf8().left(18)), post.body.constData());
        }
        for (const OtlpReceived& post : traces) {
            const QJsonObject body = post.json();
            problems += otlpcheck::checkTraceBody(body);
            const auto resource = otlpcheck::attributeMap(
                body["resourceSpans"][0]["resource"]["attributes"].toArray());
            QCOMPARE(resource.value("service.name"), QStringLiteral("bench-box"));
            QCOMPARE(resource.value("team"), QStringLiteral("ops,db"));
            for (const QJsonValue& span : otlpcheck::spansOf(body)) {
                ++spans;
                spanIds.insert(span["spanId"].toString());
                QCOMPARE(span["name"].toString(), QStringLiteral("chat demo-chat"));
                const auto attributes = otlpcheck::attributeMap(span["attributes"].toArray());
                for (const char* required :
                     {"gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model",
                      "server.address", "server.port", "gen_ai.usage.output_tokens",
                      "gen_ai.response.finish_reasons", "gen_ai.response.time_to_first_chunk"})
                    QVERIFY2(attributes.contains(QLatin1String(required)), required);
                QCOMPARE(attributes.value("adminchat.source"), QStringLiteral("bench"));
                QVERIFY(attributes.value("gen_ai.response.time_to_first_chunk").toDouble() >= 0.04);
            }
        }
        QCOMPARE(spans, requests);
        QCOMPARE(spanIds.size(), requests);

        // The last export holds everything (cumulative).
        const QJsonObject last = metrics.back().json();
        problems += otlpcheck::checkMetricsBody(last);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QCOMPARE(histogramCount(metricNamed(last, "gen_ai.client.operation.duration")),
                 quint64(requests));
        QCOMPARE(histogramCount(metricNamed(last, "gen_ai.client.operation.time_to_first_chunk")),
                 quint64(requests));
        // Input and output tokens: one point of each per request.
        QCOMPARE(histogramCount(metricNamed(last, "gen_ai.client.token.usage")),
                 quint64(2 * requests));
        // Eight tokens: seven gaps per request.
        QCOMPARE(histogramCount(metricNamed(last, "gen_ai.client.operation.time_per_output_chunk")),
                 quint64(7 * requests));
    }

    void askSendsNoMessageContent()
    {
        OtlpTestReceiver receiver;
        const AppRun ask =
            runApp({"ask", "--base-url", m_demoUrl, "--model", "demo-chat", "--max-tokens", "24",
                    "--otlp-endpoint", receiver.url(), promptMarker},
                   cleanEnvironment(), {}, runTimeoutMs);
        QVERIFY2(ask.exitCode == 0, ask.all().constData());
        QCOMPARE(receiver.count("/v1/traces"), 1);
        QCOMPARE(receiver.count("/v1/metrics"), 1);
        const QStringList answer = answerPieces(ask.out);
        QVERIFY2(answer.size() >= 3, ask.out.constData());
        for (const OtlpReceived& post : receiver.received()) {
            for (const QString& piece :
                 answer + QStringList{promptMarker, "zebra-lantern-4471", "harbour"})
                QVERIFY2(!post.body.contains(piece.toUtf8()), qPrintable(piece));
        }
        const QJsonObject traces = receiver.received("/v1/traces").front().json();
        QCOMPARE(otlpcheck::spansOf(traces).size(), 1);
        QVERIFY(otlpcheck::checkTraceBody(traces).isEmpty());
        const auto attributes =
            otlpcheck::attributeMap(otlpcheck::spansOf(traces).at(0)["attributes"].toArray());
        QCOMPARE(attributes.value("adminchat.source"), QStringLiteral("chat"));
        QCOMPARE(attributes.value("gen_ai.usage.output_tokens"), QStringLiteral("24"));
    }

    void watchExportsItsProbes()
    {
        OtlpTestReceiver receiver;
        const AppRun watch =
            runApp({"watch", "--profile", "Demo", "--once", "--otlp-endpoint", receiver.url()},
                   cleanEnvironment(), {}, runTimeoutMs);
        QVERIFY2(watch.exitCode == 0 || watch.exitCode == 1, watch.all().constData());
        const QList<OtlpReceived> traces = receiver.received("/v1/traces");
        QVERIFY2(!traces.isEmpty(), watch.all().constData());
        int probes = 0;
        for (const OtlpReceived& post : traces) {
            QVERIFY(otlpcheck::checkTraceBody(post.json()).isEmpty());
            for (const QJsonValue& span : otlpcheck::spansOf(post.json())) {
                const auto attributes = otlpcheck::attributeMap(span["attributes"].toArray());
                QCOMPARE(attributes.value("adminchat.source"), QStringLiteral("probe"));
                ++probes;
            }
        }
        QVERIFY(probes >= 1);
        const QJsonObject metrics = receiver.received("/v1/metrics").back().json();
        QCOMPARE(histogramCount(metricNamed(metrics, "gen_ai.client.operation.duration")),
                 quint64(probes));
    }

    void aBusyReceiverGetsTheBatchAgainWhenItAllows()
    {
        OtlpTestReceiver receiver;
        receiver.plan("/v1/traces", {503, "Retry-After: 1\r\n", "{}", false});
        receiver.plan("/v1/metrics", {400, {}, "{\"message\":\"bad\"}", false});
        const AppRun ask = runApp({"ask", "--base-url", m_demoUrl, "--model", "demo-chat",
                                   "--max-tokens", "4", "--otlp-endpoint", receiver.url(), "Hi"},
                                  cleanEnvironment(), {}, runTimeoutMs);
        QVERIFY2(ask.exitCode == 0, ask.all().constData());
        const QList<OtlpReceived> traces = receiver.received("/v1/traces");
        QCOMPARE(traces.size(), 2);
        QVERIFY2(traces[1].atMs - traces[0].atMs >= 950,
                 qPrintable(QString::number(traces[1].atMs - traces[0].atMs)));
        QCOMPARE(traces[1].body, traces[0].body);
        QCOMPARE(receiver.count("/v1/metrics"), 1); // 400: not again
        QVERIFY2(ask.err.contains("HTTP 400"), ask.err.constData());
    }

    void aSilentReceiverDelaysAskByTheFlushBoundAtMost()
    {
        QElapsedTimer clock;
        clock.start();
        const AppRun plain = runApp(
            {"ask", "--base-url", m_demoUrl, "--model", "demo-chat", "--max-tokens", "4", "Hi"},
            cleanEnvironment(), {}, runTimeoutMs);
        const qint64 plainMs = clock.restart();
        QVERIFY2(plain.exitCode == 0, plain.all().constData());

        OtlpTestReceiver receiver;
        receiver.plan("/v1/traces", {200, {}, {}, true});
        receiver.plan("/v1/metrics", {200, {}, {}, true});
        const AppRun ask = runApp({"ask", "--base-url", m_demoUrl, "--model", "demo-chat",
                                   "--max-tokens", "4", "--otlp-endpoint", receiver.url(), "Hi"},
                                  cleanEnvironment(), {}, runTimeoutMs);
        const qint64 exportMs = clock.elapsed();
        QVERIFY2(ask.exitCode == 0, ask.all().constData());
        QCOMPARE(receiver.count("/v1/traces"), 1);
        // The documented bound (2 s) and a second of slack for a busy machine.
        QVERIFY2(exportMs - plainMs < 3000,
                 qPrintable(QStringLiteral("%1 ms against %2 ms").arg(exportMs).arg(plainMs)));
        QVERIFY2(ask.err.contains("did not finish within 2000 ms"), ask.err.constData());
    }

    void aSecretHeaderComesFromTheKeychain()
    {
        REQUIRE_KEYCHAIN();
        OtlpTestReceiver receiver;
        const QProcessEnvironment env = cleanEnvironment();
        const AppRun add = runApp({"profile", "add", "otlp-backend", "--base-url", receiver.url(),
                                   "--model", "none", "--secret-header",
                                   "Authorization: Basic " + QString::fromLatin1(headerSecret)},
                                  env);
        QVERIFY2(add.exitCode == 0, add.all().constData());
        const AppRun ask =
            runApp({"ask", "--base-url", m_demoUrl, "--model", "demo-chat", "--max-tokens", "4",
                    "--otlp-profile", "otlp-backend", "--otlp-endpoint", receiver.url(), "Hi"},
                   env, {}, runTimeoutMs);
        QVERIFY2(ask.exitCode == 0, ask.all().constData());
        QCOMPARE(receiver.count("/v1/traces"), 1);
        QCOMPARE(receiver.received("/v1/traces").front().header("authorization"),
                 "Basic " + headerSecret);
        QVERIFY(!ask.all().contains(headerSecret));
        // The settings file names the header; the keychain holds its value.
        QFile settings(m_home.configPath() + "/AdminChat/adminchat.conf");
        QVERIFY(settings.open(QIODevice::ReadOnly));
        const QByteArray ini = settings.readAll();
        QVERIFY2(ini.contains("Authorization") && !ini.contains(headerSecret), ini.constData());
    }

private:
    TestHome m_home;
    BackgroundApp m_demo;
    QString m_demoUrl;
};

QTEST_GUILESS_MAIN(TestOtlpExport)
#include "tst_otlpexport.moc"

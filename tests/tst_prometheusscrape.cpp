// `adminchat metrics serve` end to end, checked by Debian's own Prometheus tools: a bench run
// against `adminchat serve-demo` with fixed timing (one model name full of quotes, backslashes
// and a line feed), the exposition in both formats through `promtool check metrics`, then a real
// `prometheus` scraping it, whose histogram_quantile(0.95, ...) over the TTFT and E2E buckets
// must fall within one bucket of the bench's own P95. Fails when prometheus or promtool is
// missing (packaging/install-deps.sh installs them).
#include "AppProcess.h"
#include "ProcessRunner.h"
#include "PrometheusProcess.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <algorithm>
#include <memory>

namespace {

constexpr int runTimeoutMs = 60000;
const QString hostileModel = QStringLiteral("demo \"quoted\" C:\\path\nsecond line");

// The TTFT and E2E boundaries the exposition uses (core/telemetry/TelemetryBuckets.cpp), to
// say which bucket a value falls in; read back from the exposition, not repeated here.
std::vector<double> boundsOf(const QByteArray& exposition, const QByteArray& bucketName)
{
    std::vector<double> bounds;
    for (const QByteArray& line : exposition.split('\n')) {
        if (!line.startsWith(bucketName + '{'))
            continue;
        const qsizetype le = line.indexOf("le=\"");
        const QByteArray value = line.mid(le + 4, line.indexOf('"', le + 4) - le - 4);
        if (value != "+Inf")
            bounds.push_back(value.toDouble());
    }
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    return bounds;
}

std::ptrdiff_t bucketIndex(const std::vector<double>& bounds, double value)
{
    return std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
}

} // namespace

class TestPrometheusScrape : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void prometheusScrapesWhatTheBenchMeasured();

private:
    struct Answer
    {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
    };
    Answer get(const QString& url, const QByteArray& accept = {});
    QByteArray promtool(const QByteArray& exposition, int* exitCode);
    QJsonObject query(const QString& promUrl, const QString& expression);

    QString m_promtool;
    QString m_prometheus;
    QNetworkAccessManager m_network;
};

void TestPrometheusScrape::initTestCase()
{
    m_promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    m_prometheus = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
    QVERIFY2(!m_promtool.isEmpty() && !m_prometheus.isEmpty(),
             "promtool and prometheus are needed (Debian package prometheus; "
             "packaging/install-deps.sh installs it)");
}

TestPrometheusScrape::Answer TestPrometheusScrape::get(const QString& url, const QByteArray& accept)
{
    QNetworkRequest request{QUrl(url)};
    if (!accept.isEmpty())
        request.setRawHeader("Accept", accept);
    std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), reply->readAll()};
}

QByteArray TestPrometheusScrape::promtool(const QByteArray& exposition, int* exitCode)
{
    ProcessRunner runner;
    const ProcessResult result =
        runner.run(m_promtool, {QStringLiteral("check"), QStringLiteral("metrics")}, exposition);
    *exitCode = result.exitCode;
    return result.all();
}

QJsonObject TestPrometheusScrape::query(const QString& promUrl, const QString& expression)
{
    QUrl url(promUrl + QStringLiteral("/api/v1/query"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("query"), expression);
    url.setQuery(q);
    const Answer answer = get(url.toString());
    return QJsonDocument::fromJson(answer.body).object();
}

void TestPrometheusScrape::prometheusScrapesWhatTheBenchMeasured()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QProcessEnvironment env = appEnvironmentWithoutEndpoint(home.path());

    QProcess demo;
    const auto reapDemo = qScopeGuard([&demo] {
        demo.kill();
        demo.waitForFinished(5000);
    });
    const QString demoUrl = startDemoServer(demo, {"--ttft", "150", "--itl", "5"}, env);
    QVERIFY2(!demoUrl.isEmpty(), demo.readAllStandardError().constData());
    AppRun bench =
        runApp({"bench", "--base-url", demoUrl, "--model", "demo-chat", "--requests", "20",
                "--concurrency", "4", "--max-tokens", "8", "--json", "--tag", "prom-run"},
               env, {}, runTimeoutMs);
    QVERIFY2(bench.exitCode == 0, bench.all().constData());
    const QJsonObject report = bench.json();
    QCOMPARE(report.value("completed").toInt(), 20);
    // The demo endpoint answers an unknown model with an HTTP error: two failed requests whose
    // records carry the hostile name.
    const AppRun hostile = runApp({"bench", "--base-url", demoUrl, "--model", hostileModel,
                                   "--requests", "2", "--max-tokens", "4", "--json"},
                                  env, {}, runTimeoutMs);
    QVERIFY2(hostile.json().value("errors").toInt() == 2, hostile.all().constData());
    // A profile that names its provider: its requests carry it.
    AppRun added = runApp({"profile", "add", "Lab", "--base-url", demoUrl, "--model", "demo-chat",
                           "--provider", "azure.ai.openai"},
                          env);
    QVERIFY2(added.exitCode == 0, added.all().constData());
    AppRun lab = runApp({"bench", "--profile", "Lab", "--requests", "2", "--max-tokens", "4",
                         "--json", "--tag", "prom-lab"},
                        env, {}, runTimeoutMs);
    QVERIFY2(lab.exitCode == 0, lab.all().constData());

    // Non-loopback addresses need --allow-remote.
    const AppRun refused = runApp({"metrics", "serve", "--listen", "0.0.0.0:0"}, env);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("--allow-remote"), refused.err.constData());

    ProcessRunner serve;
    serve.setEnvironment(env);
    QVERIFY(serve.start(QStringLiteral(ADMINCHAT_BIN),
                        {"metrics", "serve", "--listen", "127.0.0.1:0"}));
    QByteArray line;
    while (!line.contains('\n') && serve.process().waitForReadyRead(10000))
        line += serve.process().readAllStandardOutput();
    const auto match = QRegularExpression(QStringLiteral("listening on (http://\\S+)/metrics"))
                           .match(QString::fromUtf8(line));
    QVERIFY2(match.hasMatch(), (line + serve.process().readAllStandardError()).constData());
    const QString metricsUrl = match.captured(1) + QStringLiteral("/metrics");

    // Text format 0.0.4: promtool finds nothing to say.
    const Answer text = get(metricsUrl);
    QCOMPARE(text.status, 200);
    QVERIFY(text.contentType.startsWith("text/plain; version=0.0.4"));
    QVERIFY(text.body.contains("gen_ai_client_operation_time_to_first_chunk_seconds_bucket{"));
    QVERIFY(text.body.contains("gen_ai_request_model=\"demo \\\"quoted\\\" C:\\\\path\\nsecond "
                               "line\""));
    // The requested and the answering model apart; the profile's provider on its series only.
    QVERIFY(text.body.contains(
        "gen_ai_request_model=\"demo-chat\",gen_ai_response_model=\"demo-chat\""));
    for (const QByteArray& sample : text.body.split('\n')) {
        if (!sample.startsWith("gen_ai_client_operation_duration_seconds_count{"))
            continue;
        const bool lab = sample.contains("profile=\"Lab\"");
        QVERIFY2(sample.contains(lab ? "gen_ai_provider_name=\"azure.ai.openai\""
                                     : "gen_ai_provider_name=\"openai\""),
                 sample.constData());
    }
    QVERIFY(text.body.contains("profile=\"Lab\""));
    int exitCode = -1;
    QByteArray lint = promtool(text.body, &exitCode);
    QVERIFY2(exitCode == 0 && lint.trimmed().isEmpty(), lint.constData());

    // OpenMetrics: promtool 2.42 lints with the 0.0.4 parser, which reads OpenMetrics' _created
    // and a counter's _total as families of their own without HELP; nothing else may come up.
    const Answer om = get(metricsUrl, "application/openmetrics-text; version=1.0.0");
    QCOMPARE(om.status, 200);
    QVERIFY(om.contentType.startsWith("application/openmetrics-text"));
    QVERIFY(om.body.endsWith("\n# EOF\n"));
    lint = promtool(om.body, &exitCode);
    for (const QByteArray& finding : lint.trimmed().split('\n')) {
        if (finding.isEmpty())
            continue;
        const bool expected = finding.endsWith(" no help text") &&
                              (finding.contains("_created ") || finding.contains("_total "));
        QVERIFY2(expected, lint.constData());
    }

    // A real Prometheus scrapes it (asking for OpenMetrics, as it does by default).
    QTemporaryDir promDir;
    QVERIFY(promDir.isValid());
    ProcessRunner prometheus;
    const QString promUrl =
        startPrometheus(prometheus, m_prometheus, promDir.path(), QStringLiteral("adminchat"),
                        QUrl(metricsUrl).authority());
    QVERIFY(!promUrl.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(get(promUrl + QStringLiteral("/-/ready")).status, 200, 20000);

    // Wait for a successful scrape of the whole bench (20 + 2 hostile + 2 of the profile).
    const QString countQuery = QStringLiteral("sum(adminchat_requests_total{source=\"bench\"})");
    QTRY_COMPARE_WITH_TIMEOUT(query(promUrl, countQuery)
                                  .value("data")
                                  .toObject()
                                  .value("result")
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value("value")
                                  .toArray()
                                  .at(1)
                                  .toString(),
                              QStringLiteral("24"), 20000);
    const QJsonArray targets =
        QJsonDocument::fromJson(get(promUrl + QStringLiteral("/api/v1/targets")).body)
            .object()
            .value("data")
            .toObject()
            .value("activeTargets")
            .toArray();
    QCOMPARE(targets.size(), 1);
    QCOMPARE(targets.at(0).toObject().value("health").toString(), QStringLiteral("up"));
    QCOMPARE(targets.at(0).toObject().value("lastError").toString(), QString());

    // The model name full of escapes arrives whole.
    const QJsonArray hostileSeries =
        query(promUrl,
              QStringLiteral("adminchat_errors_total{gen_ai_request_model!=\"demo-chat\"}"))
            .value("data")
            .toObject()
            .value("result")
            .toArray();
    QCOMPARE(hostileSeries.size(), 1);
    QCOMPARE(hostileSeries.at(0)
                 .toObject()
                 .value("metric")
                 .toObject()
                 .value("gen_ai_request_model")
                 .toString(),
             hostileModel);

    // Prometheus's P95 from the buckets against the bench's exact P95.
    const std::pair<const char*, const char*> metrics[] = {
        {"gen_ai_client_operation_time_to_first_chunk_seconds", "ttft_ms"},
        {"gen_ai_client_operation_duration_seconds", "e2e_ms"}};
    for (const auto& [name, key] : metrics) {
        const QString expression =
            QStringLiteral("histogram_quantile(0.95, sum by (le) (%1_bucket{gen_ai_request_model="
                           "\"demo-chat\",profile=\"\"}))")
                .arg(QLatin1String(name));
        const QJsonArray result =
            query(promUrl, expression).value("data").toObject().value("result").toArray();
        QCOMPARE(result.size(), 1);
        const double promP95 =
            result.at(0).toObject().value("value").toArray().at(1).toString().toDouble();
        const double ownP95 =
            report.value(QLatin1String(key)).toObject().value("p95").toDouble() / 1000.0;
        const std::vector<double> bounds = boundsOf(text.body, QByteArray(name) + "_bucket");
        QVERIFY(!bounds.empty());
        const auto promBucket = bucketIndex(bounds, promP95);
        const auto ownBucket = bucketIndex(bounds, ownP95);
        qInfo("%s P95: prometheus %.4f s (bucket %td), bench %.4f s (bucket %td)", name, promP95,
              promBucket, ownP95, ownBucket);
        QVERIFY2(
            std::abs(promBucket - ownBucket) <= 1,
            qPrintable(QStringLiteral("%1: %2 against %3").arg(name).arg(promP95).arg(ownP95)));
    }
    prometheus.stop();
    serve.stop();
    QCOMPARE(serve.process().exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestPrometheusScrape)
#include "tst_prometheusscrape.moc"

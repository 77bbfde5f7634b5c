// `adminchat bench --push-gateway` and `--push-import` end to end, against Debian's own servers
// started by the test on loopback ports: a bench run against `adminchat serve-demo` with fixed
// timing pushes to a real prometheus-pushgateway (periodically while it runs, and at the end),
// whose /metrics then holds the run's series under the job and instance labels (an instance
// with a '/' travels in the @base64 form); a real prometheus scrapes the Pushgateway
// (honor_labels) and reads the bench's histogram back through /api/v1/query; a real
// victoria-metrics receives the same through /api/v1/import/prometheus. A push that fails is
// one line naming the URL without its credentials, and the run's result stands. Fails when
// prometheus-pushgateway, prometheus or victoria-metrics is missing (packaging/install-deps.sh
// installs them). `adminchat watch --push-gateway` pushes its probes the same way.
#include "AppProcess.h"
#include "ProcessRunner.h"
#include "PrometheusProcess.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <algorithm>
#include <memory>

namespace {

constexpr int runTimeoutMs = 60000;
const QString instance = QStringLiteral("lab/runner 1");

// The value of the single sample of a query result ("" when there is not exactly one).
QString singleValue(const QJsonObject& answer)
{
    const QJsonArray result = answer.value("data").toObject().value("result").toArray();
    if (result.size() != 1)
        return {};
    return result.at(0).toObject().value("value").toArray().at(1).toString();
}

} // namespace

class TestPushgateway : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void benchPushesToPushgatewayAndPrometheusReadsIt();
    void watchPushesItsProbes();
    void benchImportsIntoVictoriaMetrics();
    void failedPushIsOneLineAndChangesNothing();

private:
    struct Answer
    {
        int status = 0;
        QByteArray body;
    };
    Answer get(const QString& url);
    QJsonObject query(const QString& base, const QString& expression);
    QString startPushgateway(ProcessRunner& runner, const QString& dir);
    QString startDemo(BackgroundApp& demo);

    QString m_pushgateway;
    QString m_prometheus;
    QString m_victoria;
    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    QNetworkAccessManager m_network;
};

void TestPushgateway::initTestCase()
{
    m_pushgateway = QStandardPaths::findExecutable(QStringLiteral("prometheus-pushgateway"));
    m_prometheus = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
    m_victoria = QStandardPaths::findExecutable(QStringLiteral("victoria-metrics"));
    QVERIFY2(!m_pushgateway.isEmpty() && !m_prometheus.isEmpty() && !m_victoria.isEmpty(),
             "prometheus-pushgateway, prometheus and victoria-metrics are needed (Debian "
             "packages of those names; packaging/install-deps.sh installs them)");
    QVERIFY(m_home.isValid());
    m_env = appEnvironmentWithoutEndpoint(m_home.path());
}

TestPushgateway::Answer TestPushgateway::get(const QString& url)
{
    std::unique_ptr<QNetworkReply> reply(m_network.get(QNetworkRequest{QUrl(url)}));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
}

QJsonObject TestPushgateway::query(const QString& base, const QString& expression)
{
    QUrl url(base + QStringLiteral("/api/v1/query"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("query"), QString::fromUtf8(QUrl::toPercentEncoding(expression)));
    url.setQuery(q);
    return QJsonDocument::fromJson(get(url.toString(QUrl::FullyEncoded)).body).object();
}

QString TestPushgateway::startPushgateway(ProcessRunner& runner, const QString& dir)
{
    const quint16 port = freeLoopbackPort();
    if (port == 0)
        return {};
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(port);
    if (!runner.start(m_pushgateway,
                      {QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
                       QStringLiteral("--persistence.file=%1/pushgateway.db").arg(dir),
                       QStringLiteral("--log.level=warn")}))
        return {};
    QElapsedTimer waited;
    waited.start();
    while (get(url + QStringLiteral("/-/ready")).status != 200) {
        if (waited.elapsed() > 20000)
            return {};
        QTest::qWait(100);
    }
    return url;
}

QString TestPushgateway::startDemo(BackgroundApp& demo)
{
    return demo.startDemo({"--ttft", "120", "--itl", "5"}, m_env);
}

void TestPushgateway::benchPushesToPushgatewayAndPrometheusReadsIt()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ProcessRunner gateway;
    const QString gatewayUrl = startPushgateway(gateway, dir.path());
    QVERIFY2(!gatewayUrl.isEmpty(), gateway.process().readAllStandardError().constData());
    BackgroundApp demo;
    const QString demoUrl = startDemo(demo);
    QVERIFY(!demoUrl.isEmpty());

    // Periodic pushes: a run of about 3 s pushing every 0.3 s is in the Pushgateway before it
    // ends.
    ProcessRunner bench;
    bench.setEnvironment(m_env);
    QVERIFY(bench.start(QStringLiteral(ADMINCHAT_BIN),
                        {"bench", "--base-url", demoUrl, "--model", "demo-chat", "--duration", "3",
                         "--rate", "8", "--max-tokens", "8", "--json", "--push-gateway", gatewayUrl,
                         "--push-instance", instance, "--push-interval", "0.3"}));
    bool seenWhileRunning = false;
    QElapsedTimer waited;
    waited.start();
    while (bench.process().state() == QProcess::Running && waited.elapsed() < runTimeoutMs) {
        if (get(gatewayUrl + QStringLiteral("/metrics"))
                .body.contains("gen_ai_client_operation_duration_seconds_count{")) {
            seenWhileRunning = bench.process().state() == QProcess::Running;
            break;
        }
        QTest::qWait(100);
    }
    const ProcessResult run = bench.finish({}, runTimeoutMs);
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QVERIFY2(seenWhileRunning, "no push arrived while the run went on");
    QVERIFY2(run.err.indexOf("push") < 0, run.err.constData());
    const QJsonObject report = run.json();
    const int completed = report.value("completed").toInt();
    QVERIFY(completed >= 10);

    // The final push holds every request, under the job and instance labels.
    const QByteArray metrics = get(gatewayUrl + QStringLiteral("/metrics")).body;
    const QByteArray labels = "instance=\"" + instance.toUtf8() + "\",job=\"adminchat_bench\"";
    bool found = false;
    for (const QByteArray& line : metrics.split('\n')) {
        if (line.startsWith("gen_ai_client_operation_duration_seconds_count{") &&
            line.contains(labels) && line.contains("source=\"bench\"")) {
            QCOMPARE(line.mid(line.lastIndexOf(' ') + 1).toInt(), completed);
            found = true;
        }
    }
    QVERIFY2(found, metrics.constData());
    QVERIFY(metrics.contains("push_time_seconds{" + labels + "}"));

    // A real Prometheus scrapes the Pushgateway, keeping the pushed job and instance.
    ProcessRunner prometheus;
    const QString promUrl =
        startPrometheus(prometheus, m_prometheus, dir.path(), QStringLiteral("pushgateway"),
                        QUrl(gatewayUrl).authority(), true);
    QVERIFY(!promUrl.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(get(promUrl + QStringLiteral("/-/ready")).status, 200, 20000);
    const QString selector =
        QStringLiteral("{job=\"adminchat_bench\", instance=\"%1\", source=\"bench\"}")
            .arg(instance);
    QTRY_COMPARE_WITH_TIMEOUT(
        singleValue(query(promUrl, QStringLiteral("sum(gen_ai_client_operation_time_to_first_"
                                                  "chunk_seconds_count%1)")
                                       .arg(selector))),
        QString::number(completed), 20000);

    // The histogram read back: P95 from the pushed buckets falls in the bucket of the bench's
    // own P95 (its boundaries read from what the Pushgateway holds).
    const QString p95 = singleValue(query(
        promUrl, QStringLiteral("histogram_quantile(0.95, sum by (le) "
                                "(gen_ai_client_operation_time_to_first_chunk_seconds_bucket%1))")
                     .arg(selector)));
    const double ownP95 = report.value("ttft_ms").toObject().value("p95").toDouble() / 1000.0;
    std::vector<double> bounds{0};
    for (const QByteArray& line : metrics.split('\n')) {
        const qsizetype le = line.indexOf("le=\"");
        if (line.startsWith("gen_ai_client_operation_time_to_first_chunk_seconds_bucket{") &&
            le > 0 && line.contains(labels))
            bounds.push_back(line.mid(le + 4, line.indexOf('"', le + 4) - le - 4).toDouble());
    }
    std::sort(bounds.begin(), bounds.end());
    const auto upper = std::lower_bound(bounds.begin(), bounds.end(), ownP95);
    QVERIFY(upper != bounds.begin() && upper != bounds.end());
    qInfo("TTFT P95: prometheus %s s, bench %.4f s, bucket (%g, %g]", qPrintable(p95), ownP95,
          *(upper - 1), *upper);
    QVERIFY(!p95.isEmpty());
    QVERIFY2(p95.toDouble() > *(upper - 1) && p95.toDouble() <= *upper, qPrintable(p95));
    prometheus.stop();
    gateway.stop();
}

void TestPushgateway::watchPushesItsProbes()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ProcessRunner gateway;
    const QString gatewayUrl = startPushgateway(gateway, dir.path());
    QVERIFY(!gatewayUrl.isEmpty());
    const AppRun run = runApp({"watch", "--profile", "Demo", "--once", "--push-gateway", gatewayUrl,
                               "--push-instance", "watcher"},
                              m_env, {}, runTimeoutMs);
    QVERIFY2(run.exitCode == 0, run.all().constData());
    const QByteArray metrics = get(gatewayUrl + QStringLiteral("/metrics")).body;
    bool found = false;
    for (const QByteArray& line : metrics.split('\n')) {
        if (line.startsWith("adminchat_requests_total{") &&
            line.contains("instance=\"watcher\",job=\"adminchat_watch\"") &&
            line.contains("profile=\"Demo\"") && line.contains("source=\"probe\""))
            found = line.endsWith(" 1");
    }
    QVERIFY2(found, metrics.constData());
    gateway.stop();
}

void TestPushgateway::benchImportsIntoVictoriaMetrics()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const quint16 port = freeLoopbackPort();
    QVERIFY(port != 0);
    const QString vmUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
    ProcessRunner victoria;
    QVERIFY(victoria.start(m_victoria, {QStringLiteral("-httpListenAddr=127.0.0.1:%1").arg(port),
                                        "-storageDataPath=" + dir.filePath(QStringLiteral("vm")),
                                        "-search.latencyOffset=0s", "-loggerLevel=WARN"}));
    QTRY_COMPARE_WITH_TIMEOUT(get(vmUrl + QStringLiteral("/health")).status, 200, 20000);
    BackgroundApp demo;
    const QString demoUrl = startDemo(demo);
    QVERIFY(!demoUrl.isEmpty());

    const AppRun run =
        runApp({"bench", "--base-url", demoUrl, "--model", "demo-chat", "--requests", "12",
                "--concurrency", "3", "--max-tokens", "8", "--json", "--push-import", vmUrl,
                "--push-instance", instance, "--push-job", "bench-import"},
               m_env, {}, runTimeoutMs);
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QVERIFY2(run.err.indexOf("push") < 0, run.err.constData());
    const QString expression =
        QStringLiteral("sum(gen_ai_client_operation_duration_seconds_count{job=\"bench-import\", "
                       "instance=\"%1\"})")
            .arg(instance);
    QTRY_COMPARE_WITH_TIMEOUT(singleValue(query(vmUrl, expression)), QStringLiteral("12"), 20000);
    // The histogram's buckets landed with their le labels.
    const QString buckets = singleValue(
        query(vmUrl, QStringLiteral("sum(gen_ai_client_operation_time_to_first_chunk_seconds_"
                                    "bucket{job=\"bench-import\", le=\"+Inf\"})")));
    QCOMPARE(buckets, QStringLiteral("12"));
    victoria.stop();
}

void TestPushgateway::failedPushIsOneLineAndChangesNothing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ProcessRunner gateway;
    const QString gatewayUrl = startPushgateway(gateway, dir.path());
    QVERIFY(!gatewayUrl.isEmpty());
    BackgroundApp demo;
    const QString demoUrl = startDemo(demo);
    QVERIFY(!demoUrl.isEmpty());
    const quint16 closed = freeLoopbackPort();
    QVERIFY(closed != 0);

    // Nothing listens on one; the other answers 404 (a path that is not the import's).
    const QString withCredentials = QStringLiteral("http://pusher:s3cret@127.0.0.1:%1").arg(closed);
    const AppRun run = runApp({"bench", "--base-url", demoUrl, "--model", "demo-chat", "--requests",
                               "4", "--max-tokens", "4", "--json", "--push-gateway",
                               withCredentials, "--push-import", gatewayUrl + "/not-an-import"},
                              m_env, {}, runTimeoutMs);
    QVERIFY2(run.exitCode == 0, run.all().constData());
    QCOMPARE(run.json().value("completed").toInt(), 4);
    QVERIFY(!run.all().contains("s3cret"));
    QList<QByteArray> lines;
    for (const QByteArray& line : run.err.split('\n')) {
        if (line.contains("push to"))
            lines << line;
    }
    QCOMPARE(lines.size(), 2);
    for (const QByteArray& line : std::as_const(lines))
        QVERIFY2(line.startsWith("adminchat bench: push to http://127.0.0.1:"), line.constData());
    const QByteArray refused =
        lines.at(0).contains(QByteArray::number(closed)) ? lines.at(0) : lines.at(1);
    QVERIFY2(refused.contains(QStringLiteral("http://127.0.0.1:%1/metrics/job/adminchat_bench/"
                                             "instance/")
                                  .arg(closed)
                                  .toUtf8()),
             refused.constData());
    const QByteArray notFound = refused == lines.at(0) ? lines.at(1) : lines.at(0);
    QVERIFY2(notFound.contains("/not-an-import failed: HTTP 404"), notFound.constData());
    gateway.stop();
}

QTEST_GUILESS_MAIN(TestPushgateway)
#include "tst_pushgateway.moc"

// `adminchat bench` end to end: the binary against `adminchat serve-demo` processes with fixed
// timing, checking the measured figures against the configured ones, the concurrency the server
// saw, the stored records, the CSV and JSON, experiments, errors and Ctrl+C.
#include "AppProcess.h"
#include "CsvTestReader.h"
#include "experiments/ExperimentDefinition.h"
#include "experiments/VariantAssigner.h"
#include "metrics/MetricsCsv.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

namespace {

constexpr int runTimeoutMs = 60000;

QJsonObject stats(const QJsonObject& json, const char* metric)
{
    return json.value(QLatin1String(metric)).toObject();
}

} // namespace

class TestBenchCommand : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void measuresTheConfiguredTiming();
    void poissonArrivalsAndDuration();
    void experimentSplitsRequestsByVariant();
    void errorsAreCountedByKind();
    void ctrlCWaitsForRequestsInFlight();
    void secondCtrlCCancelsThem();
    void usageErrorsAreOneLine_data();
    void usageErrorsAreOneLine();

private:
    QString startServer(QProcess& server, const QStringList& arguments);
    QJsonObject serverStats(const QString& baseUrl);
    std::optional<QList<QStringList>> readCsv(const QString& path);
    QString writeFile(const QString& name, const QByteArray& content);

    std::unique_ptr<QTemporaryDir> m_home;
    QProcessEnvironment m_env;
};

void TestBenchCommand::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_env = appEnvironmentWithoutEndpoint(m_home->path());
}

QString TestBenchCommand::startServer(QProcess& server, const QStringList& arguments)
{
    const QString url = startDemoServer(server, arguments, m_env);
    if (url.isEmpty())
        qWarning("serve-demo did not start: %s", server.readAllStandardError().constData());
    return url;
}

QJsonObject TestBenchCommand::serverStats(const QString& baseUrl)
{
    QNetworkAccessManager manager;
    QNetworkReply* reply =
        manager.get(QNetworkRequest(QUrl(baseUrl + QStringLiteral("/demo/stats"))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).object();
}

std::optional<QList<QStringList>> TestBenchCommand::readCsv(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return csvtest::parse(QString::fromUtf8(file.readAll()));
}

QString TestBenchCommand::writeFile(const QString& name, const QByteArray& content)
{
    const QString path = m_home->filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(content);
    return path;
}

void TestBenchCommand::measuresTheConfiguredTiming()
{
    QProcess server;
    const QString url = startServer(server, {"--ttft", "100", "--itl", "20"});
    QVERIFY(!url.isEmpty());
    const QString csv = m_home->filePath(QStringLiteral("run.csv"));
    const AppRun run = runApp({"bench", "--base-url", url, "--model", "demo-chat", "--requests",
                               "24", "--concurrency", "8", "--max-tokens", "10", "--json", "--csv",
                               csv, "--tag", "timing-run"},
                              m_env, {}, runTimeoutMs);
    QVERIFY2(run.exitCode == 0, run.all().constData());
    const QJsonObject json = run.json();
    QCOMPARE(json.value("requests").toInt(), 24);
    QCOMPARE(json.value("completed").toInt(), 24);
    QCOMPARE(json.value("errors").toInt(), 0);
    QCOMPARE(json.value("mode").toString(), QStringLiteral("concurrency"));
    QCOMPARE(json.value("tag").toString(), QStringLiteral("timing-run"));
    QCOMPARE(json.value("output_tokens").toInt(), 240);

    // The server sends the first token 100 ms after the request and one every 20 ms after it.
    const double ttftP50 = stats(json, "ttft_ms").value("p50").toDouble();
    QVERIFY2(ttftP50 >= 99.0 && ttftP50 < 160.0, qPrintable(QString::number(ttftP50)));
    const QJsonObject itl = stats(json, "itl_ms");
    QCOMPARE(itl.value("count").toInt(), 24 * 9); // every gap of every request
    QVERIFY2(std::abs(itl.value("p50").toDouble() - 20.0) < 3.0,
             qPrintable(QString::number(itl.value("p50").toDouble())));
    QVERIFY2(std::abs(stats(json, "mean_itl_ms").value("p50").toDouble() - 20.0) < 3.0,
             "mean ITL per request");
    for (const char* key : {"ttfat_ms", "tpot_ms", "e2e_ms", "tokens_per_s"}) {
        const QJsonObject s = stats(json, key);
        QCOMPARE(s.value("count").toInt(), 24);
        QVERIFY2(s.value("p50").toDouble() <= s.value("p90").toDouble() &&
                     s.value("p90").toDouble() <= s.value("p99").toDouble() &&
                     s.value("p99").toDouble() <= s.value("max").toDouble(),
                 key);
    }
    QVERIFY(stats(json, "e2e_ms").value("p50").toDouble() >= 100.0 + 9 * 20.0 - 1.0);

    // Exactly 8 in flight, as the client counted and as the server saw.
    QCOMPARE(json.value("max_in_flight").toInt(), 8);
    const QJsonObject seen = serverStats(url);
    QCOMPARE(seen.value("max_in_flight").toInt(), 8);
    QCOMPARE(seen.value("requests_served").toInt(), 24);

    // One CSV row per request, with the columns of the metrics export.
    const auto rows = readCsv(csv);
    QVERIFY(rows);
    QCOMPARE(rows->size(), 25);
    QCOMPARE(rows->front(), adminchat::MetricsCsv::requestHeader());
    const QStringList header = rows->front();
    for (qsizetype i = 1; i < rows->size(); ++i) {
        const QStringList& row = rows->at(i);
        QCOMPARE(row.at(header.indexOf("tag")), QStringLiteral("timing-run"));
        QCOMPARE(row.at(header.indexOf("status")), QStringLiteral("length"));
        QCOMPARE(row.at(header.indexOf("output_tokens")), QStringLiteral("10"));
        QVERIFY(row.at(header.indexOf("ttft_ms")).toDouble() >= 99.0);
    }

    // Stored as metrics records, found by the run's tag.
    const AppRun exported =
        runApp({"metrics", "export", "--csv", "-", "--tag", "timing-run"}, m_env);
    QCOMPARE(exported.exitCode, 0);
    const auto stored = csvtest::parse(QString::fromUtf8(exported.out));
    QVERIFY(stored);
    QCOMPARE(stored->size(), 25);

    // Without --json: the table, and progress lines on stderr (not a terminal here).
    const AppRun text = runApp({"bench", "--base-url", url, "--model", "demo-chat", "--requests",
                                "4", "--max-tokens", "3"},
                               m_env, {}, runTimeoutMs);
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("TTFT (ms)") && text.out.contains("ITL, all gaps (ms)") &&
                 text.out.contains("TPOT (ms)") && text.out.contains("P99"),
             text.out.constData());
    QVERIFY2(text.err.contains("bench: 4/4") && text.err.contains("TTFT P50"),
             text.err.constData());
    server.terminate();
    server.waitForFinished();
}

void TestBenchCommand::poissonArrivalsAndDuration()
{
    QProcess server;
    const QString url = startServer(server, {"--profile", "instant"});
    QVERIFY(!url.isEmpty());
    const AppRun run = runApp({"bench", "--base-url", url, "--model", "demo-chat", "--requests",
                               "20", "--rate", "40", "--max-tokens", "3", "--json"},
                              m_env, {}, runTimeoutMs);
    QVERIFY2(run.exitCode == 0, run.all().constData());
    const QJsonObject json = run.json();
    QCOMPARE(json.value("mode").toString(), QStringLiteral("rate"));
    QCOMPARE(json.value("rate").toDouble(), 40.0);
    QVERIFY(json.value("concurrency").isNull());
    QCOMPARE(json.value("completed").toInt(), 20);
    QCOMPARE(serverStats(url).value("requests_served").toInt(), 20);

    // --duration: requests go out for that long, then the run ends on its own.
    const AppRun timed = runApp({"bench", "--base-url", url, "--model", "demo-chat", "--duration",
                                 "1", "--rate", "20", "--max-tokens", "3", "--json"},
                                m_env, {}, runTimeoutMs);
    QVERIFY2(timed.exitCode == 0, timed.all().constData());
    const int sent = timed.json().value("requests").toInt();
    QVERIFY2(sent > 0 && timed.json().value("completed").toInt() == sent, timed.out.constData());
    // The requests went out for about a second: a missing or non-numeric duration fails here.
    const QJsonValue duration = timed.json().value("duration_s");
    QVERIFY2(duration.isDouble() && duration.toDouble() > 0.5, timed.out.constData());
    server.terminate();
    server.waitForFinished();
}

void TestBenchCommand::experimentSplitsRequestsByVariant()
{
    QProcess server;
    const QString url = startServer(server, {"--profile", "instant"});
    QVERIFY(!url.isEmpty());
    const QByteArray definitionJson = R"({"name": "short-vs-long", "unit": "request",
        "variants": [{"name": "short", "weight": 1, "params": {"max_tokens": 4}},
                     {"name": "long", "weight": 1, "params": {"max_tokens": 12}}]})";
    const QString file = writeFile(QStringLiteral("experiment.json"), definitionJson);
    const QString csv = m_home->filePath(QStringLiteral("ab.csv"));
    const AppRun run = runApp({"bench", "--base-url", url, "--model", "demo-chat", "--requests",
                               "60", "--concurrency", "6", "--experiment", file, "--json", "--csv",
                               csv, "--tag", "ab-run"},
                              m_env, {}, runTimeoutMs);
    QVERIFY2(run.exitCode == 0, run.all().constData());

    // Request i is assigned by the documented hash of (experiment name, i).
    QString error;
    const auto definition = adminchat::ExperimentDefinition::fromJson(definitionJson, &error);
    QVERIFY2(definition, qPrintable(error));
    const adminchat::VariantAssigner assigner(*definition);
    int expectedLong = 0;
    for (int i = 0; i < 60; ++i)
        expectedLong += assigner.assign(QString::number(i));
    QVERIFY(expectedLong > 0 && expectedLong < 60);

    const QJsonObject json = run.json();
    const QJsonObject experiment = json.value("experiment").toObject();
    QCOMPARE(experiment.value("experiment").toString(), QStringLiteral("short-vs-long"));
    const QJsonArray variants = experiment.value("variants").toArray();
    QCOMPARE(variants.size(), 2);
    QCOMPARE(variants.at(0).toObject().value("variant").toString(), QStringLiteral("short"));
    QCOMPARE(variants.at(0).toObject().value("requests").toInt(), 60 - expectedLong);
    QCOMPARE(variants.at(1).toObject().value("requests").toInt(), expectedLong);
    const QJsonArray comparisons = experiment.value("comparisons").toArray();
    QCOMPARE(comparisons.size(), 6); // six metrics, one variant against the control
    for (const QJsonValue& c : comparisons) {
        QCOMPARE(c.toObject().value("variant").toString(), QStringLiteral("long"));
        QCOMPARE(c.toObject().value("control").toString(), QStringLiteral("short"));
    }
    const QJsonArray targets = json.value("targets").toArray();
    QCOMPARE(targets.size(), 2);
    QCOMPARE(targets.at(1).toObject().value("result").toObject().value("requests").toInt(),
             expectedLong);

    // Each request used its variant's parameters, and its row names experiment and variant.
    const auto rows = readCsv(csv);
    QVERIFY(rows);
    QCOMPARE(rows->size(), 61);
    const QStringList header = rows->front();
    for (qsizetype i = 1; i < rows->size(); ++i) {
        const QStringList& row = rows->at(i);
        const QString variant = row.at(header.indexOf("variant"));
        QCOMPARE(row.at(header.indexOf("experiment")), QStringLiteral("short-vs-long"));
        QCOMPARE(row.at(header.indexOf("output_tokens")),
                 variant == QLatin1String("long") ? QStringLiteral("12") : QStringLiteral("4"));
    }
    const AppRun exported = runApp(
        {"metrics", "export", "--csv", "-", "--experiment", "short-vs-long", "--variant", "long"},
        m_env);
    QCOMPARE(exported.exitCode, 0);
    QCOMPARE(csvtest::parse(QString::fromUtf8(exported.out))->size(), expectedLong + 1);
    server.terminate();
    server.waitForFinished();
}

void TestBenchCommand::errorsAreCountedByKind()
{
    QProcess server;
    const QString url =
        startServer(server, {"--profile", "instant", "--fault", "500", "--fault-rate", "0.3"});
    QVERIFY(!url.isEmpty());
    const AppRun run = runApp({"bench", "--base-url", url, "--model", "demo-chat", "--requests",
                               "40", "--concurrency", "4", "--max-tokens", "3", "--json"},
                              m_env, {}, runTimeoutMs);
    QVERIFY2(run.exitCode == 0, run.all().constData());
    const QJsonObject json = run.json();
    const int errors = json.value("errors").toInt();
    QVERIFY2(errors > 0 && errors < 40, qPrintable(QString::number(errors)));
    QCOMPARE(json.value("completed").toInt() + errors, 40);
    QCOMPARE(json.value("errors_by_kind").toObject().value("http").toInt(), errors);
    QCOMPARE(json.value("categories").toObject().value("error").toInt(), errors);
    // Latencies come from the completed requests only.
    QCOMPARE(stats(json, "ttft_ms").value("count").toInt(), 40 - errors);
    server.terminate();
    server.waitForFinished();
}

void TestBenchCommand::ctrlCWaitsForRequestsInFlight()
{
    QProcess server;
    const QString url = startServer(server, {"--ttft", "200", "--itl", "50"});
    QVERIFY(!url.isEmpty());
    const QString csv = m_home->filePath(QStringLiteral("stopped.csv"));
    QProcess bench;
    bench.setProcessEnvironment(m_env);
    bench.start(QStringLiteral(ADMINCHAT_BIN),
                {"bench", "--base-url", url, "--model", "demo-chat", "--duration", "120",
                 "--concurrency", "4", "--max-tokens", "20", "--json", "--csv", csv});
    QVERIFY(bench.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(serverStats(url).value("in_flight").toInt(), 4, 20000);
    ::kill(pid_t(bench.processId()), SIGINT);
    QVERIFY2(bench.waitForFinished(30000), "bench did not stop after Ctrl+C");
    QCOMPARE(bench.exitStatus(), QProcess::NormalExit);
    QCOMPARE(bench.exitCode(), 130);

    const QJsonObject json = QJsonDocument::fromJson(bench.readAllStandardOutput()).object();
    QVERIFY(json.value("interrupted").toBool());
    const int requests = json.value("requests").toInt();
    QVERIFY(requests >= 4);
    QCOMPARE(json.value("completed").toInt(), requests); // the requests in flight finished
    QCOMPARE(json.value("cancelled").toInt(), 0);
    QVERIFY(bench.readAllStandardError().contains("stopping: waiting for"));
    const auto rows = readCsv(csv);
    QVERIFY(rows);
    QCOMPARE(rows->size(), requests + 1);
    QCOMPARE(serverStats(url).value("in_flight").toInt(), 0);
    server.terminate();
    server.waitForFinished();
}

void TestBenchCommand::secondCtrlCCancelsThem()
{
    QProcess server;
    const QString url = startServer(server, {"--ttft", "30000", "--itl", "50"});
    QVERIFY(!url.isEmpty());
    QProcess bench;
    bench.setProcessEnvironment(m_env);
    bench.start(QStringLiteral(ADMINCHAT_BIN),
                {"bench", "--base-url", url, "--model", "demo-chat", "--requests", "100",
                 "--concurrency", "3", "--json", "--tag", "cancelled-run"});
    QVERIFY(bench.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(serverStats(url).value("in_flight").toInt(), 3, 20000);
    ::kill(pid_t(bench.processId()), SIGINT);
    QTest::qWait(200);
    ::kill(pid_t(bench.processId()), SIGINT);
    QVERIFY2(bench.waitForFinished(20000), "bench did not stop after a second Ctrl+C");
    QCOMPARE(bench.exitCode(), 130);
    const QJsonObject json = QJsonDocument::fromJson(bench.readAllStandardOutput()).object();
    QCOMPARE(json.value("requests").toInt(), 3);
    QCOMPARE(json.value("cancelled").toInt(), 3);
    QCOMPARE(json.value("categories").toObject().value("cancelled").toInt(), 3);
    // Cancelled requests are stored too: every request sent is accounted for.
    const AppRun exported =
        runApp({"metrics", "export", "--csv", "-", "--tag", "cancelled-run"}, m_env);
    QCOMPARE(csvtest::parse(QString::fromUtf8(exported.out))->size(), 4);
    server.terminate();
    server.waitForFinished();
}

void TestBenchCommand::usageErrorsAreOneLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QStringList base{"bench", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"};
    QTest::newRow("no length") << base << QStringLiteral("--requests N or --duration S");
    QTest::newRow("zero concurrency") << base + QStringList{"--requests", "1", "--concurrency", "0"}
                                      << QStringLiteral("--concurrency needs an integer from 1");
    QTest::newRow("both modes") << base + QStringList{"--requests", "1",      "--concurrency",
                                                      "2",          "--rate", "3"}
                                << QStringLiteral("either --concurrency or --rate");
    QTest::newRow("bad rate") << base + QStringList{"--requests", "1", "--rate", "fast"}
                              << QStringLiteral("--rate needs a number");
    QTest::newRow("missing experiment")
        << base + QStringList{"--requests", "1", "--experiment", "/nonexistent/ab.json"}
        << QStringLiteral("/nonexistent/ab.json");
    QTest::newRow("bad prompts file")
        << base + QStringList{"--requests", "1", "--prompts-file", "PROMPTS"}
        << QStringLiteral("prompts.jsonl:2: not JSON");
    QTest::newRow("stray argument") << base + QStringList{"--requests", "1", "hello"}
                                    << QStringLiteral("unexpected argument \"hello\"");
}

void TestBenchCommand::usageErrorsAreOneLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const qsizetype prompts = arguments.indexOf(QStringLiteral("PROMPTS"));
    if (prompts >= 0)
        arguments[prompts] =
            writeFile(QStringLiteral("prompts.jsonl"), "{\"prompt\": \"a\"}\n{oops}\n");
    const AppRun run = runApp(arguments, m_env);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.startsWith("adminchat bench: ") && run.err.count('\n') == 1,
             run.err.constData());
    QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
    QVERIFY(run.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestBenchCommand)
#include "tst_benchcommand.moc"

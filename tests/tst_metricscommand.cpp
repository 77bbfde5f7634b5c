// `adminchat ask` records metrics; `adminchat metrics export/summary` reads them back: real
// processes, a real SQLite file, CSV parsed by a strict reader (and by Python's csv module when
// python3 is installed).
#include "AppProcess.h"
#include "CsvTestReader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <memory>

class TestMetricsCommand : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void requestExportRoundTrips();
    void summaryExport();
    void filters_data();
    void filters();
    void summaryJsonAndTable();
    void noSecretAnywhere();
    void badArguments_data();
    void badArguments();

private:
    using Run = AppRun;

    Run adminchat(const QStringList& arguments);
    QString startDemo(const QStringList& extra);
    QList<QStringList> exportRows(const QStringList& extra);

    QTemporaryDir m_home;
    std::vector<std::unique_ptr<QProcess>> m_servers;
    QString m_goodBase;
    QString m_badBase;
    static constexpr const char* canary = "sk-canary-metrics-5b2e";
};

TestMetricsCommand::Run TestMetricsCommand::adminchat(const QStringList& arguments)
{
    QProcessEnvironment env = appEnvironment(m_home.path());
    env.remove(QStringLiteral("OPENAI_BASE_URL"));
    env.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromLatin1(canary));
    return runApp(arguments, env);
}

QString TestMetricsCommand::startDemo(const QStringList& extra)
{
    m_servers.push_back(std::make_unique<QProcess>());
    return startDemoServer(*m_servers.back(), QStringList{"--profile", "instant"} + extra);
}

void TestMetricsCommand::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_goodBase = startDemo({});
    m_badBase = startDemo({"--fault", "500"});
    QVERIFY(!m_goodBase.isEmpty() && !m_badBase.isEmpty());
    for (const char* prompt : {"one", "two, with a comma", "three \"quoted\"", "four"})
        QCOMPARE(
            adminchat({"ask", "--base-url", m_goodBase, "--model", "demo-chat", prompt}).exitCode,
            0);
    QCOMPARE(
        adminchat({"ask", "--base-url", m_goodBase, "--model", "demo-reasoner", "five"}).exitCode,
        0);
    QCOMPARE(adminchat({"ask", "--base-url", m_badBase, "--model", "demo-chat", "six"}).exitCode,
             1);
}

void TestMetricsCommand::cleanupTestCase()
{
    for (auto& server : m_servers) {
        server->terminate();
        server->waitForFinished(5000);
    }
}

QList<QStringList> TestMetricsCommand::exportRows(const QStringList& extra)
{
    const Run run = adminchat(QStringList{"metrics", "export", "--csv", "-"} + extra);
    if (run.exitCode != 0)
        return {};
    return csvtest::parse(QString::fromUtf8(run.out)).value_or(QList<QStringList>{});
}

void TestMetricsCommand::requestExportRoundTrips()
{
    const QString path = m_home.filePath(QStringLiteral("requests.csv"));
    const Run run = adminchat({"metrics", "export", "--csv", path});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.err.contains("wrote 6 rows"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    const auto rows = csvtest::parse(QString::fromUtf8(bytes));
    QVERIFY(rows.has_value());
    QCOMPARE(rows->size(), 7);
    const QStringList header = rows->first();
    for (const char* column : {"started_utc", "endpoint", "model", "status", "ttft_ms", "e2e_ms",
                               "mean_itl_ms", "tokens_per_s", "output_tokens", "category"})
        QVERIFY2(header.contains(QLatin1String(column)), column);
    for (const QStringList& row : rows->mid(1))
        QCOMPARE(row.size(), header.size());

    const auto column = [&](const char* name) {
        return header.indexOf(QLatin1String(name));
    };
    int ok = 0;
    int errors = 0;
    for (const QStringList& row : rows->mid(1)) {
        const QDateTime started = QDateTime::fromString(row[column("started_utc")], Qt::ISODate);
        QVERIFY(started.isValid());
        QCOMPARE(started.timeSpec(), Qt::UTC);
        if (row[column("status")] == QLatin1String("ok")) {
            ++ok;
            bool number = false;
            QVERIFY(row[column("ttft_ms")].toDouble(&number) >= 0 && number);
            QVERIFY(row[column("e2e_ms")].toDouble() >= row[column("ttft_ms")].toDouble());
            QCOMPARE(row[column("endpoint")], m_goodBase);
            QCOMPARE(row[column("output_tokens_estimated")], QStringLiteral("false"));
        } else {
            ++errors;
            QCOMPARE(row[column("status")], QStringLiteral("error"));
            QCOMPARE(row[column("error_kind")], QStringLiteral("http"));
            QCOMPARE(row[column("http_status")], QStringLiteral("500"));
            QCOMPARE(row[column("category")], QStringLiteral("error"));
        }
    }
    QCOMPARE(ok, 5);
    QCOMPARE(errors, 1);

    // The same export to stdout is byte for byte the file.
    QCOMPARE(adminchat({"metrics", "export", "--csv", "-"}).out, bytes);

    // A standard reader agrees, when one is installed.
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (!python.isEmpty()) {
        QProcess reader;
        reader.start(python, {"-c",
                              "import csv,sys; r=list(csv.reader(open(sys.argv[1], "
                              "newline='', encoding='utf-8'))); "
                              "print(len(r), len(set(map(len, r))))",
                              path});
        QVERIFY(reader.waitForFinished(20000));
        QCOMPARE(reader.readAllStandardOutput().trimmed(), QByteArray("7 1"));
    }
}

void TestMetricsCommand::summaryExport()
{
    const QList<QStringList> rows = exportRows({"--summary"});
    QCOMPARE(rows.size(),
             4); // header + (good, demo-chat) + (good, demo-reasoner) + (bad, demo-chat)
    const QStringList header = rows.first();
    const auto column = [&](const char* name) {
        return header.indexOf(QLatin1String(name));
    };
    for (const char* name :
         {"requests", "error_rate_pct", "completion_rate_pct", "ttft_p50_ms", "ttft_p95_ms",
          "ttft_p99_ms", "e2e_max_ms", "itl_p50_ms", "tokens_p50_per_s", "excellent", "slow"})
        QVERIFY2(column(name) >= 0, name);
    qint64 requests = 0;
    for (const QStringList& row : rows.mid(1)) {
        requests += row[column("requests")].toLongLong();
        if (row[column("endpoint")] == m_badBase) {
            QCOMPARE(row[column("error_rate_pct")], QStringLiteral("100.000"));
            QVERIFY(row[column("ttft_p50_ms")].isEmpty()); // no latency from failed requests
        } else if (row[column("model")] == QLatin1String("demo-chat")) {
            QCOMPARE(row[column("requests")], QStringLiteral("4"));
            QCOMPARE(row[column("completion_rate_pct")], QStringLiteral("100.000"));
            QVERIFY(row[column("ttft_p95_ms")].toDouble() >= row[column("ttft_p50_ms")].toDouble());
        }
    }
    QCOMPARE(requests, 6);
}

void TestMetricsCommand::filters_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("rows");
    QTest::newRow("all") << QStringList{} << 6;
    QTest::newRow("model") << QStringList{"--model", "demo-reasoner"} << 1;
    QTest::newRow("endpoint") << QStringList{"--endpoint", "BAD"} << 1;
    QTest::newRow("window") << QStringList{"--window", "5m"} << 6;
    QTest::newRow("since past") << QStringList{"--since", "2020-01-01T00:00:00Z"} << 6;
    QTest::newRow("since future") << QStringList{"--since", "2999-01-01T00:00:00Z"} << 0;
    QTest::newRow("unknown model") << QStringList{"--model", "nope"} << 0;
}

void TestMetricsCommand::filters()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, rows);
    arguments.replaceInStrings(QStringLiteral("BAD"), m_badBase);
    const QList<QStringList> exported = exportRows(arguments);
    QCOMPARE(exported.size(), rows + 1);
}

void TestMetricsCommand::summaryJsonAndTable()
{
    const Run json = adminchat({"metrics", "summary", "--json"});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject report = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(report.value("total").toObject().value("requests").toInt(), 6);
    QCOMPARE(report.value("total").toObject().value("errors").toInt(), 1);
    QCOMPARE(report.value("by_model").toArray().size(), 3);
    QCOMPARE(report.value("by_endpoint").toArray().size(), 2);
    QVERIFY(report.value("total").toObject().value("ttft_ms").toObject().value("p95").isDouble());
    QVERIFY(report.value("suggestions").isArray());

    const Run table = adminchat({"metrics", "summary", "--model", "demo-chat"});
    QCOMPARE(table.exitCode, 0);
    QVERIFY2(table.out.startsWith("5 requests, 1 errors"), table.out.constData());
    QVERIFY(table.out.contains("demo-chat"));
    QVERIFY(!table.out.contains("demo-reasoner"));
}

void TestMetricsCommand::noSecretAnywhere()
{
    // The key was in every ask's environment; it must not be in the database or an export.
    const QString data = m_home.filePath(QStringLiteral("data"));
    QStringList files;
    std::function<void(const QString&)> walk = [&](const QString& dir) {
        for (const QFileInfo& info : QDir(dir).entryInfoList(QDir::Files | QDir::Dirs |
                                                             QDir::NoDotAndDotDot | QDir::Hidden))
            info.isDir() ? walk(info.filePath()) : void(files << info.filePath());
    };
    walk(m_home.path());
    QVERIFY(files.size() >= 1);
    for (const QString& path : std::as_const(files)) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(canary), qPrintable(path));
    }
    QVERIFY(!adminchat({"metrics", "export", "--csv", "-"}).out.contains(canary));
}

void TestMetricsCommand::badArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no subcommand") << QStringList{"metrics"} << "Usage";
    QTest::newRow("unknown") << QStringList{"metrics", "frob"} << "unknown subcommand";
    QTest::newRow("no csv") << QStringList{"metrics", "export"} << "needs --csv";
    QTest::newRow("bad since") << QStringList{"metrics", "export",  "--csv",
                                              "-",       "--since", "yesterday"}
                               << "--since needs an ISO-8601 time";
    QTest::newRow("bad window") << QStringList{"metrics", "summary", "--window", "2d"}
                                << "--window needs 5m, 1h, 24h or all";
    QTest::newRow("unwritable") << QStringList{"metrics", "export", "--csv",
                                               "/nonexistent-dir/x.csv"}
                                << "cannot write /nonexistent-dir/x.csv";
}

void TestMetricsCommand::badArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run run = adminchat(arguments);
    QVERIFY(run.exitCode != 0);
    QVERIFY2(run.err.contains(message.toUtf8()), run.err.constData());
}

QTEST_GUILESS_MAIN(TestMetricsCommand)
#include "tst_metricscommand.moc"

// `adminchat bench merge` end to end: two bench runs against `adminchat serve-demo` write their
// JSON reports, and the merge of the two equals one run over the union of their records (read
// back from the database the runs wrote): the same counts and the same percentiles as one sketch
// over all the records' figures, within the sketch's 1 % of the exact ones. Its CSV has a row
// per machine and a combined one; files that are not bench reports are refused with one line.
#include "AppProcess.h"
#include "CsvTestReader.h"
#include "bench/DistributionStats.h"
#include "metrics/MetricsFilter.h"
#include "metrics/QuantileSketch.h"
#include "store/MetricsStore.h"

#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

using namespace adminchat;

namespace {

constexpr int runTimeoutMs = 60000;

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return file.fileName();
}

} // namespace

class TestBenchMerge : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void mergeEqualsOneRunOverTheUnion();
    void refusesWhatIsNotABenchReport();

private:
    QTemporaryDir m_home;
    QTemporaryDir m_files;
    QProcessEnvironment m_env;
    QString m_reportA;
};

void TestBenchMerge::initTestCase()
{
    QVERIFY(m_home.isValid() && m_files.isValid());
    m_env = appEnvironmentWithoutEndpoint(m_home.path());
}

void TestBenchMerge::mergeEqualsOneRunOverTheUnion()
{
    BackgroundApp demo;
    // Realistic timing (spread TTFTs and gaps), so the percentiles say something.
    const QString demoUrl = demo.startDemo({"--profile", "realistic", "--seed", "7"}, m_env);
    QVERIFY(!demoUrl.isEmpty());
    // 60 + 70 requests: each run alone keeps its samples, the union (130) does not.
    const std::pair<const char*, const char*> runs[] = {{"run-a", "60"}, {"run-b", "70"}};
    QStringList files;
    QList<QJsonObject> reports;
    for (const auto& [tag, requests] : runs) {
        const AppRun run =
            runApp({"bench", "--base-url", demoUrl, "--model", "demo-chat", "--requests", requests,
                    "--concurrency", "16", "--max-tokens", "12", "--tag", tag, "--json"},
                   m_env, {}, runTimeoutMs);
        QVERIFY2(run.exitCode == 0, run.all().constData());
        files << writeFile(m_files, QLatin1String(tag) + QStringLiteral(".json"), run.out);
        QVERIFY(!files.last().isEmpty());
        reports << run.json();
        QVERIFY(reports.last().value("sketches").isObject());
    }
    m_reportA = files.first();

    const QString csvPath = m_files.filePath(QStringLiteral("merged.csv"));
    const AppRun merged =
        runApp({"bench", "merge", files.at(0), files.at(1), "--json", "--csv", csvPath}, m_env);
    QVERIFY2(merged.exitCode == 0, merged.all().constData());
    const QJsonObject combined = merged.json();
    QCOMPARE(combined.value("report").toString(), QStringLiteral("adminchat-bench"));
    QCOMPARE(combined.value("requests").toInt(), 130);
    QCOMPARE(combined.value("completed").toInt(),
             reports.at(0).value("completed").toInt() + reports.at(1).value("completed").toInt());
    QCOMPARE(combined.value("output_tokens").toInt(),
             reports.at(0).value("output_tokens").toInt() +
                 reports.at(1).value("output_tokens").toInt());
    const QJsonArray sources = combined.value("sources").toArray();
    QCOMPARE(sources.size(), 2);
    // Alone, each run is exact: its figures in the merge are its own report's.
    for (int i = 0; i < 2; ++i)
        QCOMPARE(sources.at(i)["ttft_ms"]["p95"].toDouble(),
                 reports.at(i)["ttft_ms"]["p95"].toDouble());

    // The union of the two runs' records, as the database holds them.
    QString database;
    for (QDirIterator it(m_home.path(), {QStringLiteral("adminchat.sqlite")}, QDir::Files,
                         QDirIterator::Subdirectories);
         it.hasNext();)
        database = it.next();
    QVERIFY(!database.isEmpty());
    MetricsStore store(database);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    std::vector<MetricsRecord> records;
    for (const char* tag : {"run-a", "run-b"}) {
        MetricsFilter filter;
        filter.tag = QLatin1String(tag);
        const std::vector<MetricsRecord> tagged =
            store.records(filter, QDateTime::currentDateTimeUtc(), &error);
        records.insert(records.end(), tagged.begin(), tagged.end());
    }
    QCOMPARE(qsizetype(records.size()), 130);

    // One sketch per figure over every completed record (as a single run folds them), and the
    // exact samples beside it.
    using Figure = std::function<std::optional<double>(const MetricsRecord&)>;
    const std::pair<const char*, Figure> figures[] = {
        {"ttft_ms",
         [](const MetricsRecord& r) {
             return r.ttftMs;
         }},
        {"e2e_ms",
         [](const MetricsRecord& r) {
             return r.e2eMs;
         }},
        {"tpot_ms",
         [](const MetricsRecord& r) {
             return r.tpotMs;
         }},
        {"mean_itl_ms",
         [](const MetricsRecord& r) {
             return r.meanItlMs;
         }},
        {"tokens_per_s",
         [](const MetricsRecord& r) {
             return r.tokensPerSecond;
         }},
    };
    for (const auto& [key, figure] : figures) {
        QuantileSketch one;
        std::vector<double> exact;
        for (const MetricsRecord& record : records) {
            if (!record.isCompleted())
                continue;
            if (const std::optional<double> value = figure(record)) {
                one.add(*value);
                exact.push_back(*value);
            }
        }
        const QJsonObject stats = combined.value(QLatin1String(key)).toObject();
        QCOMPARE(stats.value("count").toInteger(), qint64(one.count()));
        const DistributionStats truth = DistributionStats::of(exact);
        for (const auto& [name, q, exactValue] :
             {std::tuple{"p50", 0.50, truth.p50}, std::tuple{"p95", 0.95, truth.p95},
              std::tuple{"p99", 0.99, truth.p99}}) {
            const double reported = stats.value(QLatin1String(name)).toDouble();
            // The report rounds to 0.001.
            QVERIFY2(std::abs(reported - *one.quantile(q)) <= 0.0005 + 1e-9,
                     qPrintable(QStringLiteral("%1 %2: merged %3, one run %4")
                                    .arg(QLatin1String(key), QLatin1String(name))
                                    .arg(reported)
                                    .arg(*one.quantile(q))));
            QVERIFY(std::abs(reported - *exactValue) <= 0.0101 * *exactValue + 0.0005);
        }
    }
    // Every gap: the records' own ITL sketches merged.
    QuantileSketch gaps;
    for (const MetricsRecord& record : records) {
        if (record.isCompleted() && !record.itlSketch.isEmpty())
            QVERIFY(gaps.mergeBytes(record.itlSketch));
    }
    const QJsonObject itl = combined.value("itl_ms").toObject();
    QCOMPARE(itl.value("count").toInteger(), qint64(gaps.count()));
    QVERIFY(gaps.count() > 500);
    for (const auto& [name, q] :
         {std::pair{"p50", 0.50}, std::pair{"p95", 0.95}, std::pair{"p99", 0.99}})
        QVERIFY(std::abs(itl.value(QLatin1String(name)).toDouble() - *gaps.quantile(q)) <=
                0.0005 + 1e-9);

    // The CSV: a row per machine, then the combined one, with the same figures.
    QFile csvFile(csvPath);
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    const auto rows = csvtest::parse(QString::fromUtf8(csvFile.readAll()));
    QVERIFY(rows);
    QCOMPARE(rows->size(), 4);
    const QStringList header = rows->at(0);
    QCOMPARE(rows->at(1).at(header.indexOf("source")), QStringLiteral("machine"));
    QCOMPARE(rows->at(2).at(header.indexOf("file")), files.at(1));
    QCOMPARE(rows->at(3).at(header.indexOf("source")), QStringLiteral("combined"));
    QCOMPARE(rows->at(3).at(header.indexOf("requests")), QStringLiteral("130"));
    QVERIFY(std::abs(rows->at(3).at(header.indexOf("ttft_ms_p95")).toDouble() -
                     combined["ttft_ms"]["p95"].toDouble()) <= 0.0005 + 1e-9);

    // The text report names each machine and the combined figures.
    const AppRun text = runApp({"bench", "merge", files.at(0), files.at(1)}, m_env);
    QVERIFY2(text.exitCode == 0, text.all().constData());
    QVERIFY(text.out.contains("Merged 2 bench reports"));
    QVERIFY(text.out.contains("combined"));
    QVERIFY(text.out.contains("run-a.json"));
}

void TestBenchMerge::refusesWhatIsNotABenchReport()
{
    QVERIFY2(!m_reportA.isEmpty(), "runs after mergeEqualsOneRunOverTheUnion");
    QFile file(m_reportA);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject newer = QJsonDocument::fromJson(file.readAll()).object();
    newer.insert(QStringLiteral("report_version"), 99);
    const std::pair<const char*, QByteArray> bad[] = {
        {"broken.json", "{\"report\": \"adminchat-bench\", "},
        {"other.json", "{\"tag\": \"x\", \"requests\": 3}"},
        {"newer.json", QJsonDocument(newer).toJson()},
        {"deep.json", QByteArray(200000, '[') + QByteArray(200000, ']')},
        {"huge.json", "{\"report\": \"adminchat-bench\", \"report_version\": 1, \"requests\": "
                      "1e999999}"},
    };
    for (const auto& [name, content] : bad) {
        const QString path = writeFile(m_files, QLatin1String(name), content);
        const AppRun run = runApp({"bench", "merge", m_reportA, path}, m_env);
        QVERIFY2(run.exitCode == 1, run.all().constData());
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.startsWith("adminchat bench merge: " + path.toUtf8() + ": "),
                 run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
    }
    const AppRun none = runApp({"bench", "merge"}, m_env);
    QCOMPARE(none.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestBenchMerge)
#include "tst_benchmerge.moc"

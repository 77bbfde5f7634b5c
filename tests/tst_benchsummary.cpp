// bench/BenchSummary: a bench report read back and merged. Results split across "machines" merge
// into exactly what one result over all their requests says (counts, and percentiles equal to
// one sketch over the union); reports that are not bench reports, of another version, broken or
// hostile (huge numbers, wrong types, deep nesting, bad sketches) are refused with one line.
#include "SketchTestData.h"
#include "bench/BenchResult.h"
#include "bench/BenchSummary.h"
#include "metrics/RequestMetrics.h"
#include "net/RequestTrace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

// One completed request with figures drawn from skewed distributions.
void addRequest(BenchResult& result, sketchtest::Rng& rng)
{
    RequestMetrics metrics;
    metrics.ttftMs = 80.0 + 400.0 * rng.uniform() * rng.uniform();
    metrics.ttfatMs = *metrics.ttftMs + 5.0;
    metrics.e2eMs = *metrics.ttftMs + 200.0 * rng.uniform();
    metrics.tpotMs = 2.0 + 10.0 * rng.uniform();
    metrics.meanItlMs = *metrics.tpotMs;
    metrics.tokensPerSecond = 1000.0 / *metrics.tpotMs;
    metrics.outputTokens = 12;
    for (int i = 0; i < 11; ++i)
        metrics.itlMs.push_back(std::round((1.0 + 20.0 * rng.uniform()) * 1e6) / 1e6);
    metrics.category = LatencyCategory::Excellent;
    result.add(RequestTrace{}, metrics);
}

QJsonObject reportOf(const BenchResult& result, const QString& host)
{
    QJsonObject json = result.toJson(true);
    json.insert(QStringLiteral("report"), BenchSummary::reportName());
    json.insert(QStringLiteral("report_version"), BenchSummary::reportVersion);
    json.insert(QStringLiteral("host"), host);
    return json;
}

} // namespace

class TestBenchSummary : public QObject
{
    Q_OBJECT
private slots:
    void mergedEqualsOneRunOverTheUnion();
    void mergedReportMergesAgain();
    void refusesWhatIsNotABenchReport_data();
    void refusesWhatIsNotABenchReport();
    void refusesBrokenFiles();
};

void TestBenchSummary::mergedEqualsOneRunOverTheUnion()
{
    sketchtest::Rng rng(17);
    BenchResult parts[3];
    BenchResult whole;
    // 40 + 70 + 25 requests: each part alone keeps its samples (exact), the union does not.
    const int sizes[] = {40, 70, 25};
    for (int part = 0; part < 3; ++part) {
        for (int i = 0; i < sizes[part]; ++i) {
            sketchtest::Rng copy = rng; // the same request for the part and for the whole
            addRequest(parts[part], rng);
            addRequest(whole, copy);
        }
        parts[part].setMeasuredSeconds(10.0 + part);
    }

    BenchSummary merged;
    QString error;
    for (int part = 0; part < 3; ++part) {
        const auto summary =
            BenchSummary::fromJson(reportOf(parts[part], QStringLiteral("m%1").arg(part)), &error);
        QVERIFY2(summary, qPrintable(error));
        // Alone, a part is exact: its sketch gives the report's own (sorted-sample) figures.
        const DistributionStats own = parts[part].stats(BenchResult::Metric::Ttft);
        const DistributionStats read = summary->stats(BenchResult::Metric::Ttft);
        QCOMPARE(read.count, own.count);
        QCOMPARE(*read.p95, *own.p95);
        QVERIFY2(merged.merge(*summary, &error), qPrintable(error));
    }
    QCOMPARE(merged.requests, whole.requests());
    QCOMPARE(merged.completed, whole.completed());
    QCOMPARE(merged.outputTokens, whole.outputTokens());
    QCOMPARE(merged.categories, whole.categories());
    QCOMPARE(merged.seconds, 12.0);
    for (const BenchResult::Metric metric : BenchResult::metrics()) {
        const QuantileSketch& one = whole.sketch(metric);
        const QuantileSketch& combined = merged.sketches[std::size_t(metric)];
        QCOMPARE(combined.count(), one.count());
        for (const double q : sketchtest::checkedQuantiles)
            QCOMPARE(*combined.quantile(q), *one.quantile(q));
        // And within the sketch's accuracy of the exact figures over the union.
        const DistributionStats exact = whole.stats(metric);
        const DistributionStats fromSketch = merged.stats(metric);
        QCOMPARE(fromSketch.count, exact.count);
        for (const auto& [approx, truth] :
             {std::pair{fromSketch.p50, exact.p50}, std::pair{fromSketch.p95, exact.p95},
              std::pair{fromSketch.p99, exact.p99}})
            QVERIFY2(std::abs(*approx - *truth) <= 0.0101 * *truth,
                     qPrintable(QStringLiteral("%1: %2 against %3")
                                    .arg(BenchResult::metricKey(metric))
                                    .arg(*approx)
                                    .arg(*truth)));
    }
}

void TestBenchSummary::mergedReportMergesAgain()
{
    sketchtest::Rng rng(5);
    BenchResult a, b;
    for (int i = 0; i < 30; ++i) {
        addRequest(a, rng);
        addRequest(b, rng);
    }
    QString error;
    auto merged = BenchSummary::fromJson(reportOf(a, QStringLiteral("a")), &error);
    QVERIFY(merged);
    QVERIFY(
        merged->merge(*BenchSummary::fromJson(reportOf(b, QStringLiteral("b")), &error), &error));
    const auto again = BenchSummary::fromJson(merged->toJson(true), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->requests, 60);
    for (std::size_t i = 0; i < again->sketches.size(); ++i)
        QCOMPARE(again->sketches[i], merged->sketches[i]);
    // Without sketches it is a summary to read, not to merge.
    QVERIFY(!BenchSummary::fromJson(merged->toJson(false), &error));
    QVERIFY(error.contains(QLatin1String("sketches")));
}

void TestBenchSummary::refusesWhatIsNotABenchReport_data()
{
    sketchtest::Rng rng(9);
    BenchResult result;
    for (int i = 0; i < 5; ++i)
        addRequest(result, rng);
    const QJsonObject good = reportOf(result, QStringLiteral("h"));
    QTest::addColumn<QJsonObject>("report");
    QTest::addColumn<QString>("expected");
    const auto changed = [&good](const QString& key, const QJsonValue& value) {
        QJsonObject report = good;
        report.insert(key, value);
        return report;
    };
    QJsonObject noName = good;
    noName.remove(QStringLiteral("report"));
    QTest::newRow("no report name") << noName << "not a bench report";
    QTest::newRow("another report") << changed("report", "adminchat-metrics") << "not a bench";
    QTest::newRow("newer version") << changed("report_version", 2) << "version 2";
    QTest::newRow("version as text") << changed("report_version", "1") << "version";
    QTest::newRow("huge count") << changed("requests", 1e308) << "\"requests\"";
    QTest::newRow("negative count") << changed("errors", -1) << "\"errors\"";
    QTest::newRow("fractional count") << changed("completed", 2.5) << "\"completed\"";
    QTest::newRow("count as text") << changed("requests", "5") << "\"requests\"";
    QTest::newRow("counts as array") << changed("categories", QJsonArray{1, 2}) << "categories";
    QTest::newRow("huge category")
        << changed("categories", QJsonObject{{"excellent", 1e300}}) << "categories";
    QTest::newRow("duration as object") << changed("duration_s", QJsonObject{}) << "duration_s";
    QJsonObject sketches = good.value("sketches").toObject();
    sketches.insert(QStringLiteral("ttft_ms"), QStringLiteral("not base64 !"));
    QTest::newRow("sketch not base64") << changed("sketches", sketches) << "ttft_ms";
    sketches.insert(QStringLiteral("ttft_ms"), QStringLiteral("3QEAAAAAAAA="));
    QTest::newRow("sketch truncated") << changed("sketches", sketches) << "ttft_ms";
    sketches.insert(QStringLiteral("ttft_ms"), 42);
    QTest::newRow("sketch as number") << changed("sketches", sketches) << "ttft_ms";
    // A sketch from another metric: its count does not match the metric's.
    sketches.insert(QStringLiteral("ttft_ms"), good.value("sketches")["itl_ms"]);
    QTest::newRow("sketch of another metric") << changed("sketches", sketches) << "ttft_ms";
}

void TestBenchSummary::refusesWhatIsNotABenchReport()
{
    QFETCH(QJsonObject, report);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!BenchSummary::fromJson(report, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
}

void TestBenchSummary::refusesBrokenFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto write = [&dir](const QString& name, const QByteArray& content) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            return QString();
        return file.fileName();
    };
    const QByteArray deep = QByteArray(100000, '[') + QByteArray(100000, ']');
    const std::pair<QString, QByteArray> files[] = {
        {QStringLiteral("truncated.json"), R"({"report": "adminchat-bench", "report_ver)"},
        {QStringLiteral("array.json"), "[1, 2, 3]"},
        {QStringLiteral("deep.json"), deep},
        {QStringLiteral("deep-object.json"),
         "{\"report\": " + QByteArray(5000, '[') + QByteArray(5000, ']') + "}"},
        {QStringLiteral("binary.json"), QByteArray("\x00\xff\xfe{", 4)},
        {QStringLiteral("empty.json"), QByteArray()},
    };
    for (const auto& [name, content] : files) {
        const QString path = write(name, content);
        QVERIFY(!path.isEmpty());
        QString error;
        QVERIFY2(!BenchSummary::fromFile(path, &error), qPrintable(name));
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    }
    QString error;
    QVERIFY(!BenchSummary::fromFile(dir.filePath(QStringLiteral("missing.json")), &error));
    QVERIFY(error.contains(QLatin1String("missing.json")));
}

QTEST_GUILESS_MAIN(TestBenchSummary)
#include "tst_benchsummary.moc"

// Variant comparisons from hand-built metrics records: summaries, verdicts and their evidence.
#include "experiments/ExperimentComparison.h"
#include "experiments/Statistics.h"

#include <QJsonArray>
#include <QTest>

using namespace adminchat;
using Verdict = MetricComparison::Verdict;

namespace {

const QString experimentName = QStringLiteral("prompt-test");

MetricsRecord record(const QString& variant, double ttft, double e2e, double tokensPerSecond,
                     RequestStatus status = RequestStatus::Ok)
{
    MetricsRecord r;
    r.experiment = experimentName;
    r.variant = variant;
    r.status = status;
    r.ttftMs = ttft;
    r.e2eMs = e2e;
    r.tokensPerSecond = tokensPerSecond;
    return r;
}

// Deterministic samples for three variants, 50 completed requests each:
//   A (control) TTFT 280..329 ms, E2E 1000..1098 ms, 40..49 tok/s
//   B           TTFT 180..229 ms (lower), E2E 1200..1298 ms (higher), tokens/s as A;
//               plus 10 fast errors that must not count as latencies
//   C           as A, but 60..69 tok/s (higher); plus 2 cancelled requests
// Ratings: A 20 up of 40, B 36 up of 40, C 5 up of 10.
std::vector<MetricsRecord> threeVariants()
{
    std::vector<MetricsRecord> records;
    for (int i = 0; i < 50; ++i) {
        const double tps = 40 + i % 10;
        MetricsRecord a = record(QStringLiteral("A"), 280 + i, 1000 + 2 * i, tps);
        MetricsRecord b = record(QStringLiteral("B"), 180 + i, 1200 + 2 * i, tps);
        MetricsRecord c = record(QStringLiteral("C"), 280 + i, 1000 + 2 * i, tps + 20);
        if (i < 40) {
            a.rating = i < 20 ? 1 : -1;
            b.rating = i < 36 ? 1 : -1;
        }
        if (i < 10)
            c.rating = i < 5 ? 1 : -1;
        records.insert(records.end(), {a, b, c});
    }
    for (int i = 0; i < 10; ++i)
        records.push_back(record(QStringLiteral("B"), 5, 6, 0, RequestStatus::Error));
    for (int i = 0; i < 2; ++i)
        records.push_back(record(QStringLiteral("C"), 290, 500, 10, RequestStatus::Cancelled));
    return records;
}

std::vector<double> range(double from, int count, double step = 1)
{
    std::vector<double> values;
    for (int i = 0; i < count; ++i)
        values.push_back(from + i * step);
    return values;
}

// 50 values from + 0..9, repeating: the tokens/s samples above.
std::vector<double> cycle(double from)
{
    std::vector<double> values;
    for (int i = 0; i < 50; ++i)
        values.push_back(from + i % 10);
    return values;
}

} // namespace

class TestExperimentComparison : public QObject
{
    Q_OBJECT
private slots:
    void summaries()
    {
        const auto result = ExperimentComparison::compute(
            experimentName, {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")},
            threeVariants());
        QCOMPARE(result.experiment, experimentName);
        QCOMPARE(result.variants.size(), 3);

        const VariantSummary& a = result.variants.at(0);
        QCOMPARE(a.variant, QStringLiteral("A"));
        QCOMPARE(a.requests, 50);
        QCOMPARE(a.completed, 50);
        QCOMPARE(a.errors, 0);
        QCOMPARE(a.ttftP50Ms, std::optional<double>(304.5));  // (304 + 305) / 2
        QCOMPARE(a.ttftP95Ms, std::optional<double>(326.55)); // 280 + 0.95 * 49
        QCOMPARE(a.e2eP50Ms, std::optional<double>(1049));
        QCOMPARE(a.tokensPerSecondP50, std::optional<double>(44.5));
        QCOMPARE(a.errorRate, std::optional<double>(0));
        QCOMPARE(a.completionRate, std::optional<double>(1));
        QCOMPARE(a.rated, 40);
        QCOMPARE(a.ratedUp, 20);
        QCOMPARE(a.satisfaction, std::optional<double>(0.5));

        // B's ten errors count as requests and errors, but their 5 ms TTFT is no latency.
        const VariantSummary& b = *result.summaryOf(QStringLiteral("B"));
        QCOMPARE(b.requests, 60);
        QCOMPARE(b.completed, 50);
        QCOMPARE(b.errors, 10);
        QCOMPARE(b.ttftP50Ms, std::optional<double>(204.5));
        QCOMPARE(*b.errorRate, 10.0 / 60.0);
        QCOMPARE(*b.completionRate, 50.0 / 60.0);
        QCOMPARE(b.satisfaction, std::optional<double>(0.9));

        // Cancelled requests are neither errors nor completed answers.
        const VariantSummary& c = *result.summaryOf(QStringLiteral("C"));
        QCOMPARE(c.requests, 52);
        QCOMPARE(c.completed, 50);
        QCOMPARE(c.errors, 0);
        QCOMPARE(c.tokensPerSecondP50, std::optional<double>(64.5));
    }

    void latencyAndThroughputVerdicts()
    {
        const auto result = ExperimentComparison::compute(
            experimentName, {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")},
            threeVariants());
        // Two variants against the control, six metrics each, in metric order.
        QCOMPARE(result.comparisons.size(), 12);
        QCOMPARE(result.comparisons.at(0).variant, QStringLiteral("B"));
        QCOMPARE(result.comparisons.at(0).metric, ComparisonMetric::Ttft);
        QCOMPARE(result.comparisons.at(6).variant, QStringLiteral("C"));
        QCOMPARE(result.comparisons.at(11).metric, ComparisonMetric::Satisfaction);

        const MetricComparison& ttft = *result.find(ComparisonMetric::Ttft, QStringLiteral("B"));
        const auto expected = statistics::mannWhitneyU(range(180, 50), range(280, 50));
        QCOMPARE(ttft.control, QStringLiteral("A"));
        QCOMPARE(ttft.verdict, Verdict::Better);
        QCOMPARE(ttft.variantSamples, 50); // the errors are left out
        QCOMPARE(ttft.controlSamples, 50);
        QCOMPARE(ttft.difference, std::optional<double>(-100));
        QCOMPARE(ttft.effectSize, std::optional<double>(-1)); // every B below every A
        QCOMPARE(ttft.pValue, std::optional<double>(expected->pValue));
        QVERIFY(*ttft.pValue < 1e-15);
        QCOMPARE(ttft.summary(),
                 QStringLiteral("B: TTFT P50 100 ms lower than A (p < 0.001, r = -1.00)"));

        const MetricComparison& e2e = *result.find(ComparisonMetric::E2e, QStringLiteral("B"));
        QCOMPARE(e2e.verdict, Verdict::Worse);
        QCOMPARE(e2e.difference, std::optional<double>(200));
        QCOMPARE(e2e.effectSize, std::optional<double>(1));

        // Same tokens/s in B and A: U = n1 n2 / 2, p = 1.
        const MetricComparison& sameTps =
            *result.find(ComparisonMetric::TokensPerSecond, QStringLiteral("B"));
        QCOMPARE(sameTps.verdict, Verdict::NotSignificant);
        QCOMPARE(sameTps.pValue, std::optional<double>(1));
        QCOMPARE(sameTps.difference, std::optional<double>(0));
        QCOMPARE(
            sameTps.summary(),
            QStringLiteral("B: tokens/s P50 same as A, not significant (p = 1.000, r = 0.00)"));

        // Higher is better for tokens/s.
        const MetricComparison& tps =
            *result.find(ComparisonMetric::TokensPerSecond, QStringLiteral("C"));
        QCOMPARE(tps.verdict, Verdict::Better);
        QCOMPARE(tps.difference, std::optional<double>(20));
        const auto tpsTest = statistics::mannWhitneyU(cycle(60), cycle(40));
        QCOMPARE(tps.pValue, std::optional<double>(tpsTest->pValue));
        QCOMPARE(tps.effectSize, std::optional<double>(tpsTest->rankBiserial));
        QCOMPARE(result.find(ComparisonMetric::Ttft, QStringLiteral("C"))->verdict,
                 Verdict::NotSignificant);
    }

    void rateVerdicts()
    {
        const auto result = ExperimentComparison::compute(
            experimentName, {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")},
            threeVariants());

        // Error rate 10/60 against 0/50: worse.
        const MetricComparison& errors =
            *result.find(ComparisonMetric::ErrorRate, QStringLiteral("B"));
        const auto errorTest = statistics::twoProportionTest(10, 60, 0, 50);
        QCOMPARE(errors.verdict, Verdict::Worse);
        QCOMPARE(errors.variantSamples, 60);
        QCOMPARE(errors.controlSamples, 50);
        QCOMPARE(errors.difference, std::optional<double>(10.0 / 60.0));
        QCOMPARE(errors.effectSize, std::optional<double>(errorTest->cohenH));
        QCOMPARE(errors.pValue, std::optional<double>(errorTest->pValue));
        QVERIFY(*errors.pValue < 0.05);

        // Completion rate 50/60 against 50/50: worse (lower).
        const MetricComparison& completion =
            *result.find(ComparisonMetric::CompletionRate, QStringLiteral("B"));
        QCOMPARE(completion.verdict, Verdict::Worse);
        QCOMPARE(completion.pValue,
                 std::optional<double>(statistics::twoProportionTest(50, 60, 50, 50)->pValue));

        // C: 50/52 completed (two cancelled) against 50/50: p = 0.16, not significant.
        const MetricComparison& cCompletion =
            *result.find(ComparisonMetric::CompletionRate, QStringLiteral("C"));
        QCOMPARE(cCompletion.verdict, Verdict::NotSignificant);
        QCOMPARE(cCompletion.pValue,
                 std::optional<double>(statistics::twoProportionTest(50, 52, 50, 50)->pValue));
        QVERIFY(*cCompletion.pValue > 0.05);

        // Satisfaction 36/40 against 20/40 rated: better.
        const MetricComparison& satisfaction =
            *result.find(ComparisonMetric::Satisfaction, QStringLiteral("B"));
        QCOMPARE(satisfaction.verdict, Verdict::Better);
        QCOMPARE(satisfaction.variantSamples, 40);
        QCOMPARE(satisfaction.controlSamples, 40);
        QVERIFY(std::abs(*satisfaction.difference - 0.4) < 1e-12);
        QCOMPARE(satisfaction.pValue,
                 std::optional<double>(statistics::twoProportionTest(36, 40, 20, 40)->pValue));
        QCOMPARE(satisfaction.summary(), QStringLiteral("B: satisfaction 40.0 percentage points "
                                                        "higher than A (p < 0.001, h = 0.93)"));

        // C has 10 ratings: no verdict and no p-value, only the observed difference.
        const MetricComparison& few =
            *result.find(ComparisonMetric::Satisfaction, QStringLiteral("C"));
        QCOMPARE(few.verdict, Verdict::NotEnoughData);
        QCOMPARE(few.variantSamples, 10);
        QVERIFY(!few.pValue);
        QVERIFY(!few.effectSize);
        QCOMPARE(few.difference, std::optional<double>(0));
        QCOMPARE(few.summary(),
                 QStringLiteral("C: satisfaction, not enough data yet (10 of 20 needed)"));
    }

    void minimumSamplesBoundary()
    {
        // 19 variant samples against 20: not enough; 20 against 20: judged.
        std::vector<MetricsRecord> records;
        for (int i = 0; i < 20; ++i) {
            records.push_back(record(QStringLiteral("A"), 300 + i, 1000, 50));
            if (i < 19)
                records.push_back(record(QStringLiteral("B"), 100 + i, 1000, 50));
        }
        const QStringList order{QStringLiteral("A"), QStringLiteral("B")};
        const auto short19 = ExperimentComparison::compute(experimentName, order, records);
        const MetricComparison& c = *short19.find(ComparisonMetric::Ttft, QStringLiteral("B"));
        QCOMPARE(c.verdict, Verdict::NotEnoughData);
        QCOMPARE(c.variantSamples, 19);
        QCOMPARE(c.controlSamples, 20);
        QVERIFY(!c.pValue);
        QCOMPARE(c.summary(), QStringLiteral("B: TTFT P50, not enough data yet (19 of 20 needed)"));

        records.push_back(record(QStringLiteral("B"), 119, 1000, 50));
        const auto full = ExperimentComparison::compute(experimentName, order, records);
        const MetricComparison& judged = *full.find(ComparisonMetric::Ttft, QStringLiteral("B"));
        QCOMPARE(judged.verdict, Verdict::Better);
        QVERIFY(judged.pValue);

        // A lower threshold judges the 19 as well.
        const auto lenient = ExperimentComparison::compute(
            experimentName, order, std::vector(records.begin(), records.end() - 1),
            ComparisonOptions{10, 0.05});
        QCOMPARE(lenient.find(ComparisonMetric::Ttft, QStringLiteral("B"))->verdict,
                 Verdict::Better);
    }

    void otherExperimentsAndOrder()
    {
        std::vector<MetricsRecord> records = threeVariants();
        MetricsRecord other = record(QStringLiteral("A"), 99999, 99999, 1);
        other.experiment = QStringLiteral("another-test");
        records.push_back(other);
        MetricsRecord outside = record(QStringLiteral("A"), 99999, 99999, 1);
        outside.experiment.clear();
        records.push_back(outside);
        records.push_back(record(QString(), 99999, 99999, 1)); // no variant: unassigned
        records.push_back(record(QStringLiteral("Z"), 100, 200, 3));
        records.push_back(record(QStringLiteral("D"), 100, 200, 3));

        // Declared order first (a declared variant without records too), then the rest sorted.
        const auto result = ExperimentComparison::compute(
            experimentName, {QStringLiteral("B"), QStringLiteral("A"), QStringLiteral("E")},
            records);
        QStringList names;
        for (const VariantSummary& s : result.variants)
            names.append(s.variant);
        QCOMPARE(names, (QStringList{"B", "A", "E", "C", "D", "Z"}));
        QCOMPARE(result.summaryOf(QStringLiteral("A"))->requests, 50);
        QCOMPARE(result.summaryOf(QStringLiteral("A"))->ttftP95Ms, std::optional<double>(326.55));

        const VariantSummary& empty = *result.summaryOf(QStringLiteral("E"));
        QCOMPARE(empty.requests, 0);
        QVERIFY(!empty.errorRate && !empty.completionRate && !empty.satisfaction &&
                !empty.ttftP50Ms);

        // B is now the control: A is compared with B.
        QCOMPARE(result.comparisons.size(), 5 * 6);
        const MetricComparison& aTtft = *result.find(ComparisonMetric::Ttft, QStringLiteral("A"));
        QCOMPARE(aTtft.control, QStringLiteral("B"));
        QCOMPARE(aTtft.verdict, Verdict::Worse);
        QCOMPARE(aTtft.difference, std::optional<double>(100));
        const MetricComparison& eTtft = *result.find(ComparisonMetric::Ttft, QStringLiteral("E"));
        QCOMPARE(eTtft.verdict, Verdict::NotEnoughData);
        QVERIFY(!eTtft.difference);
    }

    void jsonShape()
    {
        const auto result = ExperimentComparison::compute(
            experimentName, {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("E")},
            threeVariants(), ComparisonOptions{25, 0.01});
        const QJsonObject json = result.toJson();
        QCOMPARE(json.value("experiment").toString(), experimentName);
        QCOMPARE(json.value("minimum_samples").toInt(), 25);
        QCOMPARE(json.value("alpha").toDouble(), 0.01);

        const QJsonArray variants = json.value("variants").toArray();
        QCOMPARE(variants.size(), 4); // A, B, E, then C (seen, not declared)
        const QJsonObject b = variants.at(1).toObject();
        QCOMPARE(b.keys(), (QStringList{"completed", "completion_rate", "e2e_ms", "error_rate",
                                        "errors", "rated", "requests", "satisfaction",
                                        "tokens_per_s", "ttft_ms", "variant"}));
        QCOMPARE(b.value("variant").toString(), QStringLiteral("B"));
        QCOMPARE(b.value("requests").toInteger(), 60);
        QCOMPARE(b.value("errors").toInteger(), 10);
        QCOMPARE(b.value("rated").toInteger(), 40);
        QCOMPARE(b.value("satisfaction").toDouble(), 0.9);
        QCOMPARE(b.value("ttft_ms").toObject().value("p50").toDouble(), 204.5);
        QCOMPARE(b.value("e2e_ms").toObject().keys(), (QStringList{"p50", "p95"}));
        const QJsonObject e = variants.at(2).toObject();
        QVERIFY(e.value("error_rate").isNull());
        QVERIFY(e.value("satisfaction").isNull());
        QVERIFY(e.value("tokens_per_s").toObject().value("p95").isNull());

        const QJsonArray comparisons = json.value("comparisons").toArray();
        QCOMPARE(comparisons.size(), 3 * 6);
        QStringList metrics;
        for (int i = 0; i < 6; ++i)
            metrics.append(comparisons.at(i).toObject().value("metric").toString());
        QCOMPARE(metrics, (QStringList{"ttft", "e2e", "tokens_per_s", "error_rate",
                                       "completion_rate", "satisfaction"}));
        const QJsonObject ttft = comparisons.at(0).toObject();
        QCOMPARE(ttft.keys(),
                 (QStringList{"control", "control_samples", "difference", "effect_size", "metric",
                              "p_value", "variant", "variant_samples", "verdict"}));
        QCOMPARE(ttft.value("variant").toString(), QStringLiteral("B"));
        QCOMPARE(ttft.value("control").toString(), QStringLiteral("A"));
        QCOMPARE(ttft.value("verdict").toString(), QStringLiteral("better"));
        QCOMPARE(ttft.value("variant_samples").toInteger(), 50);
        QCOMPARE(ttft.value("difference").toDouble(), -100.0);
        QCOMPARE(ttft.value("effect_size").toDouble(), -1.0);
        QVERIFY(ttft.value("p_value").toDouble() < 1e-15);
        QCOMPARE(comparisons.at(1).toObject().value("verdict").toString(), QStringLiteral("worse"));
        QCOMPARE(comparisons.at(2).toObject().value("verdict").toString(),
                 QStringLiteral("not_significant"));

        // E has no records: nothing to report but the counts.
        const QJsonObject none = comparisons.at(6).toObject();
        QCOMPARE(none.value("variant").toString(), QStringLiteral("E"));
        QCOMPARE(none.value("verdict").toString(), QStringLiteral("not_enough_data"));
        QCOMPARE(none.value("variant_samples").toInteger(), 0);
        QVERIFY(none.value("difference").isNull());
        QVERIFY(none.value("effect_size").isNull());
        QVERIFY(none.value("p_value").isNull());
    }

    void manyRecords()
    {
        // 100,000 records: A holds the even TTFTs 0..998 ms, B the odd ones 1..999 (50 times each).
        std::vector<MetricsRecord> records;
        records.reserve(100'000);
        for (int i = 0; i < 100'000; ++i) {
            const bool isB = i % 2 == 1;
            records.push_back(
                record(isB ? QStringLiteral("B") : QStringLiteral("A"), i % 1000, 2000, 30));
        }
        const auto result = ExperimentComparison::compute(
            experimentName, {QStringLiteral("A"), QStringLiteral("B")}, records);
        QCOMPARE(result.summaryOf(QStringLiteral("A"))->requests, 50'000);
        QCOMPARE(result.summaryOf(QStringLiteral("B"))->requests, 50'000);
        const MetricComparison& ttft = *result.find(ComparisonMetric::Ttft, QStringLiteral("B"));
        QCOMPARE(ttft.variantSamples, 50'000);
        // Medians 499 and 500; B is above A in 50.1 % of the pairs (125,250 of 250,000 distinct
        // value pairs): r = 2 * 0.501 - 1 = 0.002.
        QCOMPARE(ttft.difference, std::optional<double>(1));
        QCOMPARE(ttft.verdict, Verdict::NotSignificant);
        QVERIFY(std::abs(*ttft.effectSize - 0.002) < 1e-12);
    }

    void fromCellsMatchesRecords()
    {
        // At most 100 samples per variant the sketches are exact: the comparison from one
        // merged cell per variant is the comparison from the records, figure for figure.
        const std::vector<MetricsRecord> records = threeVariants();
        QHash<QString, RollupCell> cells;
        for (const MetricsRecord& r : records)
            cells[r.variant].add(r);
        const QStringList order = {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C"),
                                   QStringLiteral("D")};
        const auto expected = ExperimentComparison::compute(experimentName, order, records);
        const auto fromCells = ExperimentComparison::fromCells(experimentName, order, cells);
        QCOMPARE(fromCells.toJson(), expected.toJson());
        QCOMPARE(fromCells.variants.size(), 4); // D declared, without records
        for (const MetricComparison& c : fromCells.comparisons)
            QCOMPARE(c.summary(), expected.find(c.metric, c.variant)->summary());
    }

    void fromCellsOverManyRecords()
    {
        // 40,000 records: the sketches keep buckets, not samples. Counts and rates stay exact;
        // medians and rank statistics stay within the sketches' 1 % accuracy.
        std::vector<MetricsRecord> records;
        QHash<QString, RollupCell> cells;
        for (int i = 0; i < 40'000; ++i) {
            const bool isB = i % 2 == 1;
            MetricsRecord r =
                record(isB ? QStringLiteral("B") : QStringLiteral("A"),
                       200 + (i * 7919) % 600 + (isB ? 15 : 0), 2000 + i % 500, 30 + i % 20);
            if (i % 50 == 0)
                r.status = RequestStatus::Error;
            if (i % 9 == 0)
                r.rating = isB ? 1 : -1;
            records.push_back(r);
            cells[r.variant].add(r);
        }
        const QStringList order = {QStringLiteral("A"), QStringLiteral("B")};
        const auto exact = ExperimentComparison::compute(experimentName, order, records);
        const auto sketched = ExperimentComparison::fromCells(experimentName, order, cells);
        for (const QString& v : order) {
            const VariantSummary& e = *exact.summaryOf(v);
            const VariantSummary& s = *sketched.summaryOf(v);
            QCOMPARE(s.requests, e.requests);
            QCOMPARE(s.completed, e.completed);
            QCOMPARE(s.errors, e.errors);
            QCOMPARE(s.rated, e.rated);
            QCOMPARE(s.errorRate, e.errorRate);
            QCOMPARE(s.satisfaction, e.satisfaction);
            QVERIFY(std::abs(*s.ttftP50Ms / *e.ttftP50Ms - 1) < 0.01);
            QVERIFY(std::abs(*s.e2eP95Ms / *e.e2eP95Ms - 1) < 0.01);
        }
        for (const MetricComparison& c : sketched.comparisons) {
            const MetricComparison& e = *exact.find(c.metric, c.variant);
            QCOMPARE(c.verdict, e.verdict);
            QCOMPARE(c.variantSamples, e.variantSamples);
            QVERIFY2(std::abs(*c.effectSize - *e.effectSize) < 0.01,
                     qPrintable(ExperimentComparison::metricName(c.metric)));
        }
        const MetricComparison& ttft = *sketched.find(ComparisonMetric::Ttft, QStringLiteral("B"));
        QCOMPARE(ttft.verdict, Verdict::Worse); // 15 ms slower over 20,000 samples each
    }
};

QTEST_GUILESS_MAIN(TestExperimentComparison)
#include "tst_experimentcomparison.moc"

// RollupCell: a cell folded from records gives the figures MetricsAggregator gives for the same
// records (exactly for small groups, within the sketches' 1 % above), merging cells equals
// folding their records into one, categories follow any rule, and the stored form survives a
// round trip and refuses what it did not write.
#include "AggregatorTestData.h"
#include "metrics/MetricsAggregator.h"
#include "metrics/QuantileSketch.h"
#include "metrics/RollupCell.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>
#include <algorithm>
#include <cmath>

using namespace adminchat;
using namespace aggregatortest;

namespace {

// Every kind of record the aggregator tells apart.
std::vector<MetricsRecord> variedRecords()
{
    std::vector<MetricsRecord> records;
    for (int i = 0; i < 40; ++i) {
        MetricsRecord r = record(i * second, 100 + 37 * i, endpointA, i % 3 ? "m1" : "m2");
        r.promptHash = QString::number(i % 7, 16).repeated(64).left(64);
        r.promptChars = i % 5 == 0 ? 20000 : 300;
        r.retries = i % 4;
        r.streamed = i % 6 != 0;
        if (i % 9 == 0)
            r.rating = i % 2 ? 1 : -1;
        if (i % 8 == 0)
            r.status = RequestStatus::Length;
        if (i % 10 == 0)
            r.ttftMs.reset(); // an answer without output: judged on E2E
        if (i % 3 == 0) {
            QuantileSketch gaps;
            for (int g = 0; g < 30; ++g)
                gaps.add(5 + (g * i) % 40);
            r.itlSketch = gaps.toBytes();
        }
        if (i % 4 == 0)
            r.displayLagP95Ms = 3 + i;
        if (i % 11 == 0) {
            r.acceptedPredictionTokens = 10 + i;
            r.rejectedPredictionTokens = 2;
        }
        records.push_back(r);
    }
    records.push_back(failed(50 * second));
    records.push_back(failed(51 * second, ApiError::Kind::Http, 429));
    MetricsRecord cancelled = record(52 * second, 900);
    cancelled.status = RequestStatus::Cancelled;
    records.push_back(cancelled);
    return records;
}

GroupStats fromCell(const RollupCell& cell, const CategoryRule& rule = {})
{
    GroupStats stats;
    cell.summarizeInto(stats, rule);
    return stats;
}

GroupStats fromAggregator(const std::vector<MetricsRecord>& records, const CategoryRule& rule = {})
{
    MetricsAggregator::Options options;
    options.categoryRule = rule;
    options.timelineBuckets = 0;
    return MetricsAggregator::aggregate(records, MetricsFilter{}, now, options).total;
}

void compareSummary(const MetricSummary& a, const MetricSummary& b, const char* what)
{
    QVERIFY2(a.count == b.count, what);
    for (auto [x, y] : {std::pair{a.mean, b.mean},
                        {a.p50, b.p50},
                        {a.p95, b.p95},
                        {a.p99, b.p99},
                        {a.max, b.max}})
        QVERIFY2((std::isnan(x) && std::isnan(y)) || std::abs(x - y) <= 1e-9 * std::abs(y),
                 qPrintable(QStringLiteral("%1: %2 vs %3").arg(QLatin1String(what)).arg(x).arg(y)));
}

void compareStats(const GroupStats& a, const GroupStats& b)
{
    QCOMPARE(a.started, b.started);
    QCOMPARE(a.completed, b.completed);
    QCOMPARE(a.errors, b.errors);
    QCOMPARE(a.cancelled, b.cancelled);
    QCOMPARE(a.lengthFinishes, b.lengthFinishes);
    QCOMPARE(a.streamed, b.streamed);
    QCOMPARE(a.retries, b.retries);
    QCOMPARE(a.rateLimited, b.rateLimited);
    QCOMPARE(a.ratedUp, b.ratedUp);
    QCOMPARE(a.ratedDown, b.ratedDown);
    QCOMPARE(a.categories, b.categories);
    QCOMPARE(a.errorKinds, b.errorKinds);
    QCOMPARE(a.repeatedPrompts, b.repeatedPrompts);
    QCOMPARE(a.longPrompts, b.longPrompts);
    QCOMPARE(a.longPromptTtft.count(), b.longPromptTtft.count());
    QCOMPARE(a.acceptedPredictionTokens, b.acceptedPredictionTokens);
    QCOMPARE(a.rejectedPredictionTokens, b.rejectedPredictionTokens);
    compareSummary(a.ttft, b.ttft, "ttft");
    compareSummary(a.ttfat, b.ttfat, "ttfat");
    compareSummary(a.e2e, b.e2e, "e2e");
    compareSummary(a.itl, b.itl, "itl");
    compareSummary(a.tokensPerSecond, b.tokensPerSecond, "tokens/s");
    compareSummary(a.displayLag, b.displayLag, "display lag");
}

// numpy's default percentile over the values.
double percentile(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    const double h = q * double(values.size() - 1);
    const auto lo = std::size_t(std::floor(h));
    const auto hi = std::size_t(std::ceil(h));
    return values[lo] + (h - double(lo)) * (values[hi] - values[lo]);
}

} // namespace

class TestRollupCell : public QObject
{
    Q_OBJECT
private slots:
    void foldMatchesAggregator();
    void categoriesFollowTheRule_data();
    void categoriesFollowTheRule();
    void mergedCellsEqualOneFold();
    void ratingChangesMove();
    void manySamplesWithinOnePercent();
    void countBelowMatchesBruteForce();
    void bytesRoundTrip();
    void refusesWhatItDidNotWrite();
    void manyDistinctPromptsStayBounded();
};

void TestRollupCell::foldMatchesAggregator()
{
    const std::vector<MetricsRecord> records = variedRecords();
    RollupCell cell;
    for (const MetricsRecord& r : records)
        cell.add(r);
    const GroupStats expected = fromAggregator(records);
    QVERIFY(expected.repeatedPrompts > 0);
    QVERIFY(expected.longPrompts > 0);
    QVERIFY(expected.itl.count > 0);
    compareStats(fromCell(cell), expected);
}

void TestRollupCell::categoriesFollowTheRule_data()
{
    QTest::addColumn<int>("metric");
    QTest::addColumn<double>("excellent");
    QTest::addColumn<double>("good");
    QTest::addColumn<double>("acceptable");
    QTest::newRow("ttft default") << int(CategoryMetric::Ttft) << 500.0 << 1000.0 << 3000.0;
    QTest::newRow("ttfat tight") << int(CategoryMetric::Ttfat) << 300.0 << 600.0 << 900.0;
    QTest::newRow("e2e") << int(CategoryMetric::E2e) << 1200.0 << 1800.0 << 2100.0;
    QTest::newRow("on a sample") << int(CategoryMetric::Ttft) << 137.0 << 211.0 << 1000.0;
}

void TestRollupCell::categoriesFollowTheRule()
{
    QFETCH(int, metric);
    QFETCH(double, excellent);
    QFETCH(double, good);
    QFETCH(double, acceptable);
    CategoryRule rule;
    rule.metric = CategoryMetric(metric);
    rule.thresholds = {excellent, good, acceptable};
    const std::vector<MetricsRecord> records = variedRecords();
    RollupCell cell;
    for (const MetricsRecord& r : records)
        cell.add(r);
    QCOMPARE(fromCell(cell, rule).categories, fromAggregator(records, rule).categories);
}

void TestRollupCell::mergedCellsEqualOneFold()
{
    const std::vector<MetricsRecord> records = variedRecords();
    RollupCell whole;
    std::array<RollupCell, 3> parts;
    for (std::size_t i = 0; i < records.size(); ++i) {
        whole.add(records[i]);
        parts[i % 3].add(records[i]);
    }
    RollupCell merged;
    for (const RollupCell& part : parts)
        merged.merge(part);
    compareStats(fromCell(merged), fromCell(whole));
    // Repeats count across the parts: a prompt seen in one part repeats in another.
    QCOMPARE(merged.repeatedPrompts(), whole.repeatedPrompts());
    QVERIFY(merged.repeatedPrompts() >
            parts[0].repeatedPrompts() + parts[1].repeatedPrompts() + parts[2].repeatedPrompts());
}

void TestRollupCell::ratingChangesMove()
{
    std::vector<MetricsRecord> records = {record(1000), record(2000)};
    RollupCell cell;
    for (const MetricsRecord& r : records)
        cell.add(r);
    cell.changeRating(std::nullopt, 1);
    cell.changeRating(std::nullopt, -1);
    cell.changeRating(-1, 1);
    records[0].rating = 1;
    records[1].rating = 1;
    compareStats(fromCell(cell), fromAggregator(records));
    cell.changeRating(1, std::nullopt);
    QCOMPARE(fromCell(cell).ratedUp, quint64(1));
}

void TestRollupCell::manySamplesWithinOnePercent()
{
    QRandomGenerator random(42);
    std::vector<double> ttft;
    std::array<RollupCell, 24> hours; // folded apart, merged as a window merges its buckets
    for (int i = 0; i < 20000; ++i) {
        const double value =
            std::exp(5.5 + 0.8 * (random.generateDouble() + random.generateDouble() +
                                  random.generateDouble() - 1.5));
        ttft.push_back(value);
        hours[std::size_t(i % 24)].add(record(i, value));
    }
    RollupCell window;
    for (const RollupCell& hour : hours)
        window.merge(hour);
    const GroupStats stats = fromCell(window);
    QCOMPARE(stats.ttft.count, quint64(ttft.size()));
    for (auto [q, value] :
         {std::pair{0.5, stats.ttft.p50}, {0.95, stats.ttft.p95}, {0.99, stats.ttft.p99}}) {
        const double exact = percentile(ttft, q);
        QVERIFY2(
            std::abs(value - exact) <= 0.01 * exact,
            qPrintable(QStringLiteral("P%1 %2 vs exact %3").arg(q * 100).arg(value).arg(exact)));
    }
    // Under the default thresholds the categories stay exact however many samples there are.
    const auto below = [&](double threshold) {
        return quint64(
            std::count_if(ttft.cbegin(), ttft.cend(), [&](double v) { return v < threshold; }));
    };
    QCOMPARE(stats.categories[0], below(500));
    QCOMPARE(stats.categories[1], below(1000) - below(500));
    // Under other thresholds they come from the buckets: off at most by the samples of the
    // bucket at a threshold.
    CategoryRule rule;
    rule.thresholds = {450, 1000, 3000};
    const double drift =
        std::abs(double(fromCell(window, rule).categories[0]) - double(below(450)));
    QVERIFY2(drift <= 0.01 * double(ttft.size()), qPrintable(QString::number(drift)));
}

void TestRollupCell::countBelowMatchesBruteForce()
{
    QRandomGenerator random(7);
    QuantileSketch small, large;
    std::vector<double> values;
    for (int i = 0; i < 5000; ++i) {
        const double value = 1 + random.bounded(4000.0);
        values.push_back(value);
        large.add(value);
        if (i < 50)
            small.add(value);
    }
    QCOMPARE(small.countBelow(-1), quint64(0));
    QCOMPARE(small.countBelow(1e9), quint64(50));
    for (double threshold : {1.0, 10.0, 500.0, 1000.0, 2999.5, 3999.0}) {
        const auto exactSmall = quint64(std::count_if(values.cbegin(), values.cbegin() + 50,
                                                      [&](double v) { return v < threshold; }));
        QCOMPARE(small.countBelow(threshold), exactSmall); // exact while every sample is kept
        const auto exact = double(
            std::count_if(values.cbegin(), values.cend(), [&](double v) { return v < threshold; }));
        // Bucket mode: only the samples within 1 % of the threshold may land on the wrong side.
        const auto near = double(std::count_if(values.cbegin(), values.cend(), [&](double v) {
            return std::abs(v - threshold) <= 0.021 * threshold;
        }));
        QVERIFY2(std::abs(double(large.countBelow(threshold)) - exact) <= near,
                 qPrintable(QStringLiteral("%1: %2 vs %3")
                                .arg(threshold)
                                .arg(large.countBelow(threshold))
                                .arg(exact)));
    }
}

void TestRollupCell::bytesRoundTrip()
{
    RollupCell cell;
    QVERIFY(RollupCell::fromBytes(cell.toBytes()).has_value()); // empty
    for (const MetricsRecord& r : variedRecords())
        cell.add(r);
    const std::optional<RollupCell> back = RollupCell::fromBytes(cell.toBytes());
    QVERIFY(back);
    QVERIFY(*back == cell);
    compareStats(fromCell(*back), fromCell(cell));
}

void TestRollupCell::refusesWhatItDidNotWrite()
{
    RollupCell cell;
    for (const MetricsRecord& r : variedRecords())
        cell.add(r);
    const QByteArray bytes = cell.toBytes();
    QVERIFY(!RollupCell::fromBytes(QByteArray()));
    QVERIFY(!RollupCell::fromBytes(QByteArray("\x01", 1))); // another version
    for (qsizetype cut : {qsizetype(1), qsizetype(9), bytes.size() / 2, bytes.size() - 1})
        QVERIFY2(!RollupCell::fromBytes(bytes.left(cut)), qPrintable(QString::number(cut)));
    QVERIFY(!RollupCell::fromBytes(bytes + QByteArray("x"))); // trailing bytes
    // Random damage: refused or decoded, never a crash or a huge allocation (ASan runs this).
    QRandomGenerator random(3);
    for (int i = 0; i < 2000; ++i) {
        QByteArray damaged = bytes;
        damaged[random.bounded(int(damaged.size()))] = char(random.bounded(256));
        (void)RollupCell::fromBytes(damaged);
    }
}

void TestRollupCell::manyDistinctPromptsStayBounded()
{
    // 30,000 chats with 20,000 distinct prompts, folded into 30 day cells and merged: the
    // fingerprints kept stay bounded and the repeats are estimated closely.
    QRandomGenerator random(9);
    RollupCell total;
    const auto hashOf = [](int prompt) {
        return QString::fromLatin1(
            QCryptographicHash::hash(QByteArray::number(prompt), QCryptographicHash::Sha256)
                .toHex());
    };
    for (int day = 0; day < 30; ++day) {
        RollupCell cell;
        for (int i = 0; i < 1000; ++i) {
            MetricsRecord r = record(i * second);
            const int n = day * 1000 + i;
            r.promptHash = hashOf(n < 20'000 ? n : int(random.bounded(20'000)));
            cell.add(r);
        }
        if (day < 20)
            QCOMPARE(cell.repeatedPrompts(), 0u); // 1,000 distinct: exact
        total.merge(cell);
    }
    QVERIFY(total.toBytes().size() < qsizetype(RollupCell::maxPromptHashes * 8 + 1024));
    const double repeated = double(total.repeatedPrompts());
    // 10,000 repeats of 30,000; the distinct count's estimate is within a few per cent.
    QVERIFY2(std::abs(repeated - 10'000) < 800, qPrintable(QString::number(repeated)));
    const std::optional<RollupCell> back = RollupCell::fromBytes(total.toBytes());
    QVERIFY(back);
    QCOMPARE(back->repeatedPrompts(), total.repeatedPrompts());
}

QTEST_GUILESS_MAIN(TestRollupCell)
#include "tst_rollupcell.moc"

// One percentile definition everywhere: linear interpolation between the closest ranks
// (RequestMetrics::percentile, numpy's default), exact while a group holds at most
// QuantileSketch::exactLimit samples, within the sketch's 1 % above. Property tests over random
// sample sets, built the ways the aggregator builds them (added, merged, stored and merged back),
// and through MetricsAggregator with real records and ITL blobs.
#include "AggregatorTestData.h"
#include "SketchTestData.h"
#include "metrics/MetricsAggregator.h"
#include "metrics/RequestMetrics.h"

using namespace adminchat;
using namespace sketchtest;

namespace {

const std::vector<double> reportedQuantiles = {0.5, 0.9, 0.95, 0.99};

std::vector<double> randomSamples(Rng& rng, std::size_t n)
{
    std::vector<double> values;
    const auto shape = rng.below(4);
    for (std::size_t i = 0; i < n; ++i) {
        switch (shape) {
        case 0: // measured latencies: whole nanoseconds in ms
            values.push_back(double(qint64(1e6 * 300 * std::exp(rng.normal()))) / 1e6);
            break;
        case 1: // any doubles, a few repeated
            values.push_back(rng.uniform() < 0.2 ? 42.0 : 5000 * rng.uniform());
            break;
        case 2: // zeros and heavy tails
            values.push_back(rng.uniform() < 0.15 ? 0.0 : 10 * std::pow(rng.uniform(), -1 / 1.2));
            break;
        default: // cache hits and cold starts
            values.push_back(rng.uniform() < 0.7 ? 50 * std::exp(0.1 * rng.normal())
                                                 : 2000 * std::exp(0.2 * rng.normal()));
        }
    }
    return values;
}

// The same samples as the aggregator may see them: added one by one, merged from parts, merged
// from the parts' stored blobs.
std::vector<QuantileSketch> buildAllWays(Rng& rng, const std::vector<double>& values)
{
    QuantileSketch added;
    for (double v : values)
        added.add(v);
    QuantileSketch merged;
    QuantileSketch fromBlobs;
    std::size_t i = 0;
    while (i < values.size()) {
        const std::size_t end = std::min(values.size(), i + 1 + std::size_t(rng.below(12)));
        QuantileSketch part;
        for (; i < end; ++i)
            part.add(values[i]);
        merged.merge(part);
        if (!fromBlobs.mergeBytes(part.toBytes()))
            qFatal("a sketch's own blob did not merge");
    }
    const std::optional<QuantileSketch> roundTrip = QuantileSketch::fromBytes(added.toBytes());
    if (!roundTrip)
        qFatal("a sketch's own blob did not decode");
    return {added, merged, fromBlobs, *roundTrip};
}

bool sameValue(double a, double b)
{
    return std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b));
}

} // namespace

class TestPercentiles : public QObject
{
    Q_OBJECT
private slots:
    void matchesExactDefinition()
    {
        Rng rng(20261206);
        const std::size_t limit = QuantileSketch::exactLimit;
        for (int round = 0; round < 4; ++round) {
            for (std::size_t n = 1; n <= limit + 12; ++n) {
                std::vector<double> values = randomSamples(rng, n);
                const std::vector<QuantileSketch> sketches = buildAllWays(rng, values);
                std::sort(values.begin(), values.end());
                for (const QuantileSketch& sketch : sketches) {
                    QCOMPARE(sketch.isExact(), n <= limit);
                    for (double q : reportedQuantiles) {
                        const double exact = *RequestMetrics::percentile(values, q);
                        const double answer = *sketch.quantile(q);
                        const bool ok = n <= limit ? sameValue(answer, exact)
                                                   : withinAccuracy(answer, exact, 0.01);
                        if (!ok)
                            QFAIL(qPrintable(QStringLiteral("n=%1 q=%2: exact %3, answer %4")
                                                 .arg(n)
                                                 .arg(q)
                                                 .arg(exact, 0, 'g', 17)
                                                 .arg(answer, 0, 'g', 17)));
                    }
                }
            }
        }
    }

    void orderedAndWithinTheData()
    {
        // P50 >= min, P95 >= P50, P99 >= P95, P99 <= max, and monotonic over every q, exact or
        // sketched, for the summary every view prints.
        Rng rng(7);
        for (std::size_t n = 1; n <= QuantileSketch::exactLimit + 12; ++n) {
            const std::vector<double> values = randomSamples(rng, n);
            for (const QuantileSketch& sketch : buildAllWays(rng, values)) {
                const MetricSummary s = MetricSummary::fromSketch(sketch);
                const double min = *std::min_element(values.begin(), values.end());
                QCOMPARE(s.count, quint64(n));
                QVERIFY2(s.p50 >= min, qPrintable(QString::number(n)));
                QVERIFY2(s.p95 >= s.p50, qPrintable(QString::number(n)));
                QVERIFY2(s.p99 >= s.p95, qPrintable(QString::number(n)));
                QVERIFY2(s.p99 <= s.max, qPrintable(QString::number(n)));
                double previous = -std::numeric_limits<double>::infinity();
                for (int i = 0; i <= 200; ++i) {
                    const double value = *sketch.quantile(i / 200.0);
                    QVERIFY2(value >= previous,
                             qPrintable(QStringLiteral("n=%1 i=%2").arg(n).arg(i)));
                    previous = value;
                }
            }
        }
    }

    void legacyBlobsAreOrdered()
    {
        // A blob of the first format carries no samples: the group falls back to the buckets,
        // still ordered and within the data.
        QuantileSketch reference;
        reference.add(182);
        reference.add(403);
        QByteArray blob = reference.toBytes();
        QCOMPARE(quint8(blob[1]), quint8(2)); // the samples are written
        QuantileSketch withSamples;
        QVERIFY(withSamples.mergeBytes(blob));
        QVERIFY(withSamples.isExact());
        QCOMPARE(*withSamples.quantile(0.95), 182 + 0.95 * 221);

        QuantileSketch big; // over the limit: version 1, as an older AdminChat wrote every blob
        for (int i = 0; i < 200; ++i)
            big.add(100 + i);
        const QByteArray legacy = big.toBytes();
        QCOMPARE(quint8(legacy[1]), quint8(1));
        QuantileSketch group;
        group.add(182);
        QVERIFY(group.mergeBytes(legacy));
        QVERIFY(!group.isExact());
        const MetricSummary s = MetricSummary::fromSketch(group);
        QVERIFY(s.p50 >= 100 && s.p95 >= s.p50 && s.p99 >= s.p95 && s.p99 <= s.max);
    }

    void hostileSampleSectionsRejected()
    {
        QuantileSketch sketch;
        sketch.add(2.5);
        sketch.add(0.1 + 0.2); // not a whole number of nanoseconds: stored as a double
        sketch.add(7.25);
        const QByteArray good = sketch.toBytes();
        QVERIFY(QuantileSketch::fromBytes(good).has_value());
        // Every single-byte change of the sample section either decodes to a sketch whose
        // quantiles stay within its own min and max, or is rejected.
        for (qsizetype i = 2; i < good.size(); ++i) {
            for (int delta : {1, 0x40, 0x80}) {
                QByteArray bad = good;
                bad[i] = char(quint8(bad[i]) + delta);
                const std::optional<QuantileSketch> parsed = QuantileSketch::fromBytes(bad);
                QuantileSketch merged;
                const bool mergedOk = merged.mergeBytes(bad);
                if (!parsed) {
                    QVERIFY(!mergedOk);
                    continue;
                }
                QCOMPARE(mergedOk,
                         parsed->relativeAccuracy() == QuantileSketch::defaultRelativeAccuracy);
                const MetricSummary s = MetricSummary::fromSketch(*parsed);
                QVERIFY(s.p50 >= parsed->min() && s.p99 >= s.p95 && s.p99 <= s.max);
            }
        }
        QVERIFY(!QuantileSketch::fromBytes(good.left(good.size() - 1)));
    }

    void aggregatorTwoRequests()
    {
        // The report behind the dashboard tiles, tables, CSV summary and `metrics summary`.
        using namespace aggregatortest;
        std::vector<MetricsRecord> records = {record(2 * minute, 182), record(minute, 403)};
        QuantileSketch gaps[2];
        std::vector<double> allGaps;
        Rng rng(11);
        for (int r = 0; r < 2; ++r) {
            for (int i = 0; i < 40; ++i) {
                const double gap = double(qint64(2e7 + 1e7 * rng.uniform())) / 1e6;
                gaps[r].add(gap);
                allGaps.push_back(gap);
            }
            records[std::size_t(r)].itlSketch = gaps[r].toBytes();
        }
        std::sort(allGaps.begin(), allGaps.end());
        const AggregateReport report =
            MetricsAggregator::aggregate(records, MetricsFilter(), aggregatortest::now);
        for (const GroupStats* g :
             {&report.total, &report.byModel.at(0), &report.byEndpoint.at(0)}) {
            QCOMPARE(g->ttft.count, quint64(2));
            QCOMPARE(g->ttft.p50, 292.5);
            QCOMPARE(g->ttft.p95, 182 + 0.95 * 221);
            QCOMPARE(g->ttft.p99, 182 + 0.99 * 221);
            QCOMPARE(g->ttft.max, 403.0);
            QCOMPARE(g->itl.count, quint64(80));
            QVERIFY(sameValue(g->itl.p95, *RequestMetrics::percentile(allGaps, 0.95)));
            QVERIFY(sameValue(g->itl.p99, *RequestMetrics::percentile(allGaps, 0.99)));
        }
        // The timeline's slices answer the same way.
        double sliceMax = 0;
        for (const TimeBucket& bucket : report.timeline) {
            if (bucket.ttft.count > 0) {
                QVERIFY(bucket.ttft.p99 <= bucket.ttft.max);
                sliceMax = std::max(sliceMax, bucket.ttft.max);
            }
        }
        QCOMPARE(sliceMax, 403.0);
    }
};

QTEST_GUILESS_MAIN(TestPercentiles)
#include "tst_percentiles.moc"

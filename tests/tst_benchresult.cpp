#include "bench/BenchResult.h"
#include "bench/DistributionStats.h"
#include "metrics/RequestMetrics.h"
#include "net/RequestTrace.h"

#include <QJsonArray>
#include <QtTest>
#include <cmath>

using namespace adminchat;

namespace {

RequestMetrics completed(double ttft, std::vector<double> gaps, qint64 tokens, double e2e)
{
    RequestMetrics m;
    m.ttftMs = ttft;
    m.ttfatMs = ttft;
    m.e2eMs = e2e;
    m.itlMs = std::move(gaps);
    m.meanItlMs = 10.0 * double(tokens);
    m.tpotMs = (e2e - ttft) / double(tokens - 1);
    m.outputTokens = tokens;
    m.tokensPerSecond = double(tokens) / (e2e / 1000.0);
    m.category = ttft < 500 ? LatencyCategory::Excellent : LatencyCategory::Good;
    return m;
}

RequestTrace failedTrace(ApiError::Kind kind)
{
    RequestTrace trace;
    trace.error = ApiError{kind, QStringLiteral("failed")};
    return trace;
}

RequestMetrics failedMetrics(LatencyCategory category, double ttft)
{
    RequestMetrics m;
    m.category = category;
    m.ttftMs = ttft; // a fast failure must not count among the latencies
    m.outputTokens = 4;
    return m;
}

} // namespace

class TestBenchResult : public QObject
{
    Q_OBJECT
private slots:
    void distributionMatchesNumpy()
    {
        // numpy.percentile([1..10], q) with the default linear method.
        const DistributionStats s = DistributionStats::of({10, 3, 1, 2, 4, 5, 6, 7, 8, 9});
        QCOMPARE(s.count, 10);
        QCOMPARE(*s.mean, 5.5);
        QCOMPARE(*s.p50, 5.5);
        QVERIFY(qFuzzyCompare(*s.p90, 9.1));
        QVERIFY(qFuzzyCompare(*s.p95, 9.55));
        QVERIFY(qFuzzyCompare(*s.p99, 9.91));
        QCOMPARE(*s.max, 10.0);
    }

    void distributionOfNothing()
    {
        const DistributionStats s = DistributionStats::of({std::nan(""), INFINITY});
        QCOMPARE(s.count, 0);
        QVERIFY(!s.mean && !s.p50 && !s.p99 && !s.max);
        const QJsonObject json = s.toJson();
        QCOMPARE(json.value(QStringLiteral("count")).toInt(), 0);
        QVERIFY(json.value(QStringLiteral("p50")).isNull());
    }

    void foldsRequests()
    {
        BenchResult result;
        result.add(RequestTrace{}, completed(100, {10, 20}, 3, 1000));
        result.add(RequestTrace{}, completed(300, {30}, 2, 500));
        result.add(failedTrace(ApiError::Kind::Http), failedMetrics(LatencyCategory::Error, 5));
        result.add(failedTrace(ApiError::Kind::CutOff), failedMetrics(LatencyCategory::Error, 5));
        result.add(failedTrace(ApiError::Kind::Http), failedMetrics(LatencyCategory::Error, 5));
        result.add(failedTrace(ApiError::Kind::Cancelled),
                   failedMetrics(LatencyCategory::Cancelled, 5));
        result.setMeasuredSeconds(2.0);
        result.setMaxInFlight(4);

        QCOMPARE(result.requests(), 6);
        QCOMPARE(result.completed(), 2);
        QCOMPARE(result.errors(), 3);
        QCOMPARE(result.cancelled(), 1);
        QCOMPARE(result.outputTokens(), 5); // completed requests only
        QCOMPARE(result.requestThroughput(), 1.0);
        QCOMPARE(result.outputTokenThroughput(), 2.5);
        QCOMPARE(result.errorsByKind().value(QStringLiteral("http")), 2);
        QCOMPARE(result.errorsByKind().value(QStringLiteral("cut_off")), 1);
        QCOMPARE(result.errorsByKind().size(), 2);
        QCOMPARE(result.categories().value(QStringLiteral("excellent")), 2);
        QCOMPARE(result.categories().value(QStringLiteral("error")), 3);
        QCOMPARE(result.categories().value(QStringLiteral("cancelled")), 1);

        const DistributionStats ttft = result.stats(BenchResult::Metric::Ttft);
        QCOMPARE(ttft.count, 2);
        QCOMPARE(*ttft.mean, 200.0);
        QCOMPARE(*ttft.max, 300.0);
        const DistributionStats itl = result.stats(BenchResult::Metric::Itl);
        QCOMPARE(itl.count, 3); // every gap of every completed request
        QCOMPARE(*itl.p50, 20.0);
        QCOMPARE(result.stats(BenchResult::Metric::E2e).count, 2);
        QCOMPARE(*result.stats(BenchResult::Metric::Tpot).max, 450.0); // (1000-100)/2
        QVERIFY(result.liveTtftQuantile(0.5));
        QVERIFY(std::abs(*result.liveTtftQuantile(1.0) - 300.0) <= 3.0); // sketch: 1 %
    }

    void json()
    {
        BenchResult result;
        result.add(RequestTrace{}, completed(100, {10, 20}, 3, 1000));
        result.add(failedTrace(ApiError::Kind::Http), failedMetrics(LatencyCategory::Error, 5));
        result.setMeasuredSeconds(0.5);
        result.setMaxInFlight(2);
        const QJsonObject json = result.toJson();
        QCOMPARE(json.value(QStringLiteral("requests")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("completed")).toInt(), 1);
        QCOMPARE(json.value(QStringLiteral("errors")).toInt(), 1);
        QCOMPARE(json.value(QStringLiteral("max_in_flight")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("request_throughput")).toDouble(), 2.0);
        QCOMPARE(json.value(QStringLiteral("output_token_throughput")).toDouble(), 6.0);
        QCOMPARE(json.value(QStringLiteral("errors_by_kind"))
                     .toObject()
                     .value(QStringLiteral("http"))
                     .toInt(),
                 1);
        for (BenchResult::Metric metric : BenchResult::metrics()) {
            const QJsonObject stats = json.value(BenchResult::metricKey(metric)).toObject();
            QVERIFY2(stats.contains(QStringLiteral("p99")),
                     qPrintable(BenchResult::metricKey(metric)));
            QCOMPARE(stats.value(QStringLiteral("count")).toInt() > 0, true);
        }
        QCOMPARE(json.value(QStringLiteral("ttft_ms"))
                     .toObject()
                     .value(QStringLiteral("p50"))
                     .toDouble(),
                 100.0);
    }
};

QTEST_GUILESS_MAIN(TestBenchResult)
#include "tst_benchresult.moc"

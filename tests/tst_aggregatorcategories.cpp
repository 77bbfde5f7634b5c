// The latency categories of aggregated records: the default TTFT rule, other metrics and
// thresholds, one record at a time, and answers without output judged on E2E.
#include "AggregatorTestData.h"
#include "metrics/MetricsAggregator.h"
#include "metrics/RequestMetrics.h"
#include "net/RequestTrace.h"

#include <QTest>

using namespace adminchat;
using namespace aggregatortest;

class TestAggregatorCategories : public QObject
{
    Q_OBJECT
private slots:
    void categoriesDefaultRule()
    {
        std::vector<MetricsRecord> records;
        for (double ttft : {100.0, 499.0, 500.0, 999.0, 1000.0, 2999.0, 3000.0, 10000.0})
            records.push_back(record(minute, ttft));
        records.push_back(failed(minute));
        // An answer without output is judged on its E2E (1300 ms: acceptable); one without
        // either figure is not counted.
        MetricsRecord noTtft = record(minute);
        noTtft.ttftMs.reset();
        records.push_back(noTtft);
        noTtft.e2eMs.reset();
        records.push_back(noTtft);
        const AggregateReport report = MetricsAggregator::aggregate(records, {}, now);
        QCOMPARE(report.total.categories, (std::array<quint64, 4>{2, 2, 3, 2}));
    }

    void categoriesE2eRuleAndThresholds()
    {
        std::vector<MetricsRecord> records;
        for (double e2e : {50.0, 150.0, 250.0, 350.0, 5000.0}) {
            MetricsRecord r = record(minute, 10); // TTFT would say "excellent" for all
            r.e2eMs = e2e;
            records.push_back(r);
        }
        MetricsAggregator::Options options;
        options.categoryRule.metric = CategoryMetric::E2e;
        options.categoryRule.thresholds = {100, 200, 300};
        const AggregateReport report = MetricsAggregator::aggregate(records, {}, now, options);
        QCOMPARE(report.total.categories, (std::array<quint64, 4>{1, 1, 1, 2}));
    }

    void categorizeOneRecord()
    {
        CategoryRule rule;
        using Category = std::optional<LatencyCategory>;
        QCOMPARE(MetricsAggregator::categorize(record(0, 700), rule),
                 Category(LatencyCategory::Good));
        QCOMPARE(MetricsAggregator::categorize(failed(0), rule), Category(LatencyCategory::Error));
        MetricsRecord cancelled = record(0);
        cancelled.status = RequestStatus::Cancelled;
        QCOMPARE(MetricsAggregator::categorize(cancelled, rule),
                 Category(LatencyCategory::Cancelled));
        rule.metric = CategoryMetric::Ttfat;
        MetricsRecord reasoning = record(0, 400);
        reasoning.ttfatMs = 4000;
        QCOMPARE(MetricsAggregator::categorize(reasoning, rule), Category(LatencyCategory::Slow));
        reasoning.ttfatMs.reset(); // falls back to E2E (1400 ms)
        QCOMPARE(MetricsAggregator::categorize(reasoning, rule),
                 Category(LatencyCategory::Acceptable));
        reasoning.e2eMs.reset();
        QVERIFY(!MetricsAggregator::categorize(reasoning, rule).has_value());
    }

    void answerWithoutOutputJudgedOnE2e()
    {
        // A stream that ended without any output piece: no TTFT or TTFAT, only an E2E. The
        // aggregator must judge it as RequestMetrics::fromTrace labelled it when recorded.
        RequestTrace trace;
        trace.startedUtc = now.addSecs(-60);
        trace.endpoint = endpointA;
        trace.requestedModel = trace.model = QStringLiteral("m1");
        trace.httpStatus = 200;
        trace.finishReason = QStringLiteral("stop");
        trace.endNs = 2'000'000'000; // 2 s
        for (const CategoryMetric metric :
             {CategoryMetric::Ttft, CategoryMetric::Ttfat, CategoryMetric::E2e}) {
            CategoryRule rule;
            rule.metric = metric;
            const RequestMetrics metrics = RequestMetrics::fromTrace(trace, rule);
            QCOMPARE(metrics.category, LatencyCategory::Acceptable);
            const MetricsRecord r = MetricsRecord::fromTrace(trace, metrics);
            QVERIFY(!r.ttftMs && !r.ttfatMs);
            QCOMPARE(MetricsAggregator::categorize(r, rule),
                     std::optional<LatencyCategory>(metrics.category));

            MetricsAggregator::Options options;
            options.categoryRule = rule;
            const AggregateReport report = MetricsAggregator::aggregate({r}, {}, now, options);
            QCOMPARE(report.total.categories, (std::array<quint64, 4>{0, 0, 1, 0}));
        }
    }
};

QTEST_GUILESS_MAIN(TestAggregatorCategories)
#include "tst_aggregatorcategories.moc"

// MetricsAggregator over hand-built records with explicit start times and a fixed "now".
#include "AggregatorTestData.h"
#include "metrics/MetricsAggregator.h"
#include "metrics/MetricsCsv.h"
#include "metrics/ReportJson.h"
#include "metrics/RequestMetrics.h"
#include "net/RequestTrace.h"

#include <QTest>
#include <algorithm>
#include <random>

using namespace adminchat;
using namespace aggregatortest;

namespace {

MetricsFilter window(MetricsFilter::Window w)
{
    MetricsFilter filter;
    filter.window = w;
    return filter;
}

// The exact q-quantile (linear interpolation between closest ranks) that the report gives for
// few samples and approximates within 1 % above QuantileSketch::exactLimit.
double exactPercentile(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    return *RequestMetrics::percentile(values, q);
}

bool withinSketchError(double actual, double exact)
{
    return std::abs(actual - exact) <= 0.01 * exact + 1e-9;
}

} // namespace

class TestMetricsAggregator : public QObject
{
    Q_OBJECT
private slots:
    void windowSelection_data()
    {
        QTest::addColumn<int>("window");
        QTest::addColumn<quint64>("expected");
        QTest::newRow("5m") << int(MetricsFilter::Window::Last5Minutes) << quint64(2);
        QTest::newRow("1h") << int(MetricsFilter::Window::LastHour) << quint64(3);
        QTest::newRow("24h") << int(MetricsFilter::Window::Last24Hours) << quint64(4);
        QTest::newRow("all") << int(MetricsFilter::Window::All) << quint64(5);
    }

    void windowSelection()
    {
        QFETCH(int, window);
        QFETCH(quint64, expected);
        // now - 5 min exactly is inside the 5-minute window; a record after now never counts.
        const std::vector<MetricsRecord> records = {record(1 * minute),  record(5 * minute),
                                                    record(30 * minute), record(3 * hour),
                                                    record(48 * hour),   record(-1 * minute)};
        const MetricsFilter filter = ::window(MetricsFilter::Window(window));
        const AggregateReport report = MetricsAggregator::aggregate(records, filter, now);
        QCOMPARE(report.total.started, expected);
        QCOMPARE(report.to, now);
        QCOMPARE(report.from, filter.start(now));
        QCOMPARE(report.from.isValid(), filter.window != MetricsFilter::Window::All);
    }

    void sinceOverridesWindow()
    {
        const std::vector<MetricsRecord> records = {record(1 * minute), record(30 * minute),
                                                    record(3 * hour)};
        MetricsFilter filter = window(MetricsFilter::Window::Last5Minutes);
        filter.since = now.addSecs(-45 * 60);
        const AggregateReport report = MetricsAggregator::aggregate(records, filter, now);
        QCOMPARE(report.total.started, quint64(2));
        QCOMPARE(report.from, filter.since);
    }

    void labelFilters()
    {
        std::vector<MetricsRecord> records;
        for (const QString& endpoint : {endpointA, endpointB}) {
            for (const char* model : {"m1", "m2"}) {
                MetricsRecord r = record(minute, 300, endpoint, QLatin1String(model));
                records.push_back(r);
                r.variant = QStringLiteral("q4");
                r.tag = QStringLiteral("run-1");
                records.push_back(r);
            }
        }
        MetricsFilter filter;
        filter.endpoint = endpointB;
        QCOMPARE(MetricsAggregator::aggregate(records, filter, now).total.started, quint64(4));
        filter.model = QStringLiteral("m2");
        QCOMPARE(MetricsAggregator::aggregate(records, filter, now).total.started, quint64(2));
        filter.variant = QStringLiteral("q4");
        QCOMPARE(MetricsAggregator::aggregate(records, filter, now).total.started, quint64(1));
        MetricsFilter byTag;
        byTag.tag = QStringLiteral("run-1");
        const AggregateReport tagged = MetricsAggregator::aggregate(records, byTag, now);
        QCOMPARE(tagged.total.started, quint64(4));
        QCOMPARE(tagged.byModel.size(), 4);
        MetricsFilter none;
        none.model = QStringLiteral("nope");
        QCOMPARE(MetricsAggregator::aggregate(records, none, now).total.started, quint64(0));
    }

    void grouping()
    {
        // 1, 2, 3 and 4 records in the four (endpoint, model) groups, interleaved, with label
        // strings that are equal but not shared, so the resolver must compare text.
        std::vector<MetricsRecord> records;
        const int counts[2][2] = {{1, 2}, {3, 4}};
        for (int round = 0; round < 4; ++round) {
            for (int e = 0; e < 2; ++e) {
                for (int m = 0; m < 2; ++m) {
                    if (round >= counts[e][m])
                        continue;
                    MetricsRecord r = record(minute + round * second);
                    const QString& endpoint = e ? endpointB : endpointA;
                    r.endpoint = QString(endpoint.constData(), endpoint.size()); // a deep copy
                    r.model = QStringLiteral("m%1").arg(m + 1);
                    r.tag = QStringLiteral("t%1").arg(round); // tags do not split groups
                    records.push_back(r);
                }
            }
        }
        const AggregateReport report = MetricsAggregator::aggregate(records, {}, now);
        QCOMPARE(report.byModel.size(), 4);
        QCOMPARE(report.byEndpoint.size(), 2);
        QCOMPARE(report.total.started, quint64(10));
        QCOMPARE(report.total.ttft.count, quint64(10));
        QVERIFY(report.total.endpoint.isEmpty() && report.total.model.isEmpty());
        QCOMPARE(findModel(report, endpointA, "m1")->started, quint64(1));
        QCOMPARE(findModel(report, endpointA, "m2")->started, quint64(2));
        QCOMPARE(findModel(report, endpointB, "m1")->started, quint64(3));
        QCOMPARE(findModel(report, endpointB, "m2")->started, quint64(4));
        // Busiest first.
        QCOMPARE(report.byModel.first().started, quint64(4));
        QCOMPARE(report.byEndpoint.first().endpoint, endpointB);
        QCOMPARE(report.byEndpoint.first().started, quint64(7));
        QCOMPARE(report.byEndpoint.first().ttft.count, quint64(7));
        QVERIFY(report.byEndpoint.first().model.isEmpty());
        QCOMPARE(report.byEndpoint.last().started, quint64(3));
        quint64 sum = 0;
        for (const GroupStats& g : report.byModel)
            sum += g.started;
        QCOMPARE(sum, report.total.started);
    }

    void variantsSplitGroups()
    {
        std::vector<MetricsRecord> records = {record(minute), record(minute), record(minute)};
        records[1].variant = QStringLiteral("fp16");
        const AggregateReport report = MetricsAggregator::aggregate(records, {}, now);
        QCOMPARE(report.byModel.size(), 2);
        QCOMPARE(report.byEndpoint.size(), 1);
        QCOMPARE(findModel(report, endpointA, "m1", "fp16")->started, quint64(1));
        QCOMPARE(findModel(report, endpointA, "m1")->started, quint64(2));
    }

    void rates()
    {
        std::vector<MetricsRecord> records(10, record(minute));
        records[0] = failed(minute, ApiError::Kind::Http, 429);
        records[1] = failed(minute);
        records[2].status = RequestStatus::Cancelled;
        records[3].status = RequestStatus::Length;
        records[4].status = RequestStatus::Length;
        records[5].status = RequestStatus::ToolCalls;
        records[6].streamed = false;
        records[7].streamed = false;
        records[8].retries = 2;
        records[1].retries = 1;
        records[3].rating = 1;
        records[4].rating = 1;
        records[5].rating = 1;
        records[6].rating = -1;
        const GroupStats total = MetricsAggregator::aggregate(records, {}, now).total;
        QCOMPARE(total.started, quint64(10));
        QCOMPARE(total.errors, quint64(2));
        QCOMPARE(total.cancelled, quint64(1));
        QCOMPARE(total.completed, quint64(7));
        QCOMPARE(total.lengthFinishes, quint64(2));
        QCOMPARE(total.streamed, quint64(8));
        QCOMPARE(total.retries, quint64(3));
        QCOMPARE(total.rateLimited, quint64(1));
        QCOMPARE(total.ratedUp, quint64(3));
        QCOMPARE(total.ratedDown, quint64(1));
        QCOMPARE(total.errorRate(), 0.2);
        QCOMPARE(total.completionRate(), 0.7);
        QCOMPARE(total.streamedShare(), 0.8);
        QCOMPARE(total.rateLimitedShare(), 0.1);
        QCOMPARE(total.satisfaction(), 0.75);
    }

    void errorKinds()
    {
        const std::vector<MetricsRecord> records = {
            failed(minute, ApiError::Kind::IdleTimeout),
            failed(minute, ApiError::Kind::IdleTimeout), failed(minute, ApiError::Kind::Http),
            record(minute), failed(minute, ApiError::Kind::Connection)};
        const AggregateReport report = MetricsAggregator::aggregate(records, {}, now);
        const QMap<QString, quint64> expected = {
            {"idle_timeout", 2}, {"http", 1}, {"connection", 1}};
        QCOMPARE(report.total.errorKinds, expected);
        QCOMPARE(report.byModel.first().errorKinds, expected);
        QCOMPARE(report.byEndpoint.first().errorKinds, expected);
    }

    void percentilesWithinSketchError()
    {
        std::mt19937 random(42);
        std::lognormal_distribution<double> ttft(std::log(600.0), 0.8);
        std::vector<MetricsRecord> records;
        std::vector<double> values;
        for (int i = 0; i < 5000; ++i) {
            values.push_back(ttft(random));
            records.push_back(record(i * second, values.back(), i % 3 ? endpointA : endpointB));
        }
        const GroupStats total = MetricsAggregator::aggregate(records, {}, now).total;
        QCOMPARE(total.ttft.count, quint64(values.size()));
        QVERIFY(withinSketchError(total.ttft.p50, exactPercentile(values, 0.50)));
        QVERIFY(withinSketchError(total.ttft.p95, exactPercentile(values, 0.95)));
        QVERIFY(withinSketchError(total.ttft.p99, exactPercentile(values, 0.99)));
        QCOMPARE(total.ttft.max, *std::max_element(values.begin(), values.end())); // exact
        double sum = 0;
        for (double v : values)
            sum += v;
        QVERIFY(std::abs(total.ttft.mean - sum / double(values.size())) < 1e-6);
        QCOMPARE(total.e2e.count, quint64(values.size()));
        QCOMPARE(total.tokensPerSecond.p50, 40.0);
    }

    void displayLagAndPredictionAcceptance()
    {
        std::vector<MetricsRecord> records;
        std::vector<double> lags;
        for (int i = 0; i < 200; ++i) {
            MetricsRecord r = record(i * second);
            if (i % 4 == 3) {
                r.status = RequestStatus::Cancelled; // shown text counts whatever the status
            }
            if (i % 5 != 0) { // some records come from outside the window: no figure
                r.displayLagP95Ms = 1.0 + (i * 37) % 150;
                lags.push_back(*r.displayLagP95Ms);
            }
            records.push_back(r);
        }
        MetricsRecord predicted = record(10 * second, 300, endpointA, QStringLiteral("m2"));
        predicted.acceptedPredictionTokens = 30;
        predicted.rejectedPredictionTokens = 0;
        records.push_back(predicted);
        predicted.acceptedPredictionTokens = 0;
        predicted.rejectedPredictionTokens = 10;
        records.push_back(predicted);
        MetricsRecord other = record(10 * second, 300, endpointB, QStringLiteral("m3"));
        other.acceptedPredictionTokens = 5;
        other.rejectedPredictionTokens = 15;
        records.push_back(other);

        const AggregateReport report = MetricsAggregator::aggregate(records, {}, now);
        const GroupStats& total = report.total;
        QCOMPARE(total.displayLag.count, quint64(lags.size()));
        std::sort(lags.begin(), lags.end());
        QVERIFY(withinSketchError(total.displayLag.p95, exactPercentile(lags, 0.95)));
        QCOMPARE(total.displayLag.max, lags.back());
        QCOMPARE(findModel(report, endpointA, QStringLiteral("m1"))->displayLag.count,
                 quint64(lags.size()));
        QCOMPARE(findModel(report, endpointA, QStringLiteral("m2"))->displayLag.count, quint64(0));

        const GroupStats* m1 = findModel(report, endpointA, QStringLiteral("m1"));
        const GroupStats* m2 = findModel(report, endpointA, QStringLiteral("m2"));
        const GroupStats* m3 = findModel(report, endpointB, QStringLiteral("m3"));
        QVERIFY(m1 && m2 && m3);
        QVERIFY(std::isnan(m1->predictionAcceptance())); // none reported
        QCOMPARE(m2->acceptedPredictionTokens, quint64(30));
        QCOMPARE(m2->rejectedPredictionTokens, quint64(10));
        QCOMPARE(m2->predictionAcceptance(), 0.75);
        QCOMPARE(m3->predictionAcceptance(), 0.25);
        QCOMPARE(total.predictionAcceptance(), 35.0 / 60.0);
        QCOMPARE(report.byEndpoint.size(), 2);

        // The summary export and the JSON report carry both.
        const QStringList header = MetricsCsv::summaryHeader();
        const QStringList row = MetricsCsv::summaryRow(*m2);
        QCOMPARE(row.size(), header.size());
        QCOMPARE(row.at(header.indexOf(QStringLiteral("prediction_acceptance_pct"))),
                 QStringLiteral("75.000"));
        QCOMPARE(row.at(header.indexOf(QStringLiteral("display_lag_p95_ms"))), QString());
        const QStringList m1Row = MetricsCsv::summaryRow(*m1);
        QCOMPARE(m1Row.at(header.indexOf(QStringLiteral("prediction_acceptance_pct"))), QString());
        QVERIFY(!m1Row.at(header.indexOf(QStringLiteral("display_lag_p95_ms"))).isEmpty());
        const QJsonObject json = groupStatsToJson(*m3);
        QCOMPARE(json.value(QStringLiteral("prediction_acceptance")).toDouble(), 0.25);
        QCOMPARE(json.value(QStringLiteral("accepted_prediction_tokens")).toInteger(), 5);
        QVERIFY(json.value(QStringLiteral("display_lag_ms"))
                    .toObject()
                    .value(QStringLiteral("p95"))
                    .isNull());
        QCOMPARE(groupStatsToJson(total)
                     .value(QStringLiteral("display_lag_ms"))
                     .toObject()
                     .value(QStringLiteral("count"))
                     .toInteger(),
                 qint64(lags.size()));
    }

    void summaryOfEmptySketch()
    {
        const MetricSummary empty = MetricSummary::fromSketch(QuantileSketch());
        QCOMPARE(empty.count, quint64(0));
        QVERIFY(std::isnan(empty.mean) && std::isnan(empty.p50) && std::isnan(empty.p95) &&
                std::isnan(empty.p99) && std::isnan(empty.max));
        QuantileSketch one;
        one.add(250);
        const MetricSummary single = MetricSummary::fromSketch(one);
        QCOMPARE(single.count, quint64(1));
        QCOMPARE(single.p50, 250.0);
        QCOMPARE(single.p99, 250.0);
        QCOMPARE(single.max, 250.0);
        QCOMPARE(single.mean, 250.0);
    }

    void itlMergedFromBlobs()
    {
        std::vector<double> gaps;
        std::vector<MetricsRecord> records;
        for (int i = 0; i < 4; ++i) {
            QuantileSketch sketch;
            for (int g = 1; g <= 50; ++g) {
                const double gap = 5.0 + i * 10 + g * 0.7;
                sketch.add(gap);
                gaps.push_back(gap);
            }
            records.push_back(record(minute, 300, i % 2 ? endpointA : endpointB));
            records.back().itlSketch = sketch.toBytes();
        }
        QuantileSketch huge;
        huge.add(99999);
        records.push_back(failed(minute)); // errors' gaps stay out
        records.back().itlSketch = huge.toBytes();
        records.push_back(record(minute));
        records.back().itlSketch = QByteArray("not a sketch");
        // Skipped whole: a truncated blob, and one of another accuracy (merge() refuses it).
        records.push_back(record(minute));
        records.back().itlSketch = huge.toBytes().chopped(1);
        QuantileSketch coarse(0.05);
        coarse.add(99999);
        records.push_back(record(minute));
        records.back().itlSketch = coarse.toBytes();
        const AggregateReport report = MetricsAggregator::aggregate(records, {}, now);
        QCOMPARE(report.total.itl.count, quint64(gaps.size()));
        QCOMPARE(report.total.itl.max, *std::max_element(gaps.begin(), gaps.end()));
        QVERIFY(withinSketchError(report.total.itl.p50, exactPercentile(gaps, 0.5)));
        QVERIFY(withinSketchError(report.total.itl.p95, exactPercentile(gaps, 0.95)));
        QCOMPARE(report.byEndpoint[0].itl.count + report.byEndpoint[1].itl.count,
                 quint64(gaps.size()));
    }

    void errorsAndCancelsExcludedFromLatency()
    {
        std::vector<MetricsRecord> records;
        for (int i = 0; i < 5; ++i) {
            records.push_back(record(minute, 1000));
            records.push_back(failed(minute)); // a fast 500: TTFT 20 ms
            MetricsRecord cancelled = record(minute, 5);
            cancelled.status = RequestStatus::Cancelled;
            records.push_back(cancelled);
        }
        const GroupStats total = MetricsAggregator::aggregate(records, {}, now).total;
        QCOMPARE(total.started, quint64(15));
        QCOMPARE(total.ttft.count, quint64(5));
        QCOMPARE(total.ttft.p50, 1000.0);
        QCOMPARE(total.ttfat.count, quint64(5));
        QCOMPARE(total.e2e.count, quint64(5));
        QCOMPARE(total.e2e.max, 2000.0);
        QCOMPARE(total.tokensPerSecond.count, quint64(5));
    }

    void repeatedPrompts()
    {
        const auto withPrompt = [](const QString& endpoint, const char* model, const char* hash) {
            MetricsRecord r = record(minute, 300, endpoint, QLatin1String(model));
            r.promptHash = QLatin1String(hash);
            return r;
        };
        MetricsRecord old = withPrompt(endpointB, "m9", "bb");
        old.startedUtc = now.addDays(-3); // outside the window: never "seen"
        const std::vector<MetricsRecord> records = {
            old,
            withPrompt(endpointA, "m1", "aa"),
            withPrompt(endpointA, "m1", "aa"), // group repeat
            withPrompt(endpointA, "m2", "aa"),
            withPrompt(endpointA, "m2", "aa"), // new in m2
            withPrompt(endpointB, "m1", "aa"),
            withPrompt(endpointB, "m1", "bb"),
            withPrompt(endpointB, "m1", ""),
            withPrompt(endpointB, "m1", "")};
        const AggregateReport report =
            MetricsAggregator::aggregate(records, window(MetricsFilter::Window::LastHour), now);
        QCOMPARE(report.total.repeatedPrompts, quint64(4));
        QCOMPARE(findModel(report, endpointA, "m1")->repeatedPrompts, quint64(1));
        QCOMPARE(findModel(report, endpointA, "m2")->repeatedPrompts, quint64(1));
        QCOMPARE(findModel(report, endpointB, "m1")->repeatedPrompts, quint64(0));
        for (const GroupStats& g : report.byEndpoint)
            QCOMPARE(g.repeatedPrompts, quint64(g.endpoint == endpointA ? 3 : 0));
    }

    void longPrompts()
    {
        const auto prompt = [](std::optional<qint64> tokens, qint64 chars, double ttft) {
            MetricsRecord r = record(minute, ttft);
            r.promptTokens = tokens;
            r.promptChars = chars;
            return r;
        };
        std::vector<MetricsRecord> records = {
            prompt(5000, 100, 2500),           // long by tokens
            prompt(4000, 90000, 100),          // tokens decide: not long
            prompt(std::nullopt, 20000, 3500), // long by characters
            prompt(std::nullopt, 16000, 100),  // not long
        };
        records.push_back(failed(minute));
        records.back().promptTokens = 9000; // long, but no TTFT sample
        const GroupStats total = MetricsAggregator::aggregate(records, {}, now).total;
        QCOMPARE(total.longPrompts, quint64(3));
        QCOMPARE(total.longPromptTtft.count(), quint64(2));
        QCOMPARE(total.longPromptTtft.max(), 3500.0);
        QCOMPARE(total.longPromptTtft.min(), 2500.0);
    }

    void timelineOfBoundedWindow()
    {
        // 1 h in 60 slices of one minute; slice i starts at now - 60 min + i min.
        std::vector<MetricsRecord> records = {
            record(59 * minute + 30 * second, 100), record(59 * minute + 10 * second, 300),
            record(30 * second, 900), failed(10 * second), record(0, 700)};
        records.push_back(record(2 * hour)); // outside
        const AggregateReport report =
            MetricsAggregator::aggregate(records, window(MetricsFilter::Window::LastHour), now);
        QCOMPARE(report.timeline.size(), 60);
        QCOMPARE(report.timeline.first().start, now.addSecs(-3600));
        QCOMPARE(report.timeline[1].start, now.addSecs(-3540));
        QCOMPARE(report.timeline.first().started, quint64(2));
        QCOMPARE(report.timeline.first().ttft.count, quint64(2));
        QCOMPARE(report.timeline.first().ttft.max, 300.0);
        QCOMPARE(report.timeline.last().started, quint64(3)); // the one at now included
        QCOMPARE(report.timeline.last().errors, quint64(1));
        QCOMPARE(report.timeline.last().ttft.count, quint64(2)); // not the error
        QCOMPARE(report.timeline.last().e2e.max, 1900.0);
        quint64 started = 0;
        for (const TimeBucket& bucket : report.timeline)
            started += bucket.started;
        QCOMPARE(started, report.total.started);
    }

    void timelineOfAllStartsAtFirstRecord()
    {
        // Out of order on purpose: the earliest record opens the timeline.
        const std::vector<MetricsRecord> records = {record(2 * hour), record(10 * hour),
                                                    record(minute), record(5 * hour)};
        MetricsAggregator::Options options;
        options.timelineBuckets = 10; // one hour each
        const AggregateReport report = MetricsAggregator::aggregate(records, {}, now, options);
        QCOMPARE(report.timeline.size(), 10);
        QCOMPARE(report.timeline.first().start, now.addSecs(-10 * 3600));
        QCOMPARE(report.timeline[5].start, now.addSecs(-5 * 3600));
        QCOMPARE(report.timeline[0].started, quint64(1));
        QCOMPARE(report.timeline[5].started, quint64(1));
        QCOMPARE(report.timeline[8].started, quint64(1));
        QCOMPARE(report.timeline[9].started, quint64(1));
        options.timelineBuckets = 0;
        QVERIFY(MetricsAggregator::aggregate(records, {}, now, options).timeline.isEmpty());
    }

    void emptyInput()
    {
        const AggregateReport all = MetricsAggregator::aggregate({}, {}, now);
        QCOMPARE(all.total.started, quint64(0));
        QVERIFY(all.byModel.isEmpty());
        QVERIFY(all.byEndpoint.isEmpty());
        QVERIFY(all.timeline.isEmpty()); // no first record to start from
        QVERIFY(std::isnan(all.total.ttft.p95));
        QVERIFY(std::isnan(all.total.satisfaction()));
        QCOMPARE(all.total.errorRate(), 0.0);
        const AggregateReport hourly =
            MetricsAggregator::aggregate({}, window(MetricsFilter::Window::LastHour), now);
        QCOMPARE(hourly.timeline.size(), 60);
        QCOMPARE(hourly.timeline.first().started, quint64(0));
        QVERIFY(std::isnan(hourly.timeline.first().ttft.p50));
    }
};

QTEST_GUILESS_MAIN(TestMetricsAggregator)
#include "tst_metricsaggregator.moc"

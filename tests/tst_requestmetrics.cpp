// Metric arithmetic on hand-built traces with known timestamps.
#include "metrics/RequestMetrics.h"
#include "metrics/TraceJson.h"
#include "net/RequestTrace.h"

#include <QJsonObject>
#include <QTest>

using namespace adminchat;

namespace {

constexpr qint64 ms = 1'000'000; // ns per ms

RequestTrace traceWithEvents(std::vector<qint64> eventsMs, qint64 endMs)
{
    RequestTrace trace;
    for (qint64 t : eventsMs)
        trace.outputEventNs.push_back(t * ms);
    if (!trace.outputEventNs.empty())
        trace.firstOutputNs = trace.firstContentNs = trace.outputEventNs.front();
    trace.endNs = endMs * ms;
    trace.finishReason = QStringLiteral("stop");
    trace.httpStatus = 200;
    return trace;
}

} // namespace

class TestRequestMetrics : public QObject
{
    Q_OBJECT
private slots:
    void definitionsWithEstimatedTokens()
    {
        // Events at 400, 410, 430, 460 ms; [DONE] at 500 ms; no usage.
        const RequestMetrics m =
            RequestMetrics::fromTrace(traceWithEvents({400, 410, 430, 460}, 500));
        QCOMPARE(*m.ttftMs, 400.0);
        QCOMPARE(*m.ttfatMs, 400.0);
        QCOMPARE(*m.e2eMs, 500.0);
        QCOMPARE(m.itlMs, (std::vector<double>{10, 20, 30}));
        QCOMPARE(m.outputTokens, 4);
        QVERIFY(m.outputTokensEstimated);
        QCOMPARE(*m.meanItlMs, 20.0);               // (460 - 400) / (4 - 1)
        QCOMPARE(*m.tpotMs, (500.0 - 400.0) / 3.0); // (E2E - TTFT) / (4 - 1)
        QCOMPARE(*m.tokensPerSecond, 8.0);          // 4 tokens / 0.5 s
        QCOMPARE(*m.itlP50Ms, 20.0);
        QCOMPARE(*m.itlMaxMs, 30.0);
        QCOMPARE(*m.itlP95Ms, 29.0); // 20 + 0.9 * 10: linear interpolation
        QCOMPARE(m.category, LatencyCategory::Excellent);
    }

    void usageTokensOverrideEventCount()
    {
        // A server that batches several tokens per event: usage says 9 tokens in 4 events.
        RequestTrace trace = traceWithEvents({1000, 1020, 1040, 1060}, 1100);
        trace.usage = QJsonObject{{"prompt_tokens", 12}, {"completion_tokens", 9}};
        const RequestMetrics m = RequestMetrics::fromTrace(trace);
        QCOMPARE(m.outputTokens, 9);
        QVERIFY(!m.outputTokensEstimated);
        QCOMPARE(*m.promptTokens, 12);
        QCOMPARE(*m.meanItlMs, 60.0 / 8.0);
        QCOMPARE(*m.tpotMs, 100.0 / 8.0);
        QCOMPARE(*m.tokensPerSecond, 9.0 / 1.1);
        QCOMPARE(m.category, LatencyCategory::Acceptable); // TTFT exactly 1 s
    }

    void reasoningFirst()
    {
        RequestTrace trace = traceWithEvents({300, 350, 700, 720}, 800);
        trace.firstContentNs = 700 * ms; // the first two events were reasoning
        const RequestMetrics m = RequestMetrics::fromTrace(trace);
        QCOMPARE(*m.ttftMs, 300.0);
        QCOMPARE(*m.ttfatMs, 700.0);
    }

    void singleTokenHasNoGaps()
    {
        const RequestMetrics m = RequestMetrics::fromTrace(traceWithEvents({250}, 260));
        QVERIFY(m.itlMs.empty());
        QVERIFY(!m.meanItlMs && !m.tpotMs && !m.itlP50Ms);
        QCOMPARE(m.outputTokens, 1);
        QVERIFY(m.tokensPerSecond.has_value());
    }

    void categoryBoundaries_data()
    {
        QTest::addColumn<double>("ttft");
        QTest::addColumn<int>("category");
        QTest::newRow("0") << 0.0 << int(LatencyCategory::Excellent);
        QTest::newRow("499.9") << 499.9 << int(LatencyCategory::Excellent);
        QTest::newRow("500") << 500.0 << int(LatencyCategory::Good);
        QTest::newRow("999") << 999.0 << int(LatencyCategory::Good);
        QTest::newRow("1000") << 1000.0 << int(LatencyCategory::Acceptable);
        QTest::newRow("2999") << 2999.0 << int(LatencyCategory::Acceptable);
        QTest::newRow("3000") << 3000.0 << int(LatencyCategory::Slow);
        QTest::newRow("60000") << 60000.0 << int(LatencyCategory::Slow);
    }

    void categoryBoundaries()
    {
        QFETCH(double, ttft);
        QFETCH(int, category);
        QCOMPARE(int(CategoryThresholds{}.categorize(ttft)), category);
        QCOMPARE(categoryFromName(categoryName(LatencyCategory(category))),
                 LatencyCategory(category));
    }

    void errorsAndCancellationsAreApart()
    {
        RequestTrace trace = traceWithEvents({100, 120}, 130);
        trace.error = ApiError{ApiError::Kind::CutOff, QStringLiteral("cut")};
        QCOMPARE(RequestMetrics::fromTrace(trace).category, LatencyCategory::Error);
        trace.error = ApiError{ApiError::Kind::Cancelled, QStringLiteral("stop")};
        const RequestMetrics m = RequestMetrics::fromTrace(trace);
        QCOMPARE(m.category, LatencyCategory::Cancelled);
        QCOMPARE(*m.ttftMs, 100.0); // what was measured before the end still counts
    }

    void emptyAnswerIsJudgedOnE2e()
    {
        const RequestMetrics m = RequestMetrics::fromTrace(traceWithEvents({}, 1500));
        QVERIFY(!m.ttftMs);
        QCOMPARE(m.outputTokens, 0);
        QCOMPARE(m.category, LatencyCategory::Acceptable);
    }

    void percentileMatchesNumpy()
    {
        const std::vector<double> values{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        QCOMPARE(*RequestMetrics::percentile(values, 0.5), 5.5);
        QCOMPARE(*RequestMetrics::percentile(values, 0.95), 9.55);
        QCOMPARE(*RequestMetrics::percentile(values, 0.99), 9.91);
        QCOMPARE(*RequestMetrics::percentile(values, 0.0), 1.0);
        QCOMPARE(*RequestMetrics::percentile(values, 1.0), 10.0);
        QVERIFY(!RequestMetrics::percentile({}, 0.5));
    }

    void jsonSummary()
    {
        RequestTrace trace = traceWithEvents({400, 410, 430, 460}, 500);
        trace.text = QStringLiteral("four");
        trace.model = QStringLiteral("m");
        const QJsonObject json = traceToJson(trace, RequestMetrics::fromTrace(trace));
        QCOMPARE(json.value("ttft_ms").toDouble(), 400.0);
        QCOMPARE(json.value("e2e_ms").toDouble(), 500.0);
        QCOMPARE(json.value("itl_ms").toObject().value("mean").toDouble(), 20.0);
        QCOMPARE(json.value("itl_ms").toObject().value("max").toDouble(), 30.0);
        QCOMPARE(json.value("tpot_ms").toDouble(), 33.333);
        QCOMPARE(json.value("output_tokens").toInt(), 4);
        QCOMPARE(json.value("output_tokens_estimated").toBool(), true);
        QCOMPARE(json.value("category").toString(), QStringLiteral("excellent"));
        QVERIFY(json.value("usage").isNull());
        QVERIFY(json.value("error").isNull());
        QCOMPARE(json.value("finish_reason").toString(), QStringLiteral("stop"));
        for (const char* key : {"text", "reasoning", "tool_calls", "model", "ttfat_ms",
                                "tokens_per_s", "http_status", "retries"})
            QVERIFY2(json.contains(QLatin1String(key)), key);

        trace.error = ApiError{ApiError::Kind::IdleTimeout, QStringLiteral("idle timeout: x")};
        const QJsonObject failed = traceToJson(trace, RequestMetrics::fromTrace(trace));
        QCOMPARE(failed.value("error").toObject().value("kind").toString(),
                 QStringLiteral("idle_timeout"));
        QCOMPARE(failed.value("text").toString(), QStringLiteral("four"));
    }
};

QTEST_GUILESS_MAIN(TestRequestMetrics)
#include "tst_requestmetrics.moc"

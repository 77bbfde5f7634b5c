// MetricsRecord::fromTrace mapping and the MetricsFilter rules, on hand-built traces.
#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"
#include "metrics/QuantileSketch.h"
#include "metrics/RequestMetrics.h"
#include "net/RequestTrace.h"

#include <QJsonDocument>
#include <QTest>

using namespace adminchat;

namespace {

RequestTrace sampleTrace()
{
    RequestTrace trace;
    trace.startedUtc = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9, 123), Qt::UTC);
    trace.endpoint = QStringLiteral("http://localhost:8000/v1");
    trace.requestedModel = QStringLiteral("llama");
    trace.model = QStringLiteral("llama-3.1-8b-instruct");
    trace.promptHash = QStringLiteral("ab12cd34");
    trace.promptChars = 321;
    trace.streamed = true;
    trace.httpStatus = 200;
    trace.retries = 2;
    trace.finishReason = QStringLiteral("stop");
    return trace;
}

RequestMetrics sampleMetrics()
{
    RequestMetrics m;
    m.ttftMs = 410.5;
    m.ttfatMs = 420.25;
    m.e2eMs = 1500;
    m.itlMs = {10, 20, 30, 40};
    m.meanItlMs = 25;
    m.itlP50Ms = 25;
    m.itlP95Ms = 38.5;
    m.itlP99Ms = 39.7;
    m.itlMaxMs = 40;
    m.tpotMs = 21.8;
    m.outputTokens = 51;
    m.outputTokensEstimated = false;
    m.promptTokens = 17;
    m.tokensPerSecond = 34;
    m.category = LatencyCategory::Excellent;
    return m;
}

} // namespace

class TestMetricsRecord : public QObject
{
    Q_OBJECT
private slots:
    void copiesEveryField()
    {
        const RequestTrace trace = sampleTrace();
        const RequestMetrics m = sampleMetrics();
        const MetricsRecord r =
            MetricsRecord::fromTrace(trace, m, QStringLiteral("work"), QStringLiteral("B"));
        QCOMPARE(r.id, 0);
        QCOMPARE(r.startedUtc, trace.startedUtc);
        QCOMPARE(r.endpoint, trace.endpoint);
        QCOMPARE(r.profile, QStringLiteral("work"));
        QCOMPARE(r.model, QStringLiteral("llama-3.1-8b-instruct")); // the server's name
        QCOMPARE(r.variant, QStringLiteral("B"));
        QVERIFY(r.tag.isEmpty());
        QVERIFY(r.streamed);
        QCOMPARE(r.status, RequestStatus::Ok);
        QCOMPARE(r.httpStatus, 200);
        QVERIFY(!r.errorKind);
        QCOMPARE(r.ttftMs, m.ttftMs);
        QCOMPARE(r.ttfatMs, m.ttfatMs);
        QCOMPARE(r.e2eMs, m.e2eMs);
        QCOMPARE(r.meanItlMs, m.meanItlMs);
        QCOMPARE(r.itlP50Ms, m.itlP50Ms);
        QCOMPARE(r.itlP95Ms, m.itlP95Ms);
        QCOMPARE(r.itlMaxMs, m.itlMaxMs);
        QCOMPARE(r.tpotMs, m.tpotMs);
        QCOMPARE(r.outputTokens, 51);
        QVERIFY(!r.outputTokensEstimated);
        QCOMPARE(r.promptTokens, std::optional<qint64>(17));
        QCOMPARE(r.tokensPerSecond, m.tokensPerSecond);
        QCOMPARE(r.retries, 2);
        QCOMPARE(r.category, std::optional(LatencyCategory::Excellent));
        QVERIFY(!r.rating);
        QCOMPARE(r.promptHash, QStringLiteral("ab12cd34"));
        QCOMPARE(r.promptChars, 321);
        QVERIFY(r.isCompleted());
    }

    void notStreamedAndMissingFigures()
    {
        RequestTrace trace = sampleTrace();
        trace.streamed = false;
        RequestMetrics m; // nothing measured
        const MetricsRecord r = MetricsRecord::fromTrace(trace, m);
        QVERIFY(!r.streamed);
        QVERIFY(!r.ttftMs && !r.ttfatMs && !r.e2eMs && !r.meanItlMs && !r.tpotMs);
        QVERIFY(!r.promptTokens && !r.tokensPerSecond);
        QVERIFY(r.outputTokensEstimated);
        QVERIFY(r.profile.isEmpty() && r.variant.isEmpty());
    }

    void predictionTokens_data()
    {
        QTest::addColumn<QByteArray>("usage");
        QTest::addColumn<qint64>("accepted"); // -1: none
        QTest::addColumn<qint64>("rejected");
        const qint64 none = -1;
        QTest::newRow("OpenAI") << QByteArray(
                                       R"({"completion_tokens":9,"completion_tokens_details":)"
                                       R"({"reasoning_tokens":0,"accepted_prediction_tokens":)"
                                       R"(7,"rejected_prediction_tokens":2}})")
                                << qint64(7) << qint64(2);
        QTest::newRow("zeros") << QByteArray(R"({"completion_tokens_details":{)"
                                             R"("accepted_prediction_tokens":0,)"
                                             R"("rejected_prediction_tokens":0}})")
                               << qint64(0) << qint64(0);
        QTest::newRow("no details") << QByteArray(R"({"completion_tokens":9})") << none << none;
        QTest::newRow("only reasoning")
            << QByteArray(R"({"completion_tokens_details":{"reasoning_tokens":4}})") << none
            << none;
        QTest::newRow("not numbers") << QByteArray(R"({"completion_tokens_details":{)"
                                                   R"("accepted_prediction_tokens":"7",)"
                                                   R"("rejected_prediction_tokens":null}})")
                                     << none << none;
        QTest::newRow("negative") << QByteArray(R"({"completion_tokens_details":{)"
                                                R"("accepted_prediction_tokens":-1,)"
                                                R"("rejected_prediction_tokens":3}})")
                                  << none << qint64(3);
        QTest::newRow("details not an object")
            << QByteArray(R"({"completion_tokens_details":[1,2]})") << none << none;
    }

    void predictionTokens()
    {
        QFETCH(QByteArray, usage);
        QFETCH(qint64, accepted);
        QFETCH(qint64, rejected);
        RequestTrace trace = sampleTrace();
        trace.usage = QJsonDocument::fromJson(usage).object();
        const MetricsRecord r = MetricsRecord::fromTrace(trace, sampleMetrics());
        QCOMPARE(r.acceptedPredictionTokens.value_or(-1), accepted);
        QCOMPARE(r.rejectedPredictionTokens.value_or(-1), rejected);

        trace.usage.reset(); // the server sent no usage at all
        const MetricsRecord bare = MetricsRecord::fromTrace(trace, sampleMetrics());
        QVERIFY(!bare.acceptedPredictionTokens && !bare.rejectedPredictionTokens);
    }

    void status_data()
    {
        QTest::addColumn<QString>("finishReason");
        QTest::addColumn<int>("errorKind"); // -1: no error
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("errorName");

        QTest::newRow("stop") << "stop" << -1 << "ok"
                              << "";
        QTest::newRow("no reason") << "" << -1 << "ok"
                                   << "";
        QTest::newRow("length") << "length" << -1 << "length"
                                << "";
        QTest::newRow("content_filter") << "content_filter" << -1 << "content_filter"
                                        << "";
        QTest::newRow("tool_calls") << "tool_calls" << -1 << "tool_calls"
                                    << "";
        QTest::newRow("function_call") << "function_call" << -1 << "tool_calls"
                                       << "";
        QTest::newRow("http error") << "" << int(ApiError::Kind::Http) << "error"
                                    << "http";
        QTest::newRow("idle timeout") << "" << int(ApiError::Kind::IdleTimeout) << "error"
                                      << "idle_timeout";
        // An error after a finish_reason still counts as an error.
        QTest::newRow("cut off after length") << "length" << int(ApiError::Kind::CutOff) << "error"
                                              << "cut_off";
        QTest::newRow("cancelled") << "" << int(ApiError::Kind::Cancelled) << "cancelled"
                                   << "cancelled";
        QTest::newRow("cancelled after stop")
            << "stop" << int(ApiError::Kind::Cancelled) << "cancelled"
            << "cancelled";
    }

    void status()
    {
        QFETCH(QString, finishReason);
        QFETCH(int, errorKind);
        QFETCH(QString, status);
        QFETCH(QString, errorName);

        RequestTrace trace = sampleTrace();
        trace.finishReason = finishReason;
        if (errorKind >= 0)
            trace.error = ApiError{ApiError::Kind(errorKind), QStringLiteral("boom")};
        const MetricsRecord r = MetricsRecord::fromTrace(trace, sampleMetrics());
        // The names are what the database, CSV and JSON hold.
        QCOMPARE(statusName(r.status), status);
        QCOMPARE(statusFromName(status), std::optional(r.status));
        QCOMPARE(r.errorKind ? ApiError::kindName(*r.errorKind) : QString(), errorName);
        QCOMPARE(r.isError(), status == QLatin1String("error"));
        QCOMPARE(r.isCancelled(), status == QLatin1String("cancelled"));
    }

    void categoryName()
    {
        RequestMetrics m = sampleMetrics();
        m.category = LatencyCategory::Slow;
        QCOMPARE(MetricsRecord::fromTrace(sampleTrace(), m).category,
                 std::optional(LatencyCategory::Slow));
        m.category = LatencyCategory::Cancelled;
        QCOMPARE(MetricsRecord::fromTrace(sampleTrace(), m).category,
                 std::optional(LatencyCategory::Cancelled));
        QVERIFY(!statusFromName(QStringLiteral("stop"))); // a finish reason, not a status
    }

    void sketchHoldsEveryGap()
    {
        RequestMetrics m = sampleMetrics();
        m.itlMs.clear();
        for (int i = 1; i <= 250; ++i)
            m.itlMs.push_back(i * 0.5);
        const MetricsRecord r = MetricsRecord::fromTrace(sampleTrace(), m);
        QVERIFY(!r.itlSketch.isEmpty());
        const std::optional<QuantileSketch> sketch = QuantileSketch::fromBytes(r.itlSketch);
        QVERIFY(sketch);
        QCOMPARE(sketch->count(), quint64(250));
        QCOMPARE(sketch->min(), 0.5);
        QCOMPARE(sketch->max(), 125.0);
    }

    void noGapsNoSketch()
    {
        RequestMetrics m = sampleMetrics();
        m.itlMs.clear();
        QVERIFY(MetricsRecord::fromTrace(sampleTrace(), m).itlSketch.isEmpty());
    }

    void filterStart()
    {
        const QDateTime now(QDate(2024, 5, 6), QTime(12, 0), Qt::UTC);
        MetricsFilter f;
        QVERIFY(!f.start(now).isValid()); // All: no lower bound
        f.window = MetricsFilter::Window::Last5Minutes;
        QCOMPARE(f.start(now), now.addSecs(-300));
        f.window = MetricsFilter::Window::LastHour;
        QCOMPARE(f.start(now), now.addSecs(-3600));
        f.window = MetricsFilter::Window::Last24Hours;
        QCOMPARE(f.start(now), now.addDays(-1));
        f.since = now.addDays(-30); // --since wins over the window
        QCOMPARE(f.start(now), now.addDays(-30));
    }

    void filterNamesAndSeconds()
    {
        using W = MetricsFilter::Window;
        QCOMPARE(MetricsFilter::windowName(W::Last5Minutes), QStringLiteral("5m"));
        QCOMPARE(MetricsFilter::windowName(W::LastHour), QStringLiteral("1h"));
        QCOMPARE(MetricsFilter::windowName(W::Last24Hours), QStringLiteral("24h"));
        QCOMPARE(MetricsFilter::windowName(W::All), QStringLiteral("all"));
        QCOMPARE(MetricsFilter::windowSeconds(W::Last5Minutes), 300);
        QCOMPARE(MetricsFilter::windowSeconds(W::LastHour), 3600);
        QCOMPARE(MetricsFilter::windowSeconds(W::Last24Hours), 86400);
        QCOMPARE(MetricsFilter::windowSeconds(W::All), 0);
    }

    void filterLabels()
    {
        const QString e = QStringLiteral("http://h:8000/v1");
        const QString m = QStringLiteral("m1");
        const QString x = QStringLiteral("prompt-test");
        const QString v = QStringLiteral("A");
        const QString t = QStringLiteral("bench-1");
        const auto record = [](const QString& endpoint, const QString& model,
                               const QString& experiment, const QString& variant,
                               const QString& tag) {
            MetricsRecord r;
            r.endpoint = endpoint;
            r.model = model;
            r.experiment = experiment;
            r.variant = variant;
            r.tag = tag;
            return r;
        };
        MetricsFilter f;
        QVERIFY(f.matchesLabels(record(e, m, x, v, t))); // empty filter matches everything
        QVERIFY(f.matchesLabels(MetricsRecord{}));

        f.endpoint = e + QLatin1Char('/'); // trailing slash ignored, both ways
        QVERIFY(f.matchesLabels(record(e, m, x, v, t)));
        f.endpoint = e;
        QVERIFY(f.matchesLabels(record(e + QLatin1Char('/'), m, x, v, t)));
        QVERIFY(!f.matchesLabels(record(QStringLiteral("http://h:8000/v2"), m, x, v, t)));
        QVERIFY(!f.matchesLabels(record(QStringLiteral("http://h:8000/v10"), m, x, v, t)));

        f = {};
        f.model = m;
        QVERIFY(f.matchesLabels(record(e, m, x, v, t)));
        QVERIFY(!f.matchesLabels(record(e, QStringLiteral("m2"), x, v, t)));
        f = {};
        f.experiment = x;
        QVERIFY(f.matchesLabels(record(e, m, x, v, t)));
        QVERIFY(!f.matchesLabels(record(e, m, QStringLiteral("other"), v, t)));
        QVERIFY(!f.matchesLabels(record(e, m, QString(), v, t)));
        f = {};
        f.variant = v;
        QVERIFY(f.matchesLabels(record(e, m, x, v, t)));
        QVERIFY(!f.matchesLabels(record(e, m, x, QStringLiteral("B"), t)));
        QVERIFY(!f.matchesLabels(record(e, m, x, QString(), t)));
        f = {};
        f.tag = t;
        QVERIFY(f.matchesLabels(record(e, m, x, v, t)));
        QVERIFY(!f.matchesLabels(record(e, m, x, v, QStringLiteral("bench-2"))));

        f.endpoint = e;
        f.model = m;
        f.variant = v;
        QVERIFY(f.matchesLabels(record(e, m, x, v, t)));
        QVERIFY(!f.matchesLabels(record(e, m, x, v, QString()))); // every set field must match
    }
};

QTEST_GUILESS_MAIN(TestMetricsRecord)
#include "tst_metricsrecord.moc"

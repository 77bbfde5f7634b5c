// SuggestionEngine: every rule fires on figures just past its threshold and stays quiet just
// below it and below its minimum sample count. Most cases build the three windows' groups by
// hand; a few go through the records -> aggregate -> evaluate path.
#include "metrics/MetricsAggregator.h"
#include "metrics/SuggestionEngine.h"

#include <QTest>

using namespace adminchat;
using Severity = Suggestion::Severity;

namespace {

const QDateTime now(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
const QString endpointA = QStringLiteral("http://a.example/v1");
const QString endpointB = QStringLiteral("http://b.example/v1");

GroupStats group(const QString& endpoint, quint64 started, const QString& model = {})
{
    GroupStats g;
    g.endpoint = endpoint;
    g.model = model;
    g.started = started;
    g.completed = started;
    g.streamed = started;
    return g;
}

GroupStats withTtftP95(GroupStats g, double p95, quint64 samples)
{
    g.ttft.count = samples;
    g.ttft.p50 = p95 / 2;
    g.ttft.p95 = p95;
    return g;
}

QList<Suggestion> only(const QList<Suggestion>& all, const char* rule)
{
    QList<Suggestion> matching;
    for (const Suggestion& s : all) {
        if (s.rule == QLatin1String(rule))
            matching.append(s);
    }
    return matching;
}

QList<Suggestion> run(const SuggestionEngine::Input& input, const char* rule)
{
    return only(SuggestionEngine::evaluate(input), rule);
}

MetricsRecord record(qint64 secondsAgo, const QString& endpoint = endpointA,
                     const QString& model = QStringLiteral("m1"), double ttftMs = 400)
{
    MetricsRecord r;
    r.startedUtc = now.addSecs(-secondsAgo);
    r.endpoint = endpoint;
    r.model = model;
    r.status = RequestStatus::Ok;
    r.httpStatus = 200;
    r.ttftMs = ttftMs;
    r.e2eMs = ttftMs + 2000;
    return r;
}

MetricsRecord failed(qint64 secondsAgo)
{
    MetricsRecord r = record(secondsAgo);
    r.status = RequestStatus::Error;
    r.errorKind = ApiError::Kind::Http;
    r.httpStatus = 503;
    return r;
}

// Hour-window traffic for error-spike: `base` requests 10..50 min ago with `baseErrors` errors,
// then `recent` requests in the last 5 minutes with `recentErrors` errors.
std::vector<MetricsRecord> spikeTraffic(int base, int baseErrors, int recent, int recentErrors)
{
    std::vector<MetricsRecord> records;
    for (int i = 0; i < base; ++i)
        records.push_back(i < baseErrors ? failed(600 + i * 10) : record(600 + i * 10));
    for (int i = 0; i < recent; ++i)
        records.push_back(i < recentErrors ? failed(10 + i * 5) : record(10 + i * 5));
    return records;
}

} // namespace

class TestSuggestionEngine : public QObject
{
    Q_OBJECT
private slots:
    void severityNames()
    {
        QCOMPARE(Suggestion::severityName(Severity::Info), QStringLiteral("info"));
        QCOMPARE(Suggestion::severityName(Severity::Warning), QStringLiteral("warning"));
        QCOMPARE(Suggestion::severityName(Severity::Alert), QStringLiteral("alert"));
    }

    void nothingFromNothing()
    {
        const SuggestionEngine::Input empty;
        QVERIFY(SuggestionEngine::evaluate(empty).isEmpty());
        QVERIFY(MetricsAggregator::suggest({}, {}, now).isEmpty());
    }

    void enableStreaming()
    {
        SuggestionEngine::Input in;
        GroupStats g = group(endpointA, 40);
        g.streamed = 10;
        in.last24Hours.byEndpoint = {g};
        const QList<Suggestion> fired = run(in, "enable-streaming");
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired[0].severity, Severity::Info);
        QCOMPARE(fired[0].endpoint, endpointA);
        QVERIFY2(fired[0].evidence.contains("25.0%"), qPrintable(fired[0].evidence));
        QVERIFY(fired[0].message.contains("streaming"));

        in.last24Hours.byEndpoint[0].streamed = 20; // exactly half: fine
        QVERIFY(run(in, "enable-streaming").isEmpty());
        in.last24Hours.byEndpoint = {group(endpointA, 19)};
        in.last24Hours.byEndpoint[0].streamed = 0; // too few requests
        QVERIFY(run(in, "enable-streaming").isEmpty());
    }

    void enableStreamingFromRecords()
    {
        std::vector<MetricsRecord> records;
        for (int i = 0; i < 30; ++i) {
            records.push_back(record(3600 + i * 60));
            records.back().streamed = i < 6;
        }
        const QList<Suggestion> fired =
            only(MetricsAggregator::suggest(records, {}, now), "enable-streaming");
        QCOMPARE(fired.size(), 1);
        QVERIFY(fired[0].evidence.contains("6 of 30"));
    }

    void fasterModel()
    {
        SuggestionEngine::Input in;
        in.last24Hours.byModel = {withTtftP95(group(endpointA, 30, "big"), 4500, 30),
                                  withTtftP95(group(endpointA, 30, "small"), 1500, 30),
                                  withTtftP95(group(endpointA, 30, "mid"), 1600, 30)};
        const QList<Suggestion> fired = run(in, "faster-model");
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired[0].severity, Severity::Warning);
        QCOMPARE(fired[0].model, QStringLiteral("big"));
        QVERIFY(fired[0].message.contains("small") && fired[0].message.contains("big"));
        QVERIFY2(fired[0].evidence.contains("4.5 s") && fired[0].evidence.contains("1.5 s"),
                 qPrintable(fired[0].evidence));
    }

    void fasterModelNotFired_data()
    {
        QTest::addColumn<double>("slowP95");
        QTest::addColumn<double>("fastP95");
        QTest::addColumn<quint64>("fastSamples");
        QTest::addColumn<bool>("sameEndpoint");
        QTest::newRow("slow not slow enough") << 3000.0 << 900.0 << quint64(30) << true;
        QTest::newRow("other not fast enough") << 4500.0 << 1501.0 << quint64(30) << true;
        QTest::newRow("other too few samples") << 4500.0 << 500.0 << quint64(19) << true;
        QTest::newRow("other on another endpoint") << 4500.0 << 500.0 << quint64(30) << false;
    }

    void fasterModelNotFired()
    {
        QFETCH(double, slowP95);
        QFETCH(double, fastP95);
        QFETCH(quint64, fastSamples);
        QFETCH(bool, sameEndpoint);
        SuggestionEngine::Input in;
        in.last24Hours.byModel = {
            withTtftP95(group(endpointA, 30, "big"), slowP95, 30),
            withTtftP95(group(sameEndpoint ? endpointA : endpointB, 30, "small"), fastP95,
                        fastSamples)};
        QVERIFY(run(in, "faster-model").isEmpty());
    }

    void fasterModelFromRecords()
    {
        std::vector<MetricsRecord> records;
        for (int i = 0; i < 25; ++i) {
            records.push_back(record(7200 + i, endpointA, "big", 6000));
            records.push_back(record(7200 + i, endpointA, "small", 800));
        }
        const QList<Suggestion> fired =
            only(MetricsAggregator::suggest(records, {}, now), "faster-model");
        QCOMPARE(fired.size(), 1);
        QVERIFY2(fired[0].evidence.contains("6.0 s") && fired[0].evidence.contains("800 ms"),
                 qPrintable(fired[0].evidence));
    }

    void rateLimited()
    {
        SuggestionEngine::Input in;
        GroupStats g = group(endpointA, 100);
        g.rateLimited = 3;
        in.lastHour.byEndpoint = {g};
        const QList<Suggestion> fired = run(in, "rate-limited");
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired[0].severity, Severity::Warning);
        QVERIFY2(fired[0].evidence.contains("3 of 100") && fired[0].evidence.contains("3.0%"),
                 qPrintable(fired[0].evidence));

        in.lastHour.byEndpoint[0].rateLimited = 2; // 2% is not above 2%
        QVERIFY(run(in, "rate-limited").isEmpty());
        g = group(endpointA, 19);
        g.rateLimited = 5; // 26%, but too few requests
        in.lastHour.byEndpoint = {g};
        QVERIFY(run(in, "rate-limited").isEmpty());
        in.lastHour.byEndpoint.clear();
        in.last24Hours.byEndpoint = {group(endpointA, 100)}; // only the hour counts
        in.last24Hours.byEndpoint[0].rateLimited = 50;
        QVERIFY(run(in, "rate-limited").isEmpty());
    }

    void errorSpike()
    {
        // 2 errors in 100 before (2%), 4 in the last 20 (20% > 3 x 2%).
        const QList<Suggestion> fired =
            only(MetricsAggregator::suggest(spikeTraffic(100, 2, 20, 4), {}, now), "error-spike");
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired[0].severity, Severity::Alert);
        QCOMPARE(fired[0].endpoint, endpointA);
        QVERIFY2(fired[0].evidence.contains("4 errors in 20 requests (20.0%)") &&
                     fired[0].evidence.contains("2.0%") && fired[0].evidence.contains("http"),
                 qPrintable(fired[0].evidence));
    }

    void errorSpikeNotFired_data()
    {
        QTest::addColumn<int>("base");
        QTest::addColumn<int>("baseErrors");
        QTest::addColumn<int>("recent");
        QTest::addColumn<int>("recentErrors");
        QTest::newRow("under 3 errors") << 100 << 1 << 20 << 2;
        QTest::newRow("under 10 requests") << 100 << 2 << 9 << 5;
        QTest::newRow("not 3x the baseline") << 100 << 10 << 20 << 6; // 30% vs 10%
        QTest::newRow("no baseline errors, under 20%") << 100 << 0 << 20 << 3;
        QTest::newRow("steady high rate") << 100 << 40 << 20 << 10;
    }

    void errorSpikeNotFired()
    {
        QFETCH(int, base);
        QFETCH(int, baseErrors);
        QFETCH(int, recent);
        QFETCH(int, recentErrors);
        const auto records = spikeTraffic(base, baseErrors, recent, recentErrors);
        QVERIFY(only(MetricsAggregator::suggest(records, {}, now), "error-spike").isEmpty());
    }

    void errorSpikeWithoutBaselineErrors()
    {
        // No error in the hour before: 20% in the last 5 minutes is a spike on its own.
        const auto records = spikeTraffic(100, 0, 15, 3);
        const QList<Suggestion> fired =
            only(MetricsAggregator::suggest(records, {}, now), "error-spike");
        QCOMPARE(fired.size(), 1);
        QVERIFY(fired[0].evidence.contains("3 errors in 15 requests (20.0%)"));
        // Nothing at all before the last 5 minutes counts the same way.
        QCOMPARE(only(MetricsAggregator::suggest(spikeTraffic(0, 0, 15, 3), {}, now), "error-spike")
                     .size(),
                 1);
    }

    void ttftDegradation()
    {
        SuggestionEngine::Input in;
        in.last24Hours.byModel = {withTtftP95(group(endpointA, 300, "m1"), 1000, 300)};
        in.last5Minutes.byModel = {withTtftP95(group(endpointA, 10, "m1"), 2000, 10)};
        const QList<Suggestion> fired = run(in, "ttft-degradation");
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired[0].severity, Severity::Alert);
        QCOMPARE(fired[0].model, QStringLiteral("m1"));
        QVERIFY2(fired[0].evidence.contains("2.0 s") && fired[0].evidence.contains("1.0 s"),
                 qPrintable(fired[0].evidence));

        in.last5Minutes.byModel = {withTtftP95(group(endpointA, 10, "m1"), 1500, 10)}; // 1.5x
        QVERIFY(run(in, "ttft-degradation").isEmpty());
        in.last5Minutes.byModel = {withTtftP95(group(endpointA, 9, "m1"), 5000, 9)};
        QVERIFY(run(in, "ttft-degradation").isEmpty());
        in.last5Minutes.byModel = {withTtftP95(group(endpointA, 10, "m1"), 5000, 10)};
        in.last24Hours.byModel = {withTtftP95(group(endpointA, 49, "m1"), 1000, 49)};
        QVERIFY(run(in, "ttft-degradation").isEmpty());
        in.last24Hours.byModel = {withTtftP95(group(endpointA, 300, "m2"), 1000, 300)};
        QVERIFY(run(in, "ttft-degradation").isEmpty()); // another model's baseline
    }

    void ttftDegradationFromRecords()
    {
        std::vector<MetricsRecord> records;
        for (int i = 0; i < 300; ++i)
            records.push_back(record(3600 + i * 200, endpointA, "m1", 1000));
        for (int i = 0; i < 12; ++i)
            records.push_back(record(10 + i * 10, endpointA, "m1", 2500));
        const QList<Suggestion> fired =
            only(MetricsAggregator::suggest(records, {}, now), "ttft-degradation");
        QCOMPARE(fired.size(), 1);
        QVERIFY2(fired[0].evidence.contains("2.5 s over 12 requests"),
                 qPrintable(fired[0].evidence));
    }

    void promptCachingForRepeats()
    {
        // 25 requests, 6 with one prompt: 5 repeats = 20%.
        std::vector<MetricsRecord> records;
        for (int i = 0; i < 25; ++i) {
            records.push_back(record(600 + i));
            records.back().promptHash = i < 6 ? QStringLiteral("same") : QString::number(i);
        }
        QList<Suggestion> fired =
            only(MetricsAggregator::suggest(records, {}, now), "prompt-caching");
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired[0].severity, Severity::Info);
        QVERIFY2(fired[0].evidence.contains("5 of 25") && fired[0].evidence.contains("20.0%"),
                 qPrintable(fired[0].evidence));
        QVERIFY(fired[0].message.contains("first"));

        records[5].promptHash = QStringLiteral("other"); // 4 repeats = 16%
        QVERIFY(only(MetricsAggregator::suggest(records, {}, now), "prompt-caching").isEmpty());
        records.resize(19);
        for (MetricsRecord& r : records)
            r.promptHash = QStringLiteral("same"); // 18 repeats, but under 20 requests
        QVERIFY(only(MetricsAggregator::suggest(records, {}, now), "prompt-caching").isEmpty());
    }

    void promptCachingForLongPrompts()
    {
        SuggestionEngine::Input in;
        GroupStats g = group(endpointA, 10);
        for (int i = 0; i < 10; ++i)
            g.longPromptTtft.add(2500);
        g.longPrompts = 10;
        in.last24Hours.byEndpoint = {g};
        const QList<Suggestion> fired = run(in, "prompt-caching");
        QCOMPARE(fired.size(), 1);
        QVERIFY2(fired[0].evidence.contains("2.5 s over 10 long prompts"),
                 qPrintable(fired[0].evidence));

        in.last24Hours.byEndpoint[0].longPromptTtft.clear();
        for (int i = 0; i < 9; ++i) // too few
            in.last24Hours.byEndpoint[0].longPromptTtft.add(5000);
        QVERIFY(run(in, "prompt-caching").isEmpty());
        in.last24Hours.byEndpoint[0].longPromptTtft.clear();
        for (int i = 0; i < 20; ++i) // fast enough
            in.last24Hours.byEndpoint[0].longPromptTtft.add(1900);
        QVERIFY(run(in, "prompt-caching").isEmpty());
    }

    void raiseMaxTokens()
    {
        SuggestionEngine::Input in;
        GroupStats g = group(endpointA, 32, "m1");
        g.completed = 30;
        g.lengthFinishes = 4;
        in.last24Hours.byModel = {g};
        const QList<Suggestion> fired = run(in, "raise-max-tokens");
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired[0].severity, Severity::Info);
        QCOMPARE(fired[0].model, QStringLiteral("m1"));
        QVERIFY2(fired[0].evidence.contains("4 of 30") && fired[0].evidence.contains("13.3%"),
                 qPrintable(fired[0].evidence));
        QVERIFY(fired[0].message.contains("max_tokens"));

        in.last24Hours.byModel[0].lengthFinishes = 3; // 10% is not above 10%
        QVERIFY(run(in, "raise-max-tokens").isEmpty());
        g = group(endpointA, 19, "m1");
        g.lengthFinishes = 10;
        in.last24Hours.byModel = {g};
        QVERIFY(run(in, "raise-max-tokens").isEmpty());
    }

    void orderedBySeverityThenRule()
    {
        SuggestionEngine::Input in;
        GroupStats day = group(endpointB, 40, "m1");
        day.streamed = 0;        // enable-streaming (info)
        day.lengthFinishes = 20; // raise-max-tokens (info)
        in.last24Hours.byEndpoint = {day};
        in.last24Hours.byModel = {withTtftP95(day, 1000, 300)};
        GroupStats hour = group(endpointA, 100);
        hour.rateLimited = 10; // rate-limited (warning)
        hour.errors = 2;
        in.lastHour.byEndpoint = {hour};
        GroupStats recent = group(endpointA, 20);
        recent.errors = 10; // error-spike (alert)
        in.last5Minutes.byEndpoint = {recent};
        in.last5Minutes.byModel = {withTtftP95(group(endpointB, 20, "m1"), 9000, 20)};

        const QList<Suggestion> all = SuggestionEngine::evaluate(in);
        QStringList rules;
        for (const Suggestion& s : all)
            rules << s.rule;
        QCOMPARE(rules, (QStringList{"error-spike", "ttft-degradation", "rate-limited",
                                     "enable-streaming", "raise-max-tokens"}));
        QCOMPARE(all.first().severity, Severity::Alert);
        QCOMPARE(all.last().severity, Severity::Info);
    }

    void labelsOfTheFilterApplyButNotItsWindow()
    {
        std::vector<MetricsRecord> records;
        for (int i = 0; i < 30; ++i) {
            for (const QString& endpoint : {endpointA, endpointB}) {
                records.push_back(record(7200 + i, endpoint));
                records.back().streamed = false;
            }
        }
        MetricsFilter filter;
        filter.endpoint = endpointB;
        filter.window = MetricsFilter::Window::Last5Minutes; // ignored: the rules pick windows
        filter.since = now.addSecs(-60);                     // ignored too
        const QList<Suggestion> fired =
            only(MetricsAggregator::suggest(records, filter, now), "enable-streaming");
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired[0].endpoint, endpointB);
    }
};

QTEST_GUILESS_MAIN(TestSuggestionEngine)
#include "tst_suggestionengine.moc"

// The Prometheus and OpenMetrics exposition of the telemetry registry: names, `le` values as
// vLLM writes them, cumulative buckets whose +Inf equals _count, and label values from servers
// and users that cannot break a line.
#include "ExpositionTestReader.h"
#include "metrics/MetricsRecord.h"
#include "metrics/QuantileSketch.h"
#include "telemetry/PrometheusExposition.h"
#include "telemetry/TelemetryBuckets.h"
#include "telemetry/TelemetryRegistry.h"

#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTest>
#include <algorithm>
#include <numeric>

using namespace adminchat;
using Format = PrometheusExposition::Format;

namespace {

MetricsRecord record(const QString& model, double e2eMs, double ttftMs)
{
    MetricsRecord r;
    r.startedUtc = QDateTime::currentDateTimeUtc();
    r.endpoint = QStringLiteral("http://127.0.0.1:8000/v1");
    r.profile = QStringLiteral("local");
    r.model = model;
    r.e2eMs = e2eMs;
    r.ttftMs = ttftMs;
    r.outputTokens = 12;
    r.outputTokensEstimated = false;
    r.promptTokens = 30;
    return r;
}

QList<ExpositionSample> samplesNamed(const Exposition& e, const QByteArray& name)
{
    QList<ExpositionSample> out;
    for (const ExpositionSample& s : e.samples) {
        if (s.name == name)
            out.append(s);
    }
    return out;
}

} // namespace

class TestPrometheusExposition : public QObject
{
    Q_OBJECT
private slots:
    void boundariesAreSortedUnions()
    {
        const std::vector<const std::vector<double>*> lists{
            &TelemetryBuckets::operationDuration(), &TelemetryBuckets::timeToFirstChunk(),
            &TelemetryBuckets::timePerOutputChunk(), &TelemetryBuckets::tokenUsage()};
        for (const auto* list : lists) {
            QVERIFY(!list->empty());
            QVERIFY(std::adjacent_find(list->begin(), list->end(), std::greater_equal<>()) ==
                    list->end());
        }
        const auto has = [](const std::vector<double>& list, double v) {
            return std::find(list.begin(), list.end(), v) != list.end();
        };
        // One boundary of each source list that only it has.
        QVERIFY(has(TelemetryBuckets::operationDuration(), 81.92));  // OTel
        QVERIFY(has(TelemetryBuckets::operationDuration(), 7680.0)); // vLLM
        QVERIFY(has(TelemetryBuckets::timeToFirstChunk(), 2560.0));  // vLLM
        QVERIFY(has(TelemetryBuckets::timePerOutputChunk(), 80.0));  // vLLM
        for (double fast : {0.001, 0.0025, 0.005, 0.0075})
            QVERIFY(has(TelemetryBuckets::timePerOutputChunk(), fast));
        QVERIFY(has(TelemetryBuckets::tokenUsage(), 67108864.0)); // OTel
        QVERIFY(has(TelemetryBuckets::tokenUsage(), 500.0));      // vLLM 1-2-5
    }

    void numbersAreWrittenAsVllmWritesThem_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("one") << 1.0 << QByteArray("1.0");
        QTest::newRow("ms") << 0.001 << QByteArray("0.001");
        QTest::newRow("7.5 ms") << 0.0075 << QByteArray("0.0075");
        QTest::newRow("2560") << 2560.0 << QByteArray("2560.0");
        QTest::newRow("262144") << 262144.0 << QByteArray("262144.0");
        QTest::newRow("1e6") << 1000000.0 << QByteArray("1e+06");
        QTest::newRow("4^12") << 16777216.0 << QByteArray("1.6777216e+07");
        QTest::newRow("inf") << qInf() << QByteArray("+Inf");
    }
    void numbersAreWrittenAsVllmWritesThem()
    {
        QFETCH(double, value);
        QFETCH(QByteArray, text);
        QCOMPARE(TelemetryBuckets::formatNumber(value), text);
    }

    void histogramsAreCumulative_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("text 0.0.4") << int(Format::Text004);
        QTest::newRow("OpenMetrics") << int(Format::OpenMetrics);
    }
    void histogramsAreCumulative()
    {
        QFETCH(int, format);
        TelemetryRegistry registry;
        QRandomGenerator random(17);
        std::vector<double> e2eSeconds;
        for (int i = 0; i < 200; ++i) {
            // Spread over six decades, some exactly on boundaries (le is inclusive).
            const double ms = i % 10 == 0 ? 1000.0 * TelemetryBuckets::operationDuration()[i % 7]
                                          : std::pow(10.0, random.bounded(5.0));
            e2eSeconds.push_back(ms / 1000.0);
            registry.add(record(QStringLiteral("m"), ms, ms / 2));
        }
        const Exposition e =
            readExposition(PrometheusExposition::render(registry, Format(format), 1.7e9));
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        const QByteArray name = "gen_ai_client_operation_duration_seconds";
        QCOMPARE(e.types.value(name), QByteArray("histogram"));
        const QList<ExpositionSample> buckets = samplesNamed(e, name + "_bucket");
        const auto& bounds = TelemetryBuckets::operationDuration();
        QCOMPARE(buckets.size(), qsizetype(bounds.size() + 1));
        double previous = 0;
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            QCOMPARE(buckets[i].labels.value("le").toUtf8(),
                     TelemetryBuckets::formatNumber(bounds[i]));
            QVERIFY(buckets[i].value >= previous);
            previous = buckets[i].value;
            const auto expected = std::count_if(e2eSeconds.begin(), e2eSeconds.end(),
                                                [&](double v) { return v <= bounds[i]; });
            QCOMPARE(buckets[i].value, double(expected));
        }
        QCOMPARE(buckets.last().labels.value("le"), QStringLiteral("+Inf"));
        const QList<ExpositionSample> count = samplesNamed(e, name + "_count");
        QCOMPARE(count.size(), 1);
        QCOMPARE(buckets.last().value, count.first().value);
        QCOMPARE(count.first().value, double(e2eSeconds.size()));
        const QList<ExpositionSample> sum = samplesNamed(e, name + "_sum");
        QCOMPARE(sum.size(), 1);
        QVERIFY(qFuzzyCompare(sum.first().value,
                              std::accumulate(e2eSeconds.begin(), e2eSeconds.end(), 0.0)));
        QCOMPARE(buckets.first().labels.value("gen_ai_request_model"), QStringLiteral("m"));
        QCOMPARE(buckets.first().labels.value("server_address"), QStringLiteral("127.0.0.1"));
        QCOMPARE(buckets.first().labels.value("server_port"), QStringLiteral("8000"));
        QCOMPARE(buckets.first().labels.value("gen_ai_provider_name"), QStringLiteral("openai"));
        QCOMPARE(buckets.first().labels.value("source"), QStringLiteral("chat"));
    }

    void sourceComesFromTheTag()
    {
        MetricsRecord r;
        QCOMPARE(TelemetryRegistry::sourceOf(r), QStringLiteral("chat"));
        r.tag = QStringLiteral("probe"); // what the endpoint watch tags its probes
        QCOMPARE(TelemetryRegistry::sourceOf(r), QStringLiteral("probe"));
        r.tag = QStringLiteral("itl-fidelity-512");
        QCOMPARE(TelemetryRegistry::sourceOf(r), QStringLiteral("bench"));
    }

    void requestedAndResponseModelsApart()
    {
        TelemetryRegistry registry;
        MetricsRecord routed = record(QStringLiteral("gpt-4o-2024-08-06"), 900, 120);
        routed.requestedModel = QStringLiteral("gpt-4o");
        registry.add(routed);
        registry.add(record(QStringLiteral("old"), 900, 120)); // stored before step 10
        const Exposition e =
            readExposition(PrometheusExposition::render(registry, Format::Text004, 1.7e9));
        const QList<ExpositionSample> counts =
            samplesNamed(e, "gen_ai_client_operation_duration_seconds_count");
        QCOMPARE(counts.size(), 2);
        QHash<QString, QString> responseByRequest;
        for (const ExpositionSample& s : counts)
            responseByRequest.insert(s.labels.value("gen_ai_request_model"),
                                     s.labels.value("gen_ai_response_model", QStringLiteral("-")));
        QCOMPARE(responseByRequest.value(QStringLiteral("gpt-4o")),
                 QStringLiteral("gpt-4o-2024-08-06"));
        QCOMPARE(responseByRequest.value(QStringLiteral("old")), QStringLiteral("-"));
    }

    void providerNameByProfile()
    {
        TelemetryRegistry::setProviderNames(
            {{QStringLiteral("azure"), QStringLiteral("azure.ai.openai")}});
        const auto reset = qScopeGuard([] { TelemetryRegistry::setProviderNames({}); });
        MetricsRecord azure = record(QStringLiteral("m"), 900, 120);
        azure.profile = QStringLiteral("azure");
        const TelemetryLabels labels = TelemetryRegistry::baseLabels(azure);
        const auto provider = [](const TelemetryLabels& all) {
            for (const auto& [name, value] : all)
                if (name == "gen_ai_provider_name")
                    return value;
            return QString();
        };
        QCOMPARE(provider(labels), QStringLiteral("azure.ai.openai"));
        QCOMPARE(provider(TelemetryRegistry::baseLabels(record(QStringLiteral("m"), 1, 1))),
                 QStringLiteral("openai"));
    }

    void formatsDifferWhereTheSpecsDo()
    {
        TelemetryRegistry registry;
        registry.add(record(QStringLiteral("m"), 900, 120));
        const QByteArray text = PrometheusExposition::render(registry, Format::Text004, 1.7e9);
        const QByteArray om = PrometheusExposition::render(registry, Format::OpenMetrics, 1.7e9);
        QVERIFY(text.contains("# TYPE adminchat_requests_total counter\n"));
        QVERIFY(!text.contains("_created"));
        QVERIFY(!text.contains("# EOF"));
        QVERIFY(om.contains("# TYPE adminchat_requests counter\n"));
        QVERIFY(om.contains("\nadminchat_requests_total{"));
        QVERIFY(om.contains("\nadminchat_requests_created{"));
        QVERIFY(om.contains("\ngen_ai_client_operation_duration_seconds_created{"));
        QVERIFY(om.contains("# UNIT gen_ai_client_operation_duration_seconds seconds\n"));
        QVERIFY(!om.contains("# UNIT gen_ai_client_token_usage"));
        QVERIFY(om.endsWith("\n# EOF\n"));
        QCOMPARE(om.count("# EOF"), 1);
    }

    void negotiatesOnAccept_data()
    {
        QTest::addColumn<QByteArray>("accept");
        QTest::addColumn<bool>("openMetrics");
        QTest::newRow("prometheus 2.42")
            << QByteArray("application/openmetrics-text;version=1.0.0,application/"
                          "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
                          "*/*;q=0.1")
            << true;
        QTest::newRow("curl") << QByteArray("*/*") << false;
        QTest::newRow("none") << QByteArray() << false;
        QTest::newRow("text") << QByteArray("text/plain;version=0.0.4") << false;
        QTest::newRow("refused") << QByteArray("application/openmetrics-text;q=0, text/plain")
                                 << false;
    }
    void negotiatesOnAccept()
    {
        QFETCH(QByteArray, accept);
        QFETCH(bool, openMetrics);
        QCOMPARE(PrometheusExposition::negotiate(accept) == Format::OpenMetrics, openMetrics);
    }

    void hostileLabelValuesSurvive_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("quote") << QStringLiteral("a\"b");
        QTest::newRow("backslash") << QStringLiteral("C:\\models\\x\\");
        QTest::newRow("newline") << QStringLiteral("line1\nline2");
        QTest::newRow("fake sample") << QStringLiteral("x\"} 1\nadminchat_requests_total{a=\"");
        QTest::newRow("fake eof") << QStringLiteral("\n# EOF\n");
        QTest::newRow("braces and commas") << QStringLiteral("m},le=\"1.0\",{");
        QTest::newRow("unicode") << QStringLiteral("模型-ü-\u2028");
        QTest::newRow("escape letters") << QStringLiteral("\\n\\\"\\t");
    }
    void hostileLabelValuesSurvive()
    {
        QFETCH(QString, model);
        TelemetryRegistry registry;
        MetricsRecord r = record(model, 500, 100);
        r.profile = model + QStringLiteral(" profile");
        r.variant = model;
        registry.add(r);
        for (Format format : {Format::Text004, Format::OpenMetrics}) {
            const QByteArray body = PrometheusExposition::render(registry, format, 1.7e9);
            const Exposition e = readExposition(body);
            QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
            // Only the real end marker is a line of its own.
            QCOMPARE(body.split('\n').count("# EOF"), format == Format::OpenMetrics ? 1 : 0);
            QVERIFY(!e.samples.isEmpty());
            for (const ExpositionSample& s : e.samples) {
                QCOMPARE(s.labels.value("gen_ai_request_model"), model);
                QCOMPARE(s.labels.value("variant"), model);
                QCOMPARE(s.labels.value("profile"), model + QStringLiteral(" profile"));
            }
        }
    }

    void gapsComeFromTheItlSketch()
    {
        TelemetryRegistry registry;
        MetricsRecord r = record(QStringLiteral("m"), 2000, 100);
        QuantileSketch gaps;
        std::vector<double> gapsMs;
        for (int i = 0; i < 40; ++i)
            gapsMs.push_back(i % 4 == 0 ? 7.5 : 3.0 + i); // 7.5 ms: exactly a boundary
        for (double g : gapsMs)
            gaps.add(g);
        r.itlSketch = gaps.toBytes();
        registry.add(r);
        const Exposition e =
            readExposition(PrometheusExposition::render(registry, Format::Text004, 1.7e9));
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        const QByteArray name = "gen_ai_client_operation_time_per_output_chunk_seconds";
        QCOMPARE(samplesNamed(e, name + "_count").value(0).value, double(gapsMs.size()));
        QVERIFY(qFuzzyCompare(samplesNamed(e, name + "_sum").value(0).value,
                              std::accumulate(gapsMs.begin(), gapsMs.end(), 0.0) / 1000.0));
        for (const ExpositionSample& bucket : samplesNamed(e, name + "_bucket")) {
            const double le = bucket.labels.value("le") == QLatin1String("+Inf")
                                  ? qInf()
                                  : bucket.labels.value("le").toDouble();
            const auto expected = std::count_if(gapsMs.begin(), gapsMs.end(),
                                                [&](double g) { return g / 1000.0 <= le; });
            QCOMPARE(bucket.value, double(expected));
        }
    }

    void errorsAndStatusesAreCounted()
    {
        TelemetryRegistry registry;
        MetricsRecord ok = record(QStringLiteral("m"), 500, 100);
        MetricsRecord timeout = record(QStringLiteral("m"), 30000, 0);
        timeout.ttftMs.reset();
        timeout.status = RequestStatus::Error;
        timeout.errorKind = ApiError::Kind::IdleTimeout;
        timeout.promptTokens.reset();
        timeout.outputTokens = 0;
        timeout.retries = 2;
        registry.add(ok);
        registry.add(ok);
        registry.add(timeout);
        const Exposition e =
            readExposition(PrometheusExposition::render(registry, Format::Text004, 1.7e9));
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QMap<QString, double> byStatus;
        for (const ExpositionSample& s : samplesNamed(e, "adminchat_requests_total"))
            byStatus[s.labels.value("status")] += s.value;
        QCOMPARE(byStatus.value("ok"), 2.0);
        QCOMPARE(byStatus.value("error"), 1.0);
        const QList<ExpositionSample> errors = samplesNamed(e, "adminchat_errors_total");
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().labels.value("error_type"), ApiError::kindName(*timeout.errorKind));
        QCOMPARE(errors.first().value, 1.0);
        QCOMPARE(samplesNamed(e, "adminchat_request_retries_total").value(0).value, 2.0);
        // The failed request's duration carries error_type; the others do not.
        for (const ExpositionSample& s :
             samplesNamed(e, "gen_ai_client_operation_duration_seconds_count")) {
            QCOMPARE(s.value, s.labels.contains("error_type") ? 1.0 : 2.0);
        }
        // Token usage: input from the two with prompt tokens, output from the completed ones.
        for (const ExpositionSample& s : samplesNamed(e, "gen_ai_client_token_usage_count"))
            QCOMPARE(s.value, 2.0);
    }

    void copiesCountOnApart()
    {
        // metrics serve folds new rows into a copy and moves it in: the copy and the original
        // must each count on into their own series, as registries built from the same records.
        const MetricsRecord first = record(QStringLiteral("m"), 500, 100);
        const MetricsRecord second = record(QStringLiteral("n"), 700, 200);
        const auto built = [](const QList<MetricsRecord>& records) {
            TelemetryRegistry registry;
            for (const MetricsRecord& r : records)
                registry.add(r);
            return PrometheusExposition::render(registry, Format::Text004, 0);
        };
        TelemetryRegistry original;
        original.add(first);
        original.add(second);
        TelemetryRegistry copy = original;
        copy.add(first);
        original.add(second);
        QCOMPARE(PrometheusExposition::render(copy, Format::Text004, 0),
                 built({first, second, first}));
        QCOMPARE(PrometheusExposition::render(original, Format::Text004, 0),
                 built({first, second, second}));
        original = std::move(copy);
        original.add(second);
        QCOMPARE(PrometheusExposition::render(original, Format::Text004, 0),
                 built({first, second, first, second}));
        TelemetryRegistry assigned;
        assigned.add(second);
        assigned = original; // over a registry that had series of its own
        assigned.add(first);
        QCOMPARE(PrometheusExposition::render(assigned, Format::Text004, 0),
                 built({first, second, first, second, first}));
    }

    void probeStatusIsTheLastProbes()
    {
        TelemetryRegistry registry;
        registry.add(record(QStringLiteral("m"), 500, 100)); // a chat: no probe status
        QVERIFY(!PrometheusExposition::render(registry, Format::Text004, 0)
                     .contains("adminchat_probe_up"));
        MetricsRecord up = record(QStringLiteral("m"), 500, 100);
        up.tag = QStringLiteral("probe");
        MetricsRecord down = up;
        down.status = RequestStatus::Error;
        down.errorKind = ApiError::Kind::Connection;
        MetricsRecord other = up;
        other.model = QStringLiteral("n");
        registry.add(up);
        registry.add(other);
        registry.add(down);
        for (const Format format : {Format::Text004, Format::OpenMetrics}) {
            const Exposition e = readExposition(PrometheusExposition::render(registry, format, 0));
            QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
            QCOMPARE(e.types.value("adminchat_probe_up"), QByteArray("gauge"));
            QMap<QString, double> byModel;
            for (const ExpositionSample& s : samplesNamed(e, "adminchat_probe_up")) {
                QCOMPARE(s.labels.value("source"), QStringLiteral("probe"));
                byModel.insert(s.labels.value("gen_ai_request_model"), s.value);
            }
            QCOMPARE(byModel, (QMap<QString, double>{{"m", 0.0}, {"n", 1.0}}));
        }
    }
};

QTEST_GUILESS_MAIN(TestPrometheusExposition)
#include "tst_prometheusexposition.moc"

#include "telemetry/TelemetryRegistry.h"

#include "metrics/MetricsRecord.h"
#include "metrics/QuantileSketch.h"
#include "telemetry/TelemetryBuckets.h"

#include <QMutex>
#include <QUrl>

namespace adminchat {

namespace {

constexpr double msPerSecond = 1000.0;

TelemetryLabels with(TelemetryLabels labels, const char* name, const QString& value)
{
    labels.emplace_back(QByteArray(name), value);
    return labels;
}

} // namespace

TelemetryRegistry::TelemetryRegistry()
{
    m_histograms.resize(HistogramCount);
    m_histograms[Duration] = {"gen_ai_client_operation_duration_seconds",
                              "GenAI operation duration: request sent to end of stream (E2E).",
                              "seconds",
                              &TelemetryBuckets::operationDuration(),
                              {}};
    m_histograms[TimeToFirstChunk] = {"gen_ai_client_operation_time_to_first_chunk_seconds",
                                      "Time to the first chunk with content or reasoning (TTFT).",
                                      "seconds",
                                      &TelemetryBuckets::timeToFirstChunk(),
                                      {}};
    m_histograms[TimePerOutputChunk] = {
        "gen_ai_client_operation_time_per_output_chunk_seconds",
        "Each gap between consecutive output chunks of a streamed answer (ITL).",
        "seconds",
        &TelemetryBuckets::timePerOutputChunk(),
        {}};
    m_histograms[TokenUsage] = {"gen_ai_client_token_usage",
                                "Number of input and output tokens used per request.",
                                "",
                                &TelemetryBuckets::tokenUsage(),
                                {}};
    m_histograms[TimePerOutputToken] = {
        "adminchat_time_per_output_token_seconds",
        "Time per output token after the first, (E2E - TTFT) / (output tokens - 1) (TPOT).",
        "seconds",
        &TelemetryBuckets::timePerOutputChunk(),
        {}};
    m_histograms[TimeToFirstAnswerToken] = {
        "adminchat_time_to_first_answer_token_seconds",
        "Time to the first answer (not reasoning) content chunk.",
        "seconds",
        &TelemetryBuckets::timeToFirstChunk(),
        {}};

    m_counters.resize(CounterCount);
    m_counters[Requests] = {"adminchat_requests",
                            "Requests by how they ended (ok, error, cancelled, length, ...).",
                            {}};
    m_counters[Errors] = {"adminchat_errors", "Failed requests by error type.", {}};
    m_counters[Retries] = {"adminchat_request_retries", "Retries made before requests ended.", {}};
    m_gauges.push_back({"adminchat_probe_up",
                        "1 when the endpoint watch's last probe of the endpoint and model was "
                        "answered, 0 when it failed.",
                        {}});
}

QString TelemetryRegistry::sourceOf(const MetricsRecord& record)
{
    // Records carry no source of their own: the endpoint watch tags its probes "probe", and
    // only bench sets any other tag.
    if (record.tag.isEmpty())
        return QStringLiteral("chat");
    return record.tag == QLatin1String("probe") ? QStringLiteral("probe") : QStringLiteral("bench");
}

QString TelemetryRegistry::errorTypeOf(const MetricsRecord& record)
{
    if (record.isCancelled())
        return QStringLiteral("cancelled");
    if (!record.isError())
        return {};
    if (record.errorKind)
        return ApiError::kindName(*record.errorKind);
    return QStringLiteral("_OTHER"); // the conventions' fallback value
}

namespace {

QMutex providerMutex;
QHash<QString, QString> providerNames; // guarded by providerMutex

} // namespace

void TelemetryRegistry::setProviderNames(const QHash<QString, QString>& byProfile)
{
    const QMutexLocker lock(&providerMutex);
    providerNames = byProfile;
}

QString TelemetryRegistry::providerOf(const QString& profile)
{
    const QMutexLocker lock(&providerMutex);
    return providerNames.value(profile, QStringLiteral("openai"));
}

TelemetryLabels TelemetryRegistry::baseLabels(const MetricsRecord& record)
{
    const QUrl url(record.endpoint);
    int port = url.port();
    if (port < 0)
        port = url.scheme() == QLatin1String("http") ? 80 : 443;
    TelemetryLabels labels{
        {"gen_ai_operation_name", QStringLiteral("chat")},
        {"gen_ai_provider_name", providerOf(record.profile)},
        // Rows stored before the requested model was kept know only the server's name for it.
        {"gen_ai_request_model",
         record.requestedModel.isEmpty() ? record.model : record.requestedModel},
        {"gen_ai_response_model", record.requestedModel.isEmpty() ? QString() : record.model},
        {"server_address", url.host()},
        {"server_port", url.host().isEmpty() ? QString() : QString::number(port)},
        {"profile", record.profile},
        {"source", sourceOf(record)},
        {"variant", record.variant},
    };
    return labels;
}

TelemetryHistogram& TelemetryRegistry::series(Histogram which, const TelemetryLabels& labels)
{
    HistogramFamily& family = m_histograms[which];
    return family.index.find(family.series, labels,
                             [&family] { return TelemetryHistogram(family.bounds); });
}

quint64& TelemetryRegistry::counter(Counter which, const TelemetryLabels& labels)
{
    CounterFamily& family = m_counters[which];
    return family.index.find(family.series, labels, [] { return quint64(0); });
}

void TelemetryRegistry::observe(Histogram which, const TelemetryLabels& labels, double value,
                                quint64 count)
{
    series(which, labels).observe(value, count);
}

void TelemetryRegistry::add(const MetricsRecord& record)
{
    ++m_records;
    const TelemetryLabels base = baseLabels(record);
    const QString errorType = errorTypeOf(record);
    // error_type only where the conventions put it: on failed operations.
    const TelemetryLabels outcome =
        errorType.isEmpty() ? base : with(base, "error_type", errorType);

    ++counter(Requests, with(base, "status", statusName(record.status)));
    if (!errorType.isEmpty() && record.isError())
        ++counter(Errors, with(base, "error_type", errorType));
    if (record.retries > 0)
        counter(Retries, base) += quint64(record.retries);
    // Records come in the order they were stored, so the last probe's outcome stays.
    if (sourceOf(record) == QLatin1String("probe")) {
        GaugeFamily& up = m_gauges.front();
        up.index.find(up.series, base, [] { return 0.0; }) = record.isError() ? 0.0 : 1.0;
    }

    if (record.e2eMs)
        observe(Duration, outcome, *record.e2eMs / msPerSecond);
    if (record.ttftMs)
        observe(TimeToFirstChunk, base, *record.ttftMs / msPerSecond);
    if (record.ttfatMs)
        observe(TimeToFirstAnswerToken, base, *record.ttfatMs / msPerSecond);
    if (record.tpotMs)
        observe(TimePerOutputToken, base, *record.tpotMs / msPerSecond);

    // Every gap the record's ITL sketch holds: the gaps themselves while it keeps them (up to
    // QuantileSketch::exactLimit per request), else its 1 % buckets' values, so only a gap within
    // 1 % of a boundary can land in the neighbouring bucket. Count and sum are exact either way.
    if (!record.itlSketch.isEmpty()) {
        if (const auto sketch = QuantileSketch::fromBytes(record.itlSketch)) {
            TelemetryHistogram& gaps = series(TimePerOutputChunk, base);
            double bucketed = 0;
            for (const auto& [valueMs, count] : sketch->valueCounts()) {
                gaps.observe(valueMs / msPerSecond, count);
                bucketed += valueMs / msPerSecond * double(count);
            }
            // Replace the representatives' sum with the exact one.
            gaps.correctSum(sketch->sum() / msPerSecond - bucketed);
        }
    }

    if (record.promptTokens)
        observe(TokenUsage, with(base, "gen_ai_token_type", QStringLiteral("input")),
                double(*record.promptTokens));
    if (record.isCompleted() || record.outputTokens > 0)
        observe(TokenUsage, with(base, "gen_ai_token_type", QStringLiteral("output")),
                double(record.outputTokens));
}

} // namespace adminchat

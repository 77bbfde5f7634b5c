#pragma once

#include "telemetry/TelemetryHistogram.h"
#include "telemetry/TelemetrySeriesIndex.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <map>
#include <utility>
#include <vector>

namespace adminchat {

struct MetricsRecord;

// What AdminChat measures, folded from metrics records into cumulative histograms and counters
// named as the OpenTelemetry GenAI semantic conventions name them (translated the way Prometheus
// translates OTLP names), with adminchat_ ones where no convention exists. Labels are the
// conventions' low-cardinality attributes and ours (profile, source, variant); never prompts,
// ids, users or a bench run's tag.
class TelemetryRegistry
{
public:
    struct HistogramFamily
    {
        QByteArray name; // e.g. gen_ai_client_operation_duration_seconds
        QByteArray help;
        QByteArray unit; // OpenMetrics UNIT ("seconds"), empty for none
        const std::vector<double>* bounds = nullptr;
        std::map<TelemetryLabels, TelemetryHistogram> series;
        TelemetrySeriesIndex<TelemetryHistogram> index{};
    };
    struct CounterFamily
    {
        QByteArray name; // without _total, e.g. adminchat_requests
        QByteArray help;
        std::map<TelemetryLabels, quint64> series;
        TelemetrySeriesIndex<quint64> index{};
    };

    struct GaugeFamily
    {
        QByteArray name; // e.g. adminchat_probe_up
        QByteArray help;
        std::map<TelemetryLabels, double> series;
        TelemetrySeriesIndex<double> index{};
    };

    TelemetryRegistry();

    void add(const MetricsRecord& record);
    qint64 recordsAdded() const { return m_records; }

    const std::vector<HistogramFamily>& histograms() const { return m_histograms; }
    const std::vector<CounterFamily>& counters() const { return m_counters; }
    const std::vector<GaugeFamily>& gauges() const { return m_gauges; }

    // The labels every series of a record carries (see the class comment).
    static TelemetryLabels baseLabels(const MetricsRecord& record);
    // gen_ai_provider_name by profile name (ProfileStore::providerNames()), for every registry
    // and span of the process; a profile not in it is "openai". Set by the program that reads
    // the profiles, again when they change; safe from any thread.
    static void setProviderNames(const QHash<QString, QString>& byProfile);
    static QString providerOf(const QString& profile);
    // "chat" for the window and `ask`, "bench" for load runs (the only records with a tag).
    static QString sourceOf(const MetricsRecord& record);
    // error.type: the API error's kind ("http", "timeout", ...), "cancelled", or empty on
    // success.
    static QString errorTypeOf(const MetricsRecord& record);

private:
    enum Histogram
    {
        Duration,
        TimeToFirstChunk,
        TimePerOutputChunk,
        TokenUsage,
        TimePerOutputToken,
        TimeToFirstAnswerToken,
        HistogramCount
    };
    enum Counter
    {
        Requests,
        Errors,
        Retries,
        CounterCount
    };

    void observe(Histogram which, const TelemetryLabels& labels, double value, quint64 count = 1);
    TelemetryHistogram& series(Histogram which, const TelemetryLabels& labels);
    quint64& counter(Counter which, const TelemetryLabels& labels);

    std::vector<HistogramFamily> m_histograms;
    std::vector<CounterFamily> m_counters;
    std::vector<GaugeFamily> m_gauges; // adminchat_probe_up
    qint64 m_records = 0;
};

} // namespace adminchat

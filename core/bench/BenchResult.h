#pragma once

#include "bench/DistributionStats.h"
#include "metrics/QuantileSketch.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <vector>

namespace adminchat {

struct RequestMetrics;
struct RequestTrace;

// The measured requests of a load run, folded as they finish. Latency figures come from the
// completed requests only (a fast error must not make an endpoint look fast); counts cover
// every request. Definitions as in the README: TTFT, TTFAT, ITL (every gap), mean ITL per
// request, TPOT, E2E, tokens/s. Request throughput = completed requests / measured seconds;
// output token throughput = their output tokens / measured seconds.
class BenchResult
{
public:
    enum class Metric
    {
        Ttft,
        Ttfat,
        Itl,
        MeanItl,
        Tpot,
        E2e,
        TokensPerSecond
    };
    static const QList<Metric>& metrics();
    static QString metricKey(Metric metric);   // JSON key: "ttft_ms", ..., "tokens_per_s"
    static QString metricLabel(Metric metric); // table row: "TTFT (ms)", ...
    // {"kind": count, ...}: the JSON report's errors_by_kind and categories.
    static QJsonObject countsToJson(const QMap<QString, qint64>& counts);

    void add(const RequestTrace& trace, const RequestMetrics& metrics);
    void setMeasuredSeconds(double seconds) { m_seconds = seconds; }
    void setMaxInFlight(int inFlight) { m_maxInFlight = inFlight; }

    qint64 requests() const { return m_requests; }
    qint64 completed() const { return m_completed; }
    qint64 errors() const { return m_errors; }
    qint64 cancelled() const { return m_cancelled; }
    qint64 outputTokens() const { return m_outputTokens; }
    double measuredSeconds() const { return m_seconds; }
    int maxInFlight() const { return m_maxInFlight; }
    const QMap<QString, qint64>& errorsByKind() const { return m_errorsByKind; }
    const QMap<QString, qint64>& categories() const { return m_categories; }
    double requestThroughput() const;     // per second; 0 before any time passed
    double outputTokenThroughput() const; // per second

    DistributionStats stats(Metric metric) const; // sorts a copy: for the end of a run
    // The same samples in a mergeable sketch (exact up to QuantileSketch::exactLimit samples,
    // 1 % relative error above): what `adminchat bench merge` combines across runs.
    const QuantileSketch& sketch(Metric metric) const { return m_sketches[int(metric)]; }
    // Cheap figures while the run goes on (sketch, 1 % relative error).
    std::optional<double> liveTtftQuantile(double q) const { return m_liveTtft.quantile(q); }

    // The counts and figures; with sketches, also "sketches": {metric key: base64 of
    // QuantileSketch::toBytes()}.
    QJsonObject toJson(bool withSketches = false) const;

private:
    std::vector<double> m_samples[7]; // by Metric
    QuantileSketch m_sketches[7];     // by Metric
    QuantileSketch m_liveTtft;
    qint64 m_requests = 0;
    qint64 m_completed = 0;
    qint64 m_errors = 0;
    qint64 m_cancelled = 0;
    qint64 m_outputTokens = 0;
    double m_seconds = 0;
    int m_maxInFlight = 0;
    QMap<QString, qint64> m_errorsByKind;
    QMap<QString, qint64> m_categories;
};

} // namespace adminchat

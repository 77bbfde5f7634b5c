#pragma once

#include "metrics/ErrorSpike.h"
#include "watch/ProbeResult.h"

#include <deque>
#include <optional>
#include <vector>

namespace adminchat {

// The recent probes of one target, for the alert rules over a time window: their error count
// and the P95 of their TTFT and E2E. Pure: every time comes with a probe or a call.
class ProbeWindow
{
public:
    struct Stats
    {
        ErrorSpike::Counts probes; // errors: probes the endpoint did not answer (any HTTP error,
                                   // 401/403 and 429 included, or no connection)
        qsizetype ttftCount = 0;
        qsizetype e2eCount = 0;
        std::optional<double> ttftP95Ms;
        std::optional<double> e2eP95Ms;
        bool covered = false; // the samples go back the whole window
    };
    enum class Figure
    {
        Ttft,
        E2e
    };
    // Bounds the memory of a fast probe: a 1 s interval over a day's window keeps the newest.
    static constexpr std::size_t maxSamples = 4096;

    void add(const ProbeResult& probe);
    // Drops the samples before beforeMs.
    void forget(qint64 beforeMs);
    // Over the samples from fromMs to toMs (both included).
    Stats over(qint64 fromMs, qint64 toMs) const;
    // How many samples from fromMs to toMs have the figure over thresholdMs.
    qsizetype countOver(qint64 fromMs, qint64 toMs, Figure figure, double thresholdMs) const;
    qsizetype size() const { return qsizetype(m_samples.size()); }

    // RequestMetrics::percentile's P95 of the values, in any order; nullopt when empty.
    static std::optional<double> p95(std::vector<double> values);

private:
    struct Sample
    {
        qint64 atMs = 0;
        std::optional<double> ttftMs;
        std::optional<double> e2eMs;
        bool failed = false;
    };
    std::deque<Sample> m_samples;
    std::optional<qint64> m_firstMs; // the first sample ever added: how far back it can look
};

} // namespace adminchat

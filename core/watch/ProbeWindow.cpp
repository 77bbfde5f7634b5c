#include "watch/ProbeWindow.h"

#include "metrics/RequestMetrics.h"

#include <algorithm>

namespace adminchat {

void ProbeWindow::add(const ProbeResult& probe)
{
    Sample sample;
    sample.atMs = probe.startedMs;
    sample.ttftMs = probe.ttftMs;
    sample.e2eMs = probe.e2eMs;
    sample.failed = probe.outcome == ProbeOutcome::Error ||
                    probe.outcome == ProbeOutcome::KeyRejected ||
                    probe.outcome == ProbeOutcome::RateLimited;
    if (!m_firstMs)
        m_firstMs = probe.startedMs;
    m_samples.push_back(sample);
    while (m_samples.size() > maxSamples)
        m_samples.pop_front();
}

void ProbeWindow::forget(qint64 beforeMs)
{
    while (!m_samples.empty() && m_samples.front().atMs < beforeMs)
        m_samples.pop_front();
}

ProbeWindow::Stats ProbeWindow::over(qint64 fromMs, qint64 toMs) const
{
    Stats stats;
    std::vector<double> ttft, e2e;
    for (const Sample& sample : m_samples) {
        if (sample.atMs < fromMs || sample.atMs > toMs)
            continue;
        ++stats.probes.started;
        if (sample.failed)
            ++stats.probes.errors;
        if (sample.ttftMs)
            ttft.push_back(*sample.ttftMs);
        if (sample.e2eMs)
            e2e.push_back(*sample.e2eMs);
    }
    stats.ttftCount = qsizetype(ttft.size());
    stats.e2eCount = qsizetype(e2e.size());
    stats.ttftP95Ms = p95(std::move(ttft));
    stats.e2eP95Ms = p95(std::move(e2e));
    stats.covered = m_firstMs && *m_firstMs <= fromMs;
    return stats;
}

qsizetype ProbeWindow::countOver(qint64 fromMs, qint64 toMs, Figure figure,
                                 double thresholdMs) const
{
    return std::count_if(m_samples.cbegin(), m_samples.cend(), [&](const Sample& sample) {
        const std::optional<double>& value = figure == Figure::Ttft ? sample.ttftMs : sample.e2eMs;
        return sample.atMs >= fromMs && sample.atMs <= toMs && value && *value > thresholdMs;
    });
}

std::optional<double> ProbeWindow::p95(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return RequestMetrics::percentile(values, 0.95);
}

} // namespace adminchat

#include "telemetry/TelemetryHistogram.h"

#include <algorithm>

namespace adminchat {

TelemetryHistogram::TelemetryHistogram(const std::vector<double>* bounds)
    : m_bounds(bounds), m_counts(bounds->size() + 1, 0)
{}

void TelemetryHistogram::observe(double value, quint64 count)
{
    // The first bound >= value: `le` is inclusive.
    const auto it = std::lower_bound(m_bounds->begin(), m_bounds->end(), value);
    m_counts[std::size_t(it - m_bounds->begin())] += count;
    m_count += count;
    m_sum += value * double(count);
}

quint64 TelemetryHistogram::cumulativeCount(std::size_t index) const
{
    quint64 total = 0;
    for (std::size_t i = 0; i <= index && i < m_counts.size(); ++i)
        total += m_counts[i];
    return total;
}

} // namespace adminchat

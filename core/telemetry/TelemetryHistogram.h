#pragma once

#include <QtGlobal>
#include <vector>

namespace adminchat {

// One histogram series: a count per bucket of fixed upper bounds (value <= bound, Prometheus's
// `le`), the count above the last bound, and the exact count and sum. Kept per bucket, not
// cumulative; the exposition adds them up.
class TelemetryHistogram
{
public:
    explicit TelemetryHistogram(const std::vector<double>* bounds);

    void observe(double value, quint64 count = 1);
    // Adds delta to the sum alone (samples observed at a representative value, then corrected to
    // their exact sum).
    void correctSum(double delta) { m_sum += delta; }

    const std::vector<double>& bounds() const { return *m_bounds; }
    // bounds().size() + 1 counts; the last is above every bound (the +Inf bucket's own part).
    const std::vector<quint64>& bucketCounts() const { return m_counts; }
    // Samples <= bounds()[index] (index == bounds().size(): all of them, +Inf).
    quint64 cumulativeCount(std::size_t index) const;
    quint64 count() const { return m_count; }
    double sum() const { return m_sum; }

private:
    const std::vector<double>* m_bounds; // one of TelemetryBuckets' lists, which live forever
    std::vector<quint64> m_counts;
    quint64 m_count = 0;
    double m_sum = 0;
};

} // namespace adminchat

#include "metrics/RequestMetrics.h"

#include "metrics/QuantileSketch.h"
#include "net/RequestTrace.h"

#include <algorithm>
#include <cmath>

namespace adminchat {

namespace {

constexpr double nsPerMs = 1e6;

std::optional<double> msBetween(qint64 fromNs, qint64 toNs)
{
    if (fromNs < 0 || toNs < 0)
        return std::nullopt;
    return double(toNs - fromNs) / nsPerMs;
}

} // namespace

std::optional<double> RequestMetrics::percentile(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        return std::nullopt;
    const double rank = std::clamp(q, 0.0, 1.0) * double(sorted.size() - 1);
    const auto lower = std::size_t(std::floor(rank));
    const auto upper = std::min(lower + 1, sorted.size() - 1);
    const double fraction = rank - double(lower);
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

QByteArray RequestMetrics::itlSketchOf(const std::vector<double>& itlMs)
{
    if (itlMs.empty())
        return {};
    QuantileSketch sketch;
    for (double gapMs : itlMs)
        sketch.add(gapMs);
    return sketch.toBytes();
}

RequestMetrics RequestMetrics::fromTrace(const RequestTrace& trace, const CategoryRule& rule)
{
    RequestMetrics m;
    m.ttftMs = msBetween(0, trace.firstOutputNs);
    m.ttfatMs = msBetween(0, trace.firstContentNs);
    m.e2eMs = msBetween(0, trace.endNs);

    const auto& events = trace.outputEventNs;
    m.itlMs.reserve(events.size() > 1 ? events.size() - 1 : 0);
    for (std::size_t i = 1; i < events.size(); ++i)
        m.itlMs.push_back(double(events[i] - events[i - 1]) / nsPerMs);
    if (!m.itlMs.empty()) {
        std::vector<double> sorted = m.itlMs;
        std::sort(sorted.begin(), sorted.end());
        m.itlP50Ms = percentile(sorted, 0.50);
        m.itlP95Ms = percentile(sorted, 0.95);
        m.itlP99Ms = percentile(sorted, 0.99);
        m.itlMaxMs = sorted.back();
        m.itlSketch = itlSketchOf(m.itlMs);
    }

    m.outputTokens = qint64(events.size());
    m.outputTokensEstimated = true;
    if (trace.usage) {
        const QJsonValue completion = trace.usage->value(QLatin1String("completion_tokens"));
        if (completion.isDouble()) {
            m.outputTokens = completion.toInteger();
            m.outputTokensEstimated = false;
        }
        const QJsonValue prompt = trace.usage->value(QLatin1String("prompt_tokens"));
        if (prompt.isDouble())
            m.promptTokens = prompt.toInteger();
    }

    if (m.outputTokens > 1 && events.size() > 1)
        m.meanItlMs = double(events.back() - events.front()) / nsPerMs / double(m.outputTokens - 1);
    if (m.outputTokens > 1 && m.e2eMs && m.ttftMs)
        m.tpotMs = (*m.e2eMs - *m.ttftMs) / double(m.outputTokens - 1);
    if (m.outputTokens > 0 && m.e2eMs && *m.e2eMs > 0)
        m.tokensPerSecond = double(m.outputTokens) / (*m.e2eMs / 1000.0);

    if (trace.error) {
        m.category = trace.error->kind == ApiError::Kind::Cancelled ? LatencyCategory::Cancelled
                                                                    : LatencyCategory::Error;
    } else {
        const std::optional<double>& judged = rule.metric == CategoryMetric::Ttfat ? m.ttfatMs
                                              : rule.metric == CategoryMetric::E2e ? m.e2eMs
                                                                                   : m.ttftMs;
        if (judged)
            m.category = rule.thresholds.categorize(*judged);
        else if (m.e2eMs)
            m.category = rule.thresholds.categorize(*m.e2eMs); // an empty answer
    }
    return m;
}

} // namespace adminchat

#include "metrics/LatencyCategory.h"

#include <array>

namespace adminchat {

namespace {

constexpr std::array categories = {LatencyCategory::Excellent,  LatencyCategory::Good,
                                   LatencyCategory::Acceptable, LatencyCategory::Slow,
                                   LatencyCategory::Error,      LatencyCategory::Cancelled};

} // namespace

LatencyCategory CategoryThresholds::categorize(double latencyMs) const
{
    if (latencyMs < excellentBelowMs)
        return LatencyCategory::Excellent;
    if (latencyMs < goodBelowMs)
        return LatencyCategory::Good;
    if (latencyMs < acceptableBelowMs)
        return LatencyCategory::Acceptable;
    return LatencyCategory::Slow;
}

QString categoryName(LatencyCategory category)
{
    switch (category) {
    case LatencyCategory::Excellent:
        return QStringLiteral("excellent");
    case LatencyCategory::Good:
        return QStringLiteral("good");
    case LatencyCategory::Acceptable:
        return QStringLiteral("acceptable");
    case LatencyCategory::Slow:
        return QStringLiteral("slow");
    case LatencyCategory::Error:
        return QStringLiteral("error");
    case LatencyCategory::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

QString categoryMetricName(CategoryMetric metric)
{
    switch (metric) {
    case CategoryMetric::Ttft:
        return QStringLiteral("ttft");
    case CategoryMetric::Ttfat:
        return QStringLiteral("ttfat");
    case CategoryMetric::E2e:
        return QStringLiteral("e2e");
    }
    return {};
}

std::optional<CategoryMetric> categoryMetricFromName(const QString& name)
{
    for (CategoryMetric metric :
         {CategoryMetric::Ttft, CategoryMetric::Ttfat, CategoryMetric::E2e}) {
        if (categoryMetricName(metric) == name)
            return metric;
    }
    return std::nullopt;
}

std::optional<LatencyCategory> categoryFromName(const QString& name)
{
    for (LatencyCategory category : categories) {
        if (categoryName(category) == name)
            return category;
    }
    return std::nullopt;
}

} // namespace adminchat

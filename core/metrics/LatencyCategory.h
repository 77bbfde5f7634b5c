#pragma once

#include <QString>
#include <optional>

namespace adminchat {

// How a request felt, from its time to first token (by default): excellent < 500 ms,
// good < 1 s, acceptable < 3 s, slow otherwise. Errors and cancellations are counted apart.
enum class LatencyCategory
{
    Excellent,
    Good,
    Acceptable,
    Slow,
    Error,
    Cancelled
};

struct CategoryThresholds
{
    double excellentBelowMs = 500;
    double goodBelowMs = 1000;
    double acceptableBelowMs = 3000;

    LatencyCategory categorize(double latencyMs) const;
};

// Which figure a request is judged on (a setting; TTFT by default).
enum class CategoryMetric
{
    Ttft,
    Ttfat,
    E2e
};

struct CategoryRule
{
    CategoryMetric metric = CategoryMetric::Ttft;
    CategoryThresholds thresholds;
};

QString categoryName(LatencyCategory category);    // "excellent", "good", ...
QString categoryMetricName(CategoryMetric metric); // "ttft", "ttfat", "e2e"
std::optional<CategoryMetric> categoryMetricFromName(const QString& name);
std::optional<LatencyCategory> categoryFromName(const QString& name);

} // namespace adminchat

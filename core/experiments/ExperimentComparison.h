#pragma once

#include "metrics/MetricsRecord.h"
#include "metrics/RollupCell.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace adminchat {

enum class ComparisonMetric
{
    Ttft,
    E2e,
    TokensPerSecond,
    ErrorRate,
    CompletionRate,
    Satisfaction
};

// One variant's figures. Latencies and tokens/s count completed requests that have the value;
// rates count every request; satisfaction counts rated requests.
struct VariantSummary
{
    QString variant;
    qint64 requests = 0;
    qint64 completed = 0;
    qint64 errors = 0;
    qint64 rated = 0;   // requests with a thumbs up or down
    qint64 ratedUp = 0; // of those, thumbs up
    std::optional<double> ttftP50Ms, ttftP95Ms, e2eP50Ms, e2eP95Ms;
    std::optional<double> tokensPerSecondP50, tokensPerSecondP95;
    // Shares 0..1; none without requests (rates) or ratings (satisfaction).
    std::optional<double> errorRate, completionRate, satisfaction;
};

// One metric of one variant against the control (the experiment's first variant).
struct MetricComparison
{
    enum class Verdict
    {
        NotEnoughData,
        NotSignificant,
        Better,
        Worse
    };

    ComparisonMetric metric = ComparisonMetric::Ttft;
    QString variant;
    QString control;
    Verdict verdict = Verdict::NotEnoughData;
    qint64 variantSamples = 0;
    qint64 controlSamples = 0;
    int minimumSamples = 1; // the threshold the verdict was judged against (at least 1)
    // variant - control: ms (difference of medians) for latencies, tok/s (difference of medians)
    // for tokens/s, share points (0..1) for rates. Also given, as a description, when there is
    // not enough data for a verdict but both groups have samples.
    std::optional<double> difference;
    // Rank-biserial r (variant first: negative means the variant tends to be lower) for
    // latencies and tokens/s, Cohen's h for rates. None without a verdict.
    std::optional<double> effectSize;
    std::optional<double> pValue; // two-sided; none without a verdict

    // One line for people, e.g. "B: TTFT P50 120 ms lower than A (p = 0.003, r = -0.41)".
    QString summary() const;
    static QString verdictName(Verdict verdict); // "not_enough_data", "not_significant", ...
};

struct ComparisonOptions
{
    int minimumSamples = 20; // per group, below it there is no verdict
    double alpha = 0.05;     // significance level of the two-sided tests
};

// Variants of an A/B experiment compared from stored metrics records: Mann-Whitney U for TTFT,
// E2E and tokens/s, a pooled two-proportion z-test for error rate, completion rate and
// satisfaction. Each variant after the first is compared with the first (the control) on each
// of the six metrics. O(n log n) in the number of records, or in
// the number of sketch buckets.
struct ExperimentComparison
{
    QString experiment;
    QList<VariantSummary> variants;
    QList<MetricComparison> comparisons;
    ComparisonOptions options;

    // Records of other experiments and records without a variant are ignored. Variants appear
    // in variantOrder (the definition's order, even those without records), then any other
    // variant names seen, sorted.
    static ExperimentComparison compute(const QString& experiment, const QStringList& variantOrder,
                                        const std::vector<MetricsRecord>& records,
                                        const ComparisonOptions& options = {});

    // The same from each variant's records merged into one rollup cell (variants keyed by
    // name): counts and rates exact; percentiles and the rank tests exact while a variant's
    // sketches are (at most QuantileSketch::exactLimit values), above from their buckets, each
    // value within the sketch's relative accuracy. What a year of an experiment costs to compare
    // in a few kilobytes per variant.
    static ExperimentComparison fromCells(const QString& experiment,
                                          const QStringList& variantOrder,
                                          const QHash<QString, RollupCell>& variants,
                                          const ComparisonOptions& options = {});

    // {"experiment", "minimum_samples", "alpha", "variants": [...], "comparisons": [...]};
    // absent values are null.
    QJsonObject toJson() const;

    const VariantSummary* summaryOf(const QString& variant) const; // nullptr if absent
    const MetricComparison* find(ComparisonMetric metric, const QString& variant) const;

    static QString metricName(ComparisonMetric metric);  // "ttft", "e2e", "tokens_per_s", ...
    static QString metricLabel(ComparisonMetric metric); // "TTFT P50", "error rate", ...
    static bool lowerIsBetter(ComparisonMetric metric);
    static const QList<ComparisonMetric>& allMetrics();
};

} // namespace adminchat

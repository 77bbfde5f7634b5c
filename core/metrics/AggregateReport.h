#pragma once

#include "metrics/QuantileSketch.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <array>
#include <cmath>

namespace adminchat {

// count, mean, P50/P95/P99 and max of one metric, from a QuantileSketch: exact up to
// QuantileSketch::exactLimit samples, within 1 % above; P50 >= min, P95 <= P99 <= max.
struct MetricSummary
{
    quint64 count = 0;
    double mean = NAN;
    double p50 = NAN;
    double p95 = NAN;
    double p99 = NAN;
    double max = NAN;

    static MetricSummary fromSketch(const QuantileSketch& sketch);
};

// Everything the dashboard, the summary export and the suggestions need about a set of records.
struct GroupStats
{
    // The endpoint: its label (MetricsRecord::endpointLabel, from the group's newest labels),
    // key (endpointKey) and display URL; all empty in totals.
    QString endpoint;
    QString endpointId;
    QString endpointUrl;
    QString model;
    QString variant;

    quint64 started = 0;   // records
    quint64 completed = 0; // finished normally
    quint64 errors = 0;
    quint64 cancelled = 0;
    quint64 lengthFinishes = 0;
    quint64 streamed = 0;
    quint64 retries = 0;     // sum over records
    quint64 rateLimited = 0; // HTTP 429 answers
    quint64 ratedUp = 0;
    quint64 ratedDown = 0;
    std::array<quint64, 4> categories{}; // excellent, good, acceptable, slow
    // By ApiError::kindName() (empty: an error without a kind): what the JSON report and the
    // suggestions name, in that order.
    QMap<QString, quint64> errorKinds;
    quint64 repeatedPrompts = 0;   // records whose prompt hash was seen earlier in the set
    quint64 longPrompts = 0;       // prompt over 4,000 tokens (or 16,000 chars without usage)
    QuantileSketch longPromptTtft; // TTFT of those long-prompt records

    // Latency figures over completed requests only (no errors, no cancellations; see
    // RollupCell): a fast failure must not make an endpoint look fast.
    MetricSummary ttft;
    MetricSummary ttfat;
    MetricSummary e2e;
    MetricSummary itl; // all gaps of all requests
    MetricSummary tokensPerSecond;
    // Display lag in the window (arrival to shown), over the records that have one, whatever
    // their status (text was shown either way): the summary of the per-request P95s, so its p95
    // is the P95 of per-request P95s.
    MetricSummary displayLag;
    // Predicted Outputs: token sums over the records whose server reported them.
    quint64 acceptedPredictionTokens = 0;
    quint64 rejectedPredictionTokens = 0;

    bool sameEndpoint(const GroupStats& other) const
    {
        return endpointId == other.endpointId && endpoint == other.endpoint;
    }
    double errorRate() const { return started ? double(errors) / double(started) : 0.0; }
    double completionRate() const { return started ? double(completed) / double(started) : 0.0; }
    double streamedShare() const { return started ? double(streamed) / double(started) : 0.0; }
    double rateLimitedShare() const
    {
        return started ? double(rateLimited) / double(started) : 0.0;
    }
    // accepted / (accepted + rejected) prediction tokens; NaN when no record reported any.
    double predictionAcceptance() const
    {
        const quint64 predicted = acceptedPredictionTokens + rejectedPredictionTokens;
        return predicted ? double(acceptedPredictionTokens) / double(predicted) : NAN;
    }
    double satisfaction() const // thumbs-up share of rated answers; NaN when none rated
    {
        const quint64 rated = ratedUp + ratedDown;
        return rated ? double(ratedUp) / double(rated) : NAN;
    }
};

// One slice of the timeline for the over-time charts.
struct TimeBucket
{
    QDateTime start;
    MetricSummary ttft;
    MetricSummary e2e;
    MetricSummary tokensPerSecond;
    quint64 started = 0;
    quint64 errors = 0;
};

struct AggregateReport
{
    QDateTime from; // invalid: since the first record
    QDateTime to;
    GroupStats total;
    QList<GroupStats> byModel;    // one per (endpoint, model, variant), busiest first
    QList<GroupStats> byEndpoint; // one per endpoint, busiest first
    QList<TimeBucket> timeline;   // equal slices from the first record (or from) to to
};

} // namespace adminchat

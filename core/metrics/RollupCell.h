#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/LatencyCategory.h"
#include "metrics/QuantileSketch.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <array>
#include <optional>
#include <vector>

namespace adminchat {

struct MetricsRecord;

// What a set of records adds up to, in a form that merges exactly: counters, error kinds, the
// latency sketches and the distinct prompt hashes. A rollup bucket (one time bucket of one
// endpoint, model, variant, experiment and tag) is one cell; a window merges its buckets' cells,
// so its cost depends on the number of buckets, not of records. Counted as the reference
// MetricsAggregator (tests/reference) counts (latency of completed requests only, and so on), so a
// cell's summary is the aggregator's figures for the same records: exact while a sketch is exact
// (at most QuantileSketch::exactLimit samples), within its accuracy above.
//
// Categories depend on a setting (CategoryRule). Under the default thresholds a cell counts them
// exactly, for each metric a rule may judge on; for other thresholds it keeps, per metric, the
// sketch of the judged values and counts those against the thresholds when summarised (exact
// while the sketch is; above, only values within its accuracy of a threshold can land on the
// wrong side).
class RollupCell
{
public:
    void add(const MetricsRecord& record);
    void merge(const RollupCell& other);
    // A rating given or taken back after the record was folded in.
    void changeRating(std::optional<int> from, std::optional<int> to);

    bool isEmpty() const { return m_started == 0; }
    quint64 started() const { return m_started; }
    quint64 completed() const { return m_completed; }
    quint64 errors() const { return m_errors; }
    quint64 ratedUp() const { return m_ratedUp; }
    quint64 ratedDown() const { return m_ratedDown; }
    // Completed records' figures.
    const QuantileSketch& ttft() const { return m_ttft; }
    const QuantileSketch& e2e() const { return m_e2e; }
    const QuantileSketch& tokensPerSecond() const { return m_tokensPerSecond; }

    // The figures of GroupStats (labels and repeatedPrompts aside: a prompt repeats across the
    // cells of a window, see repeatedPrompts()).
    void summarizeInto(GroupStats& stats, const CategoryRule& rule) const;
    // Records whose prompt hash another selected record had before: records with a hash, less
    // the distinct hashes, over this (merged) cell. Exact up to maxPromptHashes distinct
    // prompts; above, the cell keeps the smallest fingerprints only and estimates the distinct
    // count from them (about 1.6 % of it), so memory stays bounded over a year of chats.
    static constexpr std::size_t maxPromptHashes = 4096;
    quint64 repeatedPrompts() const;

    // Stored form (a BLOB), versioned; fromBytes returns std::nullopt on anything it did not
    // write.
    QByteArray toBytes() const;
    static std::optional<RollupCell> fromBytes(QByteArrayView bytes);
    // started() of a stored cell, read without decoding the rest.
    static std::optional<quint64> startedFromBytes(QByteArrayView bytes);

    friend bool operator==(const RollupCell&, const RollupCell&) = default;

private:
    static constexpr int counterCount = 14 + 12;
    static constexpr int sketchCount = 10;
    std::array<quint64*, counterCount> counters();
    std::array<QuantileSketch*, sketchCount> sketches();
    std::array<const quint64*, counterCount> counters() const;
    std::array<const QuantileSketch*, sketchCount> sketches() const;
    void capHashes();

    quint64 m_started = 0;
    quint64 m_completed = 0;
    quint64 m_errors = 0;
    quint64 m_cancelled = 0;
    quint64 m_lengthFinishes = 0;
    quint64 m_streamed = 0;
    quint64 m_retries = 0;
    quint64 m_rateLimited = 0;
    quint64 m_ratedUp = 0;
    quint64 m_ratedDown = 0;
    quint64 m_longPrompts = 0;
    quint64 m_acceptedPredictionTokens = 0;
    quint64 m_rejectedPredictionTokens = 0;
    quint64 m_hashedPrompts = 0;
    // Under the default thresholds, per CategoryMetric: excellent, good, acceptable, slow.
    std::array<std::array<quint64, 4>, 3> m_defaultCategories{};
    QMap<QString, quint64> m_errorKinds;
    std::vector<quint64> m_promptHashes; // sorted, distinct: 64 bits of each SHA-256
    bool m_hashesCapped = false;         // only the smallest maxPromptHashes are kept

    QuantileSketch m_ttft, m_ttfat, m_e2e, m_itl, m_tokensPerSecond, m_displayLag;
    QuantileSketch m_longPromptTtft;
    // Completed records' value for CategoryMetric Ttft, Ttfat, E2e (E2E for an answer without
    // that figure, as MetricsAggregator::categorize judges).
    std::array<QuantileSketch, 3> m_judged;
};

} // namespace adminchat

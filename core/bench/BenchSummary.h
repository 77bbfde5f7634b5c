#pragma once

#include "bench/BenchResult.h"
#include "bench/DistributionStats.h"
#include "metrics/QuantileSketch.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <array>
#include <optional>

namespace adminchat {

// A bench run as its JSON report (`adminchat bench --json`) describes it: the counts and, per
// metric, the quantile sketch of its samples. Summaries of runs made at the same time from
// several machines merge exactly: counts add and sketches merge bucket by bucket, so the merged
// percentiles are those one sketch over the union of the runs' samples gives (the samples
// themselves up to QuantileSketch::exactLimit of them, the 1 % buckets above).
//
// Report format (the keys `adminchat bench merge` reads; version 1): "report":
// "adminchat-bench", "report_version": 1, "host", "tag", "requests", "completed", "errors",
// "cancelled", "output_tokens", "duration_s", "request_throughput", "output_token_throughput",
// "errors_by_kind" and "categories" ({name: count}), one {"count", "mean", "p50", ...} object per
// metric key, and "sketches": {metric key: base64 of QuantileSketch::toBytes()}. Other keys are
// ignored.
class BenchSummary
{
public:
    static constexpr int reportVersion = 1;
    static QString reportName(); // "adminchat-bench"
    static constexpr qint64 maxReportBytes = 64 * 1024 * 1024;
    static constexpr qint64 maxCount = qint64(1) << 53; // exact in a JSON number

    QString host;
    QString tag;
    qint64 requests = 0;
    qint64 completed = 0;
    qint64 errors = 0;
    qint64 cancelled = 0;
    qint64 outputTokens = 0;
    double seconds = 0;
    double requestThroughput = 0;     // per second
    double outputTokenThroughput = 0; // per second
    QMap<QString, qint64> errorsByKind;
    QMap<QString, qint64> categories;
    std::array<QuantileSketch, 7> sketches; // by BenchResult::Metric

    DistributionStats stats(BenchResult::Metric metric) const;

    // Reads a report; std::nullopt with one line in *error for anything that is not a bench
    // report of this version, or whose values are of the wrong type, out of range or
    // inconsistent (a sketch's count against its metric's count).
    static std::optional<BenchSummary> fromJson(const QJsonObject& report, QString* error);
    static std::optional<BenchSummary> fromFile(const QString& path, QString* error);

    // Adds other's runs to this one, taken to have run at the same time: counts and sketches
    // add, throughputs add, the duration is the longest. False (this unchanged) when a count
    // would pass maxCount.
    bool merge(const BenchSummary& other, QString* error);

    // A report in the same format, which merges again; withSketches false leaves them out.
    QJsonObject toJson(bool withSketches) const;
};

} // namespace adminchat

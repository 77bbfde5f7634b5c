#pragma once

#include <QString>

namespace adminchat {

class BenchResult;
struct ExperimentComparison;

// The tables `adminchat bench` prints when it is not asked for JSON.
class BenchReport
{
public:
    // Counts, throughput, then mean/P50/P90/P95/P99/max of every metric, errors by kind and
    // categories.
    static QString summary(const BenchResult& result);
    // One row per variant, then one line per metric comparison against the control.
    static QString comparison(const ExperimentComparison& comparison);
};

} // namespace adminchat

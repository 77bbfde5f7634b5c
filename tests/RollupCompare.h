// A report read from rollups against the aggregation of the same rows: counts equal, latency
// figures within `relative` (exact groups: 1e-9; groups over QuantileSketch::exactLimit: 1 %).
#pragma once

#include "metrics/AggregateReport.h"

#include <QTest>
#include <cmath>

namespace rollupcompare {

inline bool close(double a, double b, double relative)
{
    return (std::isnan(a) && std::isnan(b)) || std::abs(a - b) <= relative * std::abs(b);
}

// QCOMPARE/QVERIFY inside: callers check QTest::currentTestFailed() when it matters.
inline void compare(const adminchat::GroupStats& got, const adminchat::GroupStats& want,
                    double relative)
{
    QCOMPARE(got.started, want.started);
    QCOMPARE(got.completed, want.completed);
    QCOMPARE(got.errors, want.errors);
    QCOMPARE(got.errorKinds, want.errorKinds);
    QCOMPARE(got.categories, want.categories);
    QCOMPARE(got.repeatedPrompts, want.repeatedPrompts);
    QCOMPARE(got.endpoint, want.endpoint);
    QCOMPARE(got.endpointId, want.endpointId);
    for (auto [a, b] : {std::pair{got.ttft.p50, want.ttft.p50},
                        {got.ttft.p95, want.ttft.p95},
                        {got.ttft.p99, want.ttft.p99},
                        {got.e2e.p95, want.e2e.p95},
                        {got.ttft.mean, want.ttft.mean}})
        QVERIFY2(close(a, b, relative), qPrintable(QStringLiteral("%1 vs %2").arg(a).arg(b)));
}

inline double tolerance(const adminchat::GroupStats& want)
{
    return want.ttft.count > 100 ? 0.01 : 1e-9;
}

} // namespace rollupcompare

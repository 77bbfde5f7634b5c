#pragma once

#include "metrics/LatencyCategory.h"

#include <QByteArray>
#include <QtGlobal>
#include <optional>
#include <vector>

namespace adminchat {

struct RequestTrace;

// The figures of one request, derived from its trace (definitions in the README):
//   TTFT   sent -> first content, reasoning, refusal or tool-call piece
//   TTFAT  sent -> first answer (content) piece
//   E2E    sent -> end of stream ([DONE], or EOF after a finish_reason; or the error)
//   ITL    every gap between consecutive output-bearing events
//   mean ITL = (t_last - t_first) / (output_tokens - 1)          (guidellm)
//   TPOT     = (E2E - TTFT) / (output_tokens - 1)                (vLLM)
//   tokens/s = output_tokens / E2E                               (LLMPerf, genai-perf)
// output_tokens is usage.completion_tokens when the server sent it, else the number of
// output-bearing events, flagged as estimated.
struct RequestMetrics
{
    std::optional<double> ttftMs;
    std::optional<double> ttfatMs;
    std::optional<double> e2eMs;
    std::vector<double> itlMs; // per gap, in arrival order
    // QuantileSketch::toBytes() of every gap (empty without gaps), made here so that it is built
    // where the metrics are, on the network thread, and not where the record is.
    QByteArray itlSketch;
    std::optional<double> meanItlMs;
    std::optional<double> itlP50Ms;
    std::optional<double> itlP95Ms;
    std::optional<double> itlP99Ms;
    std::optional<double> itlMaxMs;
    std::optional<double> tpotMs;
    qint64 outputTokens = 0;
    bool outputTokensEstimated = true;
    std::optional<qint64> promptTokens;
    std::optional<double> tokensPerSecond;
    LatencyCategory category = LatencyCategory::Error;

    // The category uses rule's metric (TTFT by default); an answer without that figure is
    // judged on its E2E.
    static RequestMetrics fromTrace(const RequestTrace& trace, const CategoryRule& rule = {});

    // QuantileSketch::toBytes() of the gaps; empty when there are none.
    static QByteArray itlSketchOf(const std::vector<double>& itlMs);

    // Exact percentile (0 <= q <= 1) of sorted values, linear interpolation between closest
    // ranks (numpy's default). Empty input gives std::nullopt.
    static std::optional<double> percentile(const std::vector<double>& sorted, double q);
};

} // namespace adminchat

#pragma once

#include <QByteArray>
#include <vector>

namespace adminchat {

// The histogram bucket boundaries of every exported metric, in one place. Each list is the union
// of the OpenTelemetry GenAI semantic conventions' advised boundaries (v1.41.0) and vLLM's for
// the metric it matches, so client-side and server-side histograms share `le` values and
// `sum by (le)` lines up across both jobs in one Grafana panel.
namespace TelemetryBuckets {

// E2E (gen_ai.client.operation.duration, seconds): OTel's powers of two from 10 ms to 81.92 s,
// and vLLM's vllm:e2e_request_latency_seconds (0.3 s to 7680 s).
const std::vector<double>& operationDuration();
// TTFT (gen_ai.client.operation.time_to_first_chunk, seconds): OTel's 1 ms to 10 s, and
// vLLM's vllm:time_to_first_token_seconds (on to 2560 s).
const std::vector<double>& timeToFirstChunk();
// Each inter-chunk gap (gen_ai.client.operation.time_per_output_chunk, seconds): OTel's 10 ms
// to 2.5 s, vLLM's vllm:inter_token_latency_seconds (on to 80 s), and 1 to 7.5 ms for fast local
// servers, whose gaps would otherwise all fall into the first bucket.
const std::vector<double>& timePerOutputChunk();
// Tokens (gen_ai.client.token.usage): OTel's powers of four from 1 to 4^13, and vLLM's 1-2-5
// series of vllm:request_prompt_tokens / generation_tokens (build_1_2_5_buckets) up to 1e6.
const std::vector<double>& tokenUsage();

// A number as vLLM's exporter (Python prometheus_client, floatToGoString) writes it: the
// shortest form that reads back to the same double, always with a decimal point ("1.0",
// "0.001", "2560.0"), in exponent form from 1e7 on ("1.6777216e+07"), "+Inf" for infinity.
QByteArray formatNumber(double value);

} // namespace TelemetryBuckets

} // namespace adminchat

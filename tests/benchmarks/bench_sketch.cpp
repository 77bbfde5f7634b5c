// QuantileSketch hot paths: add() runs once per token gap on the GUI thread, quantile() and
// merge() on every dashboard refresh, toBytes()/fromBytes() once per stored record.
#include "metrics/QuantileSketch.h"

#include <benchmark/benchmark.h>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

using adminchat::QuantileSketch;

namespace {

// Log-normal latencies (median 300 ms, sigma 1) from a fixed seed, generated outside the timed
// loops with our own Box-Muller so every run measures the same values.
std::vector<double> latencies(std::size_t n, quint64 seed)
{
    std::mt19937_64 engine(seed);
    const auto uniform = [&] {
        return (double(engine() >> 11) + 0.5) * 0x1p-53;
    };
    std::vector<double> values(n);
    for (double& v : values) {
        const double r = std::sqrt(-2.0 * std::log(uniform()));
        v = 300.0 * std::exp(r * std::cos(2.0 * std::numbers::pi * uniform()));
    }
    return values;
}

QuantileSketch sketchOf(const std::vector<double>& values)
{
    QuantileSketch sketch;
    for (double v : values)
        sketch.add(v);
    return sketch;
}

void BM_SketchInsert(benchmark::State& state)
{
    // 64 Ki values: enough distinct buckets to be realistic, small enough to stay in cache.
    const std::vector<double> values = latencies(1 << 16, 1);
    const std::size_t mask = values.size() - 1;
    QuantileSketch sketch;
    std::size_t i = 0;
    for (auto _ : state) {
        sketch.add(values[i & mask]);
        ++i;
    }
    benchmark::DoNotOptimize(sketch.count());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SketchInsert);

void BM_SketchQuantile(benchmark::State& state)
{
    const QuantileSketch sketch = sketchOf(latencies(100'000, 2));
    const double qs[] = {0.5, 0.95, 0.99};
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(sketch.quantile(qs[i % 3]));
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["buckets"] = double(sketch.bucketCount());
}
BENCHMARK(BM_SketchQuantile);

void BM_SketchMerge(benchmark::State& state)
{
    // Folding per-request sketches into a total: after the first merge the total's range
    // already covers the other's, which is the steady state of the aggregator.
    QuantileSketch total = sketchOf(latencies(1000, 3));
    const QuantileSketch other = sketchOf(latencies(1000, 4));
    for (auto _ : state) {
        total.merge(other);
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(total.count());
    state.SetItemsProcessed(state.iterations());
    state.counters["buckets"] = double(other.bucketCount());
}
BENCHMARK(BM_SketchMerge);

void BM_SketchMergeIntoEmpty(benchmark::State& state)
{
    // The other common case: a fresh total per dashboard refresh (includes the allocation).
    const QuantileSketch a = sketchOf(latencies(1000, 3));
    const QuantileSketch b = sketchOf(latencies(1000, 4));
    for (auto _ : state) {
        QuantileSketch total;
        total.merge(a);
        total.merge(b);
        benchmark::DoNotOptimize(total.count());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SketchMergeIntoEmpty);

void BM_SketchSerialize(benchmark::State& state)
{
    const QuantileSketch sketch = sketchOf(latencies(100'000, 5));
    qsizetype size = 0;
    for (auto _ : state) {
        const QByteArray bytes = sketch.toBytes();
        size = bytes.size();
        benchmark::DoNotOptimize(bytes.constData());
    }
    state.SetBytesProcessed(state.iterations() * size);
    state.counters["bytes"] = double(size);
}
BENCHMARK(BM_SketchSerialize);

void BM_SketchDeserialize(benchmark::State& state)
{
    const QByteArray bytes = sketchOf(latencies(100'000, 5)).toBytes();
    for (auto _ : state) {
        const auto sketch = QuantileSketch::fromBytes(bytes);
        benchmark::DoNotOptimize(sketch->count());
    }
    state.SetBytesProcessed(state.iterations() * bytes.size());
}
BENCHMARK(BM_SketchDeserialize);

} // namespace

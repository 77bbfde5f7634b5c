// QuantileSketch hot paths: add() runs once per token gap on the GUI thread, quantile() and
// merge() on every dashboard refresh, toBytes()/fromBytes() once per stored record, mergeBytes()
// once per record and refresh (the aggregator's ITL).
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

// 4096 per-request blobs of 50 gaps, shaped as in bench_aggregator (a per-request median
// around 25 ms, gaps log-normal with sigma 0.4 about it): ~40 buckets, ~80 bytes each.
std::vector<QByteArray> itlBlobs()
{
    const std::vector<double> base = latencies(4096 * 51, 6); // 300 * exp(N(0, 1))
    const auto scaled = [](double v, double sigma) {
        return std::exp(sigma * std::log(v / 300.0));
    };
    std::vector<QByteArray> blobs;
    for (std::size_t i = 0; i < base.size(); i += 51) {
        const double median = 25.0 * scaled(base[i], 0.3);
        QuantileSketch sketch;
        for (std::size_t j = i + 1; j < i + 51; ++j)
            sketch.add(median * scaled(base[j], 0.4));
        blobs.push_back(sketch.toBytes());
    }
    return blobs;
}

void BM_SketchMergeBytes(benchmark::State& state)
{
    // The aggregator's ITL path: every record's blob merged into its group's total in place.
    const std::vector<QByteArray> blobs = itlBlobs();
    QuantileSketch total;
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(total.mergeBytes(blobs[i++ & (blobs.size() - 1)]));
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(total.count());
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes"] = double(blobs.front().size());
}
BENCHMARK(BM_SketchMergeBytes);

void BM_SketchFromBytesAndMerge(benchmark::State& state)
{
    // What BM_SketchMergeBytes replaces: a temporary sketch per blob.
    const std::vector<QByteArray> blobs = itlBlobs();
    QuantileSketch total;
    std::size_t i = 0;
    for (auto _ : state) {
        if (const auto sketch = QuantileSketch::fromBytes(blobs[i++ & (blobs.size() - 1)]))
            total.merge(*sketch);
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(total.count());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SketchFromBytesAndMerge);

} // namespace

// SmartChunker, the pacing stage between a stream's deltas and the view: its cost per token when
// text arrives steadily and when it arrives in bursts, on a simulated frame clock (the window
// calls take() once per 16 ms frame while text is held back).
#include "chat/SmartChunker.h"

#include <QStringList>
#include <benchmark/benchmark.h>
#include <random>

using adminchat::SmartChunker;

namespace {

constexpr qint64 msNs = 1'000'000;
constexpr qint64 frameNs = 16 * msNs;

QStringList tokens(int count)
{
    static const QStringList words = {"latency", "the",   "endpoint", "stream",  "token",
                                      "a",       "first", "answer",   "measure", "of"};
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> pick(0, int(words.size()) - 1);
    QStringList result;
    for (int i = 0; i < count; ++i)
        result << (i % 40 == 39 ? QStringLiteral(".\n\n") : QLatin1Char(' ') + words.at(pick(rng)));
    return result;
}

// range(0): tokens per burst (1: a steady stream at 5,000 tokens/s); bursts arrive every
// range(0) * 0.2 ms, so the rate is the same either way.
void BM_ChunkerPaceTokens(benchmark::State& state)
{
    const int perBurst = int(state.range(0));
    const QStringList stream = tokens(20000);
    const qint64 burstGapNs = qint64(perBurst) * 200'000;
    qint64 released = 0;
    for (auto _ : state) {
        SmartChunker chunker;
        qint64 now = 0;
        qint64 nextFrame = 0;
        for (int i = 0; i < stream.size();) {
            for (int k = 0; k < perBurst && i < stream.size(); ++k, ++i)
                chunker.push(stream.at(i), now);
            now += burstGapNs;
            while (nextFrame <= now) {
                released += chunker.take(nextFrame).size();
                nextFrame += frameNs;
            }
        }
        released += chunker.takeAll(now).size();
    }
    benchmark::DoNotOptimize(released);
    state.SetItemsProcessed(state.iterations() * stream.size());
}
BENCHMARK(BM_ChunkerPaceTokens)->Arg(1)->Arg(50)->Arg(500)->Unit(benchmark::kMillisecond);

} // namespace

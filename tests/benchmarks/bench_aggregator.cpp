// Dashboard refresh cost: MetricsAggregator over a day of synthetic traffic (3 endpoints x 4
// models), and the suggestion rules over their three windows. Records are generated once, from
// fixed seeds, outside the timed loops. Label and status strings share their buffers, as records
// built in the process do; BM_Aggregate1MOwnStrings gives every record its own copies, as
// QSqlQuery hands them out, which costs the aggregator a cache miss per string.
#include "metrics/MetricsAggregator.h"
#include "metrics/SuggestionEngine.h"

#include <benchmark/benchmark.h>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

using namespace adminchat;

namespace {

const QDateTime now(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);

class Random
{
public:
    explicit Random(quint64 seed) : m_engine(seed) {}
    double uniform() { return (double(m_engine() >> 11) + 0.5) * 0x1p-53; }
    double normal() // Box-Muller; one value per call is enough here
    {
        return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform());
    }
    quint64 below(quint64 n) { return m_engine() % n; }
    quint64 bits() { return m_engine(); }

private:
    std::mt19937_64 m_engine;
};

enum class Strings
{
    Shared,
    Own
};

QString label(const QString& s, Strings strings)
{
    return strings == Strings::Own ? QString(s.constData(), s.size()) : s;
}

QString hexHash(Random& random)
{
    QString hash;
    for (int i = 0; i < 4; ++i)
        hash += QStringLiteral("%1").arg(random.bits(), 16, 16, QLatin1Char('0'));
    return hash;
}

// n requests spread evenly over the 24 h before now. TTFT is log-normal around a per-model
// median scaled per endpoint; ~2% errors (a quarter of them 429), 1% cancelled, 3% cut off at
// max_tokens; 15% of prompts repeat one of 2,000 common prompts; each completed request carries
// an ITL sketch of its ~50 gaps when withItl.
std::vector<MetricsRecord> syntheticDay(std::size_t n, bool withItl, quint64 seed,
                                        Strings strings = Strings::Shared)
{
    const RequestStatus statuses[] = {RequestStatus::Error, RequestStatus::Cancelled,
                                      RequestStatus::Length, RequestStatus::Ok};
    const QStringList endpoints = {"https://api.openai.example/v1", "http://gpu-box:8000/v1",
                                   "https://gateway.example/openai/v1"};
    const QStringList models = {"small-8b", "medium-32b", "large-70b", "reasoner-405b"};
    const double medianTtftMs[] = {250, 600, 1200, 2500};
    const double endpointFactor[] = {1.0, 1.3, 0.8};
    Random random(seed);
    QStringList commonPrompts;
    for (int i = 0; i < 2000; ++i)
        commonPrompts << hexHash(random);

    std::vector<MetricsRecord> records(n);
    const qint64 startMs = now.toMSecsSinceEpoch() - 24LL * 3600 * 1000;
    for (std::size_t i = 0; i < n; ++i) {
        MetricsRecord& r = records[i];
        const auto e = random.below(3);
        const auto m = random.below(4);
        r.startedUtc = QDateTime::fromMSecsSinceEpoch(
            startMs + qint64(i) * 24 * 3600 * 1000 / qint64(n), Qt::UTC);
        r.endpoint = label(endpoints[qsizetype(e)], strings);
        r.model = label(models[qsizetype(m)], strings);
        r.streamed = random.uniform() < 0.9;
        r.promptTokens = 200 + qint64(random.below(6000));
        r.promptChars = *r.promptTokens * 4;
        r.promptHash = random.uniform() < 0.15 ? commonPrompts[qsizetype(random.below(2000))]
                                               : hexHash(random);
        const double u = random.uniform();
        if (u < 0.02) {
            r.status = statuses[0];
            const bool limited = u < 0.005;
            r.httpStatus = limited ? 429 : 503;
            r.errorKind = ApiError::Kind::Http;
            r.e2eMs = 50 + 100 * random.uniform();
            r.retries = int(random.below(3));
            continue;
        }
        r.status = statuses[u < 0.03 ? 1 : u < 0.06 ? 2 : 3];
        r.httpStatus = 200;
        const double ttft = medianTtftMs[m] * endpointFactor[e] * std::exp(0.5 * random.normal());
        const double itl = 25 * endpointFactor[e] * std::exp(0.3 * random.normal());
        r.outputTokens = 50 + qint64(random.below(400));
        r.ttftMs = ttft;
        r.ttfatMs = ttft * (m == 3 ? 3 : 1);
        r.e2eMs = ttft + double(r.outputTokens) * itl;
        r.tokensPerSecond = double(r.outputTokens) / (*r.e2eMs / 1000);
        if (random.uniform() < 0.05)
            r.rating = random.uniform() < 0.8 ? 1 : -1;
        if (withItl) {
            QuantileSketch gaps;
            for (int g = 0; g < 50; ++g)
                gaps.add(itl * std::exp(0.4 * random.normal()));
            r.itlSketch = gaps.toBytes();
        }
    }
    return records;
}

const std::vector<MetricsRecord>& dayWithItl()
{
    static const std::vector<MetricsRecord> records = syntheticDay(1'000'000, true, 7);
    return records;
}

const std::vector<MetricsRecord>& dayWithoutItl()
{
    static const std::vector<MetricsRecord> records = syntheticDay(1'000'000, false, 7);
    return records;
}

void aggregate(benchmark::State& state, const std::vector<MetricsRecord>& records)
{
    const MetricsFilter all; // window All
    for (auto _ : state) {
        const AggregateReport report = MetricsAggregator::aggregate(records, all, now);
        benchmark::DoNotOptimize(report.total.ttft.p95);
    }
    state.SetItemsProcessed(state.iterations() * qint64(records.size()));
}

void BM_Aggregate1M(benchmark::State& state)
{
    aggregate(state, dayWithItl());
}
BENCHMARK(BM_Aggregate1M)->Unit(benchmark::kMillisecond);

void BM_Aggregate1MNoItl(benchmark::State& state)
{
    aggregate(state, dayWithoutItl());
}
BENCHMARK(BM_Aggregate1MNoItl)->Unit(benchmark::kMillisecond);

void BM_Aggregate1MOwnStrings(benchmark::State& state)
{
    static const std::vector<MetricsRecord> records =
        syntheticDay(1'000'000, true, 7, Strings::Own);
    aggregate(state, records);
}
BENCHMARK(BM_Aggregate1MOwnStrings)->Unit(benchmark::kMillisecond);

void BM_SuggestionsOver100k(benchmark::State& state)
{
    // Three aggregations (5 min, 1 h, 24 h) and the rules.
    const std::vector<MetricsRecord> records = syntheticDay(100'000, true, 11);
    for (auto _ : state) {
        const QList<Suggestion> suggestions = MetricsAggregator::suggest(records, {}, now);
        benchmark::DoNotOptimize(suggestions.size());
    }
    state.SetItemsProcessed(state.iterations() * qint64(records.size()));
}
BENCHMARK(BM_SuggestionsOver100k)->Unit(benchmark::kMillisecond);

} // namespace

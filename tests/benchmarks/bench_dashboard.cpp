// The dashboard over a year of records: a database of N records (DashboardDataset, built once
// per N and generator version under the build tree's bench-data/, or $ADMINCHAT_BENCH_DATA)
// opened by the MetricsService on its own thread as the window runs it.
//   BM_DashboardGenerate/N   rebuilds the cached database: seconds, records/s, bytes/record
//   BM_DashboardOpen/N       open() to the first snapshot that counts all N records
//   BM_DashboardRefresh/N/S  S seconds with 50 new records/s: computeMs of the automatic
//                            refreshes, setFilter -> snapshotReady latency, VmRSS and VmHWM
//   BM_DashboardAccuracy/N   snapshot TTFT/E2E P50/P95/P99 against exact percentiles of the rows
// Each case fails (an error in the output) when its result is wrong, not when it is slow.
#include "DashboardDataset.h"
#include "DashboardFeed.h"
#include "DashboardProbe.h"
#include "store/MetricsService.h"
#include "store/MetricsStore.h"

#include <QFile>
#include <QRegularExpression>
#include <algorithm>
#include <benchmark/benchmark.h>
#include <cmath>
#include <set>
#include <thread>

using namespace adminchat;
using namespace std::chrono_literals;

namespace {

constexpr int recordsPerSecond = 50;
constexpr auto openTimeout = 30min; // the in-memory service needs minutes at 10 M
constexpr double accuracyTarget = 0.01;

const DashboardDataset& dataset()
{
    static const DashboardDataset instance;
    return instance;
}

QString dataDir()
{
    const QString dir = qEnvironmentVariable("ADMINCHAT_BENCH_DATA");
    return dir.isEmpty() ? QStringLiteral(ADMINCHAT_BENCH_DATA_DIR) : dir;
}

void fail(benchmark::State& state, const QString& why)
{
    state.SkipWithError(qPrintable(why));
}

// The cached database of n records; its size per record as a counter.
std::optional<DashboardDataset::Generated> database(benchmark::State& state, qint64 n)
{
    QString error;
    std::optional<DashboardDataset::Generated> db = dataset().ensure(dataDir(), n, &error);
    if (!db) {
        fail(state, error);
        return db;
    }
    state.counters["bytes_per_record"] = double(db->bytes) / double(n);
    if (db->built)
        state.counters["generate_s"] = db->seconds;
    return db;
}

// VmRSS and VmHWM of this process, in MB (10^6 bytes).
void reportMemory(benchmark::State& state)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return;
    static const QRegularExpression line(QStringLiteral("^(VmRSS|VmHWM):\\s+(\\d+) kB"),
                                         QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(QString::fromLatin1(status.readAll())); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        state.counters[m.captured(1).toStdString() + "_MB"] = m.captured(2).toDouble() * 1024 / 1e6;
    }
}

// Starts VmHWM afresh, so it shows this case's peak, not the generator's or an earlier case's.
void resetPeakMemory()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    if (clearRefs.open(QIODevice::WriteOnly))
        clearRefs.write("5");
}

double seconds(DashboardProbe::Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

// numpy's default: linear interpolation between the closest ranks (README, "percentile").
double percentile(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        return NAN;
    const double h = q * double(sorted.size() - 1);
    const auto lo = std::size_t(std::floor(h));
    const auto hi = std::size_t(std::ceil(h));
    return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

void reportPercentiles(benchmark::State& state, const std::string& name, std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    state.counters[name + "_p50_ms"] = percentile(v, 0.5);
    state.counters[name + "_p99_ms"] = percentile(v, 0.99);
    state.counters[name + "_max_ms"] = v.empty() ? NAN : v.back();
    state.counters[name + "_n"] = double(v.size());
}

// Opens the service on its thread and waits for the first snapshot that counts all n records.
qsizetype openComplete(benchmark::State& state, DashboardProbe& probe, qint64 n)
{
    probe.start();
    const qsizetype index = probe.waitFor(
        0, [n](const DashboardSnapshot& s) { return s.report.total.started >= quint64(n); },
        std::chrono::duration_cast<std::chrono::seconds>(openTimeout));
    if (index < 0)
        fail(state, QStringLiteral("no snapshot counted all %1 records").arg(n));
    return index;
}

// The database sizes every case runs at, once each: 2,000 for the ctest run, then up to a year.
void everySize(benchmark::internal::Benchmark* benchmark)
{
    for (const qint64 n : {2'000LL, 100'000LL, 1'000'000LL, 10'000'000LL})
        benchmark->Arg(n);
    benchmark->Iterations(1);
}

void BM_DashboardGenerate(benchmark::State& state)
{
    const qint64 n = state.range(0);
    const QString dir = dataDir();
    for (auto _ : state) {
        // Rebuilt on purpose: the same generator and seeds give the same file again.
        const QString path = QStringLiteral("%1/metrics-%2-v%3.sqlite")
                                 .arg(dir)
                                 .arg(n)
                                 .arg(DashboardDataset::generatorVersion);
        QFile::remove(path);
        const std::optional<DashboardDataset::Generated> db = database(state, n);
        if (!db)
            break;
        state.SetIterationTime(db->seconds);
        state.counters["records_per_s"] = double(n - db->resumedAt) / db->seconds;
        state.counters["resumed_at"] = double(db->resumedAt);
        state.counters["file_MB"] = double(db->bytes) / 1e6;
    }
}
BENCHMARK(BM_DashboardGenerate)->Apply(everySize)->UseManualTime()->Unit(benchmark::kSecond);

void BM_DashboardOpen(benchmark::State& state)
{
    const qint64 n = state.range(0);
    const std::optional<DashboardDataset::Generated> db = database(state, n);
    if (!db)
        return;
    resetPeakMemory();
    for (auto _ : state) {
        DashboardProbe probe(db->path);
        const DashboardProbe::Clock::time_point begin = DashboardProbe::Clock::now();
        const qsizetype index = openComplete(state, probe, n);
        if (index < 0)
            break;
        const DashboardProbe::Received first = probe.at(index);
        state.SetIterationTime(seconds(first.at - begin));
        state.counters["snapshots_before"] = double(index);
        state.counters["compute_ms"] = first.snapshot.computeMs;
        state.counters["counted"] = double(first.snapshot.report.total.started);
        reportMemory(state);
    }
}
BENCHMARK(BM_DashboardOpen)->Apply(everySize)->UseManualTime()->Unit(benchmark::kMillisecond);

// What the user switches between while records arrive; consecutive ones differ, so the answer
// to each is recognised by its filter.
std::vector<MetricsFilter> filterCycle()
{
    const DashboardDataset& data = dataset();
    MetricsFilter endpoint;
    endpoint.endpoint = data.endpoints()[2].id;
    MetricsFilter model30d;
    model30d.model = data.endpoints()[0].models[0].name;
    model30d.since = DashboardDataset::end().addDays(-30);
    MetricsFilter probes;
    probes.tag = QStringLiteral("probe");
    MetricsFilter day;
    day.window = MetricsFilter::Window::Last24Hours;
    return {endpoint, model30d, probes, day, MetricsFilter{}};
}

void BM_DashboardRefresh(benchmark::State& state)
{
    const qint64 n = state.range(0);
    const auto duration = std::chrono::seconds(state.range(1));
    const std::optional<DashboardDataset::Generated> db = database(state, n);
    if (!db)
        return;
    // The new records go into a copy: the cached file stays the year the other cases expect.
    const QString scratch = db->path + QStringLiteral(".refresh");
    // A run killed midway leaves its WAL behind, which SQLite would replay into the new copy.
    const auto removeScratch = [&scratch] {
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(scratch + suffix);
    };
    removeScratch();
    if (!QFile::copy(db->path, scratch)) {
        fail(state, QStringLiteral("cannot copy %1").arg(db->path));
        return;
    }
    resetPeakMemory();
    for (auto _ : state) {
        DashboardProbe probe(scratch);
        const qsizetype opened = openComplete(state, probe, n);
        if (opened < 0)
            break;
        DashboardFeed feed(probe.service(), dataset(), recordsPerSecond);
        feed.start();
        const std::vector<MetricsFilter> filters = filterCycle();
        std::vector<double> filterLatency;
        std::set<qsizetype> answers;
        const DashboardProbe::Clock::time_point begin = DashboardProbe::Clock::now();
        for (std::size_t step = 0; DashboardProbe::Clock::now() - begin < duration; ++step) {
            std::this_thread::sleep_for(std::min<DashboardProbe::Clock::duration>(
                2500ms, duration - (DashboardProbe::Clock::now() - begin)));
            if (DashboardProbe::Clock::now() - begin >= duration)
                break;
            const MetricsFilter& filter = filters[step % filters.size()];
            const qsizetype from = probe.count();
            const DashboardProbe::Clock::time_point asked = DashboardProbe::Clock::now();
            probe.setFilter(filter);
            const qsizetype answer = probe.waitFor(
                from,
                [&filter](const DashboardSnapshot& s) {
                    return DashboardProbe::sameFilter(s.filter, filter);
                },
                120s);
            if (answer < 0) {
                fail(state, QStringLiteral("setFilter was not answered"));
                break;
            }
            answers.insert(answer);
            filterLatency.push_back(seconds(probe.at(answer).at - asked) * 1000);
        }
        feed.stop();
        // Every record sent is counted once the refresh after the last one is out.
        const qint64 expected = n + feed.sent();
        const qsizetype last = probe.waitFor(
            opened, [expected](const DashboardSnapshot& s) { return s.totalRecords >= expected; },
            120s);
        if (last < 0 || probe.at(last).snapshot.totalRecords != expected) {
            fail(state, QStringLiteral("the records sent are not all counted"));
            break;
        }
        std::vector<double> refresh;
        for (qsizetype i = opened + 1; i < probe.count(); ++i) {
            if (!answers.count(i))
                refresh.push_back(probe.at(i).snapshot.computeMs);
        }
        if (refresh.empty()) {
            fail(state, QStringLiteral("no automatic refresh while records arrived"));
            break;
        }
        reportPercentiles(state, "refresh", refresh);
        reportPercentiles(state, "filter", filterLatency);
        std::sort(refresh.begin(), refresh.end());
        state.SetIterationTime(percentile(refresh, 0.5) / 1000);
        state.counters["records_added"] = double(feed.sent());
        reportMemory(state);
    }
    removeScratch();
}
BENCHMARK(BM_DashboardRefresh)
    ->Args({2'000, 3})
    ->Args({100'000, 25})
    ->Args({1'000'000, 25})
    ->Args({10'000'000, 25})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

struct Exact
{
    std::vector<double> ttft;
    std::vector<double> e2e;
};

// The completed records' TTFT and E2E (the dashboard's latency figures leave errors and
// cancellations out) read in 10-day slices, so the rows of 10 M records are never all in memory.
std::optional<Exact> exactValues(const MetricsStore& store, const MetricsFilter& filter,
                                 QString* error)
{
    const QDateTime end = DashboardDataset::end().addDays(1);
    QDateTime from = filter.since.isValid()
                         ? filter.since
                         : DashboardDataset::end().addDays(-DashboardDataset::days - 1);
    Exact exact;
    while (from < end) {
        MetricsFilter slice = filter;
        slice.since = from;
        slice.before = std::min(from.addDays(10), end);
        for (const MetricsRecord& r : store.records(slice, end, error)) {
            if (!r.isCompleted())
                continue;
            if (r.ttftMs)
                exact.ttft.push_back(*r.ttftMs);
            if (r.e2eMs)
                exact.e2e.push_back(*r.e2eMs);
        }
        if (error && !error->isEmpty())
            return std::nullopt;
        from = slice.before;
    }
    std::sort(exact.ttft.begin(), exact.ttft.end());
    std::sort(exact.e2e.begin(), exact.e2e.end());
    return exact;
}

double relativeError(double shown, double exact)
{
    return exact == 0 ? std::abs(shown) : std::abs(shown - exact) / exact;
}

double largestError(const GroupStats& shown, const Exact& exact)
{
    const std::pair<const MetricSummary*, const std::vector<double>*> figures[] = {
        {&shown.ttft, &exact.ttft}, {&shown.e2e, &exact.e2e}};
    double largest = 0;
    for (const auto& [summary, values] : figures) {
        if (summary->count != values->size())
            return INFINITY; // a different set of records is no accuracy question
        for (const auto& [p, q] :
             {std::pair{summary->p50, 0.5}, {summary->p95, 0.95}, {summary->p99, 0.99}})
            largest = std::max(largest, relativeError(p, percentile(*values, q)));
    }
    return largest;
}

void BM_DashboardAccuracy(benchmark::State& state)
{
    const qint64 n = state.range(0);
    const std::optional<DashboardDataset::Generated> db = database(state, n);
    if (!db)
        return;
    const DashboardDataset& data = dataset();
    MetricsFilter endpoint; // the busiest endpoint, all time
    endpoint.endpoint = data.endpoints()[0].id;
    MetricsFilter model30d; // one model on every endpoint serving it, the last 30 days
    model30d.model = data.endpoints()[0].models[0].name;
    model30d.since = DashboardDataset::end().addDays(-30);
    MetricsFilter probes7d; // one endpoint's probes, the last 7 days
    probes7d.endpoint = data.endpoints()[5].id;
    probes7d.tag = QStringLiteral("probe");
    probes7d.since = DashboardDataset::end().addDays(-7);
    const std::pair<const char*, MetricsFilter> checks[] = {
        {"endpoint", endpoint}, {"model_30d", model30d}, {"probes_7d", probes7d}, {"total", {}}};

    for (auto _ : state) {
        DashboardProbe probe(db->path);
        if (openComplete(state, probe, n) < 0)
            break;
        MetricsStore store(db->path);
        QString error;
        if (!store.open(&error)) {
            fail(state, error);
            break;
        }
        double largest = 0;
        for (const auto& [name, filter] : checks) {
            const qsizetype from = probe.count();
            probe.setFilter(filter);
            const qsizetype answer = probe.waitFor(
                from,
                [&filter](const DashboardSnapshot& s) {
                    return DashboardProbe::sameFilter(s.filter, filter);
                },
                std::chrono::duration_cast<std::chrono::seconds>(openTimeout));
            const std::optional<Exact> exact = exactValues(store, filter, &error);
            if (answer < 0 || !exact) {
                fail(state, answer < 0 ? QStringLiteral("setFilter was not answered") : error);
                return;
            }
            const double e = largestError(probe.at(answer).snapshot.report.total, *exact);
            state.counters[std::string("err_") + name + "_pct"] = e * 100;
            state.counters[std::string("n_") + name] = double(exact->ttft.size());
            largest = std::max(largest, e);
        }
        state.counters["max_err_pct"] = largest * 100;
        if (!(largest <= accuracyTarget))
            fail(state, QStringLiteral("percentiles off by %1 %").arg(largest * 100));
    }
}
BENCHMARK(BM_DashboardAccuracy)->Apply(everySize)->Unit(benchmark::kMillisecond);

} // namespace

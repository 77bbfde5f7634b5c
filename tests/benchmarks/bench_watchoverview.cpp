// What the Endpoints tab costs to read: WatchOverview::read over N watched endpoints, each probed
// every minute for the last 3 days (probe records with their rollups), up since a week, with a
// short outage every day. The window reads it after probes (at most every 300 ms) and every few
// seconds, on the watch thread.
#include "metrics/MetricsRecord.h"
#include "store/MetricsStore.h"
#include "watch/IncidentStore.h"
#include "watch/WatchOverview.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <benchmark/benchmark.h>
#include <map>
#include <memory>

using namespace adminchat;

namespace {

constexpr qint64 minuteMs = 60'000;
constexpr qint64 dayMs = WatchOverview::dayMs;
constexpr qint64 nowMs = 1'796'000'000'000; // a fixed "now" (November 2026)

struct Fixture
{
    QTemporaryDir dir;
    std::unique_ptr<MetricsStore> metrics;
    std::unique_ptr<IncidentStore> incidents;
};

ProbeResult probeOf(const QString& endpointId, qint64 atMs, ProbeOutcome outcome)
{
    ProbeResult probe;
    probe.profile = endpointId;
    probe.endpointId = endpointId;
    probe.model = QStringLiteral("m");
    probe.startedMs = atMs;
    probe.outcome = outcome;
    probe.requestUid = QStringLiteral("%1-%2").arg(endpointId).arg(atMs);
    probe.httpStatus = outcome == ProbeOutcome::Ok ? 200 : 503;
    return probe;
}

std::map<int, std::unique_ptr<Fixture>>& builtFixtures()
{
    static std::map<int, std::unique_ptr<Fixture>> built;
    return built;
}

// Built once per N and kept for the run; nothing of it is timed. Closed while the application
// still exists (a database closed after it crashes).
Fixture* fixture(int endpoints, benchmark::State& state)
{
    if (builtFixtures().empty())
        qAddPostRoutine([] { builtFixtures().clear(); });
    std::unique_ptr<Fixture>& slot = builtFixtures()[endpoints];
    if (slot)
        return slot.get();
    auto made = std::make_unique<Fixture>();
    const QString path = made->dir.filePath(QStringLiteral("watch.sqlite"));
    made->metrics = std::make_unique<MetricsStore>(path);
    made->incidents = std::make_unique<IncidentStore>(path);
    QString error;
    if (!made->metrics->open(&error) || !made->incidents->open(&error)) {
        state.SkipWithError(qPrintable(error));
        return nullptr;
    }
    for (int e = 0; e < endpoints; ++e) {
        const QString id = QStringLiteral("ep-%1").arg(e);
        made->incidents->recordProbe(probeOf(id, nowMs - 7 * dayMs, ProbeOutcome::Ok), 0, 0);
        for (int day = 7; day >= 1; --day) {
            StatusChange down;
            down.profile = id;
            down.endpointId = id;
            down.model = QStringLiteral("m");
            down.from = WatchState::Up;
            down.to = WatchState::Down;
            down.cause = QStringLiteral("3 failed probes in a row: HTTP 503");
            down.sinceMs = nowMs - day * dayMs + e * minuteMs;
            down.atMs = down.sinceMs + 2 * minuteMs;
            down.evidence = {probeOf(id, down.sinceMs, ProbeOutcome::Error)};
            made->incidents->recordChange(down, &error);
            StatusChange up = down;
            up.from = WatchState::Down;
            up.to = WatchState::Up;
            up.sinceMs = up.atMs = down.atMs + 8 * minuteMs;
            up.evidence.clear();
            made->incidents->recordChange(up, &error);
        }
        made->incidents->recordProbe(probeOf(id, nowMs - minuteMs, ProbeOutcome::Ok), 0, 0);

        std::vector<MetricsRecord> records;
        for (qint64 at = nowMs - 3 * dayMs; at < nowMs; at += minuteMs) {
            MetricsRecord r;
            r.startedUtc = QDateTime::fromMSecsSinceEpoch(at, Qt::UTC);
            r.endpoint = QStringLiteral("http://127.0.0.1:9/v1");
            r.endpointId = id;
            r.profile = id;
            r.model = QStringLiteral("m");
            r.tag = QStringLiteral("probe");
            r.status = RequestStatus::Ok;
            r.httpStatus = 200;
            r.ttftMs = 100 + double((at / minuteMs) % 50);
            r.e2eMs = *r.ttftMs + 200;
            records.push_back(r);
        }
        if (!made->metrics->insert(records, &error)) {
            state.SkipWithError(qPrintable(error));
            return nullptr;
        }
    }
    slot = std::move(made);
    return slot.get();
}

void BM_WatchOverviewRead(benchmark::State& state)
{
    const int endpoints = int(state.range(0));
    Fixture* data = fixture(endpoints, state);
    if (!data)
        return;
    QList<WatchOverview::Row> rows;
    QString error;
    for (auto _ : state) {
        if (!WatchOverview::read(*data->metrics, *data->incidents, nowMs, CategoryRule(), &rows,
                                 &error)) {
            state.SkipWithError(qPrintable(error));
            return;
        }
        benchmark::DoNotOptimize(rows);
    }
    if (rows.size() != endpoints || rows.first().figures.ttft.count != 4320)
        state.SkipWithError("the overview does not show every endpoint's probes");
}

} // namespace

BENCHMARK(BM_WatchOverviewRead)->Arg(10)->Arg(50)->Unit(benchmark::kMillisecond);

#pragma once

#include "metrics/MetricsRecord.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <optional>
#include <random>
#include <vector>

namespace adminchat {

// A year of one user's request records for the dashboard benchmarks: 20 endpoints (profiles with
// ids, 2-4 models each), chat traffic in working hours, bench runs in bursts (tagged per run),
// probes every few minutes, ~2 % errors, some cancellations, ratings, an A/B experiment, ITL
// sketches. Deterministic: the same n gives the same records, written through
// MetricsStore::insert in batches so the rollups are folded as the app folds them.
class DashboardDataset
{
public:
    // Bumped whenever the records change, so a cached file of an older generator is not reused.
    static constexpr int generatorVersion = 2; // 2: rollup cells in their compact form
    static constexpr int days = 365;
    static constexpr int endpointCount = 20;
    static constexpr int batchSize = 20'000;

    struct Model
    {
        QString name;
        double ttftMs; // median
        double itlMs;  // median gap
        double weight; // share of the endpoint's chat traffic
        double tokens; // typical answer length
    };
    struct Endpoint
    {
        QString id; // profile id (EndpointIdentity)
        QString profile;
        QString url;
        double weight; // share of chat traffic
        std::vector<Model> models;
    };

    struct Generated
    {
        QString path;
        bool built = false;   // false: the cached file was reused
        double seconds = 0;   // building it (this run's part of it)
        qint64 resumedAt = 0; // records an interrupted build had written
        qint64 bytes = 0;     // the pages in use (a pruned file keeps its free pages)
    };

    DashboardDataset();

    // The records end here (exclusive), a fixed moment, so the data never depends on the day the
    // file was built; the benchmarks read the dashboard over window All or `since` filters.
    static QDateTime end();
    const std::vector<Endpoint>& endpoints() const { return m_endpoints; }

    // <dir>/metrics-<n>-v<version>.sqlite, built when missing (into a temporary name first, so
    // an interrupted build is never taken for a finished one; the next call resumes it).
    std::optional<Generated> ensure(const QString& dir, qint64 n, QString* error) const;
    // Brings a database to what a year of a running app leaves: schema steps taken, week buckets
    // built, minute buckets past their retention pruned. Returns the bytes of its pages in use.
    static std::optional<qint64> settle(const QString& path, QString* error);

    // Records of day `day` (0 = the oldest) when the year holds n, sorted by start time.
    std::vector<MetricsRecord> day(int day, qint64 n) const;
    // One chat record started at `at`, as the window would store it (for the live feed).
    MetricsRecord liveRecord(const QDateTime& at, quint64 sequence) const;

private:
    using Engine = std::mt19937_64;
    enum class Source
    {
        Chat,
        Bench,
        Probe
    };

    qint64 recordsOnDay(int day, qint64 n) const;
    void fill(MetricsRecord& r, Engine& engine, Source source, const Endpoint& endpoint,
              const Model& model, qint64 startMs, int day) const;
    const Endpoint& pickEndpoint(Engine& engine) const;
    static const Model& pickModel(Engine& engine, const Endpoint& endpoint);
    static QString hexId(Engine& engine, int chars);
    static QString uuid(Engine& engine);

    std::vector<Endpoint> m_endpoints;
    std::vector<double> m_dayWeights; // relative traffic per day: weekends quiet, slow growth
    double m_dayWeightSum = 0;
    QStringList m_benchPrompts;  // the bench prompt set: the same hashes run after run
    QStringList m_commonPrompts; // chat prompts people repeat
};

} // namespace adminchat

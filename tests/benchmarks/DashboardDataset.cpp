#include "DashboardDataset.h"

#include "metrics/LatencyCategory.h"
#include "metrics/QuantileSketch.h"
#include "store/MetricsStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <algorithm>
#include <cmath>
#include <numbers>

namespace adminchat {

namespace {

constexpr qint64 dayMs = 24LL * 3600 * 1000;
constexpr double probeShare = 0.2;
constexpr double benchShare = 0.3;
constexpr qint64 benchRunSize = 2'500;

// Our own uniform and normal draws: the standard distributions may differ between library
// versions, and the file must not.
double uniform(std::mt19937_64& engine)
{
    return (double(engine() >> 11) + 0.5) * 0x1p-53;
}

double normal(std::mt19937_64& engine)
{
    return std::sqrt(-2.0 * std::log(uniform(engine))) *
           std::cos(2.0 * std::numbers::pi * uniform(engine));
}

qint64 below(std::mt19937_64& engine, qint64 n)
{
    return qint64(engine() % quint64(n));
}

struct CatalogModel
{
    const char* name;
    double ttftMs;
    double itlMs;
    double tokens;
};

const CatalogModel catalog[] = {
    {"gpt-4o-mini", 350, 12, 300},
    {"gpt-4o", 550, 18, 400},
    {"o3-mini", 1800, 9, 700},
    {"llama-3.1-8b-instruct", 120, 9, 300},
    {"llama-3.3-70b-instruct", 380, 28, 350},
    {"qwen2.5-32b-instruct", 260, 20, 350},
    {"deepseek-r1-distill-qwen-32b", 900, 22, 900},
    {"mistral-small-24b-instruct", 220, 15, 300},
    {"gemma-2-27b-it", 300, 19, 300},
    {"claude-3.5-sonnet", 800, 14, 450},
};

const char* const endpointNames[] = {
    "OpenAI",           "OpenRouter", "Company gateway", "gpu-box-01",
    "gpu-box-02",       "gpu-box-03", "vLLM staging",    "vLLM production",
    "llama.cpp laptop", "Azure EU",   "Azure US",        "Together",
    "Fireworks",        "Groq",       "DeepInfra",       "lab-a100",
    "lab-h100",         "edge-orin",  "ollama-desk",     "LiteLLM proxy",
};

} // namespace

DashboardDataset::DashboardDataset()
{
    for (int i = 0; i < endpointCount; ++i) {
        Engine engine(1000 + quint64(i));
        Endpoint e;
        e.id = uuid(engine);
        e.profile = QString::fromLatin1(endpointNames[i]);
        e.url = QStringLiteral("https://%1.example/v1")
                    .arg(e.profile.toLower().replace(QLatin1Char(' '), QLatin1Char('-')));
        e.weight = 1.0 / std::pow(1.0 + i, 0.8); // a few endpoints carry most of the traffic
        const int models = 2 + i % 3;
        for (int k = 0; k < models; ++k) {
            const CatalogModel& c = catalog[(i * 3 + k) % std::size(catalog)];
            // Each endpoint serves its models at its own speed.
            const double speed = 0.7 + 0.6 * uniform(engine);
            e.models.push_back({QString::fromLatin1(c.name), c.ttftMs * speed, c.itlMs * speed,
                                1.0 / (1.0 + k), c.tokens});
        }
        m_endpoints.push_back(std::move(e));
    }
    Engine engine(77);
    for (int i = 0; i < 200; ++i)
        m_benchPrompts << hexId(engine, 64);
    for (int i = 0; i < 2000; ++i)
        m_commonPrompts << hexId(engine, 64);
    const QDate first = end().date().addDays(-days);
    for (int d = 0; d < days; ++d) {
        const int weekday = first.addDays(d).dayOfWeek();
        const double weight = (weekday >= 6 ? 0.4 : 1.0) * (0.7 + 0.6 * d / days);
        m_dayWeights.push_back(weight);
        m_dayWeightSum += weight;
    }
}

QDateTime DashboardDataset::end()
{
    return QDateTime(QDate(2026, 12, 1), QTime(0, 0), Qt::UTC);
}

QString DashboardDataset::hexId(Engine& engine, int chars)
{
    QString id;
    while (id.size() < chars)
        id += QStringLiteral("%1").arg(engine(), 16, 16, QLatin1Char('0'));
    id.truncate(chars);
    return id;
}

QString DashboardDataset::uuid(Engine& engine)
{
    const QString h = hexId(engine, 32);
    return QStringLiteral("%1-%2-4%3-a%4-%5")
        .arg(h.mid(0, 8), h.mid(8, 4), h.mid(13, 3), h.mid(17, 3), h.mid(20, 12));
}

qint64 DashboardDataset::recordsOnDay(int day, qint64 n) const
{
    // Cumulative shares, so the days add up to exactly n.
    double before = 0;
    for (int d = 0; d < day; ++d)
        before += m_dayWeights[std::size_t(d)];
    const double upTo = before + m_dayWeights[std::size_t(day)];
    const auto at = [&](double share) {
        return qint64(std::floor(static_cast<long double>(n) * share / m_dayWeightSum + 1e-9));
    };
    return day == days - 1 ? n - at(before) : at(upTo) - at(before);
}

const DashboardDataset::Endpoint& DashboardDataset::pickEndpoint(Engine& engine) const
{
    double total = 0;
    for (const Endpoint& e : m_endpoints)
        total += e.weight;
    double u = uniform(engine) * total;
    for (const Endpoint& e : m_endpoints) {
        if ((u -= e.weight) <= 0)
            return e;
    }
    return m_endpoints.back();
}

const DashboardDataset::Model& DashboardDataset::pickModel(Engine& engine, const Endpoint& endpoint)
{
    double total = 0;
    for (const Model& m : endpoint.models)
        total += m.weight;
    double u = uniform(engine) * total;
    for (const Model& m : endpoint.models) {
        if ((u -= m.weight) <= 0)
            return m;
    }
    return endpoint.models.back();
}

std::vector<MetricsRecord> DashboardDataset::day(int day, qint64 n) const
{
    const qint64 count = recordsOnDay(day, n);
    const qint64 probes = qint64(std::llround(double(count) * probeShare));
    const qint64 bench = qint64(std::llround(double(count) * benchShare));
    const qint64 chat = count - probes - bench;
    const qint64 dayStartMs = end().toMSecsSinceEpoch() - qint64(days - day) * dayMs;
    Engine engine(0x5eed'0000ULL + quint64(day));
    std::vector<MetricsRecord> records(static_cast<std::size_t>(count));
    std::size_t next = 0;

    for (qint64 i = 0; i < probes; ++i) {
        const Endpoint& e = m_endpoints[std::size_t(i % endpointCount)];
        fill(records[next++], engine, Source::Probe, e, e.models.front(),
             dayStartMs + below(engine, dayMs), day);
    }
    // Bench runs: one endpoint and model each, a request every 60-400 ms from a working hour on.
    const qint64 runs =
        bench > 0 ? std::max<qint64>(1, (bench + benchRunSize / 2) / benchRunSize) : 0;
    for (qint64 run = 0; run < runs; ++run) {
        const qint64 size = bench / runs + (run < bench % runs ? 1 : 0);
        const Endpoint& e = pickEndpoint(engine);
        const Model& m = e.models[std::size_t(below(engine, qint64(e.models.size())))];
        qint64 ms = dayStartMs + 8 * 3600'000LL + below(engine, 9 * 3600'000LL);
        const QString tag = QStringLiteral("bench-%1-%2")
                                .arg(QDateTime::fromMSecsSinceEpoch(dayStartMs, Qt::UTC)
                                         .date()
                                         .toString(Qt::ISODate))
                                .arg(run + 1);
        for (qint64 i = 0; i < size; ++i) {
            MetricsRecord& r = records[next++];
            fill(r, engine, Source::Bench, e, m, std::min(ms, dayStartMs + dayMs - 1), day);
            r.tag = tag;
            r.promptHash = m_benchPrompts[qsizetype(i % m_benchPrompts.size())];
            ms += 60 + below(engine, 340);
        }
    }
    for (qint64 i = 0; i < chat; ++i) {
        // Working hours, centred on the early afternoon (UTC), a few at night.
        const double hour = std::fmod(13.5 + 3.5 * normal(engine) + 48.0, 24.0);
        const Endpoint& e = pickEndpoint(engine);
        fill(records[next++], engine, Source::Chat, e, pickModel(engine, e),
             dayStartMs + qint64(hour * 3600'000.0), day);
    }
    std::stable_sort(records.begin(), records.end(),
                     [](const auto& a, const auto& b) { return a.startedUtc < b.startedUtc; });
    return records;
}

MetricsRecord DashboardDataset::liveRecord(const QDateTime& at, quint64 sequence) const
{
    Engine engine(0x11fe'0000ULL + sequence);
    const Endpoint& e = pickEndpoint(engine);
    MetricsRecord r;
    fill(r, engine, Source::Chat, e, pickModel(engine, e), at.toMSecsSinceEpoch(), days);
    return r;
}

void DashboardDataset::fill(MetricsRecord& r, Engine& engine, Source source,
                            const Endpoint& endpoint, const Model& model, qint64 startMs,
                            int day) const
{
    r.startedUtc = QDateTime::fromMSecsSinceEpoch(startMs, Qt::UTC);
    r.endpoint = endpoint.url;
    r.endpointId = endpoint.id;
    r.profile = endpoint.profile;
    r.model = model.name;
    r.streamed = source != Source::Chat || uniform(engine) >= 0.03;
    r.outputTokensEstimated = false;
    if (source == Source::Probe) {
        r.tag = QStringLiteral("probe");
        r.promptTokens = 12;
        r.promptChars = 40;
        r.promptHash = m_benchPrompts.front();
    } else {
        r.promptTokens = qint64(50 * std::exp(4.8 * uniform(engine))); // 50 .. ~6,000
        r.promptChars = *r.promptTokens * 4;
    }
    if (source == Source::Chat) {
        r.promptHash = uniform(engine) < 0.15
                           ? m_commonPrompts[qsizetype(below(engine, m_commonPrompts.size()))]
                           : hexId(engine, 64);
        r.requestUid = uuid(engine);
        r.displayLagP95Ms = 2 + 6 * uniform(engine);
        if (day >= 250 && day < 310 && uniform(engine) < 0.3) {
            r.experiment = QStringLiteral("concise-system-prompt");
            r.variant =
                uniform(engine) < 0.5 ? QStringLiteral("control") : QStringLiteral("concise");
        }
    }

    // Busier afternoons answer more slowly.
    const double hour = double((startMs % dayMs + dayMs) % dayMs) / 3600'000.0;
    const double load = 1.0 + 0.3 * std::exp(-std::pow((hour - 15.0) / 3.0, 2));
    double ttft = model.ttftMs * load * std::exp(0.45 * normal(engine)) +
                  0.05 * double(r.promptTokens.value_or(0));
    if (uniform(engine) < 0.01)
        ttft *= 5; // the odd queueing stall
    const double itl = model.itlMs * load * std::exp(0.25 * normal(engine));

    const double u = uniform(engine);
    if (u < 0.02) {
        r.status = RequestStatus::Error;
        r.category = LatencyCategory::Error;
        const double k = uniform(engine);
        r.httpStatus = k < 0.35 ? 429 : k < 0.65 ? (k < 0.5 ? 503 : 500) : 0;
        r.errorKind = k < 0.65  ? ApiError::Kind::Http
                      : k < 0.8 ? ApiError::Kind::Connection
                      : k < 0.9 ? ApiError::Kind::IdleTimeout
                                : ApiError::Kind::CutOff;
        r.retries = r.httpStatus ? int(below(engine, 3)) : 0;
        if (r.errorKind == ApiError::Kind::CutOff) {
            r.httpStatus = 200;
            r.ttftMs = ttft;
            r.e2eMs = ttft + itl * double(20 + below(engine, 200));
        } else {
            r.e2eMs =
                r.errorKind == ApiError::Kind::IdleTimeout ? 30'000.0 : 40 + 200 * uniform(engine);
        }
        return;
    }
    r.httpStatus = 200;
    const bool cancelled = source == Source::Chat && u < 0.035;
    qint64 tokens =
        std::clamp<qint64>(qint64(model.tokens * std::exp(0.6 * normal(engine))), 1, 4000);
    if (source == Source::Probe)
        tokens = 16;
    const bool length = !cancelled && u < 0.065 && source != Source::Probe;
    if (length)
        tokens = 1024;
    if (cancelled)
        tokens = std::max<qint64>(1, tokens / 3);
    r.status = cancelled ? RequestStatus::Cancelled
               : length  ? RequestStatus::Length
                         : RequestStatus::Ok;
    if (cancelled)
        r.errorKind = ApiError::Kind::Cancelled;
    r.outputTokens = tokens;
    r.ttftMs = ttft;
    r.ttfatMs = model.name.contains(QLatin1String("r1")) || model.name.startsWith(QLatin1Char('o'))
                    ? ttft * 3
                    : ttft;
    const double e2e = ttft + itl * double(tokens - 1);
    r.e2eMs = e2e;
    r.tokensPerSecond = double(tokens) / (e2e / 1000.0);
    if (tokens > 1) {
        r.meanItlMs = itl;
        r.tpotMs = (e2e - ttft) / double(tokens - 1);
        r.itlP50Ms = itl * 0.92;
        r.itlP95Ms = itl * 1.9;
        r.itlMaxMs = itl * (3 + 3 * uniform(engine));
        // Twelve draws stand for all tokens - 1 gaps (counts add up), so the sketch has the
        // shape and count of a real one without a draw per token.
        QuantileSketch gaps;
        const qint64 n = tokens - 1;
        for (qint64 g = 0; g < 12; ++g) {
            const quint64 share = quint64(n / 12 + (g < n % 12 ? 1 : 0));
            if (share > 0)
                gaps.add(itl * std::exp(0.35 * normal(engine)), share);
        }
        r.itlSketch = gaps.toBytes();
    }
    r.category = cancelled ? LatencyCategory::Cancelled : CategoryThresholds{}.categorize(ttft);
    if (source == Source::Chat && !cancelled && uniform(engine) < 0.04)
        r.rating = uniform(engine) < 0.85 ? 1 : -1;
}

std::optional<DashboardDataset::Generated> DashboardDataset::ensure(const QString& dir, qint64 n,
                                                                    QString* error) const
{
    Generated result;
    result.path =
        QDir(dir).filePath(QStringLiteral("metrics-%1-v%2.sqlite").arg(n).arg(generatorVersion));
    if (QFileInfo::exists(result.path)) {
        const std::optional<qint64> bytes = settle(result.path, error);
        if (!bytes)
            return std::nullopt;
        result.bytes = *bytes;
        return result;
    }
    QDir().mkpath(dir);
    const QString partial = result.path + QStringLiteral(".partial");
    // An interrupted build resumes: every batch is one transaction and the records come in a
    // fixed order, so the rows present are exactly the first ones (the WAL is kept: it may hold
    // committed batches).
    const bool resuming = QFileInfo::exists(partial);
    if (!resuming) {
        for (const QString& suffix : {QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(partial + suffix);
    }
    QElapsedTimer timer;
    timer.start();
    {
        MetricsStore store(partial);
        if (!store.open(error))
            return std::nullopt;
        qint64 skip = resuming ? store.count() : 0;
        if (skip < 0) {
            if (error)
                *error = QStringLiteral("cannot count the rows of %1").arg(partial);
            return std::nullopt;
        }
        result.resumedAt = skip;
        for (int d = 0; d < days; ++d) {
            const qint64 onDay = recordsOnDay(d, n);
            if (skip >= onDay) {
                skip -= onDay;
                continue;
            }
            if (skip % batchSize != 0) {
                if (error)
                    *error = QStringLiteral("%1 was not written by this generator").arg(partial);
                return std::nullopt;
            }
            std::vector<MetricsRecord> records = day(d, n);
            for (auto i = std::size_t(skip); i < records.size(); i += batchSize) {
                std::vector<MetricsRecord> batch(
                    records.begin() + qsizetype(i),
                    records.begin() + qsizetype(std::min(records.size(), i + batchSize)));
                if (!store.insert(batch, error))
                    return std::nullopt;
            }
            skip = 0;
        }
    } // closed: the last connection checkpoints the WAL into the file
    if (!QFile::rename(partial, result.path)) {
        if (error)
            *error = QStringLiteral("cannot rename %1").arg(partial);
        return std::nullopt;
    }
    const std::optional<qint64> bytes = settle(result.path, error);
    if (!bytes)
        return std::nullopt;
    result.built = true;
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    result.bytes = *bytes;
    return result;
}

std::optional<qint64> DashboardDataset::settle(const QString& path, QString* error)
{
    {
        MetricsStore store(path);
        if (!store.open(error))
            return std::nullopt;
        std::optional<bool> built;
        while ((built = store.buildRollupWeeks(64, error)) && !*built) {
        }
        if (!built)
            return std::nullopt;
        const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        for (qint64 pruned = 1; pruned > 0;) {
            pruned = store.pruneRollupMinutes(nowMs, 30 * 86'400'000LL, error);
            if (pruned < 0)
                return std::nullopt;
        }
    }
    const QString connection = QStringLiteral("settle");
    qint64 bytes = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        QSqlQuery query(db);
        if (db.open() &&
            query.exec(QStringLiteral("SELECT (page_count - freelist_count) * page_size FROM "
                                      "pragma_page_count, pragma_freelist_count, "
                                      "pragma_page_size")) &&
            query.next())
            bytes = query.value(0).toLongLong();
    }
    QSqlDatabase::removeDatabase(connection);
    if (bytes < 0 && error)
        *error = QStringLiteral("cannot count the pages of %1").arg(path);
    return bytes < 0 ? std::nullopt : std::optional<qint64>(bytes);
}

} // namespace adminchat

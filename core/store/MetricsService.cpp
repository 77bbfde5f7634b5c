#include "store/MetricsService.h"

#include "experiments/ExperimentComparison.h"
#include "metrics/MetricsCsv.h"
#include "metrics/RollupKey.h"
#include "metrics/SuggestionEngine.h"
#include "store/MetricsStore.h"
#include "store/RollupReader.h"
#include "store/StoreLog.h"
#include "store/WindowReport.h"

#include <algorithm>

namespace adminchat {

namespace {

constexpr qint64 minuteMs = qint64(RollupKey::Resolution::Minute);

} // namespace

MetricsService::MetricsService(QString databasePath, QObject* parent)
    : QObject(parent), m_databasePath(std::move(databasePath)), m_refreshTimer(this),
      m_pollTimer(this), m_pruneTimer(this),
      m_suggestTimer(this) // children: moveToThread() takes the timers along
{
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &MetricsService::refresh);
    m_pollTimer.setInterval(pollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &MetricsService::pollOtherWriters);
    m_pruneTimer.setInterval(pruneIntervalMs);
    connect(&m_pruneTimer, &QTimer::timeout, this, &MetricsService::prune);
    m_suggestTimer.setInterval(suggestIntervalMs);
    connect(&m_suggestTimer, &QTimer::timeout, this, &MetricsService::updateSuggestions);
}

MetricsService::~MetricsService() = default;

void MetricsService::open()
{
    m_store = std::make_unique<MetricsStore>(m_databasePath);
    QString error;
    if (!m_store->open(&error)) {
        qCWarning(lcStore).noquote() << error;
        m_store.reset();
        emit failed(error);
        return;
    }
    m_window = std::make_unique<WindowReport>(*m_store);
    for (auto& window : m_ruleWindows)
        window = std::make_unique<WindowReport>(*m_store);
    m_experimentWindow = std::make_unique<WindowReport>(*m_store, WindowReport::Timeline::None);
    emit opened(m_store->path(), m_store->movedAsidePath());
    buildRollups();
}

void MetricsService::buildRollups()
{
    QString error;
    const std::optional<MetricsStore::RollupProgress> progress =
        m_store->buildRollups(buildSliceRows, &error);
    if (!progress) {
        // Retried on the next pass; a busy database (another process writing) clears by itself.
        qCWarning(lcStore).noquote() << error;
        QTimer::singleShot(pollIntervalMs, this, &MetricsService::buildRollups);
        return;
    }
    if (!progress->complete()) {
        emit rollupsProgressed(progress->done, progress->total);
        QMetaObject::invokeMethod(this, &MetricsService::buildRollups, Qt::QueuedConnection);
        return;
    }
    if (progress->total > buildSliceRows)
        emit rollupsProgressed(progress->done, progress->total);
    m_pollWatermark = m_store->maxId();
    loadLabels();
    m_ready = true;
    m_pollTimer.start();
    m_pruneTimer.start();
    m_suggestTimer.start();
    prune();
    scheduleRefresh();
    // After the first snapshot, which does not wait for them; until the weeks are built,
    // long windows read day buckets (the same figures, seven times the buckets).
    QMetaObject::invokeMethod(this, &MetricsService::updateSuggestions, Qt::QueuedConnection);
    QMetaObject::invokeMethod(this, &MetricsService::buildWeeks, Qt::QueuedConnection);
}

void MetricsService::buildWeeks()
{
    QString error;
    const std::optional<bool> built = m_store->buildRollupWeeks(buildSliceWeeks, &error);
    if (!built) {
        qCWarning(lcStore).noquote() << error; // a busy or read-only database: days still serve
        QTimer::singleShot(pollIntervalMs, this, &MetricsService::buildWeeks);
    } else if (!*built) {
        QMetaObject::invokeMethod(this, &MetricsService::buildWeeks, Qt::QueuedConnection);
    }
}

void MetricsService::loadLabels()
{
    // Week (or day) buckets name every endpoint, model, tag and experiment ever seen, and count
    // every record, in a few thousand rows however many records there are.
    QString error;
    m_store->rollups().forEachCount(
        m_store->rollups().weeksReady() ? RollupKey::Resolution::Week : RollupKey::Resolution::Day,
        [this](const RollupStore::StoredCell& stored, quint64 started) {
            MetricsRecord labels = stored.labels();
            labels.startedUtc = QDateTime::fromMSecsSinceEpoch(stored.newestMs, Qt::UTC);
            m_totalRecords += qint64(started);
            keep(labels);
        },
        &error);
    if (!error.isEmpty())
        emit failed(error);
}

void MetricsService::keep(const MetricsRecord& record)
{
    // Named as its newest record names it.
    const auto seen = m_endpointSeen.constFind(record.endpointKey());
    if (seen == m_endpointSeen.cend() || record.startedUtc >= *seen) {
        m_endpoints.insert(record.endpointKey(), record.endpointLabel());
        m_endpointSeen.insert(record.endpointKey(), record.startedUtc);
    }
    m_models.insert(record.model);
    if (!record.tag.isEmpty())
        m_tags.insert(record.tag);
    if (!record.experiment.isEmpty()) {
        QDateTime& newest = m_experiments[record.experiment];
        if (!newest.isValid() || record.startedUtc > newest)
            newest = record.startedUtc;
    }
}

void MetricsService::forEachWindow(const std::function<void(WindowReport&)>& apply)
{
    if (m_window)
        apply(*m_window);
    for (auto& window : m_ruleWindows) {
        if (window)
            apply(*window);
    }
    if (m_experimentWindow)
        apply(*m_experimentWindow);
}

void MetricsService::invalidate(qint64 ms)
{
    forEachWindow([ms](WindowReport& window) { window.invalidate(ms); });
}

void MetricsService::pollOtherWriters()
{
    MetricsFilter filter;
    filter.afterId = m_pollWatermark;
    QString error;
    const std::vector<MetricsRecord> rows =
        m_store->records(filter, QDateTime::currentDateTimeUtc(), &error);
    bool added = false;
    for (const MetricsRecord& record : rows) {
        m_pollWatermark = std::max(m_pollWatermark, record.id);
        if (m_ownIdsUnpolled.remove(record.id))
            continue;
        // A refresh may already have read this row from the rollups: read its parts again
        // rather than count it twice.
        invalidate(record.startedUtc.toMSecsSinceEpoch());
        ++m_totalRecords;
        keep(record);
        emit recordStored(record);
        added = true;
    }
    if (added)
        scheduleRefresh();
}

void MetricsService::addRecord(const MetricsRecord& record)
{
    MetricsRecord stored = record;
    if (!m_store) {
        emit recordStored(stored);
        return;
    }
    QString error;
    if (!m_store->insert(stored, &error)) {
        emit failed(error);
        emit recordStored(stored); // still shown in the chat, just not kept
        return;
    }
    if (stored.id > m_pollWatermark)
        m_ownIdsUnpolled.insert(stored.id);
    forEachWindow([&stored](WindowReport& window) { window.recordAdded(stored); });
    ++m_totalRecords;
    keep(stored);
    emit recordStored(stored);
    scheduleRefresh();
}

void MetricsService::setFilter(const MetricsFilter& filter)
{
    m_filter = filter;
    m_refreshTimer.stop();
    refresh(); // the user asked for it: answer at once
    QMetaObject::invokeMethod(this, &MetricsService::updateSuggestions, Qt::QueuedConnection);
}

void MetricsService::setCategoryRule(const CategoryRule& rule)
{
    m_categoryRule = rule;
    scheduleRefresh();
}

void MetricsService::setActiveExperiment(const QString& name, const QStringList& variants)
{
    m_activeExperiment = name;
    m_activeVariants = name.isEmpty() ? QStringList() : variants;
    scheduleRefresh();
}

void MetricsService::setShownExperiment(const QString& name)
{
    m_shownExperiment = name;
    m_refreshTimer.stop();
    refresh(); // the user asked for it: answer at once
}

void MetricsService::setRating(qint64 recordId, int rating)
{
    const std::optional<int> value = rating == 0 ? std::nullopt : std::optional<int>(rating);
    QString error;
    std::vector<MetricsRecord> changed;
    if (m_store && !m_store->setRating(recordId, value, &error, &changed)) {
        emit failed(error);
        return;
    }
    rated(changed);
}

void MetricsService::setRequestRating(const QString& requestUid, int rating)
{
    const std::optional<int> value = rating == 0 ? std::nullopt : std::optional<int>(rating);
    QString error;
    std::vector<MetricsRecord> changed;
    if (m_store && !m_store->setRatingForRequest(requestUid, value, &error, &changed)) {
        emit failed(error);
        return;
    }
    rated(changed);
}

void MetricsService::rated(const std::vector<MetricsRecord>& records)
{
    for (const MetricsRecord& record : records)
        invalidate(record.startedUtc.toMSecsSinceEpoch());
    scheduleRefresh();
}

void MetricsService::exportCsv(const QString& path, bool summary)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString error;
    qint64 rows = -1;
    if (!m_store) {
        emit exportFinished(path, rows, QStringLiteral("the metrics database is not open"));
        return;
    }
    if (summary) {
        const AggregateReport report =
            RollupReader::report(*m_store, m_filter, now, m_categoryRule, &error);
        if (error.isEmpty())
            rows = MetricsCsv::exportToPath(path, {}, &report, &error);
    } else {
        // Streamed from the database: a year of rows is never in memory at once.
        QString readError;
        rows = MetricsCsv::exportToPath(
            path,
            [&](QIODevice* device) {
                return MetricsCsv::writeRequests(device, [&](const MetricsCsv::Visitor& visit) {
                    return m_store->forEachRecord(m_filter, now, visit, &readError);
                });
            },
            &error);
        if (!readError.isEmpty())
            error = readError; // what failed, rather than the file's generic error
    }
    emit exportFinished(path, rows, error);
}

void MetricsService::setRetentionDays(int days)
{
    m_retentionDays = std::max(0, days);
    if (m_ready)
        prune();
}

void MetricsService::prune()
{
    if (!m_store)
        return;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    QString error;
    qint64 rows = 0;
    if (m_retentionDays > 0) {
        rows = m_store->pruneRows(nowMs - qint64(m_retentionDays) * 86'400'000, pruneSliceRows,
                                  &error);
        if (rows > 0)
            emit rowsPruned(rows);
    }
    // Minute buckets past their 8 days, six hours of them at a time.
    const qint64 minutes = m_store->pruneRollupMinutes(nowMs, 6 * 3'600'000LL, &error);
    if (rows < 0 || minutes < 0) {
        qCWarning(lcStore).noquote() << error; // tried again at the next interval
        return;
    }
    // One slice per pass, so the thread answers (and writers get the database) in between.
    if (rows == pruneSliceRows || minutes > 0)
        QMetaObject::invokeMethod(this, &MetricsService::prune, Qt::QueuedConnection);
}

void MetricsService::scheduleRefresh()
{
    if (!m_ready || m_refreshTimer.isActive())
        return; // not yet, or coalesced into the refresh already due
    const qint64 elapsed =
        m_sinceRefresh.isValid() ? m_sinceRefresh.elapsed() : minRefreshIntervalMs;
    m_refreshTimer.start(int(std::max<qint64>(0, minRefreshIntervalMs - elapsed)));
}

void MetricsService::updateSuggestions()
{
    if (!m_ready)
        return;
    // The rules look at the filter's labels over 5 minutes, 1 hour and 24 hours, here counted
    // from the start of their first minute (whole buckets, kept between evaluations).
    static constexpr MetricsFilter::Window windows[] = {MetricsFilter::Window::Last5Minutes,
                                                        MetricsFilter::Window::LastHour,
                                                        MetricsFilter::Window::Last24Hours};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::array<AggregateReport, 3> reports;
    for (std::size_t i = 0; i < reports.size(); ++i) {
        MetricsFilter windowed = m_filter;
        const qint64 startMs =
            now.toMSecsSinceEpoch() - MetricsFilter::windowSeconds(windows[i]) * 1000;
        windowed.since = QDateTime::fromMSecsSinceEpoch(startMs - startMs % minuteMs, Qt::UTC);
        QString error;
        reports[i] = m_ruleWindows[i]->compute(windowed, now, m_categoryRule, &error);
        if (!error.isEmpty())
            qCWarning(lcStore).noquote() << error;
    }
    SuggestionEngine::Input input;
    input.last5Minutes = std::move(reports[0]);
    input.lastHour = std::move(reports[1]);
    input.last24Hours = std::move(reports[2]);
    const QList<Suggestion> suggestions = SuggestionEngine::evaluate(input);
    const auto said = [](const QList<Suggestion>& list) {
        QStringList lines;
        for (const Suggestion& s : list)
            lines << s.rule + s.message + s.evidence;
        return lines;
    };
    const bool changed =
        !m_suggestionsFilter.sameLabels(m_filter) || said(suggestions) != said(m_suggestions);
    m_suggestions = suggestions;
    m_suggestionsFilter = m_filter;
    if (changed)
        scheduleRefresh();
}

void MetricsService::refresh()
{
    if (!m_ready)
        return;
    m_sinceRefresh.start();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    DashboardSnapshot snapshot;
    snapshot.filter = m_filter;
    snapshot.computedAt = now;
    QString error;
    snapshot.report = m_window->compute(m_filter, now, m_categoryRule, &error);
    if (!error.isEmpty())
        emit failed(error);
    // Those of another filter's labels are not shown while the new ones are computed.
    if (m_suggestionsFilter.sameLabels(m_filter))
        snapshot.suggestions = m_suggestions;
    QList<std::pair<QString, QString>> endpoints; // label, key: sorted by label
    for (auto it = m_endpoints.cbegin(); it != m_endpoints.cend(); ++it)
        endpoints.append({it.value(), it.key()});
    std::sort(endpoints.begin(), endpoints.end());
    for (const auto& [label, key] : std::as_const(endpoints)) {
        snapshot.endpoints.append(key);
        snapshot.endpointLabels.append(label);
    }
    snapshot.models = m_models.values();
    snapshot.tags = m_tags.values();
    snapshot.tags.sort();
    snapshot.models.sort();
    snapshot.totalRecords = m_totalRecords;
    compareExperiments(snapshot);
    snapshot.computeMs = double(m_sinceRefresh.nsecsElapsed()) / 1e6;
    emit snapshotReady(snapshot);
}

void MetricsService::compareExperiments(DashboardSnapshot& snapshot)
{
    snapshot.activeExperiment = m_activeExperiment;
    QList<std::pair<QDateTime, QString>> seen;
    for (auto it = m_experiments.constBegin(); it != m_experiments.constEnd(); ++it)
        seen.append({it.value(), it.key()});
    std::sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (!m_activeExperiment.isEmpty())
        snapshot.experiments.append(m_activeExperiment);
    for (const auto& [newest, name] : std::as_const(seen)) {
        if (name != m_activeExperiment)
            snapshot.experiments.append(name);
    }
    QString shown = m_shownExperiment;
    if (!snapshot.experiments.contains(shown))
        shown = snapshot.experiments.value(0);
    if (shown.isEmpty())
        return;
    MetricsFilter filter;
    filter.experiment = shown;
    QString error;
    QHash<QString, RollupCell> variants;
    m_experimentWindow->groups(filter, QDateTime::currentDateTimeUtc(), &error)
        .forEachGroup([&variants](const MetricsRecord& labels, const RollupCell& cell) {
            variants[labels.variant].merge(cell);
        });
    if (!error.isEmpty())
        emit failed(error);
    // Variants in file order for the running experiment; for an earlier one, as its records
    // name them (the first of them sorted is then the control).
    const QStringList order = shown == m_activeExperiment ? m_activeVariants : QStringList();
    snapshot.experiment = ExperimentComparison::fromCells(shown, order, variants);
}

} // namespace adminchat

#include "store/MetricsService.h"

#include "experiments/ExperimentComparison.h"
#include "metrics/MetricsAggregator.h"
#include "metrics/MetricsCsv.h"
#include "metrics/SuggestionEngine.h"
#include "store/MetricsStore.h"
#include "store/StoreLog.h"

#include <algorithm>

namespace adminchat {

MetricsService::MetricsService(QString databasePath, QObject* parent)
    : QObject(parent), m_databasePath(std::move(databasePath)), m_refreshTimer(this),
      m_pollTimer(this) // children, so that moveToThread() takes the timers along
{
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &MetricsService::refresh);
    m_pollTimer.setInterval(pollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &MetricsService::pollOtherWriters);
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
    for (const MetricsRecord& record :
         m_store->records(MetricsFilter{}, QDateTime::currentDateTimeUtc(), &error)) {
        m_pollWatermark = std::max(m_pollWatermark, record.id);
        keep(record);
    }
    if (!error.isEmpty())
        emit failed(error);
    emit opened(m_store->path(), m_store->movedAsidePath());
    m_pollTimer.start();
    scheduleRefresh();
}

void MetricsService::keep(const MetricsRecord& record)
{
    m_endpoints.insert(record.endpointKey(), record.endpointLabel());
    m_models.insert(record.model);
    if (!record.tag.isEmpty())
        m_tags.insert(record.tag);
    if (!record.experiment.isEmpty()) {
        QDateTime& newest = m_experiments[record.experiment];
        if (!newest.isValid() || record.startedUtc > newest)
            newest = record.startedUtc;
    }
    m_records.push_back(record);
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
    if (m_store) {
        QString error;
        if (!m_store->insert(stored, &error))
            emit failed(error); // still shown for this session, just not kept
        else if (stored.id > m_pollWatermark)
            m_ownIdsUnpolled.insert(stored.id);
    }
    keep(stored);
    emit recordStored(stored);
    scheduleRefresh();
}

void MetricsService::setFilter(const MetricsFilter& filter)
{
    m_filter = filter;
    m_refreshTimer.stop();
    refresh(); // the user asked for it: answer at once
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
    if (m_store && !m_store->setRating(recordId, value, &error)) {
        emit failed(error);
        return;
    }
    applyRating([recordId](const MetricsRecord& r) { return r.id == recordId; }, value);
}

void MetricsService::setRequestRating(const QString& requestUid, int rating)
{
    const std::optional<int> value = rating == 0 ? std::nullopt : std::optional<int>(rating);
    QString error;
    if (m_store && !m_store->setRatingForRequest(requestUid, value, &error)) {
        emit failed(error);
        return;
    }
    applyRating([&requestUid](const MetricsRecord& r) { return r.requestUid == requestUid; },
                value);
}

void MetricsService::applyRating(const std::function<bool(const MetricsRecord&)>& matches,
                                 std::optional<int> rating)
{
    // Newest first: a rating nearly always concerns a recent answer.
    for (auto it = m_records.rbegin(); it != m_records.rend(); ++it) {
        if (matches(*it)) {
            it->rating = rating;
            break;
        }
    }
    scheduleRefresh();
}

void MetricsService::exportCsv(const QString& path, bool summary)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString error;
    qint64 rows = -1;
    if (summary) {
        MetricsAggregator::Options options;
        options.categoryRule = m_categoryRule;
        const AggregateReport report =
            MetricsAggregator::aggregate(m_records, m_filter, now, options);
        rows = MetricsCsv::exportToPath(path, {}, &report, &error);
    } else {
        std::vector<MetricsRecord> selected;
        const QDateTime start = m_filter.start(now);
        for (const MetricsRecord& record : m_records) {
            if ((!start.isValid() || record.startedUtc >= start) && m_filter.matchesLabels(record))
                selected.push_back(record);
        }
        rows = MetricsCsv::exportToPath(path, selected, nullptr, &error);
    }
    emit exportFinished(path, rows, error);
}

void MetricsService::scheduleRefresh()
{
    if (m_refreshTimer.isActive())
        return; // coalesced into the refresh already due
    const qint64 elapsed =
        m_sinceRefresh.isValid() ? m_sinceRefresh.elapsed() : minRefreshIntervalMs;
    m_refreshTimer.start(int(std::max<qint64>(0, minRefreshIntervalMs - elapsed)));
}

void MetricsService::refresh()
{
    m_sinceRefresh.start();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    DashboardSnapshot snapshot;
    snapshot.filter = m_filter;
    snapshot.computedAt = now;
    MetricsAggregator::Options options;
    options.categoryRule = m_categoryRule;
    snapshot.report = MetricsAggregator::aggregate(m_records, m_filter, now, options);
    snapshot.suggestions = SuggestionEngine::evaluate(m_records, m_filter, now);
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
    snapshot.totalRecords = qint64(m_records.size());
    compareExperiments(snapshot);
    snapshot.computeMs = double(m_sinceRefresh.nsecsElapsed()) / 1e6;
    emit snapshotReady(snapshot);
}

void MetricsService::compareExperiments(DashboardSnapshot& snapshot) const
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
    // Variants in file order for the running experiment; for an earlier one, as its records
    // name them (the first of them sorted is then the control).
    const QStringList order = shown == m_activeExperiment ? m_activeVariants : QStringList();
    snapshot.experiment = ExperimentComparison::compute(shown, order, m_records);
}

} // namespace adminchat

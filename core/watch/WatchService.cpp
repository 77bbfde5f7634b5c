#include "watch/WatchService.h"

#include "store/MetricsStore.h"
#include "watch/WatchEngine.h"
#include "watch/WatchLog.h"

namespace adminchat {

WatchService::WatchService(const QString& databasePath, const CategoryRule& rule,
                           const AlertThresholds& thresholds)
    : m_databasePath(databasePath), m_rule(rule), m_thresholds(thresholds)
{}

WatchService::~WatchService() = default;

void WatchService::open()
{
    m_metrics = std::make_unique<MetricsStore>(m_databasePath);
    m_incidents = std::make_unique<IncidentStore>(m_databasePath);
    QString error;
    m_open = m_metrics->open(&error) && m_incidents->open(&error);
    if (!m_open)
        emit failed(error);
}

void WatchService::watch(const Plan& plan)
{
    stop();
    m_plan = plan;
    if (!m_open || (plan.targets.isEmpty() && plan.observed.isEmpty()))
        return;
    WatchEngine::Options options;
    options.databasePath = m_databasePath;
    options.categoryRule = m_rule;
    options.alertThresholds = m_thresholds;
    options.alertCooldownMs = m_thresholds.cooldownS * 1000LL;
    m_engine = std::make_unique<WatchEngine>(options);
    QString error;
    if (!m_engine->open(&error)) {
        m_engine.reset();
        emit failed(error);
        return;
    }
    connect(m_engine.get(), &WatchEngine::probed, this, &WatchService::probed);
    connect(m_engine.get(), &WatchEngine::statusChanged, this, &WatchService::statusChanged);
    connect(m_engine.get(), &WatchEngine::alerted, this, &WatchService::alerted);
    connect(m_engine.get(), &WatchEngine::storeFailed, this, &WatchService::failed);
    for (const WatchTarget& target : plan.targets)
        m_engine->addTarget(target);
    for (const Observed& observed : plan.observed)
        m_engine->addObservedTarget(observed.profile, observed.endpointId, observed.model,
                                    observed.intervalS);
    m_engine->start();
    qCInfo(lcWatch) << "watching" << plan.targets.size() << "targets, observing"
                    << plan.observed.size();
}

void WatchService::stop()
{
    if (!m_engine)
        return;
    m_engine->stop();
    m_engine.reset();
}

void WatchService::setAlertThresholds(const AlertThresholds& thresholds)
{
    if (thresholds == m_thresholds)
        return;
    m_thresholds = thresholds;
    if (m_engine)
        watch(m_plan); // the engine goes on from the stored statuses
}

void WatchService::readOverview(qint64 nowMs)
{
    if (!m_open)
        return;
    QList<WatchOverview::Row> rows;
    QString error;
    if (!WatchOverview::read(*m_metrics, *m_incidents, nowMs, m_rule, &rows, &error))
        emit failed(error);
    else
        emit overviewRead(rows);
}

void WatchService::readIncidents(const QString& endpointId, const QString& model, qint64 sinceMs)
{
    if (!m_open)
        return;
    QString error;
    const QList<IncidentStore::Incident> incidents =
        m_incidents->incidents(endpointId, model, sinceMs, &error);
    if (!error.isEmpty())
        emit failed(error);
    else
        emit incidentsRead(endpointId, model, incidents);
}

} // namespace adminchat

#include "WatchController.h"

#include "endpoints/ProfileResolver.h"
#include "endpoints/ProfileStore.h"
#include "watch/WatchLock.h"
#include "watch/WatchThread.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcWatchController, "adminchat.ui.watch")

namespace adminchat {

WatchController::WatchController(ProfileStore* profiles, const QString& databasePath,
                                 const CategoryRule& rule, const AlertThresholds& thresholds,
                                 QObject* parent)
    : QObject(parent), m_profiles(profiles), m_databasePath(databasePath),
      m_thread(new WatchThread(databasePath, rule, thresholds, this)),
      m_resolver(new ProfileResolver(profiles->fileName(), this))
{
    WatchService* watch = m_thread->service();
    connect(watch, &WatchService::overviewRead, this, &WatchController::onOverview);
    connect(watch, &WatchService::incidentsRead, this, &WatchController::incidentsRead);
    connect(watch, &WatchService::failed, this, &WatchController::failed);
    connect(watch, &WatchService::alerted, this, &WatchController::alerted);
    connect(watch, &WatchService::probed, this, &WatchController::refresh);
    connect(watch, &WatchService::statusChanged, this, &WatchController::refresh);
    m_refresh.setInterval(refreshMs);
    connect(&m_refresh, &QTimer::timeout, this, [this] {
        // A watch another process held may have ended: take it over.
        bool free = false;
        for (auto it = m_holders.cbegin(); it != m_holders.cend() && !free; ++it)
            free = *it == Holder::Elsewhere;
        if (free && !m_paused)
            plan();
        refresh();
    });
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(300);
    connect(&m_coalesce, &QTimer::timeout, this, [this] {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QMetaObject::invokeMethod(m_thread->service(),
                                  [watch = m_thread->service(), now] { watch->readOverview(now); });
    });
}

WatchController::~WatchController()
{
    // The thread stops the engine before the locks go, so nothing probes unlocked.
    delete m_thread;
    m_locks.clear();
}

QString WatchController::key(const QString& endpointId, const QString& model)
{
    return endpointId + QChar(0) + model;
}

WatchController::Holder WatchController::holder(const QString& endpointId,
                                                const QString& model) const
{
    return m_holders.value(key(endpointId, model), Holder::None);
}

void WatchController::start()
{
    if (std::exchange(m_started, true))
        return;
    m_thread->start();
    m_refresh.start();
    reload();
}

void WatchController::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    qCInfo(lcWatchController) << (paused ? "watching paused" : "watching resumed");
    plan();
    emit pausedChanged(paused);
}

void WatchController::setAlertThresholds(const AlertThresholds& thresholds)
{
    QMetaObject::invokeMethod(m_thread->service(), [watch = m_thread->service(), thresholds] {
        watch->setAlertThresholds(thresholds);
    });
}

void WatchController::refresh()
{
    if (m_started && !m_coalesce.isActive())
        m_coalesce.start();
}

void WatchController::readIncidents(const QString& endpointId, const QString& model)
{
    const qint64 since = QDateTime::currentMSecsSinceEpoch() - 30 * WatchOverview::dayMs;
    QMetaObject::invokeMethod(m_thread->service(),
                              [watch = m_thread->service(), endpointId, model, since] {
                                  watch->readIncidents(endpointId, model, since);
                              });
}

void WatchController::reload()
{
    ++m_generation;
    m_targets.clear();
    m_problems.clear();
    QList<EndpointProfile> watched;
    for (const EndpointProfile& profile : m_profiles->profiles()) {
        if (profile.probe.enabled)
            watched.append(profile);
    }
    m_pending = int(watched.size());
    if (watched.isEmpty())
        return plan();
    for (const EndpointProfile& profile : std::as_const(watched)) {
        m_resolver->resolve(
            profile.name, this,
            [this, profile, generation = m_generation](const ProfileResolver::Result& result) {
                onResolved(profile, result.error, result.config, generation);
            });
    }
}

void WatchController::onResolved(const EndpointProfile& profile, const QString& error,
                                 const EndpointConfig& config, quint64 generation)
{
    if (generation != m_generation)
        return;
    QStringList models = profile.probe.models;
    if (models.isEmpty() && !profile.defaultModel.isEmpty())
        models << profile.defaultModel;
    if (!error.isEmpty())
        m_problems << tr("%1: %2").arg(profile.name, error);
    else if (models.isEmpty())
        m_problems << tr("%1: no model to probe; choose one in the profile's watch settings")
                          .arg(profile.name);
    else if (const QString invalid = profile.probe.validationError(); !invalid.isEmpty())
        m_problems << tr("%1: %2").arg(profile.name, invalid);
    else {
        for (const QString& model : std::as_const(models))
            m_targets.append({profile.name, config, model, profile.probe});
    }
    if (--m_pending == 0)
        plan();
}

void WatchController::plan()
{
    if (m_pending > 0)
        return; // the last resolution plans
    WatchService::Plan next;
    m_holders.clear();
    if (m_paused) {
        m_locks.clear(); // a headless watch may take over meanwhile
        for (const WatchTarget& target : std::as_const(m_targets))
            m_holders.insert(key(target.endpoint.endpointId, target.model), Holder::Here);
    } else {
        std::map<QString, std::unique_ptr<WatchLock>> kept; // by endpoint
        for (const WatchTarget& target : std::as_const(m_targets)) {
            const QString endpointId = target.endpoint.endpointId;
            if (!kept.count(endpointId)) {
                auto held = m_locks.find(endpointId);
                if (held != m_locks.end()) {
                    kept[endpointId] = std::move(held->second);
                } else {
                    auto lock = std::make_unique<WatchLock>(m_databasePath, endpointId);
                    if (lock->tryLock())
                        kept[endpointId] = std::move(lock);
                    else
                        kept[endpointId] = nullptr; // held elsewhere
                }
            }
            const bool mine = kept[endpointId] != nullptr;
            if (mine)
                next.targets.append(target);
            else
                next.observed.append(
                    {target.profile, endpointId, target.model, target.settings.intervalS});
            m_holders.insert(key(endpointId, target.model),
                             mine ? Holder::Here : Holder::Elsewhere);
        }
        std::erase_if(kept, [](const auto& entry) { return !entry.second; });
        m_locks = std::move(kept); // the others are released
    }
    qCInfo(lcWatchController) << "probing" << next.targets.size() << "observing"
                              << next.observed.size();
    QMetaObject::invokeMethod(m_thread->service(),
                              [watch = m_thread->service(), next] { watch->watch(next); });
    refresh();
}

void WatchController::onOverview(const QList<WatchOverview::Row>& rows)
{
    m_rows = rows;
    WatchState worst = WatchState::Unknown;
    for (const WatchOverview::Row& row : rows) {
        if (holder(row.target.endpointId, row.target.model) == Holder::None)
            continue;
        if (WatchOverview::severity(row.target.status) > WatchOverview::severity(worst))
            worst = row.target.status;
    }
    m_worst = worst;
    emit rowsChanged();
}

} // namespace adminchat

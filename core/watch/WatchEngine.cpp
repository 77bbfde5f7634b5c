#include "watch/WatchEngine.h"

#include "chat/RequestFinisher.h"
#include "chat/RequestMeter.h"
#include "metrics/MetricsRecord.h"
#include "metrics/RequestMetrics.h"
#include "watch/WatchLog.h"

#include <QDateTime>
#include <QUuid>
#include <algorithm>

namespace adminchat {

namespace {

ProbeScheduler::Clock clockOf(const WatchEngine::Options& options)
{
    if (options.clock)
        return options.clock;
    return [] {
        return QDateTime::currentMSecsSinceEpoch();
    };
}

} // namespace

WatchEngine::WatchEngine(Options options, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_metrics(m_options.databasePath),
      m_incidents(m_options.databasePath), m_scheduler(clockOf(m_options)),
      m_alerts(m_options.alertCooldownMs)
{
    m_meter = new RequestMeter(&m_client);
    connect(m_meter, &RequestMeter::measured, this, &WatchEngine::onMeasured);
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &WatchEngine::onTimer);
}

WatchEngine::~WatchEngine()
{
    stop();
    RequestMeter::dispose(m_meter);
}

qint64 WatchEngine::now() const
{
    return clockOf(m_options)();
}

bool WatchEngine::open(QString* error)
{
    return m_metrics.open(error) && m_incidents.open(error);
}

void WatchEngine::addTarget(const WatchTarget& target)
{
    auto probed = std::make_unique<Probed>();
    probed->target = target;
    probed->thresholds = m_options.alertThresholds.overriddenBy(target.settings.alerts);
    probed->tracker = StatusTracker({target.settings.failuresForDown, 2});
    const QString endpointId = target.endpoint.endpointId;
    probed->schedulerIndex = m_scheduler.addTarget(
        target.profile, qint64(target.settings.intervalS) * 1000, target.settings.dailyTokenBudget);
    // Goes on from what the last run stored: an open incident stays one incident.
    if (const auto stored = m_incidents.target(endpointId, target.model)) {
        probed->tracker.restore(stored->status, stored->cause);
        m_alerts.restore(target.profile, target.model, stored->status, stored->sinceMs,
                         stored->cause);
        probed->fingerprint = stored->fingerprint;
        m_scheduler.restoreTokens(target.profile, stored->budgetDay, stored->budgetTokens);
    }
    m_probed.push_back(std::move(probed));
}

void WatchEngine::addObservedTarget(const QString& profile, const QString& endpointId,
                                    const QString& model, int intervalS)
{
    Observed observed;
    observed.profile = profile;
    observed.endpointId = endpointId;
    observed.model = model;
    observed.intervalMs = std::max(1, intervalS) * 1000LL;
    observed.dueMs = now();
    m_observed.push_back(observed);
}

void WatchEngine::start()
{
    m_running = true;
    // A budget used up before this run (a restart on the same day) is said at once.
    QSet<QString> profiles;
    for (const auto& probed : m_probed) {
        const WatchTarget& target = probed->target;
        if (!m_scheduler.budgetExhausted(target.profile))
            continue;
        probed->probedOnce = m_options.once; // nothing to wait for today
        if (!profiles.contains(target.profile))
            raise(m_alerts.onBudgetUsedUp(target.profile, target.settings.dailyTokenBudget, now()));
        profiles.insert(target.profile);
    }
    reschedule();
    checkOnceDone();
}

void WatchEngine::stop()
{
    m_running = false;
    m_timer.stop();
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it)
        m_client.cancel(it.key());
    m_inFlight.clear();
}

QList<WatchState> WatchEngine::states() const
{
    QList<WatchState> result;
    for (const auto& probed : m_probed)
        result.append(probed->tracker.state());
    for (const Observed& observed : m_observed)
        result.append(observed.state);
    return result;
}

void WatchEngine::reschedule()
{
    if (!m_running)
        return;
    std::optional<qint64> next = m_scheduler.nextDueMs();
    for (const Observed& observed : m_observed) {
        if (!(m_options.once && observed.read))
            next = next ? std::min(*next, observed.dueMs) : observed.dueMs;
    }
    if (!next)
        return; // every target in flight: the next end reschedules
    // Bounded so that a clock step (suspend, NTP) is noticed within a minute.
    const qint64 waitMs = std::clamp<qint64>(*next - now(), 0, 60'000);
    m_timer.start(std::chrono::milliseconds(waitMs));
}

void WatchEngine::onTimer()
{
    if (!m_running)
        return;
    for (const int index : m_scheduler.takeDue()) {
        auto it = std::find_if(m_probed.begin(), m_probed.end(), [index](const auto& probed) {
            return probed->schedulerIndex == index;
        });
        if (it == m_probed.end())
            continue;
        if (m_options.once && (*it)->probedOnce) {
            m_scheduler.finished(index, 0, false); // not again; keeps it out of flight
            continue;
        }
        startProbe(**it);
    }
    const qint64 time = now();
    for (Observed& observed : m_observed) {
        if (observed.dueMs <= time && !(m_options.once && observed.read))
            readObserved(observed);
    }
    reschedule();
    checkOnceDone();
}

void WatchEngine::startProbe(Probed& probed)
{
    const WatchTarget& target = probed.target;
    const QStringList prompts = target.settings.effectivePrompts();
    ChatRequest request;
    request.model = target.model;
    request.messages = {{QStringLiteral("user"), prompts.at(probed.nextPrompt % prompts.size())}};
    probed.nextPrompt = (probed.nextPrompt + 1) % prompts.size();
    request.maxTokens = target.settings.maxTokens;
    request.stream = true;
    request.includeUsage = target.endpoint.sendStreamOptions;

    EndpointConfig endpoint = target.endpoint;
    // A probe reports what it met: a retry would hide the failure it is there to see.
    endpoint.maxRetries = 0;
    const int timeoutMs = target.settings.timeoutS * 1000;
    endpoint.totalTimeoutMs = timeoutMs;
    endpoint.connectTimeoutMs = std::min(endpoint.connectTimeoutMs, timeoutMs);
    endpoint.idleTimeoutMs = std::min(endpoint.idleTimeoutMs, timeoutMs);

    probed.requestId = ChatClient::nextRequestId();
    probed.requestUid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_inFlight.insert(probed.requestId, &probed);
    qCDebug(lcWatch).noquote() << "probing" << target.profile << target.model;
    m_meter->start(probed.requestId, endpoint, request, m_options.categoryRule);
}

void WatchEngine::onMeasured(quint64 id, const RequestTrace& trace, const RequestMetrics& metrics)
{
    Probed* probed = m_inFlight.take(id);
    if (!probed || !m_running)
        return;
    RequestLabels labels;
    labels.profile = probed->target.profile;
    labels.tag = QStringLiteral("probe");
    labels.requestUid = probed->requestUid;
    QString error;
    const RequestFinisher finisher([this, &error](const MetricsRecord& record) {
        MetricsRecord stored = record;
        if (!m_metrics.insert(stored, &error))
            emit storeFailed(error);
    });
    const MetricsRecord record = finisher.finish(trace, metrics, labels);
    emit recorded(record);
    probed->requestId = 0;
    const ProbeResult result =
        ProbeResult::fromRequest(trace, record, probed->target.settings, probed->fingerprint);
    handleResult(*probed, result);
}

void WatchEngine::handleResult(Probed& entry, const ProbeResult& result)
{
    if (!result.systemFingerprint.isEmpty())
        entry.fingerprint = result.systemFingerprint;
    const std::optional<StatusChange> change = entry.tracker.apply(result);
    const bool down = entry.tracker.state() == WatchState::Down;
    const bool budgetUsedUp = m_scheduler.finished(entry.schedulerIndex, result.tokens, down);
    entry.probedOnce = true;

    QString error;
    if (!m_incidents.recordProbe(result, m_scheduler.budgetDay(entry.target.profile),
                                 m_scheduler.tokensToday(entry.target.profile), &error))
        emit storeFailed(error);
    emit probed(result);
    if (change) {
        if (m_incidents.recordChange(*change, &error) < 0)
            emit storeFailed(error);
        report(*change, false);
    }
    raise(m_alerts.onProbe(result, entry.tracker.state(), entry.thresholds));
    if (budgetUsedUp)
        raise(m_alerts.onBudgetUsedUp(entry.target.profile, entry.target.settings.dailyTokenBudget,
                                      result.startedMs));
    reschedule();
    checkOnceDone();
}

void WatchEngine::readObserved(Observed& observed)
{
    observed.dueMs = now() + observed.intervalMs;
    observed.read = true;
    QString error;
    const auto stored = m_incidents.target(observed.endpointId, observed.model, &error);
    if (!error.isEmpty()) {
        emit storeFailed(error);
        return;
    }
    if (!stored || stored->status == observed.state)
        return;
    StatusChange change;
    change.profile = observed.profile;
    change.endpointId = observed.endpointId;
    change.model = observed.model;
    change.from = observed.state;
    change.to = stored->status;
    change.cause = stored->cause;
    change.atMs = stored->lastProbeMs;
    change.sinceMs = stored->sinceMs;
    observed.state = stored->status;
    report(change, true);
}

void WatchEngine::report(const StatusChange& change, bool observed)
{
    emit statusChanged(change, observed);
    // Alerts are the watcher's to raise: an observer would say them a second time.
    if (!observed)
        raise(m_alerts.onStatusChange(change));
}

void WatchEngine::raise(const std::optional<Alert>& alert)
{
    if (alert)
        emit alerted(*alert);
}

void WatchEngine::raise(const QList<Alert>& alerts)
{
    for (const Alert& alert : alerts)
        emit alerted(alert);
}

void WatchEngine::checkOnceDone()
{
    if (!m_options.once || m_finishedEmitted || !m_running)
        return;
    const bool probedAll = std::all_of(m_probed.cbegin(), m_probed.cend(),
                                       [](const auto& probed) { return probed->probedOnce; });
    const bool readAll = std::all_of(m_observed.cbegin(), m_observed.cend(),
                                     [](const Observed& observed) { return observed.read; });
    if (!probedAll || !readAll)
        return;
    m_finishedEmitted = true;
    m_running = false;
    m_timer.stop();
    QMetaObject::invokeMethod(this, &WatchEngine::finished, Qt::QueuedConnection);
}

} // namespace adminchat

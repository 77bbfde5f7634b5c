#include "WatchRun.h"

#include "AlertCommand.h"
#include "CommandLine.h"
#include "demo/DemoServer.h"
#include "endpoints/ProfileStore.h"
#include "net/EndpointIdentity.h"
#include "settings/AppSettings.h"
#include "store/Database.h"
#include "telemetry/TelemetryPush.h"
#include "telemetry/TelemetryRegistry.h"
#include "watch/DesktopNotifier.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace adminchat {

namespace {

QString utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonValue milliseconds(const std::optional<double>& ms)
{
    return ms ? QJsonValue(qRound64(*ms * 10) / 10.0) : QJsonValue(QJsonValue::Null);
}

void writeJson(const QJsonObject& object)
{
    writeOut(QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n');
}

QString time(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

WatchRun::WatchRun(WatchOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options))
{
    m_duration.setSingleShot(true);
    connect(&m_duration, &QTimer::timeout, this, [this] {
        bool allUp = true;
        for (const WatchState state : m_engine->states())
            allUp = allUp && state == WatchState::Up;
        finish(allUp ? 0 : 1);
    });
}

WatchRun::~WatchRun() = default;

void WatchRun::fail(const QString& message, int exitCode)
{
    writeErr(QStringLiteral("adminchat watch: %1\n").arg(message));
    finish(exitCode);
}

void WatchRun::start()
{
    // Nothing to watch is said before the database is touched.
    m_pending = m_options.profiles;
    if (m_pending.isEmpty()) {
        for (const EndpointProfile& profile : ProfileStore().profiles()) {
            if (profile.probe.enabled)
                m_pending << profile.name;
        }
        if (m_pending.isEmpty())
            return fail(QStringLiteral("no profile has probing on; turn it on with `adminchat "
                                       "profile probe NAME --enable` or name one with --profile"),
                        2);
    }
    WatchEngine::Options engineOptions;
    engineOptions.databasePath = Database::defaultPath();
    const AppSettings settings;
    engineOptions.alertThresholds = settings.alertThresholds();
    engineOptions.alertCooldownMs =
        m_options.alertCooldownMs.value_or(engineOptions.alertThresholds.cooldownS * 1000LL);
    engineOptions.categoryRule = settings.categoryRule();
    engineOptions.once = m_options.once;
    m_engine = std::make_unique<WatchEngine>(engineOptions);
    QString error;
    if (!m_engine->open(&error))
        return fail(error, 3);
    connect(m_engine.get(), &WatchEngine::probed, this, &WatchRun::onProbed);
    connect(m_engine.get(), &WatchEngine::statusChanged, this, &WatchRun::onStatusChanged);
    connect(m_engine.get(), &WatchEngine::alerted, this, &WatchRun::onAlerted);
    connect(m_engine.get(), &WatchEngine::storeFailed, this,
            [this](const QString& message) { fail(message, 3); });
    connect(m_engine.get(), &WatchEngine::finished, this, [this] {
        bool allUp = true;
        for (const WatchState state : m_engine->states())
            allUp = allUp && state == WatchState::Up;
        finish(allUp ? 0 : 1);
    });
    if (!m_options.onAlert.isEmpty())
        m_alertCommand = std::make_unique<AlertCommand>(m_options.onAlert);
    if (!m_options.push.targets.empty()) {
        TelemetryRegistry::setProviderNames(ProfileStore().providerNames()); // gen_ai_provider_name
        m_push = std::make_unique<TelemetryPush>(m_options.push.targets);
        if (m_options.push.intervalMs)
            m_push->setIntervalMs(*m_options.push.intervalMs);
        connect(m_engine.get(), &WatchEngine::recorded, m_push.get(), &TelemetryPush::add);
        // A failed push is said (each message once) and changes nothing about the watch.
        connect(m_push.get(), &TelemetryPush::failed, this, [this](const QString& message) {
            if (!m_pushErrors.contains(message)) {
                m_pushErrors.insert(message);
                writeErr(QStringLiteral("adminchat watch: %1\n").arg(message));
            }
        });
        m_push->start();
    }
    if (m_options.notify)
        m_notifier = std::make_unique<DesktopNotifier>();

    m_pending.removeDuplicates();
    resolveNext();
}

void WatchRun::resolveNext()
{
    if (m_finishing)
        return;
    if (m_pending.isEmpty())
        return run();
    const QString name = m_pending.takeFirst();
    const bool builtIn = name.compare(EndpointProfile::demoName, Qt::CaseInsensitive) == 0 ||
                         name.compare(EndpointProfile::environmentName, Qt::CaseInsensitive) == 0;
    if (!builtIn && !ProfileStore().find(name))
        return fail(
            QStringLiteral("no profile named \"%1\"; see `adminchat profile list`").arg(name), 2);
    m_chooser.choose(name, {},
                     [this](const std::optional<EndpointChooser::Choice>& choice,
                            const QString& error, int exitCode) {
                         if (!choice)
                             return fail(error, exitCode == 2 ? 2 : 3);
                         if (addProfile(*choice))
                             resolveNext();
                     });
}

bool WatchRun::addProfile(const EndpointChooser::Choice& choice)
{
    WatchTarget target;
    target.profile = choice.profile;
    target.endpoint = choice.config;
    // The Demo profile's endpoint comes without an id: the one its records carry.
    if (target.endpoint.endpointId.isEmpty())
        target.endpoint.endpointId = EndpointIdentity::fromProfileName(
            choice.profile, EndpointConfig::displayUrl(choice.config.baseUrl));
    if (const auto saved = ProfileStore().find(choice.profile))
        target.settings = saved->probe;
    if (m_options.intervalS)
        target.settings.intervalS = *m_options.intervalS;
    QStringList models = target.settings.models;
    if (models.isEmpty() && !choice.defaultModel.isEmpty())
        models << choice.defaultModel;
    if (models.isEmpty() && choice.profile == EndpointProfile::demoName)
        models << DemoServer::modelNames().value(0);
    if (models.isEmpty()) {
        fail(QStringLiteral("profile \"%1\" names no model to probe; set one with `adminchat "
                            "profile probe \"%1\" --model M`")
                 .arg(choice.profile),
             2);
        return false;
    }
    auto lock = std::make_unique<WatchLock>(Database::defaultPath(), target.endpoint.endpointId);
    const bool holder = lock->tryLock();
    if (!holder)
        writeErr(QStringLiteral("adminchat watch: \"%1\" is watched by another process%2; "
                                "showing the status it stores\n")
                     .arg(choice.profile, lock->holderPid() > 0
                                              ? QStringLiteral(" (pid %1)").arg(lock->holderPid())
                                              : QString()));
    for (const QString& model : std::as_const(models)) {
        if (holder) {
            target.model = model;
            m_engine->addTarget(target);
        } else {
            m_engine->addObservedTarget(choice.profile, target.endpoint.endpointId, model,
                                        target.settings.intervalS);
        }
    }
    if (holder)
        m_locks.push_back(std::move(lock));
    return true;
}

void WatchRun::run()
{
    if (m_options.durationMs)
        m_duration.start(std::chrono::milliseconds(*m_options.durationMs));
    m_engine->start();
}

void WatchRun::interrupt()
{
    finish(0);
}

void WatchRun::finish(int exitCode)
{
    if (std::exchange(m_finishing, true))
        return;
    m_duration.stop();
    if (m_engine)
        m_engine->stop();
    // The locks go first: another watcher may take over while the alert commands end.
    m_locks.clear();
    if (!m_alertCommand)
        return exitWhenPushed(exitCode);
    m_alertCommand->whenIdle(10'000, [this, exitCode] { exitWhenPushed(exitCode); });
}

void WatchRun::exitWhenPushed(int exitCode)
{
    // Then the last push and the notifications on their way to the desktop, briefly: a bus that
    // does not answer must not keep the process.
    const auto afterPush = [this, exitCode] {
        const auto exit = [exitCode] {
            QCoreApplication::exit(exitCode);
        };
        if (!m_notifier || m_notifier->isIdle())
            return exit();
        connect(m_notifier.get(), &DesktopNotifier::settled, this, exit);
        QTimer::singleShot(5000, this, exit);
    };
    if (!m_push)
        return afterPush();
    m_push->finish(afterPush);
}

void WatchRun::onProbed(const ProbeResult& probe)
{
    if (m_options.json) {
        QJsonObject json{
            {QStringLiteral("type"), QStringLiteral("probe")},
            {QStringLiteral("profile"), probe.profile},
            {QStringLiteral("model"), probe.model},
            {QStringLiteral("ok"), probe.outcome == ProbeOutcome::Ok},
            {QStringLiteral("outcome"), probeOutcomeName(probe.outcome)},
            {QStringLiteral("ttft_ms"), milliseconds(probe.ttftMs)},
            {QStringLiteral("e2e_ms"), milliseconds(probe.e2eMs)},
            {QStringLiteral("error"),
             probe.message.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(probe.message)},
            {QStringLiteral("http_status"), probe.httpStatus},
            {QStringLiteral("answered_model"), probe.answeredModel},
            {QStringLiteral("tokens"), probe.tokens},
            {QStringLiteral("request_uid"), probe.requestUid},
            {QStringLiteral("at"), utc(probe.startedMs)},
        };
        if (probe.fingerprintChanged)
            json.insert(QStringLiteral("fingerprint_changed"), probe.systemFingerprint);
        return writeJson(json);
    }
    QString figures;
    if (probe.ttftMs)
        figures += QStringLiteral(" TTFT %1 ms").arg(qRound64(*probe.ttftMs));
    if (probe.e2eMs)
        figures += QStringLiteral(" E2E %1 ms").arg(qRound64(*probe.e2eMs));
    writeOut(
        QStringLiteral("%1 probe %2 (%3) %4%5%6%7\n")
            .arg(time(probe.startedMs), probe.profile, probe.model, probeOutcomeName(probe.outcome),
                 figures,
                 probe.message.isEmpty() ? QString() : QStringLiteral(": ") + probe.message,
                 probe.fingerprintChanged
                     ? QStringLiteral(" (system_fingerprint now %1)").arg(probe.systemFingerprint)
                     : QString()));
}

void WatchRun::onStatusChanged(const StatusChange& change, bool observed)
{
    if (m_options.json) {
        QJsonObject json{
            {QStringLiteral("type"), QStringLiteral("status")},
            {QStringLiteral("profile"), change.profile},
            {QStringLiteral("model"), change.model},
            {QStringLiteral("from"), watchStateName(change.from)},
            {QStringLiteral("to"), watchStateName(change.to)},
            {QStringLiteral("cause"), change.cause},
            {QStringLiteral("since"), utc(change.sinceMs)},
            {QStringLiteral("at"), utc(change.atMs)},
        };
        if (observed)
            json.insert(QStringLiteral("observed"), true);
        return writeJson(json);
    }
    writeOut(QStringLiteral("%1 status %2 (%3) %4 -> %5: %6%7\n")
                 .arg(time(change.atMs), change.profile, change.model, watchStateName(change.from),
                      watchStateName(change.to), change.cause,
                      observed ? QStringLiteral(" (seen in the database)") : QString()));
}

void WatchRun::onAlerted(const Alert& alert)
{
    const QByteArray json = QJsonDocument(alert.toJson()).toJson(QJsonDocument::Compact);
    if (m_options.json)
        writeOut(json + '\n');
    else
        writeOut(QStringLiteral("%1 %2 %3: %4\n")
                     .arg(time(alert.atMs),
                          alert.resolved ? QStringLiteral("RESOLVED") : QStringLiteral("ALERT"),
                          alert.rule, alert.message));
    if (m_alertCommand)
        m_alertCommand->run(json);
    if (m_notifier)
        m_notifier->notify(alert);
}

} // namespace adminchat

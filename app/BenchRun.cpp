#include "BenchRun.h"

#include "BenchProgress.h"
#include "BenchReport.h"
#include "CommandLine.h"
#include "bench/BenchSummary.h"
#include "endpoints/ProfileStore.h"
#include "experiments/ExperimentComparison.h"
#include "metrics/MetricsCsv.h"
#include "metrics/RequestMetrics.h"
#include "settings/AppSettings.h"
#include "store/MetricsStore.h"
#include "telemetry/TelemetryPush.h"
#include "telemetry/TelemetryRegistry.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace adminchat {

namespace {

constexpr int tickMs = 250;

} // namespace

BenchRun::BenchRun(BenchOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_setup(this),
      m_rule(AppSettings().categoryRule()),
      m_finisher(
          [this](const MetricsRecord& record) {
              // Stored in batches at each tick; every record stays for the CSV and comparison.
              m_unsaved.push_back(record);
              m_records.push_back(record);
              if (m_push)
                  m_push->add(record);
          },
          [this](const QString& profile) {
              // Once per run: the run's requests are already built, the next run benefits.
              if (m_streamOptionsNoted.contains(profile))
                  return;
              m_streamOptionsNoted.insert(profile);
              ProfileStore profiles;
              if (profiles.contains(profile))
                  profiles.setSendStreamOptions(profile, false);
          })
{
    m_thread.setObjectName(QStringLiteral("adminchat-bench"));
    m_tick.setInterval(tickMs);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        flushRecords();
        if (m_progress)
            m_progress->update(m_result, m_inFlight);
    });
}

BenchRun::~BenchRun()
{
    if (m_runner)
        QMetaObject::invokeMethod(m_runner, &LoadRunner::cancel, Qt::QueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void BenchRun::fail(const QString& message, int exitCode)
{
    writeErr(QStringLiteral("adminchat bench: %1\n").arg(message));
    QCoreApplication::exit(exitCode);
}

void BenchRun::start()
{
    m_setup.start(m_options,
                  [this](std::optional<BenchInputs> inputs, const QString& error, int exitCode) {
                      if (!inputs)
                          return fail(error, exitCode);
                      run(*inputs);
                  });
}

void BenchRun::run(const BenchInputs& inputs)
{
    m_inputs = inputs;
    if (m_inputs.experiment) {
        m_assigner.emplace(*m_inputs.experiment);
        m_variantResults.resize(std::size_t(m_inputs.targets.size()));
    }
    openStore();
    if (!m_options.push.targets.empty()) {
        TelemetryRegistry::setProviderNames(ProfileStore().providerNames()); // gen_ai_provider_name
        m_push = std::make_unique<TelemetryPush>(m_options.push.targets);
        if (m_options.push.intervalMs)
            m_push->setIntervalMs(*m_options.push.intervalMs);
        // A failed push is said, and changes nothing about the run or its exit status.
        connect(m_push.get(), &TelemetryPush::failed, this, [this](const QString& message) {
            if (!m_pushErrors.contains(message)) {
                m_pushErrors.insert(message);
                writeErr(QStringLiteral("adminchat bench: %1\n").arg(message));
            }
        });
        m_push->start();
    }

    if (!m_options.json) {
        QStringList targets;
        for (const BenchTarget& t : std::as_const(m_inputs.targets))
            targets << (t.variant.isEmpty() ? QString() : t.variant + QStringLiteral(": ")) +
                           EndpointConfig::displayUrl(t.endpoint.baseUrl) + QStringLiteral(" ") +
                           t.model;
        const LoadPlan& plan = m_options.plan;
        writeOut(QStringLiteral("Run %1 · %2 · %3 · %4\n")
                     .arg(m_options.tag, targets.join(QStringLiteral(", ")),
                          plan.isOpenLoop()
                              ? QStringLiteral("Poisson arrivals at %1/s").arg(plan.rate)
                              : QStringLiteral("concurrency %1").arg(plan.concurrency),
                          plan.requests > 0 ? QStringLiteral("%1 requests").arg(plan.requests)
                                            : QStringLiteral("%1 s").arg(plan.durationSeconds)));
    }
    m_progress = std::make_unique<BenchProgress>(
        BenchProgress::stderrIsTerminal(), m_options.plan.requests, m_options.plan.durationSeconds);
    if (m_options.plan.warmup > 0)
        m_progress->note(QStringLiteral("warming up with %1 requests").arg(m_options.plan.warmup));

    m_runner = new LoadRunner(m_options.plan, [this](qint64 index) { return makeRequest(index); });
    m_runner->setCategoryRule(m_rule); // the metrics are computed on the runner's thread
    m_runner->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_runner, &QObject::deleteLater);
    connect(m_runner, &LoadRunner::measurementStarted, this, [this] {
        m_progress->started();
        m_tick.start();
    });
    connect(m_runner, &LoadRunner::requestStarted, this, [this](qint64, bool warmup) {
        if (!warmup)
            ++m_inFlight;
    });
    connect(m_runner, &LoadRunner::requestFinished, this, &BenchRun::onRequestFinished);
    connect(m_runner, &LoadRunner::finished, this, &BenchRun::onFinished);
    // The runner's thread notes when each byte arrives; storing and printing can wait. Under a
    // real-time policy (chrt) this puts it above the main thread, whose bursts of bookkeeping at
    // the end of a wave would otherwise hold its reads back; under the normal policy it changes
    // nothing. Set once running: a priority given to start() would reset the policy to normal.
    m_thread.start();
    m_thread.setPriority(QThread::TimeCriticalPriority);
    QMetaObject::invokeMethod(m_runner, &LoadRunner::start, Qt::QueuedConnection);
}

int BenchRun::targetOf(qint64 index) const
{
    // The request index is the unit: the same run sends the same request to the same variant.
    return m_assigner ? m_assigner->assign(QString::number(index)) : 0;
}

BenchRequest BenchRun::makeRequest(qint64 index) const
{
    const BenchTarget& target = m_inputs.targets.at(targetOf(index));
    BenchRequest made;
    made.endpoint = target.endpoint;
    made.request.model = target.model;
    if (!target.params.system.isEmpty())
        made.request.messages.append({QStringLiteral("system"), target.params.system});
    made.request.messages.append(m_inputs.prompts.messagesFor(index));
    made.request.temperature = target.params.temperature;
    made.request.maxTokens =
        target.params.maxTokens ? target.params.maxTokens : m_options.maxTokens;
    made.request.stream = true;
    return made;
}

void BenchRun::onRequestFinished(qint64 index, bool warmup, const RequestTrace& trace,
                                 const RequestMetrics& metrics)
{
    if (warmup)
        return;
    --m_inFlight;
    m_result.add(trace, metrics);
    const int target = targetOf(index);
    const BenchTarget& t = m_inputs.targets.at(target);
    RequestLabels labels;
    labels.profile = t.profile;
    labels.variant = t.variant;
    labels.tag = m_options.tag;
    if (m_inputs.experiment) {
        m_variantResults[std::size_t(target)].add(trace, metrics);
        labels.experiment = m_inputs.experiment->name;
    }
    m_finisher.finish(trace, metrics, labels);
}

void BenchRun::openStore()
{
    m_store = std::make_unique<MetricsStore>(Database::defaultPath());
    QString error;
    if (!m_store->open(&error)) {
        writeErr(QStringLiteral("warning: this run is not stored: %1\n").arg(error));
        m_store.reset();
    } else if (!m_store->movedAsidePath().isEmpty()) {
        writeErr(QStringLiteral("warning: the database was unreadable; it was moved to %1 and a "
                                "new one started\n")
                     .arg(m_store->movedAsidePath()));
    }
}

void BenchRun::flushRecords()
{
    if (!m_store || m_unsaved.empty())
        return;
    QString error;
    // Kept on failure (a full disk may have room at the next tick) and said once, at the end.
    if (!m_store->insert(m_unsaved, &error)) {
        if (m_storeError.isEmpty())
            m_storeError = error;
        return;
    }
    m_unsaved.clear();
}

void BenchRun::onFinished(double seconds, int maxInFlight)
{
    m_tick.stop();
    m_result.setMeasuredSeconds(seconds);
    m_result.setMaxInFlight(maxInFlight);
    for (BenchResult& variant : m_variantResults)
        variant.setMeasuredSeconds(seconds);
    m_progress->finish(m_result, m_inFlight);
    flushRecords();
    if (m_store && !m_unsaved.empty())
        writeErr(QStringLiteral("warning: %1 of %2 records of this run are not stored: %3\n")
                     .arg(m_unsaved.size())
                     .arg(m_records.size())
                     .arg(m_storeError));
    const bool csvWritten = writeCsv();
    printResult();
    int exitCode = m_result.completed() > 0 && csvWritten ? 0 : 1;
    if (m_interrupts > 0)
        exitCode = 130; // as a shell reports a run stopped by SIGINT
    exitWhenPushed(exitCode);
}

void BenchRun::exitWhenPushed(int exitCode)
{
    if (!m_push)
        return QCoreApplication::exit(exitCode);
    m_push->finish([exitCode] { QCoreApplication::exit(exitCode); });
}

bool BenchRun::writeCsv()
{
    if (m_options.csvPath.isEmpty())
        return true;
    QString error;
    if (MetricsCsv::exportToPath(m_options.csvPath, m_records, nullptr, &error) >= 0)
        return true;
    writeErr(QStringLiteral("adminchat bench: %1\n").arg(error));
    return false;
}

void BenchRun::printResult()
{
    std::optional<ExperimentComparison> comparison;
    if (m_inputs.experiment) {
        QStringList order;
        for (const ExperimentVariant& v : std::as_const(m_inputs.experiment->variants))
            order << v.name;
        comparison = ExperimentComparison::compute(m_inputs.experiment->name, order, m_records);
    }

    if (!m_options.json) {
        writeOut(QLatin1Char('\n') + BenchReport::summary(m_result));
        if (comparison)
            writeOut(QLatin1Char('\n') + BenchReport::comparison(*comparison));
        // Only when every record went in: otherwise the warnings above said what did not.
        if (m_store && m_unsaved.empty())
            writeOut(QStringLiteral("\nStored with tag %1: adminchat metrics summary --tag %1\n")
                         .arg(m_options.tag));
        return;
    }
    const LoadPlan& plan = m_options.plan;
    // Readable by `adminchat bench merge` (bench/BenchSummary.h describes the format).
    QJsonObject json = m_result.toJson(true);
    json.insert(QStringLiteral("report"), BenchSummary::reportName());
    json.insert(QStringLiteral("report_version"), BenchSummary::reportVersion);
    json.insert(QStringLiteral("host"), QHostInfo::localHostName());
    json.insert(QStringLiteral("tag"), m_options.tag);
    json.insert(QStringLiteral("mode"),
                plan.isOpenLoop() ? QStringLiteral("rate") : QStringLiteral("concurrency"));
    json.insert(QStringLiteral("concurrency"),
                plan.isOpenLoop() ? QJsonValue(QJsonValue::Null) : QJsonValue(plan.concurrency));
    json.insert(QStringLiteral("rate"),
                plan.isOpenLoop() ? QJsonValue(plan.rate) : QJsonValue(QJsonValue::Null));
    json.insert(QStringLiteral("warmup"), plan.warmup);
    json.insert(QStringLiteral("interrupted"), m_interrupts > 0);
    QJsonArray targets;
    for (qsizetype i = 0; i < m_inputs.targets.size(); ++i) {
        const BenchTarget& t = m_inputs.targets.at(i);
        QJsonObject target{
            {QStringLiteral("endpoint"), EndpointConfig::displayUrl(t.endpoint.baseUrl)},
            {QStringLiteral("profile"), t.profile},
            {QStringLiteral("model"), t.model}};
        if (comparison) {
            target.insert(QStringLiteral("variant"), t.variant);
            target.insert(QStringLiteral("result"), m_variantResults[std::size_t(i)].toJson());
        }
        targets.append(target);
    }
    json.insert(QStringLiteral("targets"), targets);
    if (comparison)
        json.insert(QStringLiteral("experiment"), comparison->toJson());
    writeOut(QJsonDocument(json).toJson(QJsonDocument::Compact) + '\n');
}

void BenchRun::interrupt()
{
    if (!m_runner)
        return QCoreApplication::exit(130); // nothing sent yet
    ++m_interrupts;
    if (m_interrupts == 1) {
        m_progress->note(QStringLiteral("stopping: waiting for %1 requests in flight (Ctrl+C "
                                        "again cancels them)")
                             .arg(m_inFlight));
        QMetaObject::invokeMethod(m_runner, &LoadRunner::stop, Qt::QueuedConnection);
    } else {
        m_progress->note(QStringLiteral("cancelling %1 requests in flight").arg(m_inFlight));
        QMetaObject::invokeMethod(m_runner, &LoadRunner::cancel, Qt::QueuedConnection);
    }
}

} // namespace adminchat

#include "telemetry/TelemetryPush.h"

#include "metrics/MetricsRecord.h"
#include "telemetry/MetricsPusher.h"
#include "telemetry/PrometheusExposition.h"

#include <QDateTime>

namespace adminchat {

TelemetryPush::TelemetryPush(const std::vector<PushTarget>& targets, QObject* parent)
    : QObject(parent), m_startedSeconds(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0)
{
    m_interval.setInterval(defaultIntervalMs);
    connect(&m_interval, &QTimer::timeout, this, [this] {
        // Nothing new: the last push still says it all.
        if (m_registry.recordsAdded() != m_pushedRecords)
            pushNow();
    });
    for (const PushTarget& target : targets) {
        auto* pusher = new MetricsPusher(target, this);
        connect(pusher, &MetricsPusher::failed, this, &TelemetryPush::failed);
        connect(pusher, &MetricsPusher::pushed, this,
                [this, pusher] { emit pushed(pusher->target().displayUrl()); });
        connect(pusher, &MetricsPusher::idle, this, &TelemetryPush::checkDone);
        m_pushers.push_back(pusher);
    }
}

TelemetryPush::~TelemetryPush() = default;

void TelemetryPush::add(const MetricsRecord& record)
{
    m_registry.add(record);
}

void TelemetryPush::start()
{
    m_interval.start();
}

void TelemetryPush::pushNow()
{
    m_pushedRecords = m_registry.recordsAdded();
    const QByteArray body = PrometheusExposition::render(
        m_registry, PrometheusExposition::Format::Text004, m_startedSeconds);
    for (MetricsPusher* pusher : m_pushers)
        pusher->push(body);
}

void TelemetryPush::finish(std::function<void()> done)
{
    m_interval.stop();
    m_done = std::move(done);
    pushNow();
    checkDone();
}

void TelemetryPush::checkDone()
{
    if (!m_done)
        return;
    for (const MetricsPusher* pusher : m_pushers) {
        if (!pusher->isIdle())
            return;
    }
    // Called from the pusher's signal: the caller may delete this object.
    QMetaObject::invokeMethod(this, std::exchange(m_done, {}), Qt::QueuedConnection);
}

} // namespace adminchat

#pragma once

#include "telemetry/PushTarget.h"
#include "telemetry/TelemetryRegistry.h"

#include <QObject>
#include <QTimer>
#include <functional>
#include <vector>

namespace adminchat {

class MetricsPusher;
struct MetricsRecord;

// What a run (`adminchat bench`, `adminchat watch`) pushes: its own records folded into a
// TelemetryRegistry, rendered in the text format 0.0.4 and sent to every target periodically
// while records come in, and once more at the end. Never blocks: pushes go out from the event
// loop, and finish() calls back once they have ended (or their time is up).
class TelemetryPush : public QObject
{
    Q_OBJECT
public:
    static constexpr int defaultIntervalMs = 15'000;

    explicit TelemetryPush(const std::vector<PushTarget>& targets, QObject* parent = nullptr);
    ~TelemetryPush() override;

    void setIntervalMs(int ms) { m_interval.setInterval(ms); }
    void add(const MetricsRecord& record);
    void start(); // the periodic pushes
    // Stops the periodic pushes, pushes everything added, and calls done once every target has
    // answered or failed (each request gives up after MetricsPusher's timeout).
    void finish(std::function<void()> done);

signals:
    void failed(const QString& message); // one line, from MetricsPusher::failed
    void pushed(const QString& displayUrl);

private:
    void pushNow();
    void checkDone();

    TelemetryRegistry m_registry;
    std::vector<MetricsPusher*> m_pushers;
    QTimer m_interval;
    qint64 m_pushedRecords = -1; // recordsAdded() at the last push
    double m_startedSeconds;
    std::function<void()> m_done;
};

} // namespace adminchat

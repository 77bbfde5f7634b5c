#include "chat/StreamPacer.h"

#include "metrics/RequestMetrics.h"

#include <QDeadlineTimer>
#include <algorithm>

namespace adminchat {

StreamPacer::StreamPacer(SmartChunkerOptions options, QObject* parent)
    : QObject(parent), m_content(options), m_reasoning(options)
{
    m_timer.setTimerType(Qt::PreciseTimer); // a coarse timer would add up to 5 % of jitter
    setOptions(options);
    connect(&m_timer, &QTimer::timeout, this, &StreamPacer::tick);
}

void StreamPacer::setOptions(SmartChunkerOptions options)
{
    reset();
    m_content = SmartChunker(options);
    m_reasoning = SmartChunker(options);
    m_timer.setInterval(
        std::max(1, int((m_content.options().tickNs + 500'000) / 1'000'000))); // ms, rounded
}

qint64 StreamPacer::monotonicNowNs()
{
    // The same clock as QElapsedTimer on every platform Qt supports.
    return QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs();
}

void StreamPacer::setTimerEnabled(bool enabled)
{
    m_timerEnabled = enabled;
    if (!enabled)
        m_timer.stop();
}

void StreamPacer::setSmoothing(bool enabled)
{
    if (m_smoothing == enabled)
        return;
    m_smoothing = enabled;
    if (!enabled)
        flush();
}

void StreamPacer::push(const QString& content, const QString& reasoning, qint64 arrivalNs)
{
    if (content.isEmpty() && reasoning.isEmpty())
        return;
    if (arrivalNs < 0)
        arrivalNs = now();
    m_content.push(content, arrivalNs);
    m_reasoning.push(reasoning, arrivalNs);
    if (!m_smoothing)
        return flush(); // measured all the same: arrival to the view
    if (m_pacing)
        return;
    // Idle until now: release what is due (the first piece of an answer) without waiting a frame.
    tick();
    m_pacing = hasPending();
    if (m_pacing && m_timerEnabled)
        m_timer.start();
}

void StreamPacer::flush()
{
    const qint64 t = now();
    const QString content = m_content.takeAll(t);
    const QString reasoning = m_reasoning.takeAll(t);
    m_timer.stop();
    m_pacing = false;
    if (!content.isEmpty() || !reasoning.isEmpty())
        emit released(content, reasoning);
}

void StreamPacer::reset()
{
    m_timer.stop();
    m_pacing = false;
    m_content.reset();
    m_reasoning.reset();
}

void StreamPacer::tick()
{
    const qint64 t = now();
    const QString reasoning = m_reasoning.take(t);
    const QString content = m_content.take(t);
    if (!hasPending()) {
        m_timer.stop();
        m_pacing = false;
    }
    if (!content.isEmpty() || !reasoning.isEmpty())
        emit released(content, reasoning);
}

std::vector<double> StreamPacer::lagSamplesMs() const
{
    std::vector<double> samples = m_content.lagSamplesMs();
    const std::vector<double>& reasoning = m_reasoning.lagSamplesMs();
    samples.insert(samples.end(), reasoning.begin(), reasoning.end());
    std::sort(samples.begin(), samples.end());
    return samples;
}

std::optional<double> StreamPacer::displayLagP95Ms() const
{
    return RequestMetrics::percentile(lagSamplesMs(), 0.95);
}

} // namespace adminchat

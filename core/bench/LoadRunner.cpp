#include "bench/LoadRunner.h"

#include "net/ChatClient.h"
#include "net/ChatStream.h"
#include "net/CurlMulti.h"

#include <algorithm>
#include <cmath>

namespace adminchat {

namespace {

// Ending a request and sending the next cost about as much as seven stream events. When a
// wave of requests ends or starts together, doing all of it at once would hold back the bytes
// of the streams still running for tens of milliseconds (their last gaps measured long), and
// the first requests of a wave would wait for the whole wave to be built before being sent
// (their TTFT measured long). A few per pass of the event loop, between reads, delays the next
// requests instead, whose times count from when they are sent.
constexpr qsizetype perPass = 4;

} // namespace

LoadRunner::LoadRunner(LoadPlan plan, RequestMaker maker, QObject* parent)
    : QObject(parent), m_plan(plan), m_maker(std::move(maker)), m_multi(new CurlMulti(this)),
      m_durationTimer(this), m_arrivalTimer(this), m_random(plan.seed)
{
    // The timers are children so that moveToThread() takes them along.
    m_plan.concurrency = std::max(1, m_plan.concurrency);
    m_durationTimer.setSingleShot(true);
    m_durationTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_durationTimer, &QTimer::timeout, this, &LoadRunner::stop);
    m_arrivalTimer.setSingleShot(true);
    m_arrivalTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_arrivalTimer, &QTimer::timeout, this, &LoadRunner::onArrivalDue);
}

LoadRunner::~LoadRunner()
{
    const auto streams = m_running.keys();
    qDeleteAll(streams);
}

void LoadRunner::start()
{
    if (m_phase != Phase::Idle)
        return;
    if (m_plan.warmup <= 0)
        return startMeasurement();
    m_phase = Phase::Warmup;
    schedulePass();
}

void LoadRunner::stop()
{
    m_stopped = true;
    m_durationTimer.stop();
    m_arrivalTimer.stop();
    if (m_phase == Phase::Warmup) {
        // Nothing was measured yet: the warm-up is not worth waiting for.
        for (ChatStream* stream : m_running.keys())
            stream->cancel();
        if (m_running.isEmpty())
            startMeasurement();
        return;
    }
    if (m_phase == Phase::Idle)
        startMeasurement(); // ends at once: nothing is sent once stopped
    finishIfDone();
}

void LoadRunner::cancel()
{
    stop();
    for (ChatStream* stream : m_running.keys())
        stream->cancel();
}

void LoadRunner::launch(qint64 index, bool warmup)
{
    BenchRequest made = m_maker(index);
    auto* stream = new ChatStream(ChatClient::nextRequestId(), m_multi, std::move(made.endpoint),
                                  std::move(made.request));
    m_running.insert(stream, {index, warmup});
    connect(stream, &ChatStream::finished, this, [this, stream] { onStreamEnded(stream); });
    if (!warmup) {
        ++m_inFlight;
        m_maxInFlight = std::max(m_maxInFlight, m_inFlight);
    }
    stream->start();
    emit requestStarted(index, warmup);
}

void LoadRunner::onStreamEnded(ChatStream* stream)
{
    // Only noted here, within the stream's own signal: the reply unwinds before the stream is
    // deleted.
    m_ended.append({stream, m_clock.isValid() ? m_clock.nsecsElapsed() : 0});
    schedulePass();
}

void LoadRunner::schedulePass()
{
    if (m_passPosted)
        return;
    m_passPosted = true;
    QMetaObject::invokeMethod(this, &LoadRunner::runPass, Qt::QueuedConnection);
}

void LoadRunner::runPass()
{
    m_passPosted = false;
    const QList<Ended> ended = m_ended.first(std::min(perPass, m_ended.size()));
    m_ended.remove(0, ended.size());
    for (const Ended& one : ended)
        onStreamFinished(one);
    for (qsizetype launched = 0; launched < perPass && launchWanted(); ++launched) {
        if (m_phase == Phase::Warmup)
            launch(m_warmupSent++, true);
        else
            launch(m_next++, false);
    }
    if (!m_ended.isEmpty() || launchWanted())
        schedulePass();
}

bool LoadRunner::launchWanted() const
{
    if (m_phase == Phase::Warmup)
        return !m_stopped && m_warmupSent < m_plan.warmup &&
               m_warmupSent - m_warmupDone < m_plan.concurrency;
    return m_phase == Phase::Measuring && !m_plan.isOpenLoop() && !issuingDone() &&
           m_inFlight < m_plan.concurrency;
}

void LoadRunner::onStreamFinished(const Ended& ended)
{
    ChatStream* const stream = ended.stream;
    const auto it = m_running.constFind(stream);
    if (it == m_running.cend())
        return;
    const Running running = *it;
    m_running.erase(it);
    const RequestTrace trace = stream->trace();
    stream->deleteLater();
    const RequestMetrics metrics = RequestMetrics::fromTrace(trace, m_rule);

    if (running.warmup) {
        ++m_warmupDone;
        emit requestFinished(running.index, true, trace, metrics);
        // Further warm-up requests are sent by the pass.
        if (m_stopped ? m_running.isEmpty() : m_warmupDone == m_plan.warmup)
            startMeasurement();
        return;
    }
    --m_inFlight;
    m_lastEndNs = ended.endNs;
    emit requestFinished(running.index, false, trace, metrics);
    finishIfDone(); // the next request, if any, is sent by the pass
}

void LoadRunner::startMeasurement()
{
    m_phase = Phase::Measuring;
    m_clock.start();
    emit measurementStarted();
    if (m_stopped)
        return finishIfDone();
    if (m_plan.durationSeconds > 0)
        m_durationTimer.start(int(std::ceil(m_plan.durationSeconds * 1000)));
    if (m_plan.isOpenLoop()) {
        m_nextArrivalNs = 0; // the first request goes at once
        onArrivalDue();
    } else {
        schedulePass();
    }
}

void LoadRunner::onArrivalDue()
{
    // Arrival times are absolute from the start, so a late timer sends what is due at once
    // and the rate does not drift.
    const double nowNs = double(m_clock.nsecsElapsed());
    std::exponential_distribution<double> gapSeconds(m_plan.rate);
    while (!issuingDone() && m_nextArrivalNs <= nowNs) {
        launch(m_next++, false);
        m_nextArrivalNs += gapSeconds(m_random) * 1e9;
    }
    if (!issuingDone())
        m_arrivalTimer.start(int(std::ceil((m_nextArrivalNs - nowNs) / 1e6)));
    finishIfDone();
}

bool LoadRunner::issuingDone() const
{
    return m_stopped || (m_plan.requests > 0 && m_next >= m_plan.requests);
}

void LoadRunner::finishIfDone()
{
    if (m_phase != Phase::Measuring || !issuingDone() || m_inFlight > 0)
        return;
    m_phase = Phase::Done;
    m_durationTimer.stop();
    m_arrivalTimer.stop();
    emit finished(double(m_lastEndNs) / 1e9, m_maxInFlight);
}

} // namespace adminchat

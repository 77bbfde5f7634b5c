#pragma once

#include "bench/LoadPlan.h"
#include "metrics/LatencyCategory.h"
#include "metrics/RequestMetrics.h"
#include "net/EndpointConfig.h"
#include "net/RequestTrace.h"
#include "openai/ChatRequest.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <functional>
#include <random>

namespace adminchat {

class ChatStream;
class CurlMulti;

// What request number `index` of a run sends, and where.
struct BenchRequest
{
    EndpointConfig endpoint;
    ChatRequest request;
};

// Sends the requests of a load run and reports each one's trace and metrics. Lives on a thread
// that does nothing else, so arrival times are taken as the bytes come in, not when a busy
// thread gets to them; a request's metrics are computed there too as it ends (one trace's work,
// between arrivals), and only folded elsewhere. Closed loop (plan.concurrency requests in flight, a
// new one as soon as one ends, a few per pass of the event loop) or open loop (Poisson arrivals at
// plan.rate per second, however many are in flight). Warm-up requests run first, at the plan's
// concurrency, and are reported as such. The maker runs on this object's thread: it must only read
// data that does not change.
class LoadRunner : public QObject
{
    Q_OBJECT
public:
    using RequestMaker = std::function<BenchRequest(qint64 index)>;

    LoadRunner(LoadPlan plan, RequestMaker maker, QObject* parent = nullptr);
    ~LoadRunner() override;

    // How the metrics judge a request's category; set before start().
    void setCategoryRule(const CategoryRule& rule) { m_rule = rule; }

    Q_INVOKABLE void start();
    Q_INVOKABLE void stop();   // sends no more; the requests in flight run to their end
    Q_INVOKABLE void cancel(); // sends no more and cancels the requests in flight

signals:
    void measurementStarted();
    void requestStarted(qint64 index, bool warmup);
    void requestFinished(qint64 index, bool warmup, const adminchat::RequestTrace& trace,
                         const adminchat::RequestMetrics& metrics);
    // After the last measured request: the seconds from the measurement's start to that
    // request's end, and the most measured requests that were in flight at once.
    void finished(double measuredSeconds, int maxInFlight);

private:
    enum class Phase
    {
        Idle,
        Warmup,
        Measuring,
        Done
    };
    struct Running
    {
        qint64 index;
        bool warmup;
    };

    // A stream that ended is noted at once and finished by a later pass: reading and timing
    // the others' bytes comes first.
    struct Ended
    {
        ChatStream* stream;
        qint64 endNs; // on m_clock
    };

    void launch(qint64 index, bool warmup);
    void onStreamEnded(ChatStream* stream);
    // Finishes a few ended requests and sends a few new ones per pass of the event loop.
    void schedulePass();
    void runPass();
    bool launchWanted() const;
    void onStreamFinished(const Ended& ended);
    void startMeasurement();
    void onArrivalDue();
    bool issuingDone() const;
    void finishIfDone();

    LoadPlan m_plan;
    RequestMaker m_maker;
    CategoryRule m_rule;
    CurlMulti* m_multi; // one connection cache, no cap on connections per host
    QHash<ChatStream*, Running> m_running;
    QList<Ended> m_ended;
    bool m_passPosted = false;
    Phase m_phase = Phase::Idle;
    qint64 m_warmupSent = 0;
    qint64 m_warmupDone = 0;
    qint64 m_next = 0; // next measured index
    bool m_stopped = false;
    int m_inFlight = 0; // measured requests
    int m_maxInFlight = 0;
    QElapsedTimer m_clock; // since the measurement started
    qint64 m_lastEndNs = 0;
    QTimer m_durationTimer;
    QTimer m_arrivalTimer;
    std::mt19937_64 m_random;
    double m_nextArrivalNs = 0;
};

} // namespace adminchat

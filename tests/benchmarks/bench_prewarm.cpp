// Time to first token with and without a pre-warmed connection, against the demo endpoint with a
// simulated handshake (150 ms before a new connection's first request is read) and a fixed
// TTFT of 100 ms. Each iteration uses a fresh ChatClient (so a fresh QNetworkAccessManager and
// no connection left from before); the DemoServer runs on a thread of its own.
//   BM_TtftCold:      the request opens its connection and pays the handshake.
//   BM_TtftPrewarmed: ChatClient::warm() first, then (as while the user types) the request
//                     after the handshake is over; it finds the connection open.
// Time per iteration is the TTFT as the trace measured it (manual time); counters give the
// mean and median TTFT in ms and the connections the server accepted per request.
#include "demo/DemoServer.h"
#include "net/ChatClient.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <benchmark/benchmark.h>
#include <vector>

using namespace adminchat;

namespace {

constexpr double kHandshakeMs = 150;
constexpr double kTtftMs = 100;
// The user keeps typing a while after the first keystroke; the handshake is over by then.
constexpr int kTypingMs = int(kHandshakeMs) + 100;

// A DemoServer listening on loopback from its own thread, for the whole benchmark run.
class DemoOnThread
{
public:
    DemoOnThread()
    {
        DemoConfig config = *DemoConfig::fromProfile(QStringLiteral("fixed"));
        config.setFixedTtft(kTtftMs);
        config.setFixedTokenDelay(5);
        config.handshakeDelayMs = kHandshakeMs;
        m_server = new DemoServer(config);
        m_server->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);
        m_thread.start();
        QMetaObject::invokeMethod(
            m_server, [this] { m_server->listen(); }, Qt::BlockingQueuedConnection);
        m_baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server->port()));
    }
    ~DemoOnThread()
    {
        m_thread.quit();
        m_thread.wait();
    }

    QUrl baseUrl() const { return m_baseUrl; }
    qint64 connectionsAccepted() const { return m_server->connectionsAccepted(); }

private:
    QThread m_thread;
    DemoServer* m_server;
    QUrl m_baseUrl;
};

DemoOnThread& demo()
{
    static DemoOnThread server;
    return server;
}

ChatRequest shortRequest()
{
    ChatRequest request;
    request.model = QStringLiteral("demo-chat");
    request.maxTokens = 4;
    request.messages.append({QStringLiteral("user"), QStringLiteral("How fast is this?")});
    return request;
}

// Runs one request on client to its end; the TTFT in ms, or a negative number on failure.
double runRequest(ChatClient& client, const EndpointConfig& endpoint)
{
    QEventLoop loop;
    RequestTrace trace;
    QObject::connect(&client, &ChatClient::requestFinished, &loop,
                     [&](quint64, const RequestTrace& finished) {
                         trace = finished;
                         loop.quit();
                     });
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    client.start(ChatClient::nextRequestId(), endpoint, shortRequest());
    loop.exec();
    if (!trace.succeeded() || trace.firstOutputNs < 0)
        return -1;
    return double(trace.firstOutputNs) / 1e6;
}

void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

void runTtft(benchmark::State& state, bool prewarm)
{
    EndpointConfig endpoint;
    endpoint.baseUrl = demo().baseUrl();
    std::vector<double> ttfts;
    const qint64 connectionsBefore = demo().connectionsAccepted();
    for (auto _ : state) {
        state.PauseTiming();
        ChatClient client;
        if (prewarm) {
            client.warm(endpoint);
            waitMs(kTypingMs);
        }
        state.ResumeTiming();
        const double ttft = runRequest(client, endpoint);
        if (ttft < 0) {
            state.SkipWithError("request failed");
            return;
        }
        ttfts.push_back(ttft);
        state.SetIterationTime(ttft / 1000.0);
    }
    double sum = 0;
    for (double ttft : ttfts)
        sum += ttft;
    state.counters["ttft_mean_ms"] = ttfts.empty() ? 0 : sum / double(ttfts.size());
    state.counters["ttft_p50_ms"] = median(ttfts);
    state.counters["connections_per_request"] =
        ttfts.empty()
            ? 0
            : double(demo().connectionsAccepted() - connectionsBefore) / double(ttfts.size());
}

void BM_TtftCold(benchmark::State& state)
{
    runTtft(state, false);
}

void BM_TtftPrewarmed(benchmark::State& state)
{
    runTtft(state, true);
}

} // namespace

BENCHMARK(BM_TtftCold)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);
BENCHMARK(BM_TtftPrewarmed)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);

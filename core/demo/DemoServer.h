#pragma once

#include "demo/DemoConfig.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>
#include <atomic>
#include <memory>

class QTcpServer;

namespace adminchat {

class DemoPacer;
class DemoRequestHandler;

// A real OpenAI-compatible HTTP/1.1 server (GET /v1/models, POST /v1/chat/completions, streamed
// and not, plus GET /v1/demo/stats and POST /v1/demo/stats/reset for load tests) generating
// deterministic text with simulated latency and faults. Event driven: one
// thread serves many concurrent streams, paced by one DemoPacer.
//
// Per request, the header "X-Demo-Fault: <name>" forces a fault ("none": no fault),
// "X-Demo-Profile: <name>" a latency profile and "X-Demo-Latency: ttft=<ms>,itl=<ms>" fixed
// delays, so tests and benchmarks can exercise one path without reconfiguring the server.
class DemoServer : public QObject
{
    Q_OBJECT
public:
    explicit DemoServer(DemoConfig config = {}, QObject* parent = nullptr);
    ~DemoServer() override;

    // Listens on address:port (0 picks a free port). Call from the thread the server lives in.
    bool listen(const QHostAddress& address = QHostAddress::LocalHost, quint16 port = 0);
    QString errorString() const;
    quint16 port() const;
    QUrl baseUrl() const; // http://127.0.0.1:PORT/v1

    static QStringList modelNames(); // "demo-chat", "demo-reasoner"

    const DemoConfig& config() const;
    int connectionCount() const; // open client connections (for tests and diagnostics)
    // Connections accepted since the server started: shows whether clients reuse kept-alive
    // (or pre-opened) connections. Safe to read from any thread.
    qint64 connectionsAccepted() const;

    // POST /v1/chat/completions requests from being parsed to the end of their answer (error
    // and fault answers too) or the client leaving; the most at once; how many have ended.
    // Also served as JSON by GET /v1/demo/stats. Safe to read from any thread.
    int inFlight() const;
    int maxInFlight() const;
    qint64 requestsServed() const;
    // The maximum restarts from the current in-flight count, the served count from zero
    // (also POST /v1/demo/stats/reset).
    void resetStats();

signals:
    void requestServed(int httpStatus); // after each answer ended (for logs and tests)

private:
    void onNewConnection();

    std::unique_ptr<DemoRequestHandler> m_handler; // owns the config and the request counter
    QTcpServer* m_server;
    DemoPacer* m_pacer; // wakes every connection's due writes
    int m_connectionCount = 0;
    std::atomic<qint64> m_connectionsAccepted{0};
};

} // namespace adminchat

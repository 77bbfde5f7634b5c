#pragma once

#include "demo/DemoConfig.h"
#include "demo/DemoHttpRequest.h"
#include "demo/DemoRecentRequests.h"
#include "demo/DemoResponse.h"
#include "demo/DemoStats.h"

#include <QJsonObject>
#include <optional>

namespace adminchat {

class DemoRandom;

// Routes one request and plans its whole answer (status, bytes and their timing, faults).
// Owns the configuration, the request counter that seeds each request's latency draws and the
// in-flight statistics (which the connections update, as only they know when an answer ends).
class DemoRequestHandler
{
public:
    explicit DemoRequestHandler(DemoConfig config);

    const DemoConfig& config() const { return m_config; }
    DemoStats& stats() { return m_stats; }
    const DemoStats& stats() const { return m_stats; }
    DemoResponse handle(const DemoHttpRequest& request);

private:
    // Latency settings of one request after the X-Demo-Profile / X-Demo-Latency overrides.
    struct Latency
    {
        double ttftMedianMs = 0;
        double ttftSigma = 0;
        double tokenDelayMs = 0;
        double tokenJitterMs = 0;
        std::optional<double> fixedTtftMs;
        std::optional<double> fixedTokenDelayMs;
    };

    struct Overrides
    {
        Latency latency;
        bool faultForced = false; // "X-Demo-Fault" was sent ("none" forces no fault)
        std::optional<DemoFault> fault;
    };

    DemoResponse handleModels(const DemoHttpRequest& request);
    DemoResponse handleChat(const DemoHttpRequest& request);
    DemoResponse handleStats(const DemoHttpRequest& request);
    // Reads the X-Demo-* headers; an error answer when one of them is invalid.
    std::optional<DemoResponse> readOverrides(const DemoHttpRequest& request,
                                              Overrides* overrides) const;
    QList<double> schedule(const Latency& latency, int tokens, DemoRandom& random) const;
    bool isAuthorized(const DemoHttpRequest& request) const;
    // The fault this request gets after the "once" rule: 500-once and 429-once strike the first
    // time a request is seen, and a repeat of it is served without fault.
    std::optional<DemoFault> onceFault(DemoFault fault, const DemoHttpRequest& request);
    static QByteArray modelJson(const QString& id);

    DemoConfig m_config;
    quint64 m_requestCounter = 0;
    DemoStats m_stats;
    DemoRecentRequests m_failedOnce; // requests that got a 500-once or 429-once
};

} // namespace adminchat

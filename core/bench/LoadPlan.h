#pragma once

#include <QtGlobal>

namespace adminchat {

// How a load run sends its requests.
struct LoadPlan
{
    qint64 requests = 0;        // measured requests; 0: as many as fit in durationSeconds
    double durationSeconds = 0; // stop sending after this long; 0: after `requests`
    int concurrency = 1;        // closed loop: exactly this many requests in flight
    double rate = 0;            // > 0: open loop instead, Poisson arrivals at this many per second
    qint64 warmup = 0;          // requests sent and discarded before the measurement starts
    quint64 seed = 1;           // of the Poisson arrivals

    bool isOpenLoop() const { return rate > 0; }
};

} // namespace adminchat

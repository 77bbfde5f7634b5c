// A HostileServer handler that answers requests in the order they arrive from a queue of
// answers, and once the queue is empty with a fallback (by default the last answer again). Copies
// share one plan, and it is guarded, so a test may append answers while the server thread takes
// them.
#pragma once

#include "HostileRequest.h"
#include "HostileResponse.h"

#include <QList>
#include <QMutex>
#include <memory>
#include <optional>

class ResponsePlan
{
public:
    explicit ResponsePlan(QList<HostileResponse> answers = {});

    void append(HostileResponse answer);
    // What every request gets while the queue is empty.
    void setFallback(HostileResponse answer);
    // Requests answered so far.
    int answered() const;

    HostileResponse operator()(const HostileRequest& request) const;

private:
    struct State
    {
        mutable QMutex mutex;
        QList<HostileResponse> answers;
        std::optional<HostileResponse> fallback;
        std::optional<HostileResponse> last;
        int answered = 0;
    };
    std::shared_ptr<State> m_state;
};

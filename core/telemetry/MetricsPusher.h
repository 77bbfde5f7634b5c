#pragma once

#include "telemetry/PushTarget.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>
#include <memory>

namespace adminchat {

class CurlMulti;
class CurlTransfer;

// Sends expositions to one PushTarget through the core's libcurl transport, on the thread it
// lives in, without ever blocking it. One request at a time: a body pushed while one is on its
// way waits, and a newer one replaces it (each exposition is cumulative, so only the latest
// matters). A request that takes longer than timeoutMs is abandoned.
class MetricsPusher : public QObject
{
    Q_OBJECT
public:
    static constexpr int defaultTimeoutMs = 10'000;

    explicit MetricsPusher(PushTarget target, QObject* parent = nullptr);
    ~MetricsPusher() override;

    const PushTarget& target() const { return m_target; }
    void setTimeoutMs(int ms) { m_timeout.setInterval(ms); }
    void push(const QByteArray& exposition);
    bool isIdle() const { return !m_transfer && !m_hasPending; }

signals:
    void pushed(int httpStatus);
    // One line naming the URL (without credentials) and what went wrong: the HTTP status and
    // the start of the server's answer, or the transport's error.
    void failed(const QString& message);
    // Nothing on its way and nothing waiting.
    void idle();

private:
    void sendNext();
    void onFinished();

    PushTarget m_target;
    CurlMulti* m_multi;
    CurlTransfer* m_transfer = nullptr;
    QByteArray m_answer; // the start of the server's answer, for the error line
    QByteArray m_pending;
    bool m_hasPending = false;
    bool m_timedOut = false;
    QTimer m_timeout;
};

} // namespace adminchat

#pragma once

#include "net/EndpointConfig.h"
#include "net/RedirectPolicy.h"
#include "net/RequestTrace.h"
#include "net/RetryPolicy.h"
#include "openai/ChatRequest.h"
#include "openai/ChunkUpdate.h"
#include "openai/ResponseAccumulator.h"
#include "sse/SseDecoder.h"

#include <QDeadlineTimer>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QTimer>
#include <algorithm>

namespace adminchat {

class CurlMulti;
class CurlTransfer;

// One chat-completion request: sends it, reads the answer incrementally as curl hands it over,
// times every output-bearing event at arrival (when its socket was seen readable, see
// CurlTransfer's body handler) and ends with a complete RequestTrace.
//
// A streamed request whose stream_options the server rejects (HTTP 400 naming the field) is sent
// once more without it, under the same id and before any output was delivered, so the caller
// sees one request; the trace records it (streamOptionsRejected, retries).
//
// An attempt that fails before any byte of the answer arrived (429, 5xx, connection error,
// connect or idle timeout: RetryPolicy) is sent again after an asynchronous wait, at most
// EndpointConfig::maxRetries times. Once output was delivered nothing is retried: a second answer
// would duplicate text. Connect and idle timeouts apply per attempt, the total one to all.
// The transport never re-sends on its own (CurlTransfer): the server sees 1 + retries attempts.
//
// Redirects are followed by RedirectPolicy, never by the transport: the key stays with its
// origin. Body bytes are decoded as curl hands them over, before it reads more (CurlMulti).
class ChatStream : public QObject
{
    Q_OBJECT
public:
    // Bodies of error answers and of non-streamed answers are read whole, within these bounds.
    static constexpr qsizetype maxErrorBodyBytes = 1024 * 1024;
    static constexpr qsizetype maxJsonBodyBytes = 64 * 1024 * 1024;

    ChatStream(quint64 id, CurlMulti* multi, EndpointConfig endpoint, ChatRequest request,
               QObject* parent = nullptr);
    ~ChatStream() override;

    void start();
    void cancel();

    quint64 id() const { return m_trace.id; }
    const RequestTrace& trace() const { return m_trace; }
    bool isFinished() const { return m_finished; }

signals:
    void outputReceived(quint64 id, const adminchat::ChunkUpdate& update);
    void finished(quint64 id);

protected:
    void connectNotify(const QMetaMethod& signal) override;

private:
    enum class BodyMode
    {
        Undecided,
        EventStream,
        Json,
        ErrorBody
    };

    static qint64 monotonicNs()
    {
        return QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs();
    }
    qint64 nowNs() const { return monotonicNs() - m_originNs; }
    // A time on the monotonic clock as the trace counts it; a socket seen readable in the pass
    // that started this request counts as at its start.
    qint64 sinceOrigin(qint64 monotonic) const
    {
        return std::max<qint64>(0, monotonic - m_originNs);
    }
    void send();
    bool streamOptionsRejected() const;
    void retryWithoutStreamOptions();
    bool retryAfter(const ApiError& error);
    void resetForNextAttempt();
    void onHeadersReceived();
    void followRedirect(int status);
    void restartFromFirstHop();
    void onBodyReceived(QByteArrayView bytes, qint64 readyNs);
    void onTransferFinished();
    void onTimerFired();
    void decideBodyMode(QByteArrayView firstBytes);
    void handleEventStreamBytes(QByteArrayView bytes, qint64 readyNs);
    void applyUpdate(const ChunkUpdate& update, qint64 arrivalNs);
    void abortWith(ApiError error);
    std::optional<ApiError> endOfBodyError(qint64 nowNs);
    void complete(std::optional<ApiError> error, qint64 endNs);

    CurlMulti* m_multi;
    EndpointConfig m_endpoint;
    ChatRequest m_request;
    QNetworkRequest m_firstRequest;   // headers and TLS, shared by a retry
    QNetworkRequest m_networkRequest; // of the current hop: m_firstRequest unless redirected
    std::optional<RedirectPolicy> m_redirects;
    // A refused redirect or an oversized header block: sending again cannot help.
    bool m_notRetried = false;
    RequestTrace m_trace;
    // When the request was handed to the network stack, on the monotonic clock that
    // CurlTransfer times reads with; the trace's times count from it.
    qint64 m_originNs = 0;
    QList<QSslCertificate> m_caCertificates; // the endpoint's CA file, read once
    QPointer<CurlTransfer> m_transfer;
    QTimer m_timer;      // one single-shot timer serves all three timeouts, see onTimerFired()
    QTimer m_retryTimer; // the wait before the next attempt
    RetryPolicy m_retryPolicy;
    qint64 m_lastActivityNs = 0;
    qint64 m_attemptStartNs = 0; // when the current attempt was handed over (0 unless retried)
    bool m_requestSent = false;
    BodyMode m_mode = BodyMode::Undecided;
    SseDecoder m_sse;
    qint64 m_eventStreamBytes = 0; // body bytes and events of the event stream so far
    qint64 m_eventCount = 0;
    ResponseAccumulator m_response;
    QByteArray m_body;                    // error or non-streamed body
    std::optional<ApiError> m_abortError; // why we aborted the reply ourselves
    bool m_finished = false;
    // Whether outputReceived() has a receiver (connectNotify): a bench's streams have none, and
    // asking Qt on every event cost about 2 % of bench's CPU.
    bool m_outputWanted = false;
};

} // namespace adminchat

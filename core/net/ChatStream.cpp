#include "net/ChatStream.h"

#include "net/CurlErrorFormatter.h"
#include "net/CurlMulti.h"
#include "net/CurlTransfer.h"
#include "net/NetLog.h"
#include "net/ProxyEnvironment.h"
#include "net/RequestLog.h"
#include "openai/ChunkDecoder.h"
#include "openai/HttpErrorFormatter.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QMetaMethod>
#include <QNetworkRequest>
#include <algorithm>

namespace adminchat {

namespace {

constexpr qint64 nsPerMs = 1'000'000;

QString secondsText(int ms)
{
    return ms % 1000 == 0 ? QStringLiteral("%1 s").arg(ms / 1000)
                          : QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
}

} // namespace

ChatStream::ChatStream(quint64 id, CurlMulti* multi, EndpointConfig endpoint, ChatRequest request,
                       QObject* parent)
    : QObject(parent), m_multi(multi), m_endpoint(std::move(endpoint)),
      m_request(std::move(request)), m_retryPolicy(m_endpoint.maxRetries)
{
    m_trace.id = id;
    m_trace.endpoint = EndpointConfig::displayUrl(m_endpoint.baseUrl);
    m_trace.endpointId = m_endpoint.endpointId;
    m_trace.requestedModel = m_request.model;
    m_trace.model = m_request.model;
    m_trace.streamed = m_request.stream;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const ChatMessage& message : std::as_const(m_request.messages)) {
        hash.addData(message.role.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
        hash.addData(message.content.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
        m_trace.promptChars += message.content.size();
    }
    m_trace.promptHash = QString::fromLatin1(hash.result().toHex());
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ChatStream::onTimerFired);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        ++m_trace.retries; // counted when sent: a retry cancelled during its wait never happened
        send();
    });
}

ChatStream::~ChatStream()
{
    if (m_transfer) {
        m_transfer->disconnect(this);
        m_transfer->abort();
    }
}

void ChatStream::connectNotify(const QMetaMethod& signal)
{
    if (signal == QMetaMethod::fromSignal(&ChatStream::outputReceived))
        m_outputWanted = true;
}

void ChatStream::start()
{
    if (!m_endpoint.sendStreamOptions)
        m_request.includeUsage = false;

    QNetworkRequest request(m_endpoint.endpointUrl(QStringLiteral("chat/completions")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", m_request.stream ? QByteArrayLiteral("text/event-stream")
                                                    : QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("AdminChat/" ADMINCHAT_VERSION));
    for (const auto& [name, value] : m_endpoint.plainHeaders())
        request.setRawHeader(name, value);
    for (const auto& [name, value] : m_endpoint.credentialHeaders())
        request.setRawHeader(name, value);
    // A proxy variable that cannot be used, or an unusable CA file: nothing is sent.
    std::optional<ApiError> setupError;
    ProxyEnvironment::proxyFor(request.url(), ProxyEnvironment::fromProcess(), &setupError);
    if (!setupError)
        setupError = m_endpoint.loadCaCertificates(m_caCertificates);
    m_firstRequest = request;
    m_networkRequest = request;
    m_redirects.emplace(request, m_endpoint, QByteArrayLiteral("POST"));

    m_trace.startedUtc = QDateTime::currentDateTimeUtc();
    m_originNs = monotonicNs();
    if (setupError) {
        // Nothing is sent; finished() still comes from the event loop, like any other end.
        m_abortError = setupError;
        QMetaObject::invokeMethod(
            this, [this] { complete(m_abortError, nowNs()); }, Qt::QueuedConnection);
        return;
    }
    send();
}

void ChatStream::send()
{
    const QByteArray body = m_request.toJson();
    qCDebug(lcNet).noquote() << "request" << m_trace.id
                             << (m_trace.retries > 0
                                     ? QStringLiteral("(retry %1)").arg(m_trace.retries)
                                     : QString())
                             << RequestLog::describe("POST", m_networkRequest) << "model"
                             << m_request.model;

    m_attemptStartNs = nowNs();
    m_transfer = new CurlTransfer(m_multi, m_networkRequest, body, this);
    connect(m_transfer, &CurlTransfer::requestSent, this, [this] {
        m_requestSent = true;
        m_lastActivityNs = nowNs();
    });
    connect(m_transfer, &CurlTransfer::headersReceived, this, &ChatStream::onHeadersReceived);
    m_transfer->setBodyHandler(
        [this](QByteArrayView bytes, qint64 readyNs) { onBodyReceived(bytes, readyNs); });
    connect(m_transfer, &CurlTransfer::finished, this, &ChatStream::onTransferFinished);
    // Each hop asks the environment again: a redirect may lead where no_proxy applies.
    std::optional<ApiError> proxyError;
    m_transfer->setProxy(ProxyEnvironment::proxyFor(m_networkRequest.url(),
                                                    ProxyEnvironment::fromProcess(), &proxyError));
    m_transfer->setCaCertificates(m_caCertificates);
    onTimerFired(); // arms the timer for the nearest deadline
    if (proxyError) {
        m_notRetried = true;
        abortWith(*proxyError);
        return;
    }
    m_transfer->start();
}

bool ChatStream::streamOptionsRejected() const
{
    if (!m_request.sendsStreamOptions() || m_trace.streamOptionsRejected || m_abortError ||
        !m_trace.outputEventNs.empty() || m_mode != BodyMode::ErrorBody)
        return false;
    return m_transfer->status() == 400 && m_body.toLower().contains("stream_options");
}

void ChatStream::retryWithoutStreamOptions()
{
    qCInfo(lcNet) << "request" << m_trace.id
                  << "rejected stream_options (HTTP 400); sending it again without";
    resetForNextAttempt();
    restartFromFirstHop();
    m_request.includeUsage = false;
    m_trace.streamOptionsRejected = true;
    ++m_trace.retries;
    send();
}

bool ChatStream::retryAfter(const ApiError& error)
{
    // Only while nothing of the answer arrived: an error body or no body at all. A refused
    // redirect, or a header block past its bound, is not sent again, whatever x-should-retry
    // says.
    if (!m_transfer || m_notRetried || !m_trace.outputEventNs.empty() ||
        (m_mode != BodyMode::Undecided && m_mode != BodyMode::ErrorBody) ||
        !m_retryPolicy.hasRetriesLeft() ||
        !RetryPolicy::isRetryable(m_trace.httpStatus, error.kind,
                                  m_transfer->header("x-should-retry")))
        return false;
    const int delayMs = m_retryPolicy.takeRetry(RetryPolicy::serverDelayMs(
        m_transfer->header("retry-after-ms"), m_transfer->header("retry-after"),
        QDateTime::currentDateTimeUtc()));
    if (m_endpoint.totalTimeoutMs > 0 &&
        nowNs() + delayMs * nsPerMs >= m_endpoint.totalTimeoutMs * nsPerMs) {
        // The retry could not finish in time; the real failure says more than a total timeout.
        qCInfo(lcNet).noquote() << "request" << m_trace.id << "not retried: a wait of"
                                << secondsText(delayMs) << "would pass the total timeout";
        return false;
    }
    qCInfo(lcNet).noquote() << "request" << m_trace.id << "failed (" + error.kindName() + ":"
                            << m_endpoint.scrubbed(error.message) + "); retry"
                            << m_retryPolicy.retriesUsed() << "of" << m_retryPolicy.maxRetries()
                            << "in" << secondsText(delayMs);
    resetForNextAttempt();
    restartFromFirstHop();
    m_retryTimer.start(delayMs);
    onTimerFired(); // only the total timeout runs during the wait
    return true;
}

void ChatStream::resetForNextAttempt()
{
    m_transfer->disconnect(this);
    m_transfer->abort(); // a redirect's body, if any, is not ours to read
    m_transfer->deleteLater();
    m_transfer = nullptr;
    // Back to the state before the first answer. Only an error body was read: the event-stream
    // decoder and the accumulator never saw a byte. The clock keeps running: the times stay
    // relative to the first send, which is what the user waited for.
    m_trace.headersNs = -1;
    m_trace.httpStatus = 0;
    m_mode = BodyMode::Undecided;
    m_body.clear();
    m_requestSent = false;
    m_abortError.reset();
    m_timer.stop(); // send() re-arms it for the new attempt
}

void ChatStream::restartFromFirstHop()
{
    // A new attempt asks the endpoint itself again, not where it redirected the last one.
    m_networkRequest = m_firstRequest;
    m_redirects.emplace(m_firstRequest, m_endpoint, QByteArrayLiteral("POST"));
}

void ChatStream::followRedirect(int status)
{
    RedirectPolicy::Decision decision =
        m_redirects->next(m_transfer->url(), status, m_transfer->header("Location"));
    if (decision.error) {
        m_notRetried = true;
        abortWith(*decision.error);
        return;
    }
    qCInfo(lcNet).noquote() << "request" << m_trace.id << "redirected by HTTP" << status << "to"
                            << m_endpoint.scrubbed(RequestLog::describe("POST", decision.request));
    resetForNextAttempt();
    m_networkRequest = decision.request;
    send();
}

void ChatStream::cancel()
{
    if (m_finished)
        return;
    abortWith({ApiError::Kind::Cancelled, QStringLiteral("cancelled by the user")});
}

void ChatStream::onHeadersReceived()
{
    // The final answer's status line and headers; curl skipped any 1xx before them.
    const int status = m_transfer->status();
    m_trace.httpStatus = status;
    if (RedirectPolicy::isRedirect(status) && !m_finished && !m_abortError) {
        followRedirect(status);
        return;
    }
    // On the clock of the body's arrival times: the body may have come in the same read.
    if (m_trace.headersNs < 0)
        m_trace.headersNs = m_multi->readyNs() > 0 ? sinceOrigin(m_multi->readyNs()) : nowNs();
}

void ChatStream::onBodyReceived(QByteArrayView bytes, qint64 readyNs)
{
    // The arrival is when the socket was seen readable: what ran since is our own work, not the
    // server's.
    const qint64 arrivalNs = sinceOrigin(readyNs);
    m_lastActivityNs = arrivalNs;
    m_requestSent = true;
    if (bytes.isEmpty() || m_finished || m_abortError)
        return;
    if (m_mode == BodyMode::Undecided)
        decideBodyMode(bytes);

    switch (m_mode) {
    case BodyMode::EventStream:
        handleEventStreamBytes(bytes, readyNs);
        break;
    case BodyMode::Json:
    case BodyMode::ErrorBody: {
        const qsizetype limit = m_mode == BodyMode::Json ? maxJsonBodyBytes : maxErrorBodyBytes;
        if (m_body.size() + bytes.size() > limit) {
            if (m_mode == BodyMode::ErrorBody) {
                // The start of an error page says all there is to say.
                m_body.append(bytes.first(limit - m_body.size()));
                break;
            }
            abortWith(
                {ApiError::Kind::Protocol, QStringLiteral("response body exceeds the %1 MiB limit")
                                               .arg(maxJsonBodyBytes / (1024 * 1024))});
            return;
        }
        m_body.append(bytes);
        break;
    }
    case BodyMode::Undecided:
        break;
    }
}

void ChatStream::decideBodyMode(QByteArrayView firstBytes)
{
    const int status = m_transfer->status();
    m_trace.httpStatus = status;
    if (status < 200 || status >= 300) {
        m_mode = BodyMode::ErrorBody;
        return;
    }
    const QByteArray contentType = m_transfer->header("Content-Type").toLower();
    if (contentType.contains("text/event-stream")) {
        m_mode = BodyMode::EventStream;
    } else if (contentType.contains("json")) {
        m_mode = BodyMode::Json;
    } else {
        // No usable content type: a JSON document starts with '{', an event stream never does.
        const QByteArrayView trimmed = firstBytes.trimmed();
        m_mode = trimmed.startsWith('{') ? BodyMode::Json : BodyMode::EventStream;
    }
    if (m_mode == BodyMode::Json)
        m_trace.streamed = false;
}

void ChatStream::handleEventStreamBytes(QByteArrayView bytes, qint64 readyNs)
{
    m_eventStreamBytes += bytes.size();
    // The trace counts from this request's start; updates carry the shared monotonic clock, for
    // consumers on other threads (display lag).
    const qint64 arrivalNs = sinceOrigin(readyNs);
    // Each event is decoded and applied as the event-stream decoder completes it. Once the
    // answer has ended or failed, the rest of this read is still counted but not applied.
    // The handler captures one pointer, which std::function keeps without allocating.
    const struct
    {
        ChatStream* self;
        qint64 readyNs;
        qint64 arrivalNs;
    } read{this, readyNs, arrivalNs};
    const bool ok = m_sse.feed(bytes, [&read](const SseEvent& event) {
        ChatStream* self = read.self;
        ++self->m_eventCount;
        if (self->m_finished || self->m_abortError)
            return;
        ChunkUpdate update = ChunkDecoder::decodeEvent(event);
        update.arrivalNs = read.readyNs;
        self->applyUpdate(update, read.arrivalNs);
    });
    if (!ok)
        abortWith({ApiError::Kind::Protocol, m_sse.errorString()});
}

void ChatStream::applyUpdate(const ChunkUpdate& update, qint64 arrivalNs)
{
    if (m_response.doneSeen())
        return; // nothing after [DONE] belongs to the answer
    m_response.apply(update);
    if (!update.model.isEmpty())
        m_trace.model = update.model;
    if (!update.systemFingerprint.isEmpty())
        m_trace.systemFingerprint = update.systemFingerprint;
    if (update.hasOutput()) {
        if (m_trace.firstOutputNs < 0)
            m_trace.firstOutputNs = arrivalNs;
        m_trace.outputEventNs.push_back(arrivalNs);
        if (!update.content.isEmpty()) {
            if (m_trace.firstContentNs < 0)
                m_trace.firstContentNs = arrivalNs;
            ++m_trace.contentEventCount;
        }
        if (m_outputWanted)
            emit outputReceived(m_trace.id, update);
    }
    if (update.done)
        m_trace.endNs = arrivalNs; // E2E ends at [DONE], not when the socket is tidied up
    // The server's error, or the answer outgrew ResponseAccumulator::maxTextChars.
    if (m_response.error())
        abortWith(*m_response.error());
}

void ChatStream::abortWith(ApiError error)
{
    if (m_finished || m_abortError)
        return;
    m_abortError = std::move(error);
    if (m_transfer && m_transfer->isRunning())
        m_transfer->abort(); // emits finished(), which completes the trace
    else
        complete(m_abortError, nowNs());
}

void ChatStream::onTransferFinished()
{
    const qint64 endNs = nowNs();
    if (m_finished)
        return;
    qCDebug(lcNet).noquote() << "request" << m_trace.id
                             << "transfer ended:" << m_transfer->phaseTimes();
    if (!m_abortError && m_transfer->headerBlockTooLarge()) {
        m_notRetried = true; // the request reached the server
        m_abortError = ApiError{ApiError::Kind::Protocol,
                                QStringLiteral("the server's header block passed %1 KiB; the "
                                               "answer was not read")
                                    .arg(CurlTransfer::maxHeaderBytes / 1024)};
    }
    if (m_abortError) {
        if (!retryAfter(*m_abortError))
            complete(m_abortError, endNs);
        return;
    }
    if (streamOptionsRejected()) {
        retryWithoutStreamOptions();
        return;
    }
    std::optional<ApiError> error = endOfBodyError(endNs);
    if (error && retryAfter(*error))
        return;
    complete(std::move(error), endNs);
}

std::optional<ApiError> ChatStream::endOfBodyError(qint64 endNs)
{
    const int status = m_transfer->status();
    if (status != 0)
        m_trace.httpStatus = status;
    if (status != 0 && (status < 200 || status >= 300)) {
        const QByteArray reason = m_transfer->reasonPhrase();
        const QByteArray contentType = m_transfer->header("Content-Type");
        return ApiError{ApiError::Kind::Http,
                        HttpErrorFormatter::format(status, reason, contentType, m_body)};
    }
    if (auto error = CurlErrorFormatter::format(*m_transfer, m_endpoint,
                                                qsizetype(m_trace.outputEventNs.size())))
        return error;

    if (m_mode == BodyMode::Json) {
        ChunkUpdate update = ChunkDecoder::decodeCompletion(m_body);
        update.arrivalNs = m_originNs + endNs; // the whole body arrived with its end
        m_body.clear();
        applyUpdate(update, endNs);
        if (update.error)
            return update.error;
        return std::nullopt;
    }
    if (m_mode == BodyMode::Undecided)
        return ApiError{ApiError::Kind::CutOff,
                        QStringLiteral("the server closed the response without sending anything")};
    m_sse.finish();
    if (m_eventCount == 0)
        return ApiError{ApiError::Kind::Protocol,
                        QStringLiteral("the response is not an event stream: %1 bytes without a "
                                       "single event")
                            .arg(m_eventStreamBytes)};
    return m_response.finishAtEof();
}

void ChatStream::onTimerFired()
{
    if (m_finished || m_abortError)
        return;
    const qint64 now = nowNs();
    const bool waiting = m_retryTimer.isActive(); // between attempts: no connection to time
    // Deadlines checked lazily: one timer, re-armed for the nearest one, instead of restarting a
    // timer on every read of a fast stream.
    qint64 next = std::numeric_limits<qint64>::max();
    auto check = [&](qint64 deadlineNs, ApiError::Kind kind, const QString& message) {
        if (now >= deadlineNs) {
            abortWith({kind, message});
            return true;
        }
        next = std::min(next, deadlineNs);
        return false;
    };
    if (m_endpoint.totalTimeoutMs > 0 &&
        check(m_endpoint.totalTimeoutMs * nsPerMs, ApiError::Kind::TotalTimeout,
              QStringLiteral("total timeout: no complete answer within %1")
                  .arg(secondsText(m_endpoint.totalTimeoutMs))))
        return;
    if (!waiting && !m_requestSent && m_endpoint.connectTimeoutMs > 0 &&
        check(m_attemptStartNs + m_endpoint.connectTimeoutMs * nsPerMs,
              ApiError::Kind::ConnectTimeout,
              QStringLiteral("connect timeout: could not connect and send the request to %1 "
                             "within %2")
                  .arg(m_trace.endpoint, secondsText(m_endpoint.connectTimeoutMs))))
        return;
    // Before the status line and headers are complete no byte of the answer was seen, whether
    // the server is silent or still sending headers: the message must not claim silence then.
    const QString idleMessage =
        m_trace.headersNs < 0
            ? QStringLiteral("idle timeout: no complete status line and headers from the server "
                             "within %1 of sending the request")
            : QStringLiteral("idle timeout: no data from the server for %1");
    if (!waiting && m_requestSent && m_endpoint.idleTimeoutMs > 0 &&
        check(m_lastActivityNs + m_endpoint.idleTimeoutMs * nsPerMs, ApiError::Kind::IdleTimeout,
              idleMessage.arg(secondsText(m_endpoint.idleTimeoutMs))))
        return;
    if (!waiting && !m_requestSent && m_endpoint.idleTimeoutMs > 0)
        next = std::min(next, now + 50 * nsPerMs); // re-check once the request is on its way
    if (next != std::numeric_limits<qint64>::max())
        m_timer.start(int(std::max<qint64>(1, (next - now + nsPerMs - 1) / nsPerMs)));
}

void ChatStream::complete(std::optional<ApiError> error, qint64 endNs)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    m_retryTimer.stop();
    if (error) {
        error->message = m_endpoint.scrubbed(error->message);
        // Say so where the partial answer is shown; a cut-off's own message already does.
        if (!m_trace.outputEventNs.empty() && error->kind != ApiError::Kind::Cancelled &&
            error->kind != ApiError::Kind::CutOff)
            error->message += QStringLiteral(" (the answer is incomplete)");
    }
    if (m_trace.endNs < 0 || error)
        m_trace.endNs = endNs;
    m_trace.text = m_response.text();
    m_trace.reasoning = m_response.reasoning();
    m_trace.refusal = m_response.refusal();
    m_trace.toolCalls = m_response.toolCalls();
    m_trace.finishReason = m_response.finishReason();
    m_trace.usage = m_response.usage();
    m_trace.error = std::move(error);
    if (m_trace.error)
        qCInfo(lcNet).noquote() << "request" << m_trace.id << "failed:" << m_trace.error->kindName()
                                << m_trace.error->message;
    else
        qCDebug(lcNet) << "request" << m_trace.id << "finished" << m_trace.finishReason;
    emit finished(m_trace.id);
}

} // namespace adminchat

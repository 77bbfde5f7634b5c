#include "demo/DemoConnection.h"

#include "demo/DemoFaultStream.h"
#include "demo/DemoLog.h"
#include "demo/DemoPacer.h"
#include "demo/DemoRequestHandler.h"

#include <QTcpSocket>
#include <QtMath>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <cerrno>
#include <sys/socket.h>
#endif

#include <utility>

namespace adminchat {

namespace {

// Bounds what a pipelining client can queue while an answer is still being streamed; the
// rest waits in the kernel (TCP back-pressure).
constexpr qint64 kReadBufferBytes = 1024 * 1024;
// A generated stream is topped up to this much in the socket's own buffer, no more, once a
// millisecond (see onBytesWritten): an endless or huge answer then costs the server this much
// memory whatever the client's pace, and comes at 64 MB/s at most, a fast network's pace.
constexpr qint64 kStreamBufferBytes = 64 * 1024;

} // namespace

DemoConnection::DemoConnection(QTcpSocket* socket, DemoRequestHandler* handler, DemoPacer* pacer,
                               QObject* parent)
    : QObject(parent), m_socket(socket), m_handler(handler), m_pacer(pacer)
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(kReadBufferBytes);
    // Tokens are tiny writes; Nagle's algorithm would hold them back and distort the latency.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(idleTimeoutMs);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        if (!m_response)
            closeGracefully();
    });
    m_idleTimer.start();

    // A simulated handshake: nothing is read before it is over, so the first request on this
    // connection waits for it, wherever the client started timing.
    const double handshakeMs = m_handler->config().handshakeDelayMs;
    if (handshakeMs > 0) {
        m_handshakeTimer.setSingleShot(true);
        m_handshakeTimer.setTimerType(Qt::PreciseTimer);
        connect(&m_handshakeTimer, &QTimer::timeout, this, &DemoConnection::onReadyRead);
        m_handshakeTimer.start(qMax(1, qCeil(handshakeMs)));
    }

    connect(m_socket, &QTcpSocket::readyRead, this, &DemoConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &DemoConnection::onBytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &DemoConnection::tearDown);
    // Any socket error ends the connection; the usual one is the client going away.
    connect(m_socket, &QTcpSocket::errorOccurred, this, &DemoConnection::tearDown);
    // Bytes that came with the connection may already be buffered.
    QMetaObject::invokeMethod(this, &DemoConnection::onReadyRead, Qt::QueuedConnection);
}

DemoConnection::~DemoConnection()
{
    // The socket, our child, is deleted after this destructor: keep its last signals away.
    m_socket->disconnect(this);
    m_pacer->cancel(this);
}

void DemoConnection::onDue()
{
    pump();
}

void DemoConnection::onReadyRead()
{
    if (m_closing || m_handshakeTimer.isActive())
        return;
    if (!m_response && !m_admitting)
        m_idleTimer.start();
    // While a request waits or its answer runs, bytes of a next (pipelined) one stay in the
    // socket.
    if (m_response || m_admitting || m_socket->bytesAvailable() <= 0)
        return;
    m_parser.append(m_socket->readAll());
    processBuffer();
}

void DemoConnection::processBuffer()
{
    if (m_response || m_admitting || m_closing)
        return;
    const DemoRequestParser::Status status = m_parser.parse();
    if (status == DemoRequestParser::Status::NeedMore) {
        if (m_parser.takeContinueRequest())
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        return;
    }
    if (status == DemoRequestParser::Status::Ready)
        m_request = m_parser.takeRequest();
    else
        m_request.reset(); // answered with the parser's error
    // Due times count from here: the wait for the pacer is part of the answer's latency, as a
    // real server's queue is.
    m_clock.start();
    m_idleTimer.stop();
    m_admitting = true;
    m_pacer->admit(this);
}

void DemoConnection::onAdmitted()
{
    m_admitting = false;
    if (m_closing)
        return;
    if (!m_request) {
        startResponse(DemoResponse::jsonError(m_parser.errorStatus(), m_parser.errorMessage(),
                                              "invalid_request_error", {}, false),
                      "-", "-");
        return;
    }
    const DemoHttpRequest request = *std::exchange(m_request, std::nullopt);
    startResponse(m_handler->handle(request), request.method, request.path);
}

void DemoConnection::startResponse(DemoResponse response, const QByteArray& method,
                                   const QByteArray& path)
{
    const auto orDash = [](const QString& text) {
        return text.isEmpty() ? QStringLiteral("-") : text;
    };
    qCDebug(lcDemo).noquote() << method << QString::fromUtf8(path).left(200) << "model"
                              << orDash(response.model) << "status" << response.status << "fault"
                              << orDash(response.fault);
    m_idleTimer.stop();
    m_response = std::move(response);
    if (m_response->countsInStats)
        m_handler->stats().begin();
    m_nextWrite = 0;
    m_waitingForDrain = false;
    pump();
}

void DemoConnection::pump()
{
    if (!m_response)
        return;
    const double now = double(m_clock.nsecsElapsed()) / 1e6;
    const QList<DemoTimedWrite>& writes = m_response->writes;
    // Everything already due goes out in one write: "instant" answers need no timer at all.
    QByteArray out;
    // Lateness of the first write due: the ones behind it were due no earlier. Writes due at
    // once (a status line, an instant answer) are not paced and not counted.
    if (m_nextWrite < writes.size() && writes[m_nextWrite].dueMs > 0 &&
        writes[m_nextWrite].dueMs <= now && m_response->countsInStats)
        m_handler->stats().recordWrite(now - writes[m_nextWrite].dueMs);
    while (m_nextWrite < writes.size() && writes[m_nextWrite].dueMs <= now)
        out += writes[m_nextWrite++].bytes;
    if (!out.isEmpty()) {
        send(out);
        if (!m_response) // the write failed and tore the connection down
            return;
    }

    if (m_nextWrite == writes.size() && !pumpStream())
        return;
    if (!m_response)
        return;

    const double nextDue =
        m_nextWrite < writes.size() ? writes[m_nextWrite].dueMs : m_response->endingDueMs;
    if (nextDue > now) {
        // Due times count from the request, not from the previous write, so a late wake
        // does not push back every later token.
        m_pacer->schedule(this, nextDue - now);
        return;
    }
    endResponse();
}

bool DemoConnection::pumpStream()
{
    // Held here: a failed write tears the connection down and resets m_response.
    const std::shared_ptr<DemoFaultStream> stream = m_response->stream;
    if (!stream || stream->atEnd())
        return true;
    if (stream->pauseMs() > 0) {
        // One piece, then the pause counted from now: a late timer delays the rest rather
        // than sending pieces together.
        send(stream->next());
        if (!m_response)
            return false;
        if (stream->atEnd())
            return true;
        m_pacer->schedule(this, qMax(1.0, stream->pauseMs()));
        return false;
    }
    while (!stream->atEnd() && m_socket->bytesToWrite() < kStreamBufferBytes) {
        m_socket->write(stream->next());
        if (!m_response)
            return false;
    }
    if (stream->atEnd())
        return true;
    m_waitingForDrain = true; // onBytesWritten() resumes
    return false;
}

void DemoConnection::onBytesWritten()
{
    if (!m_waitingForDrain || !m_response || m_socket->bytesToWrite() >= kStreamBufferBytes)
        return;
    m_waitingForDrain = false;
    // From the event loop (bytesWritten can come from inside our own write or flush), and a
    // millisecond later, as a network's pace would: Qt's HTTP/1 reader keeps reading a socket
    // that never runs dry without returning to its event loop, so a loopback server that
    // refills at once would grow the client's memory in Qt's thread, not in the client's code.
    m_pacer->schedule(this, 1);
}

void DemoConnection::send(const QByteArray& bytes)
{
#ifndef Q_OS_WIN
    // Straight to the kernel while nothing waits in QTcpSocket's own buffer: its write() and
    // flush() switch the socket's write notifier on and off for every token, and each switch
    // walks the event loop's list of every connection's notifiers. Whatever the kernel does not
    // take now, and any error, goes the usual way below.
    if (m_socket->bytesToWrite() == 0 && m_socket->state() == QAbstractSocket::ConnectedState) {
        const qintptr descriptor = m_socket->socketDescriptor();
        const ssize_t sent =
            ::send(int(descriptor), bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL);
        if (sent == bytes.size())
            return;
        if (sent > 0) {
            m_socket->write(bytes.sliced(sent));
            m_socket->flush();
            return;
        }
    }
#endif
    m_socket->write(bytes);
    // Hand the bytes to the kernel now rather than on the next write notification, which with
    // hundreds of streams due at the same moment comes only after all their wakes.
    m_socket->flush();
}

void DemoConnection::endResponse()
{
    switch (m_response->ending) {
    case DemoEnding::Stall:
        return; // keep m_response: the answer ends when the client gives up (tearDown)
    case DemoEnding::KeepOpen:
        finishResponse();
        m_idleTimer.start();
        if (m_socket->bytesAvailable() > 0)
            m_parser.append(m_socket->readAll());
        processBuffer(); // a pipelined request: admitted after those waiting
        return;
    case DemoEnding::Close:
        finishResponse();
        closeGracefully();
        return;
    case DemoEnding::Reset:
        finishResponse();
        resetConnection();
        return;
    }
}

void DemoConnection::finishResponse()
{
    const int status = m_response->status;
    const bool counted = m_response->countsInStats;
    m_response.reset();
    if (counted)
        m_handler->stats().end();
    emit responseEnded(status);
}

void DemoConnection::closeGracefully()
{
    m_closing = true;
    if (m_socket->state() == QAbstractSocket::UnconnectedState) {
        tearDown();
        return;
    }
    m_socket->disconnectFromHost(); // flushes first; disconnected() then tears down
}

void DemoConnection::resetConnection()
{
    m_closing = true;
    m_socket->flush(); // hand the last tokens to the kernel before the reset
    const qintptr descriptor = m_socket->socketDescriptor();
    if (descriptor != -1) {
        // A zero linger time makes close() send RST instead of FIN.
        const linger option{1, 0};
        ::setsockopt(descriptor, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&option),
                     sizeof option);
    }
    m_socket->abort();
    tearDown();
}

void DemoConnection::tearDown()
{
    m_closing = true;
    m_waitingForDrain = false;
    m_pacer->cancel(this);
    m_idleTimer.stop();
    m_handshakeTimer.stop();
    if (m_response) // the client left before the answer ended (or a stall ended): served
        finishResponse();
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
    deleteLater();
}

} // namespace adminchat

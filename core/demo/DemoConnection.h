#pragma once

#include "demo/DemoHttpRequest.h"
#include "demo/DemoPacer.h"
#include "demo/DemoRequestParser.h"
#include "demo/DemoResponse.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <optional>

class QTcpSocket;

namespace adminchat {

class DemoRequestHandler;

// One client connection: parses requests as bytes arrive, has the server's DemoPacer admit each
// one, then asks the handler for a planned answer and writes it on schedule, woken by the pacer,
// then serves the next request (keep-alive). Deletes itself (deleteLater) when the connection is
// gone.
class DemoConnection : public QObject, private DemoPacer::Client
{
    Q_OBJECT
public:
    static constexpr int idleTimeoutMs = 120000; // closes keep-alive connections left unused

    // Takes ownership of the socket. The handler and the pacer must outlive the connection's
    // use of them; the server that owns them deletes the connections with itself.
    DemoConnection(QTcpSocket* socket, DemoRequestHandler* handler, DemoPacer* pacer,
                   QObject* parent = nullptr);
    ~DemoConnection() override;

signals:
    void responseEnded(int httpStatus);

private:
    void onDue() override;      // the wake asked of the pacer is due
    void onAdmitted() override; // the pacer lets the parsed request be planned now
    void onReadyRead();
    void processBuffer();
    void startResponse(DemoResponse response, const QByteArray& method, const QByteArray& path);
    void pump();
    // Writes and hands the bytes to the kernel now (see the definition).
    void send(const QByteArray& bytes);
    // Writes the response's stream: the next piece after its pause, or pieces until the
    // socket's buffer is full. False while the stream has more to send.
    bool pumpStream();
    void onBytesWritten();
    void endResponse();
    void finishResponse(); // the answer is over: statistics, responseEnded
    void resetConnection();
    void closeGracefully();
    void tearDown();

    QTcpSocket* m_socket;
    DemoRequestHandler* m_handler;
    DemoPacer* m_pacer; // paces the current answer: one wake per due write
    DemoRequestParser m_parser;
    QTimer m_idleTimer;
    QTimer m_handshakeTimer; // holds back the first read of the connection (handshake delay)
    QElapsedTimer m_clock;   // since the current request was parsed; due times count from it
    // Parsed and waiting for the pacer (none with m_admitting: the request could not be parsed).
    std::optional<DemoHttpRequest> m_request;
    bool m_admitting = false;
    std::optional<DemoResponse> m_response;
    qsizetype m_nextWrite = 0;
    bool m_closing = false;
    bool m_waitingForDrain = false; // the stream waits for the socket's buffer to empty
};

} // namespace adminchat

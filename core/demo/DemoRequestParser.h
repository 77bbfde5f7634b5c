#pragma once

#include "demo/DemoHttpRequest.h"

#include <QByteArray>
#include <QString>

namespace adminchat {

// Incremental HTTP/1.x request parser: bytes are appended as they arrive (in any pieces) and
// parse() completes one request at a time, leaving the bytes of the next (pipelined) request
// in the buffer. Only Content-Length bodies are accepted; the client never sends chunked ones.
class DemoRequestParser
{
public:
    static constexpr qsizetype maxHeaderBytes = 64 * 1024;
    static constexpr qsizetype maxBodyBytes = 16 * 1024 * 1024;

    enum class Status
    {
        NeedMore, // wait for more bytes
        Ready,    // takeRequest() has a complete request
        Failed,   // errorStatus()/errorMessage() say why; the connection must be closed
    };

    void append(const QByteArray& data);
    Status parse();
    DemoHttpRequest takeRequest();

    // True once per request whose head carried "Expect: 100-continue" while the body is
    // still to come (curl sends it for large bodies).
    bool takeContinueRequest();

    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }
    qsizetype bufferedBytes() const { return m_buffer.size(); }
    bool isIdle() const { return m_buffer.isEmpty() && !m_haveHead; }

private:
    Status fail(int status, const QString& message);
    Status parseHead(qsizetype headLength, qsizetype separatorLength);

    QByteArray m_buffer;
    DemoHttpRequest m_request;
    bool m_haveHead = false;
    bool m_ready = false;
    bool m_continuePending = false;
    qsizetype m_bodyLength = 0;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

} // namespace adminchat

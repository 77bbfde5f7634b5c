// What HostileServer does with one request, step by step. After the last step the connection is
// closed, unless keepAlive() asked to read the next request on it.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class HostileResponse
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    HostileResponse& write(QByteArray bytes) { return add({Step::Write, std::move(bytes)}); }
    HostileResponse& wait(int ms) { return add({Step::Wait, {}, ms}); }
    // Ends the connection with a TCP reset instead of a close.
    HostileResponse& reset() { return add({Step::Reset, {}}); }
    // Sends nothing more and keeps the connection open until the client goes.
    HostileResponse& hold() { return add({Step::Hold, {}}); }
    // The piece again and again, as fast as the socket takes it, until the client goes.
    HostileResponse& endless(QByteArray piece) { return add({Step::Endless, std::move(piece)}); }
    HostileResponse& keepAlive()
    {
        m_keepAlive = true;
        return *this;
    }

    // A complete answer with Content-Length.
    static HostileResponse status(int code, QByteArray body = {}, Headers headers = {},
                                  QByteArray contentType = "application/json");
    // A 200 event stream, one `data:` event per payload, then `[DONE]` when asked; the body ends
    // with the connection (no length, no chunking).
    static HostileResponse eventStream(const QList<QByteArray>& payloads, bool done = true,
                                       Headers headers = {});
    static QByteArray eventStreamHead(const Headers& headers = {});
    // One chat.completion.chunk with this content delta (JSON-escaped here), for eventStream().
    static QByteArray contentChunk(const QString& content, const QByteArray& finishReason = "null",
                                   const QByteArray& model = "hostile");
    static HostileResponse redirect(int code, const QByteArray& location);
    // Reads the request, then closes the connection without a byte.
    static HostileResponse closeAfterReading() { return HostileResponse(); }

    struct Step
    {
        enum Kind
        {
            Write,
            Wait,
            Reset,
            Hold,
            Endless
        } kind;
        QByteArray bytes;
        int ms = 0;
    };
    const QList<Step>& steps() const { return m_steps; }
    bool keepsAlive() const { return m_keepAlive; }

private:
    static QByteArray reason(int code);
    HostileResponse& add(Step step)
    {
        m_steps.append(std::move(step));
        return *this;
    }

    QList<Step> m_steps;
    bool m_keepAlive = false;
};

#pragma once

#include "demo/DemoConfig.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <memory>

namespace adminchat {

class DemoFaultStream;

using DemoHeaders = QList<QPair<QByteArray, QByteArray>>;

// What the connection does once the last write of a response is out.
enum class DemoEnding
{
    KeepOpen, // wait for the next request on the same connection
    Close,    // close gracefully (FIN) after the bytes are flushed
    Reset,    // reset the connection (RST)
    Stall,    // send nothing more, keep the connection until the client closes it
};

// Bytes to send once dueMs milliseconds have passed since the request was parsed.
struct DemoTimedWrite
{
    double dueMs = 0;
    QByteArray bytes;
};

// A fully planned answer: framed bytes on a schedule, then an ending. The connection only
// paces the writes; all HTTP and OpenAI knowledge stays in the planner.
struct DemoResponse
{
    int status = 200;
    QList<DemoTimedWrite> writes; // in due order
    // Bytes made while sending (trickled, huge or endless answers), after the last write and
    // before the ending. Shared so that a response stays copyable.
    std::shared_ptr<DemoFaultStream> stream;
    DemoEnding ending = DemoEnding::KeepOpen;
    double endingDueMs = 0; // not before the last write
    QString model;          // for the log line
    QString fault;
    bool countsInStats = false; // a chat completion: counted in flight until its answer ends

    // "HTTP/1.1 <status> <reason>" and headers, plus Connection.
    static QByteArray head(int status, const DemoHeaders& headers, bool keepAlive);
    static QByteArray chunk(const QByteArray& payload); // one HTTP/1.1 chunk
    static QByteArray lastChunk();                      // 0\r\n\r\n
    static QByteArray reasonPhrase(int status);

    // A JSON string literal with quotes, escaped as RFC 8259 requires.
    static QByteArray jsonString(const QString& text);
    // {"error":{"message":...,"type":...,"code":...}}; an empty code is left out.
    static QByteArray errorBody(const QString& message, const QByteArray& type,
                                const QByteArray& code);

    // A complete, immediate answer with Content-Length.
    static DemoResponse immediate(int status, const QByteArray& contentType, const QByteArray& body,
                                  bool keepAlive, const DemoHeaders& extraHeaders = {});
    static DemoResponse jsonError(int status, const QString& message, const QByteArray& type,
                                  const QByteArray& code, bool keepAlive,
                                  const DemoHeaders& extraHeaders = {});
    // The answer of a status fault: 500, 429 (with Retry-After) or an HTML 502; the first
    // attempt of 500-once and 429-once (retry-after-ms: 200).
    static DemoResponse statusFault(DemoFault fault, bool keepAlive);
};

} // namespace adminchat

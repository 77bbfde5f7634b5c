#pragma once

#include "sse/SseEvent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <functional>
#include <optional>

namespace adminchat {

// Incremental WHATWG event-stream decoder. Bytes may arrive in any split (one at a time, a CR at
// the end of one read and its LF in the next, a UTF-8 sequence cut in half); lines are decoded as
// UTF-8 only once complete. Memory is bounded by maxLineBytes + maxEventBytes: a longer line or
// event stops the decoder with an error instead of growing without limit.
class SseDecoder
{
public:
    static constexpr qsizetype defaultMaxLineBytes = 8 * 1024 * 1024;
    static constexpr qsizetype defaultMaxEventBytes = 8 * 1024 * 1024;

    explicit SseDecoder(qsizetype maxLineBytes = defaultMaxLineBytes,
                        qsizetype maxEventBytes = defaultMaxEventBytes);

    // Decodes the bytes and calls onEvent with every event they complete, as it completes, with
    // no list in between. The event is the decoder's own and only valid during the call: its
    // buffers are reused for the next one, so copy what is kept. Returns false once the decoder
    // has failed (a bound was exceeded); it then ignores further input.
    bool feed(QByteArrayView bytes, const std::function<void(const SseEvent&)>& onEvent);
    // The same, appending every event to out.
    bool feed(QByteArrayView bytes, QList<SseEvent>& out);

    // End of stream. Per the spec an event not terminated by a blank line is discarded.
    void finish();

    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }

    // Reconnection time from the last valid `retry` field, if any.
    std::optional<int> retryMs() const { return m_retryMs; }
    QString lastEventId() const { return m_lastEventId; }
    // Comment lines seen so far (": keep-alive"); they count as traffic for idle timeouts.
    qint64 commentCount() const { return m_commentCount; }

private:
    template <typename OnEvent> bool feedLines(QByteArrayView bytes, OnEvent&& onEvent);
    // Both return true when a blank line dispatched an event into m_event.
    bool processLine(QByteArrayView line);
    bool dispatch();
    void fail(const QString& message);

    qsizetype m_maxLineBytes;
    qsizetype m_maxEventBytes;
    QByteArray m_line;
    QByteArray m_data; // raw UTF-8 data buffer of the event being built
    QByteArray m_type;
    SseEvent m_event;   // the event handed out; its data keeps its buffer from event to event
    QString m_idBuffer; // set by `id` fields, committed to m_lastEventId by a blank line
    QString m_lastEventId;
    std::optional<int> m_retryMs;
    qint64 m_commentCount = 0;
    qsizetype m_bomMatched = 0; // BOM bytes held back so far; the BOM may be split across reads
    bool m_bomChecked = false;  // the start of the stream has been checked for a BOM
    bool m_skipLf = false;      // last byte was a CR: a following LF belongs to the same line end
    QString m_error;
};

} // namespace adminchat

#include "sse/SseDecoder.h"

#include <QStringDecoder>
#include <algorithm>
#include <climits>
#include <cstring>

namespace adminchat {

namespace {

constexpr char utf8Bom[] = {'\xEF', '\xBB', '\xBF'};
constexpr qsizetype utf8BomSize = sizeof(utf8Bom);

// Buffers are reused between lines and events to avoid an allocation per line; one that grew
// large for an unusual line is released so that it does not stay resident for the whole stream.
constexpr qsizetype keptCapacity = 64 * 1024;

void resetBuffer(QByteArray& buffer)
{
    if (buffer.capacity() > keptCapacity)
        buffer.clear();
    else
        buffer.resize(0);
}

QString humanSize(qsizetype bytes)
{
    constexpr qsizetype kib = 1024;
    constexpr qsizetype mib = 1024 * kib;
    if (bytes >= mib && bytes % mib == 0)
        return QStringLiteral("%1 MiB").arg(bytes / mib);
    if (bytes >= kib && bytes % kib == 0)
        return QStringLiteral("%1 KiB").arg(bytes / kib);
    return QStringLiteral("%1 B").arg(bytes);
}

// QString::fromUtf8 drops a leading U+FEFF, but past the start of the stream a BOM is content and
// must be kept, so the decoder is told to convert it.
QStringDecoder utf8Decoder()
{
    return QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless |
                                                    QStringDecoder::Flag::ConvertInitialBom);
}

QString decodeUtf8(QByteArrayView bytes)
{
    return utf8Decoder().decode(bytes);
}

// The same text as decodeUtf8, written over out's own buffer when no one else shares it: one
// allocation per stream instead of one per event.
void decodeUtf8Into(QString& out, QByteArrayView bytes)
{
    QStringDecoder decoder = utf8Decoder();
    const qsizetype space = decoder.requiredSpace(bytes.size());
    if (out.isDetached())
        out.resize(space);
    else
        out = QString(space, Qt::Uninitialized);
    QChar* const begin = out.data();
    out.truncate(decoder.appendToBuffer(begin, bytes) - begin);
}

// Position of the first byte in [from, end) equal to c, or end.
const char* findByte(const char* from, const char* end, char c)
{
    const void* hit = std::memchr(from, c, static_cast<size_t>(end - from));
    return hit ? static_cast<const char*>(hit) : end;
}

} // namespace

SseDecoder::SseDecoder(qsizetype maxLineBytes, qsizetype maxEventBytes)
    : m_maxLineBytes(maxLineBytes), m_maxEventBytes(maxEventBytes)
{}

bool SseDecoder::feed(QByteArrayView bytes, const std::function<void(const SseEvent&)>& onEvent)
{
    return feedLines(bytes, onEvent);
}

bool SseDecoder::feed(QByteArrayView bytes, QList<SseEvent>& out)
{
    return feedLines(bytes, [&out](const SseEvent& event) { out.append(event); });
}

template <typename OnEvent> bool SseDecoder::feedLines(QByteArrayView bytes, OnEvent&& onEvent)
{
    // After each event: one that was unusually long does not keep its buffer for the stream.
    auto handOut = [&] {
        onEvent(std::as_const(m_event));
        if (m_event.data.capacity() > keptCapacity)
            m_event.data.clear();
    };
    if (hasError())
        return false;
    if (bytes.isEmpty())
        return true;

    const char* p = bytes.data();
    const char* const end = p + bytes.size();

    // The decoder strips one leading BOM. Its bytes may arrive one per read, so a matching prefix
    // is held back (m_bomMatched) until it is known whether it is a BOM or ordinary line content.
    if (!m_bomChecked) {
        while (p != end && m_bomMatched < utf8BomSize && *p == utf8Bom[m_bomMatched]) {
            ++m_bomMatched;
            ++p;
        }
        if (m_bomMatched == utf8BomSize) {
            m_bomChecked = true;
        } else if (p != end) {
            // Not a BOM after all: the held-back bytes start the first line (they are neither
            // CR nor LF, so they cannot end it).
            m_line.append(QByteArrayView(utf8Bom, m_bomMatched));
            m_bomChecked = true;
        } else {
            return true; // still a BOM prefix, wait for more input
        }
        if (p == end)
            return true;
    }

    // A CR ended the previous read; an LF right after it is part of the same line end.
    if (m_skipLf) {
        m_skipLf = false;
        if (*p == '\n' && ++p == end)
            return true;
    }

    // The next CR and LF are searched separately with memchr and remembered, so each is scanned
    // once per feed even when one of them never occurs (LF-only streams are the common case).
    const char* nextCr = nullptr;
    const char* nextLf = nullptr;
    while (p != end) {
        if (!nextCr || nextCr < p)
            nextCr = findByte(p, end, '\r');
        if (!nextLf || nextLf < p)
            nextLf = findByte(p, end, '\n');
        const char* const eol = std::min(nextCr, nextLf);
        const qsizetype length = eol - p;

        // Check before appending so a hostile line never makes the buffer outgrow the limit.
        if (m_line.size() + length > m_maxLineBytes) {
            fail(QStringLiteral("event stream line exceeds %1 limit")
                     .arg(humanSize(m_maxLineBytes)));
            return false;
        }
        if (eol == end) {
            m_line.append(p, length); // incomplete tail, completed by a later feed()
            break;
        }

        bool dispatched = false;
        if (m_line.isEmpty()) {
            dispatched = processLine(QByteArrayView(p, length)); // whole line in the input
        } else {
            m_line.append(p, length);
            dispatched = processLine(m_line);
            resetBuffer(m_line);
        }
        if (dispatched)
            handOut();
        if (hasError())
            return false;

        p = eol + 1;
        if (*eol == '\r') {
            if (p == end)
                m_skipLf = true;
            else if (*p == '\n')
                ++p;
        }
    }
    return true;
}

void SseDecoder::finish()
{
    // Both an unterminated line and an event without its closing blank line are discarded. The
    // per-stream state is reset so that a reconnected stream can be fed to the same decoder; an
    // id that was never confirmed by a dispatch is dropped with its event.
    m_line.clear();
    m_data.clear();
    m_type.clear();
    m_idBuffer = m_lastEventId;
    m_skipLf = false;
    m_bomChecked = false;
    m_bomMatched = 0;
}

bool SseDecoder::processLine(QByteArrayView line)
{
    if (line.isEmpty())
        return dispatch();
    if (line.front() == ':') {
        ++m_commentCount;
        return false;
    }

    QByteArrayView field = line;
    QByteArrayView value;
    if (const qsizetype colon = line.indexOf(':'); colon >= 0) {
        field = line.first(colon);
        value = line.sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
    }

    // Field names are ASCII, so comparing the raw bytes is the same as comparing decoded text
    // (invalid UTF-8 decodes to U+FFFD, never to ASCII).
    if (field == "data") {
        // The buffer holds value + LF per data line; its size minus the final LF is what gets
        // dispatched, and that is what the limit applies to.
        if (m_data.size() + value.size() > m_maxEventBytes) {
            fail(QStringLiteral("event stream event exceeds %1 limit")
                     .arg(humanSize(m_maxEventBytes)));
            return false;
        }
        m_data.append(value.data(), value.size());
        m_data.append('\n');
    } else if (field == "event") {
        m_type = value.toByteArray();
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_idBuffer = decodeUtf8(value);
    } else if (field == "retry") {
        if (value.isEmpty())
            return false;
        qint64 ms = 0;
        for (const char c : value) {
            if (c < '0' || c > '9')
                return false;
            // The spec has no upper bound; saturate instead of overflowing.
            ms = std::min<qint64>(ms * 10 + (c - '0'), INT_MAX);
        }
        m_retryMs = static_cast<int>(ms);
    }
    // Any other field is ignored.
    return false;
}

bool SseDecoder::dispatch()
{
    // The id is committed by every blank line, even one that dispatches nothing.
    m_lastEventId = m_idBuffer;

    if (m_data.isEmpty()) {
        m_type.clear();
        return false;
    }

    m_data.chop(1); // every data line appended an LF; the last one is not part of the data
    m_event.type = m_type.isEmpty() ? QStringLiteral("message") : decodeUtf8(m_type);
    decodeUtf8Into(m_event.data, m_data);
    m_event.lastEventId = m_lastEventId;

    resetBuffer(m_data);
    m_type.clear();
    return true;
}

void SseDecoder::fail(const QString& message)
{
    m_error = message;
    // Release everything the stream had buffered; the decoder accepts no more input.
    m_line.clear();
    m_data.clear();
    m_type.clear();
    m_skipLf = false;
}

} // namespace adminchat

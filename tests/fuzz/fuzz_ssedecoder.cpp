// SseDecoder: the same bytes fed in one piece and in pieces (sizes drawn from the input) must give
// the same events, state and error, and nothing may outgrow the configured limits.
//
// Input: byte 0 seeds the piece sizes, byte 1 chooses the limits, the rest is the stream.
#include "FuzzCheck.h"
#include "sse/SseDecoder.h"

#include <cstddef>
#include <cstdint>
#include <random>

using namespace adminchat;

namespace {

struct Run
{
    QList<SseEvent> events;
    bool ok = true;
};

bool sameEvents(const QList<SseEvent>& a, const QList<SseEvent>& b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].type != b[i].type || a[i].data != b[i].data ||
            a[i].lastEventId != b[i].lastEventId)
            return false;
    }
    return true;
}

bool sameState(const SseDecoder& a, const SseDecoder& b)
{
    return a.hasError() == b.hasError() && a.errorString() == b.errorString() &&
           a.retryMs() == b.retryMs() && a.lastEventId() == b.lastEventId() &&
           a.commentCount() == b.commentCount();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t splitSeed = data[0];
    const uint8_t limits = data[1];
    const QByteArrayView stream(reinterpret_cast<const char*>(data + 2), qsizetype(size - 2));

    // Small limits most of the time, so that the limit checks are reached; sometimes the defaults.
    const bool defaults = limits & 0x80;
    const qsizetype maxLine =
        defaults ? SseDecoder::defaultMaxLineBytes : qsizetype(1) << (limits & 7);
    const qsizetype maxEvent =
        defaults ? SseDecoder::defaultMaxEventBytes : qsizetype(1) << ((limits >> 3) & 7);

    SseDecoder whole(maxLine, maxEvent);
    Run one;
    one.ok = whole.feed(stream, one.events);

    SseDecoder split(maxLine, maxEvent);
    Run pieces;
    std::minstd_rand rng(splitSeed + 1u);
    const qsizetype maxPiece = 1 + (splitSeed >> 4) * 4; // 1..61 bytes; 0-byte pieces included
    for (qsizetype at = 0; at < stream.size();) {
        const qsizetype n =
            std::min<qsizetype>(qsizetype(rng() % (maxPiece + 1)), stream.size() - at);
        const bool ok = split.feed(stream.sliced(at, n), pieces.events);
        if (!ok) {
            pieces.ok = false;
            FUZZ_CHECK(split.hasError());
            // A failed decoder stays failed and takes nothing more.
            const qsizetype before = pieces.events.size();
            FUZZ_CHECK(!split.feed(stream.sliced(at), pieces.events) &&
                       pieces.events.size() == before);
            break;
        }
        at += n;
    }

    FUZZ_CHECK(one.ok == pieces.ok);
    FUZZ_CHECK(one.ok == !whole.hasError());
    FUZZ_CHECK(sameEvents(one.events, pieces.events));
    FUZZ_CHECK(sameState(whole, split));

    for (const SseEvent& event : std::as_const(one.events)) {
        // Every input byte decodes to at most one UTF-16 unit, so the byte limits bound the text.
        FUZZ_CHECK(event.data.size() <= maxEvent);
        FUZZ_CHECK(!event.type.isEmpty());
        FUZZ_CHECK(event.type == u"message" || event.type.size() <= maxLine);
        FUZZ_CHECK(event.lastEventId.size() <= maxLine);
        // Line ends split lines: only the LF joining data lines can be left in an event.
        FUZZ_CHECK(!event.data.contains(u'\r'));
        FUZZ_CHECK(!event.type.contains(u'\r') && !event.type.contains(u'\n'));
        FUZZ_CHECK(!event.lastEventId.contains(u'\r') && !event.lastEventId.contains(u'\n') &&
                   !event.lastEventId.contains(QChar(0)));
    }
    if (const auto retry = whole.retryMs())
        FUZZ_CHECK(*retry >= 0);

    // finish() resets the stream: the same bytes again give the same events again (the id
    // carried over from the first stream aside), unless the decoder has failed for good.
    if (one.ok) {
        whole.finish();
        QList<SseEvent> again;
        FUZZ_CHECK(whole.feed(stream, again));
        FUZZ_CHECK(again.size() == one.events.size());
        for (qsizetype i = 0; i < again.size(); ++i)
            FUZZ_CHECK(again[i].type == one.events[i].type && again[i].data == one.events[i].data);
    }
    return 0;
}

// ChunkDecoder: for any event data, the single-pass fast path (ChunkScanner, via decodeEvent) and
// the QJsonDocument path (decodeEventWithDocument) must agree field by field, as
// tests/tst_chunkscanner.cpp checks for generated chunks; errors are one line.
//
// Input: the event's data as UTF-8.
#include "FuzzCheck.h"
#include "openai/ChunkDecoder.h"
#include "openai/ChunkScanner.h"

#include <QJsonDocument>
#include <cstddef>
#include <cstdint>

using namespace adminchat;

namespace {

QByteArray compact(const std::optional<QJsonObject>& object)
{
    return object ? QJsonDocument(*object).toJson(QJsonDocument::Compact) : QByteArray();
}

bool sameToolCalls(const QList<ToolCallDelta>& a, const QList<ToolCallDelta>& b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].index != b[i].index || a[i].id != b[i].id || a[i].type != b[i].type ||
            a[i].name != b[i].name || a[i].arguments != b[i].arguments)
            return false;
    }
    return true;
}

void checkSame(const ChunkUpdate& a, const ChunkUpdate& b)
{
    FUZZ_CHECK(a.content == b.content);
    FUZZ_CHECK(a.reasoning == b.reasoning);
    FUZZ_CHECK(a.refusal == b.refusal);
    FUZZ_CHECK(sameToolCalls(a.toolCalls, b.toolCalls));
    FUZZ_CHECK(a.finishReason == b.finishReason);
    FUZZ_CHECK(compact(a.usage) == compact(b.usage));
    FUZZ_CHECK(a.model == b.model);
    FUZZ_CHECK(a.done == b.done);
    FUZZ_CHECK(a.error.has_value() == b.error.has_value());
    if (a.error)
        FUZZ_CHECK(a.error->kind == b.error->kind && a.error->message == b.error->message);
}

void checkOneLine(const ChunkUpdate& update)
{
    if (update.error)
        FUZZ_CHECK(!update.error->message.isEmpty() && !update.error->message.contains(u'\n'));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    SseEvent event;
    event.data = QString::fromUtf8(bytes);

    const ChunkUpdate fast = ChunkDecoder::decodeEvent(event);
    const ChunkUpdate reference = ChunkDecoder::decodeEventWithDocument(event);
    checkSame(fast, reference);
    checkOneLine(reference);

    // What the scanner accepts, it decodes exactly as the document path does.
    const QStringView trimmed = QStringView(event.data).trimmed();
    if (!trimmed.isEmpty() && trimmed != u"[DONE]") {
        ChunkUpdate scanned;
        if (ChunkScanner::scan(trimmed, scanned))
            checkSame(scanned, reference);
    }

    // The same text as an "event: error" event and as a whole non-streamed body.
    event.type = QStringLiteral("error");
    const ChunkUpdate errorEvent = ChunkDecoder::decodeEvent(event);
    FUZZ_CHECK(errorEvent.error.has_value());
    checkOneLine(errorEvent);
    checkOneLine(ChunkDecoder::decodeCompletion(bytes));
    return 0;
}

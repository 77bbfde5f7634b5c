// ChunkDecoder: for any event data, the single-pass fast path (ChunkScanner, via decodeEvent) and
// the QJsonDocument path (decodeEventWithDocument) must agree field by field, as
// tests/tst_chunkscanner.cpp checks for generated chunks; errors are one line; no text holds a
// lone surrogate; every usage token count kept is a whole number from 0 to 2^31 - 1; an answer
// the accumulator calls empty has no output.
//
// Input: the event's data as UTF-8.
#include "FuzzCheck.h"
#include "openai/ChunkDecoder.h"
#include "openai/ChunkScanner.h"
#include "openai/LoneSurrogates.h"
#include "openai/ResponseAccumulator.h"

#include <QJsonDocument>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

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
    FUZZ_CHECK(a.ignoredChoices == b.ignoredChoices);
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

// Every "..._tokens" member, at any depth, is a whole number from 0 to 2^31 - 1.
void checkTokenCounts(const QJsonObject& usage)
{
    for (auto it = usage.begin(); it != usage.end(); ++it) {
        FUZZ_CHECK(!LoneSurrogates::found(it.key()));
        if (it.value().isObject()) {
            checkTokenCounts(it.value().toObject());
        } else if (it.key().endsWith(QLatin1String("_tokens"))) {
            const double count = it.value().toDouble(-1);
            FUZZ_CHECK(it.value().isDouble() && count >= 0 &&
                       count <= std::numeric_limits<qint32>::max() && std::floor(count) == count);
        } else if (it.value().isString()) {
            FUZZ_CHECK(!LoneSurrogates::found(it.value().toString()));
        }
    }
}

// The input is UTF-8, so any lone surrogate in the output came from a JSON escape.
void checkValidText(const ChunkUpdate& update)
{
    for (const QString* text :
         {&update.content, &update.reasoning, &update.refusal, &update.finishReason, &update.model})
        FUZZ_CHECK(!LoneSurrogates::found(*text));
    for (const ToolCallDelta& call : update.toolCalls) {
        FUZZ_CHECK(!LoneSurrogates::found(call.id) && !LoneSurrogates::found(call.type) &&
                   !LoneSurrogates::found(call.name) && !LoneSurrogates::found(call.arguments));
    }
    if (update.error)
        FUZZ_CHECK(!LoneSurrogates::found(update.error->message));
    if (update.usage)
        checkTokenCounts(*update.usage);
}

// Applied as the last event of an answer: empty means no output at all.
void checkEmptyRule(const ChunkUpdate& update)
{
    ResponseAccumulator accumulator;
    accumulator.apply(update);
    const std::optional<ApiError> error = accumulator.finishAtEof();
    if (error && error->kind == ApiError::Kind::Empty)
        FUZZ_CHECK(update.content.isEmpty() && update.reasoning.isEmpty() &&
                   update.refusal.isEmpty() && !accumulator.hasOutput());
    if (!update.error && (update.done || !update.finishReason.isEmpty()) &&
        !update.content.isEmpty())
        FUZZ_CHECK(!error);
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
    checkValidText(reference);
    checkEmptyRule(reference);

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
    checkValidText(errorEvent);
    const ChunkUpdate whole = ChunkDecoder::decodeCompletion(bytes);
    checkOneLine(whole);
    checkValidText(whole);
    checkEmptyRule(whole);
    return 0;
}

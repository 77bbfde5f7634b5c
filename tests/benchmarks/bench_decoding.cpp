// The streaming path's decoding: the bytes of a long OpenAI chat-completion stream through the
// event-stream decoder and the chunk decoder, fed in the piece sizes a socket read delivers.
#include "openai/ChunkDecoder.h"
#include "sse/SseDecoder.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <benchmark/benchmark.h>
#include <iterator>
#include <random>

using namespace adminchat;

namespace {

// Tokens as a model splits text: mostly short words with their leading space, some punctuation,
// newlines, and a little non-ASCII so that UTF-8 decoding is not all ASCII fast path.
const char* const kTokens[] = {
    " the",   " model", " token", " latency", " request", " server", " answer", " stream",
    " value", " time",  " first", ",",        ".",        "\\n\\n",  " cache",  " layout",
    " queue", " batch", " à",     " déjà",    " naïve",   " über",   " →",      " 速度",
    " of",    " and",   " to",    " in",      " is",      " that",   "`",       " code",
};

// An OpenAI stream as api.openai.com sends it (same fields, in the same order, with
// system_fingerprint and logprobs), stream_options.include_usage on: a role chunk, one chunk per
// token, a finish chunk, a usage chunk and [DONE]. About 280 bytes per token event.
QByteArray generatedStream(int tokens)
{
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> pick(0, int(std::size(kTokens)) - 1);
    const QByteArray head =
        "data: {\"id\":\"chatcmpl-AXz3kLqWm8e1YtR6vP0nB4cD2fGhJ\",\"object\":"
        "\"chat.completion.chunk\",\"created\":1732480000,\"model\":\"gpt-4o-mini-2024-07-18\","
        "\"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[{\"index\":0,\"delta\":";
    QByteArray out;
    out.reserve(qsizetype(tokens) * 240 + 1024);
    out += head + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,"
                  "\"finish_reason\":null}],\"usage\":null}\n\n";
    for (int i = 0; i < tokens; ++i) {
        out += head + "{\"content\":\"" + kTokens[pick(rng)] +
               "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
    }
    out += head + "{},\"logprobs\":null,\"finish_reason\":\"length\"}],\"usage\":null}\n\n";
    out += "data: {\"id\":\"chatcmpl-AXz3kLqWm8e1YtR6vP0nB4cD2fGhJ\",\"object\":"
           "\"chat.completion.chunk\",\"created\":1732480000,\"model\":\"gpt-4o-mini-2024-07-18\","
           "\"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
           "12,\"completion_tokens\":" +
           QByteArray::number(tokens) + ",\"total_tokens\":" + QByteArray::number(tokens + 12) +
           "}}\n\n";
    out += "data: [DONE]\n\n";
    return out;
}

// The stream: a recorded one when ADMINCHAT_BENCH_STREAM names a file (e.g. a curl -N capture of
// an endpoint), else a generated 4,000-token answer.
const QByteArray& stream()
{
    static const QByteArray bytes = [] {
        const QString path = qEnvironmentVariable("ADMINCHAT_BENCH_STREAM");
        if (!path.isEmpty()) {
            QFile file(path);
            if (file.open(QIODevice::ReadOnly))
                return file.readAll();
            qWarning("cannot read %s, using a generated stream", qPrintable(path));
        }
        return generatedStream(4000);
    }();
    return bytes;
}

// Piece sizes as reads deliver them: fixed (range > 0) or varying between 1 and 16 KiB (0).
QList<qsizetype> pieces(qsizetype total, qsizetype fixed)
{
    std::mt19937 rng(99);
    std::uniform_int_distribution<qsizetype> size(1024, 16 * 1024);
    QList<qsizetype> sizes;
    for (qsizetype at = 0; at < total;) {
        const qsizetype n = qMin(total - at, fixed > 0 ? fixed : size(rng));
        sizes.append(n);
        at += n;
    }
    return sizes;
}

// decodeChunks = false times the event-stream decoder alone, so the two stages can be told apart.
void decodeStream(benchmark::State& state, bool decodeChunks)
{
    const QByteArray& bytes = stream();
    const QList<qsizetype> sizes = pieces(bytes.size(), state.range(0));
    QList<SseEvent> events;
    int64_t eventCount = 0;
    for (auto _ : state) {
        SseDecoder decoder;
        qsizetype at = 0;
        qsizetype outputChars = 0;
        for (const qsizetype n : sizes) {
            events.clear();
            decoder.feed(QByteArrayView(bytes.constData() + at, n), events);
            at += n;
            eventCount += events.size();
            if (!decodeChunks)
                continue;
            for (const SseEvent& event : events) {
                const ChunkUpdate update = ChunkDecoder::decodeEvent(event);
                outputChars += update.content.size();
            }
        }
        decoder.finish();
        benchmark::DoNotOptimize(outputChars);
    }
    state.SetBytesProcessed(state.iterations() * bytes.size());
    state.SetItemsProcessed(eventCount); // items_per_second: events/s
}

void BM_DecodeRecordedStream(benchmark::State& state)
{
    decodeStream(state, true);
}
BENCHMARK(BM_DecodeRecordedStream)
    ->Arg(0)
    ->Arg(1024)
    ->Arg(16 * 1024)
    ->ArgName("read")
    ->Unit(benchmark::kMicrosecond);

void BM_SseDecodeRecordedStream(benchmark::State& state)
{
    decodeStream(state, false);
}
BENCHMARK(BM_SseDecodeRecordedStream)->Arg(0)->ArgName("read")->Unit(benchmark::kMicrosecond);

// The chunk decoder alone on the stream's events, decoded once beforehand.
void BM_ChunkDecodeRecordedStream(benchmark::State& state)
{
    const QByteArray& bytes = stream();
    QList<SseEvent> events;
    SseDecoder decoder;
    decoder.feed(bytes, events);
    for (auto _ : state) {
        qsizetype outputChars = 0;
        for (const SseEvent& event : events)
            outputChars += ChunkDecoder::decodeEvent(event).content.size();
        benchmark::DoNotOptimize(outputChars);
    }
    state.SetBytesProcessed(state.iterations() * bytes.size());
    state.SetItemsProcessed(state.iterations() * events.size());
}
BENCHMARK(BM_ChunkDecodeRecordedStream)->Unit(benchmark::kMicrosecond);

} // namespace

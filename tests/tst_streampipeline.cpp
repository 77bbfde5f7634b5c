// Recorded SSE streams through SseDecoder, ChunkDecoder, ResponseAccumulator: whole and bytewise.
#include "DecoderTestHelpers.h"
#include "openai/ChunkDecoder.h"
#include "openai/ResponseAccumulator.h"
#include "sse/SseDecoder.h"

#include <QTest>

using namespace adminchat;
using namespace decodertest;

namespace {

// A recorded event stream as the pipeline sees it, with the expected final state.
struct Recording
{
    QByteArray bytes;
    QString text;
    QString reasoning;
    QString refusal;
    QStringList toolCalls;
    QString finishReason;
    QByteArray usage;
    QString model;
    bool done = false;
    int errorKind = noError;
    QString errorMessage; // exact, or a prefix when errorIsPrefix
    bool errorIsPrefix = false;
};

} // namespace

Q_DECLARE_METATYPE(Recording)

class TestStreamPipeline : public QObject
{
    Q_OBJECT
private slots:
    void pipeline_data();
    void pipeline();
};

// Recorded streams, fed through SseDecoder -> ChunkDecoder -> ResponseAccumulator whole, one byte
// at a time, and with CRLF line ends one byte at a time (sse-starlette servers send CRLF).
void TestStreamPipeline::pipeline_data()
{
    QTest::addColumn<Recording>("recording");
    QTest::addColumn<int>("chunkSize"); // 0: all at once
    QTest::addColumn<bool>("crlf");

    QList<std::pair<const char*, Recording>> recordings;

    {
        Recording r;
        r.bytes =
            R"SSE(data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[{"index":0,"delta":{"content":"Bonjour"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[{"index":0,"delta":{"content":" à tous 👋"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":4,"total_tokens":23,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

data: [DONE]

)SSE";
        r.text = QStringLiteral("Bonjour \u00e0 tous \U0001F44B");
        r.finishReason = "stop";
        r.usage = R"({"prompt_tokens":19,"completion_tokens":4,"total_tokens":23,)"
                  R"("prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},)"
                  R"("completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,)"
                  R"("accepted_prediction_tokens":0,"rejected_prediction_tokens":0}})";
        r.model = "gpt-4o-2024-08-06";
        r.done = true;
        recordings.append({"openai with usage chunk", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"id":"1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}]}

data: {"id":"1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Two plus"},"logprobs":null,"finish_reason":null}]}

data: {"id":"1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" two is four."},"logprobs":null,"finish_reason":null}]}

data: {"id":"1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"4","reasoning_content":null},"logprobs":null,"finish_reason":null}]}

data: {"id":"1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":".","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}]}

data: [DONE]

)SSE";
        r.text = "4.";
        r.reasoning = "Two plus two is four.";
        r.finishReason = "stop";
        r.model = "deepseek-reasoner";
        r.done = true;
        recordings.append({"reasoning_content then content", r});
    }
    {
        Recording r;
        r.bytes = R"SSE(: OPENROUTER PROCESSING

: OPENROUTER PROCESSING

data: {"id":"gen-1","provider":"Chutes","model":"qwen/qwen3-32b","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Okay,","reasoning_details":[{"type":"reasoning.text","text":"Okay,"}]},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}

data: {"id":"gen-1","provider":"Chutes","model":"qwen/qwen3-32b","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":" the user says hi."},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}

: OPENROUTER PROCESSING

data: {"id":"gen-1","provider":"Chutes","model":"qwen/qwen3-32b","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi! ","reasoning":null},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}

data: {"id":"gen-1","provider":"Chutes","model":"qwen/qwen3-32b","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":"Ça va ?","reasoning":null},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}]}

data: {"id":"gen-1","provider":"Chutes","model":"qwen/qwen3-32b","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"usage":{"prompt_tokens":12,"completion_tokens":40,"total_tokens":52,"cost":0.0001}}

data: [DONE]

)SSE";
        r.text = QStringLiteral("Hi! \u00c7a va ?");
        r.reasoning = "Okay, the user says hi.";
        r.finishReason = "stop";
        r.usage = R"({"prompt_tokens":12,"completion_tokens":40,"total_tokens":52,"cost":0.0001})";
        r.model = "qwen/qwen3-32b";
        r.done = true;
        recordings.append({"openrouter delta.reasoning", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"location"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":\"Paris, France\"}"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\":"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"CET\"}"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-T","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}

data: [DONE]

)SSE";
        r.toolCalls = QStringList{
            "0|call_DdmO9pD3xa9XTPNJ32zg2hcA|function|get_weather|{\"location\":\"Paris, France\"}",
            "1|call_2|function|get_time|{\"tz\":\"CET\"}"};
        r.finishReason = "tool_calls";
        r.model = "gpt-4o-mini";
        r.done = true;
        recordings.append({"tool calls with index", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"model":"local","choices":[{"delta":{"role":"assistant","tool_calls":[{"id":"call_a","type":"function","function":{"name":"add","arguments":"{\"x\":"}}]}}]}

data: {"model":"local","choices":[{"delta":{"tool_calls":[{"function":{"arguments":"1}"}}]}}]}

data: {"model":"local","choices":[{"delta":{"tool_calls":[{"id":"call_b","type":"function","function":{"name":"mul","arguments":"{"}}]}}]}

data: {"model":"local","choices":[{"delta":{"tool_calls":[{"id":"call_b","function":{"arguments":"}"}}]}}]}

data: {"model":"local","choices":[{"delta":{},"finish_reason":"tool_calls"}]}

data: [DONE]

)SSE";
        r.toolCalls = QStringList{"0|call_a|function|add|{\"x\":1}", "1|call_b|function|mul|{}"};
        r.finishReason = "tool_calls";
        r.model = "local";
        r.done = true;
        recordings.append({"tool calls without index", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""},"finish_reason":null}]}

data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"refusal":"I'm sorry, "},"finish_reason":null}]}

data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"refusal":"I can't assist with that."},"finish_reason":null}]}

data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

data: [DONE]

)SSE";
        r.refusal = "I'm sorry, I can't assist with that.";
        r.finishReason = "stop";
        r.model = "gpt-4o";
        r.done = true;
        recordings.append({"refusal", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"model":"m","choices":[{"delta":{"content":"Once upon"},"finish_reason":null}]}

data: {"model":"m","choices":[{"delta":{"content":" a time"},"finish_reason":"length"}]}

data: [DONE]

)SSE";
        r.text = "Once upon a time";
        r.finishReason = "length";
        r.model = "m";
        r.done = true;
        recordings.append({"finish length", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"model":"tgi","choices":[{"delta":{"content":"Done"},"finish_reason":null}]}

data: {"model":"tgi","choices":[{"delta":{"content":"."},"finish_reason":"eos"}]}

data: [DONE]

)SSE";
        r.text = "Done.";
        r.finishReason = "eos";
        r.model = "tgi";
        r.done = true;
        recordings.append({"finish unknown value", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"id":"chatcmpl-v","object":"chat.completion.chunk","created":1,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":8,"total_tokens":8,"completion_tokens":0}}

data: {"id":"chatcmpl-v","object":"chat.completion.chunk","created":1,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"content":"Yes"},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":8,"total_tokens":9,"completion_tokens":1}}

data: {"id":"chatcmpl-v","object":"chat.completion.chunk","created":1,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"content":"."},"logprobs":null,"finish_reason":"stop","stop_reason":null}],"usage":{"prompt_tokens":8,"total_tokens":24,"completion_tokens":16,"completion_tokens_details":{"reasoning_tokens":14}}}

data: [DONE]

)SSE";
        r.text = "Yes.";
        r.finishReason = "stop";
        r.usage = R"({"prompt_tokens":8,"total_tokens":24,"completion_tokens":16,)"
                  R"("completion_tokens_details":{"reasoning_tokens":14}})";
        r.model = "Qwen/Qwen3-8B";
        r.done = true;
        recordings.append({"usage on non-empty chunks", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}

data: {"model":"gpt-4o","choices":[{"index":0,"delta":{"content":" wor"},"finish_reason":null}]}

data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}

data: {"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"ld"},"finish_reason":"stop"}]}

data: [DONE]

)SSE";
        r.text = "Hello wor";
        r.model = "gpt-4o";
        r.errorKind = stream;
        r.errorMessage = "The server had an error while processing your request. Sorry about that!";
        recordings.append({"error object after content", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"id":"gen-2","model":"anthropic/claude","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Sure"},"finish_reason":null}]}

data: {"id":"gen-2","object":"chat.completion.chunk","created":1,"model":"anthropic/claude","provider":"Anthropic","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}

)SSE";
        r.text = "Sure";
        r.model = "anthropic/claude";
        r.errorKind = stream;
        r.errorMessage = "Provider disconnected unexpectedly";
        recordings.append({"openrouter mid-stream error", r});
    }
    {
        Recording r;
        r.bytes = R"SSE(data: {"model":"claude","choices":[{"delta":{"content":"Hi"}}]}

event: error
data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

)SSE";
        r.text = "Hi";
        r.model = "claude";
        r.errorKind = stream;
        r.errorMessage = "Overloaded";
        recordings.append({"event error", r});
    }
    {
        Recording r;
        r.bytes =
            R"SSE(data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"}}],"created":1,"id":"chatcmpl-l","model":"llama","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1,"id":"chatcmpl-l","model":"llama","object":"chat.completion.chunk","usage":{"completion_tokens":2,"prompt_tokens":5,"total_tokens":7},"timings":{"prompt_n":5,"predicted_n":2}}

)SSE";
        r.text = "Hi";
        r.finishReason = "stop";
        r.usage = R"({"completion_tokens":2,"prompt_tokens":5,"total_tokens":7})";
        r.model = "llama";
        recordings.append({"EOF after finish_reason without [DONE]", r});
    }
    {
        Recording r;
        // The connection dropped in the middle of the last event: per the SSE spec an event not
        // ended by a blank line is discarded, so its finish_reason never counts.
        r.bytes = R"SSE(: keep-alive

data: {"model":"m","choices":[{"delta":{"content":"Partial"}}]}

data: {"model":"m","choices":[{"delta":{"content":" answer"}}]}

data: {"model":"m","choices":[{"delta":{},"finish_reason":"stop"}]}
)SSE";
        r.text = "Partial answer";
        r.model = "m";
        r.errorKind = cutOff;
        r.errorMessage = "stream ended before the answer was complete (no finish_reason or [DONE])";
        recordings.append({"EOF with neither (cut off)", r});
    }
    {
        Recording r;
        r.bytes = R"SSE(data: {"model":"m","choices":[{"delta":{"content":"ok"}}]}

data: {"model":"m","choices":[{"delta":{"content":"x"}}]

data: {"model":"m","choices":[{"delta":{"content":"never"},"finish_reason":"stop"}]}

data: [DONE]

)SSE";
        r.text = "ok";
        r.model = "m";
        r.errorKind = protocol;
        r.errorMessage = "malformed JSON in stream chunk: ";
        r.errorIsPrefix = true;
        recordings.append({"malformed JSON chunk", r});
    }
    {
        Recording r;
        r.bytes = R"SSE(retry: 3000
id: 1
event: ping
data: {"choices":[{"delta":{"content":"not text"}}]}

: comment
data: {"model":"m","choices":[{"delta":{"content":"multi"}}]}

event: message
data: {"model":"m","choices":[{"delta":{"content":"-field"},"finish_reason":"stop"}]}

data: [DONE]

data: {"model":"m","choices":[{"delta":{"content":" after done"}}]}

)SSE";
        r.text = "multi-field";
        r.finishReason = "stop";
        r.model = "m";
        r.done = true;
        recordings.append({"ping events, comments, data after [DONE]", r});
    }

    for (const auto& [name, recording] : recordings) {
        QTest::addRow("%s / whole", name) << recording << 0 << false;
        QTest::addRow("%s / bytes", name) << recording << 1 << false;
        QTest::addRow("%s / crlf bytes", name) << recording << 1 << true;
    }
}

void TestStreamPipeline::pipeline()
{
    QFETCH(Recording, recording);
    QFETCH(int, chunkSize);
    QFETCH(bool, crlf);

    QByteArray bytes = recording.bytes;
    if (crlf)
        bytes.replace("\n", "\r\n");
    const qsizetype step = chunkSize > 0 ? chunkSize : bytes.size();

    SseDecoder sse;
    ResponseAccumulator response;
    QList<SseEvent> events;
    int eventCount = 0;
    for (qsizetype pos = 0; pos < bytes.size(); pos += step) {
        events.clear();
        QVERIFY2(
            sse.feed(QByteArrayView(bytes).sliced(pos, qMin(step, bytes.size() - pos)), events),
            qPrintable(sse.errorString()));
        for (const SseEvent& e : std::as_const(events)) {
            ++eventCount;
            if (response.doneSeen())
                continue; // as ChatStream does: nothing after [DONE] belongs to the answer
            response.apply(ChunkDecoder::decodeEvent(e));
        }
    }
    sse.finish();
    QVERIFY(eventCount > 0);
    const std::optional<ApiError> error = response.finishAtEof();

    QCOMPARE(response.text(), recording.text);
    QCOMPARE(response.reasoning(), recording.reasoning);
    QCOMPARE(response.refusal(), recording.refusal);
    QCOMPARE(describe(response.toolCalls()), recording.toolCalls);
    QCOMPARE(response.finishReason(), recording.finishReason);
    QCOMPARE(compact(response.usage()), compact(recording.usage));
    QCOMPARE(response.model(), recording.model);
    QCOMPARE(response.doneSeen(), recording.done);
    QCOMPARE(error.has_value(), recording.errorKind != noError);
    if (error) {
        QCOMPARE(int(error->kind), recording.errorKind);
        if (recording.errorIsPrefix)
            QVERIFY2(error->message.startsWith(recording.errorMessage), qPrintable(error->message));
        else
            QCOMPARE(error->message, recording.errorMessage);
    }
}

QTEST_GUILESS_MAIN(TestStreamPipeline)
#include "tst_streampipeline.moc"

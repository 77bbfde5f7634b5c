// ChunkDecoder on its own: decodeEvent for each kind of stream event, decodeCompletion for bodies.
#include "DecoderTestHelpers.h"
#include "openai/ChunkDecoder.h"

#include <QTest>

using namespace adminchat;
using namespace decodertest;

namespace {

SseEvent makeEvent(const QString& data, const QString& type = QStringLiteral("message"))
{
    SseEvent e;
    e.type = type;
    e.data = data;
    return e;
}

// Columns shared by the decodeEvent and decodeCompletion tests.
void addUpdateColumns()
{
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("reasoning");
    QTest::addColumn<QString>("refusal");
    QTest::addColumn<QStringList>("toolCalls");
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<QByteArray>("usage");
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("done");
    QTest::addColumn<int>("errorKind");
    QTest::addColumn<QString>("errorMessage");
}

void checkUpdate(const ChunkUpdate& update)
{
    QFETCH(QString, content);
    QFETCH(QString, reasoning);
    QFETCH(QString, refusal);
    QFETCH(QStringList, toolCalls);
    QFETCH(QString, finishReason);
    QFETCH(QByteArray, usage);
    QFETCH(QString, model);
    QFETCH(bool, done);
    QFETCH(int, errorKind);
    QFETCH(QString, errorMessage);

    QCOMPARE(update.content, content);
    QCOMPARE(update.reasoning, reasoning);
    QCOMPARE(update.refusal, refusal);
    QCOMPARE(describe(update.toolCalls), toolCalls);
    QCOMPARE(update.finishReason, finishReason);
    QCOMPARE(compact(update.usage), compact(usage));
    QCOMPARE(update.model, model);
    QCOMPARE(update.done, done);
    QCOMPARE(update.error.has_value(), errorKind != noError);
    if (update.error) {
        QCOMPARE(int(update.error->kind), errorKind);
        QCOMPARE(update.error->message, errorMessage);
    }
}

} // namespace

class TestChunkDecoder : public QObject
{
    Q_OBJECT
private slots:
    void decodeEvent_data();
    void decodeEvent();
    void malformedJson_data();
    void malformedJson();
    void decodeCompletion_data();
    void decodeCompletion();
    void unreadableCompletion_data();
    void unreadableCompletion();
};

void TestChunkDecoder::decodeEvent_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("data");
    addUpdateColumns();

    const QString none;
    const QStringList noCalls;
    const QByteArray noUsage;
    const QString msg = QStringLiteral("message");
    const QString err = QStringLiteral("error");

    // [DONE] and empty events.
    QTest::newRow("[DONE]") << msg << "[DONE]" << none << none << none << noCalls << none << noUsage
                            << none << true << noError << none;
    QTest::newRow("[DONE] with whitespace")
        << msg << " [DONE] \r\n"
        << none << none << none << noCalls << none << noUsage << none << true << noError << none;
    QTest::newRow("empty data") << msg << "" << none << none << none << noCalls << none << noUsage
                                << none << false << noError << none;
    QTest::newRow("whitespace data") << msg << " \n " << none << none << none << noCalls << none
                                     << noUsage << none << false << noError << none;
    QTest::newRow("[DONE] in another event type is ignored")
        << "done"
        << "[DONE]" << none << none << none << noCalls << none << noUsage << none << false
        << noError << none;
    QTest::newRow("ping event ignored")
        << "ping"
        << R"({"choices":[{"delta":{"content":"x"}}],"model":"m"})" << none << none << none
        << noCalls << none << noUsage << none << false << noError << none;

    // Content.
    QTest::newRow("openai role chunk")
        << msg
        << R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,)"
           R"("model":"gpt-4o-2024-08-06","system_fingerprint":"fp_1","choices":[{"index":0,)"
           R"("delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,)"
           R"("finish_reason":null}],"usage":null})"
        << none << none << none << noCalls << none << noUsage << "gpt-4o-2024-08-06" << false
        << noError << none;
    QTest::newRow("content")
        << msg
        << R"({"object":"chat.completion.chunk","model":"m","choices":[{"index":0,)"
           R"("delta":{"content":"Hello"},"finish_reason":null}]})"
        << "Hello" << none << none << noCalls << none << noUsage << "m" << false << noError << none;
    QTest::newRow("content with escapes and unicode")
        << msg << R"({"choices":[{"delta":{"content":"caf\u00e9 \ud83d\ude00\n\t\"q\""}}]})"
        << QStringLiteral("caf\u00e9 \U0001F600\n\t\"q\"") << none << none << noCalls << none
        << noUsage << none << false << noError << none;
    QTest::newRow("content null") << msg << R"({"choices":[{"delta":{"content":null}}]})" << none
                                  << none << none << noCalls << none << noUsage << none << false
                                  << noError << none;
    QTest::newRow("no choices, no usage")
        << msg << R"({"model":"m","choices":[]})" << none << none << none << noCalls << none
        << noUsage << "m" << false << noError << none;
    QTest::newRow("error null is no error")
        << msg << R"({"error":null,"choices":[{"delta":{"content":"ok"}}]})"
        << "ok" << none << none << noCalls << none << noUsage << none << false << noError << none;
    QTest::newRow("empty event type is message")
        << ""
        << R"({"choices":[{"delta":{"content":"x"}}]})"
        << "x" << none << none << noCalls << none << noUsage << none << false << noError << none;

    // Reasoning.
    QTest::newRow("reasoning_content")
        << msg << R"({"choices":[{"delta":{"content":null,"reasoning_content":"Let me think"}}]})"
        << none << "Let me think" << none << noCalls << none << noUsage << none << false << noError
        << none;
    QTest::newRow("reasoning (openrouter)")
        << msg
        << R"({"choices":[{"delta":{"role":"assistant","content":"","reasoning":"Okay,",)"
           R"("reasoning_details":[{"type":"reasoning.text","text":"Okay,"}]}}]})"
        << none << "Okay," << none << noCalls << none << noUsage << none << false << noError
        << none;
    QTest::newRow("both: reasoning_content wins")
        << msg << R"({"choices":[{"delta":{"reasoning":"B","reasoning_content":"A"}}]})" << none
        << "A" << none << noCalls << none << noUsage << none << false << noError << none;
    QTest::newRow("reasoning_content null, reasoning set")
        << msg << R"({"choices":[{"delta":{"reasoning_content":null,"reasoning":"R"}}]})" << none
        << "R" << none << noCalls << none << noUsage << none << false << noError << none;
    QTest::newRow("reasoning and content together")
        << msg << R"({"choices":[{"delta":{"reasoning_content":"r","content":"c"}}]})"
        << "c"
        << "r" << none << noCalls << none << noUsage << none << false << noError << none;

    // Refusal.
    QTest::newRow("refusal") << msg
                             << R"({"choices":[{"delta":{"refusal":"I'm sorry, I can't."}}]})"
                             << none << none << "I'm sorry, I can't." << noCalls << none << noUsage
                             << none << false << noError << none;

    // Tool calls.
    QTest::newRow("tool call first piece")
        << msg
        << R"({"choices":[{"index":0,"delta":{"role":"assistant","content":null,)"
           R"("tool_calls":[{"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function",)"
           R"("function":{"name":"get_weather","arguments":""}}],"refusal":null},)"
           R"("finish_reason":null}]})"
        << none << none << none
        << QStringList{"0|call_DdmO9pD3xa9XTPNJ32zg2hcA|function|get_weather|"} << none << noUsage
        << none << false << noError << none;
    QTest::newRow("tool call arguments piece")
        << msg
        << R"({"choices":[{"delta":{"tool_calls":[{"index":1,"function":{"arguments":)"
           R"("{\"location\":"}}]}}]})"
        << none << none << none << QStringList{"1||||{\"location\":"} << none << noUsage << none
        << false << noError << none;
    QTest::newRow("tool call without index")
        << msg
        << R"({"choices":[{"delta":{"tool_calls":[{"id":"c1","type":"function",)"
           R"("function":{"name":"f","arguments":"{}"}}]}}]})"
        << none << none << none << QStringList{"-1|c1|function|f|{}"} << none << noUsage << none
        << false << noError << none;
    QTest::newRow("two tool calls in one chunk")
        << msg
        << R"({"choices":[{"delta":{"tool_calls":[)"
           R"({"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},)"
           R"({"index":1,"id":"b","type":"function","function":{"name":"g","arguments":"[]"}}]}}]})"
        << none << none << none << QStringList{"0|a|function|f|{}", "1|b|function|g|[]"} << none
        << noUsage << none << false << noError << none;
    QTest::newRow("tool call arguments as object")
        << msg
        << R"({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f",)"
           R"("arguments":{"city":"Paris"}}}]}}]})"
        << none << none << none << QStringList{"0|a||f|{\"city\":\"Paris\"}"} << none << noUsage
        << none << false << noError << none;

    // finish_reason.
    QTest::newRow("finish stop")
        << msg << R"({"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]})"
        << none << none << none << noCalls << "stop" << noUsage << none << false << noError << none;
    QTest::newRow("finish length")
        << msg << R"({"choices":[{"delta":{},"finish_reason":"length"}]})" << none << none << none
        << noCalls << "length" << noUsage << none << false << noError << none;
    QTest::newRow("finish tool_calls")
        << msg << R"({"choices":[{"delta":{},"finish_reason":"tool_calls"}]})" << none << none
        << none << noCalls << "tool_calls" << noUsage << none << false << noError << none;
    QTest::newRow("finish unknown eos kept")
        << msg << R"({"choices":[{"delta":{"content":"."},"finish_reason":"eos"}]})"
        << "." << none << none << noCalls << "eos" << noUsage << none << false << noError << none;
    QTest::newRow("finish error kept")
        << msg << R"({"choices":[{"delta":{},"finish_reason":"error"}]})" << none << none << none
        << noCalls << "error" << noUsage << none << false << noError << none;
    QTest::newRow("finish null")
        << msg << R"({"choices":[{"delta":{"content":"a"},"finish_reason":null}]})"
        << "a" << none << none << noCalls << none << noUsage << none << false << noError << none;

    // Usage.
    const QByteArray openAiUsage =
        R"({"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,)"
        R"("prompt_tokens_details":{"cached_tokens":0},)"
        R"("completion_tokens_details":{"reasoning_tokens":0}})";
    QTest::newRow("usage chunk with empty choices")
        << msg
        << R"({"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o-mini",)"
           R"("choices":[],"usage":)" +
               QString::fromUtf8(openAiUsage) + u'}'
        << none << none << none << noCalls << none << openAiUsage << "gpt-4o-mini" << false
        << noError << none;
    const QByteArray detailedUsage =
        R"({"prompt_tokens":8,"total_tokens":40,"completion_tokens":32,)"
        R"("completion_tokens_details":{"reasoning_tokens":30}})";
    QTest::newRow("usage on a normal chunk")
        << msg
        << R"({"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"content":"!"},)"
           R"("finish_reason":"stop"}],"usage":)" +
               QString::fromUtf8(detailedUsage) + u'}'
        << "!" << none << none << noCalls << "stop" << detailedUsage << "Qwen/Qwen3-8B" << false
        << noError << none;
    QTest::newRow("usage null") << msg << R"({"choices":[{"delta":{"content":"a"}}],"usage":null})"
                                << "a" << none << none << noCalls << none << noUsage << none
                                << false << noError << none;

    // Errors inside a 200 stream.
    QTest::newRow("openai error object")
        << msg
        << R"({"error":{"message":"The server had an error while processing your request.",)"
           R"("type":"server_error","param":null,"code":null}})"
        << none << none << none << noCalls << none << noUsage << none << false << stream
        << "The server had an error while processing your request.";
    QTest::newRow("openrouter mid-stream error")
        << msg
        << R"({"id":"cmpl-abc","object":"chat.completion.chunk","created":1,"model":"x/y",)"
           R"("provider":"P","error":{"code":"server_error","message":"Provider disconnected"},)"
           R"("choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})"
        << none << none << none << noCalls << none << noUsage << none << false << stream
        << "Provider disconnected";
    QTest::newRow("openrouter error with raw")
        << msg
        << R"({"error":{"message":"Provider returned error","code":429,)"
           R"("metadata":{"raw":"rate limited"}}})"
        << none << none << none << noCalls << none << noUsage << none << false << stream
        << "Provider returned error (raw: rate limited)";
    QTest::newRow("error string") << msg << R"({"error":"upstream\ntimeout"})" << none << none
                                  << none << noCalls << none << noUsage << none << false << stream
                                  << "upstream timeout";
    QTest::newRow("error without message")
        << msg << R"({"error":{"code":500}})" << none << none << none << noCalls << none << noUsage
        << none << false << stream << R"({"error":{"code":500}})";
    QTest::newRow("vllm object error")
        << msg
        << R"({"object":"error","message":"CUDA out of memory","type":"InternalServerError",)"
           R"("param":null,"code":500})"
        << none << none << none << noCalls << none << noUsage << none << false << stream
        << "CUDA out of memory";

    // event: error.
    QTest::newRow("event error, error object")
        << err << R"({"error":{"message":"Overloaded","type":"overloaded_error"}})" << none << none
        << none << noCalls << none << noUsage << none << false << stream << "Overloaded";
    QTest::newRow("event error, message object")
        << err << R"({"type":"error","message":"context length exceeded"})" << none << none << none
        << noCalls << none << noUsage << none << false << stream << "context length exceeded";
    QTest::newRow("event error, JSON without message")
        << err << R"({"code":17})" << none << none << none << noCalls << none << noUsage << none
        << false << stream << R"({"code":17})";
    QTest::newRow("event error, plain text")
        << err << "Internal error\nwhile\tgenerating" << none << none << none << noCalls << none
        << noUsage << none << false << stream << "Internal error while generating";
    QTest::newRow("event error, text that is not JSON")
        << err << "{oops" << none << none << none << noCalls << none << noUsage << none << false
        << stream << "{oops";
    QTest::newRow("event error, long text truncated")
        << err << QString(1000, u'e') << none << none << none << noCalls << none << noUsage << none
        << false << stream << QString(299, u'e') + QChar(0x2026);
    QTest::newRow("event error, empty")
        << err << "" << none << none << none << noCalls << none << noUsage << none << false
        << stream << "the server reported an error event without a message";
}

void TestChunkDecoder::decodeEvent()
{
    QFETCH(QString, type);
    QFETCH(QString, data);
    checkUpdate(ChunkDecoder::decodeEvent(makeEvent(data, type)));
    if (QTest::currentTestFailed())
        return;
    // The same expectations hold with the scanner out of the way.
    checkUpdate(ChunkDecoder::decodeEventWithDocument(makeEvent(data, type)));
}

void TestChunkDecoder::malformedJson_data()
{
    QTest::addColumn<QString>("data");
    QTest::addColumn<QString>("quotedStart"); // the part of the data the message shows

    QTest::newRow("truncated object") << R"({"choices":[{"delta":{"content":"x"})"
                                      << R"({"choices":[{"delta":{"content":"x"})";
    QTest::newRow("not json") << "hello world"
                              << "hello world";
    QTest::newRow("single quotes") << "{'a': 1}"
                                   << "{'a': 1}";
    QTest::newRow("array") << "[1,2,3]"
                           << "[1,2,3]";
    QTest::newRow("newline inside") << "{\"choices\":\n[oops"
                                    << "{\"choices\": [oops";
    QTest::newRow("long data is cut")
        << R"({"choices":[{"delta":{"content":")" + QString(5000, u'x') + u'!'
        << R"({"choices":[{"delta":{"content":"xxxxxxxxxxxxxxxxxxxxxxxxx)";
}

void TestChunkDecoder::malformedJson()
{
    QFETCH(QString, data);
    QFETCH(QString, quotedStart);

    const ChunkUpdate update = ChunkDecoder::decodeEvent(makeEvent(data));
    QVERIFY(update.error);
    QCOMPARE(update.error->kind, ApiError::Kind::Protocol);
    const QString message = update.error->message;
    const QString prefix = QStringLiteral("malformed JSON in stream chunk: ");
    QVERIFY2(message.startsWith(prefix), qPrintable(message));
    QVERIFY2(message.size() > prefix.size() + quotedStart.size(), qPrintable(message));
    QVERIFY2(message.contains(quotedStart), qPrintable(message));
    QVERIFY(!message.contains(u'\n'));
    // At most ~80 characters of the data are ever quoted.
    QVERIFY2(message.size() <= prefix.size() + 60 + 80, qPrintable(message));
    QVERIFY(!message.contains(QString(61, u'x')));
    QVERIFY(!update.hasOutput());
    QVERIFY(!update.done);
}

void TestChunkDecoder::decodeCompletion_data()
{
    QTest::addColumn<QByteArray>("body");
    addUpdateColumns();

    const QString none;
    const QStringList noCalls;
    const QByteArray noUsage;

    const QByteArray usage = R"({"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,)"
                             R"("completion_tokens_details":{"reasoning_tokens":0}})";
    QTest::newRow("openai completion")
        << QByteArray(R"({"id":"chatcmpl-123","object":"chat.completion","created":1677652288,)"
                      R"("model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{)"
                      R"("index":0,"message":{"role":"assistant","content":"Hello there!",)"
                      R"("refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":)" +
                      usage + "}")
        << "Hello there!" << none << none << noCalls << "stop" << usage << "gpt-4o-mini" << true
        << noError << none;
    QTest::newRow("reasoning_content")
        << QByteArray(R"({"model":"deepseek-reasoner","choices":[{"message":{"role":"assistant",)"
                      R"("content":"4","reasoning_content":"2+2 is 4."},"finish_reason":"stop"}]})")
        << "4"
        << "2+2 is 4." << none << noCalls << "stop" << noUsage << "deepseek-reasoner" << true
        << noError << none;
    QTest::newRow("reasoning (openrouter)")
        << QByteArray(R"({"choices":[{"message":{"content":"Hi","reasoning":"greet"},)"
                      R"("finish_reason":"stop"}]})")
        << "Hi"
        << "greet" << none << noCalls << "stop" << noUsage << none << true << noError << none;
    QTest::newRow("both reasoning names")
        << QByteArray(R"({"choices":[{"message":{"reasoning":"b","reasoning_content":"a"}}]})")
        << none << "a" << none << noCalls << none << noUsage << none << true << noError << none;
    QTest::newRow("refusal")
        << QByteArray(R"({"choices":[{"message":{"role":"assistant","content":null,)"
                      R"("refusal":"I can't help with that."},"finish_reason":"stop"}]})")
        << none << none << "I can't help with that." << noCalls << "stop" << noUsage << none << true
        << noError << none;
    QTest::newRow("tool calls indexed by position")
        << QByteArray(R"({"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[)"
                      R"({"id":"call_1","type":"function","function":{"name":"get_weather",)"
                      R"("arguments":"{\"location\":\"Paris\"}"}},)"
                      R"({"id":"call_2","type":"function","function":{"name":"get_time",)"
                      R"("arguments":"{}"}}]},"finish_reason":"tool_calls"}]})")
        << none << none << none
        << QStringList{"0|call_1|function|get_weather|{\"location\":\"Paris\"}",
                       "1|call_2|function|get_time|{}"}
        << "tool_calls" << noUsage << none << true << noError << none;
    QTest::newRow("finish length")
        << QByteArray(R"({"choices":[{"message":{"content":"trunc"},"finish_reason":"length"}]})")
        << "trunc" << none << none << noCalls << "length" << noUsage << none << true << noError
        << none;
    QTest::newRow("error body")
        << QByteArray(R"({"error":{"message":"Invalid model","type":"invalid_request_error"}})")
        << none << none << none << noCalls << none << noUsage << none << false << stream
        << "Invalid model";
    QTest::newRow("leading whitespace")
        << QByteArray("\n  {\"choices\":[{\"message\":{\"content\":\"x\"}}]}\n") << "x" << none
        << none << noCalls << none << noUsage << none << true << noError << none;
}

void TestChunkDecoder::decodeCompletion()
{
    QFETCH(QByteArray, body);
    checkUpdate(ChunkDecoder::decodeCompletion(body));
}

void TestChunkDecoder::unreadableCompletion_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected"); // exact, or a prefix when it ends with a space

    QTest::newRow("empty") << QByteArray() << "unreadable response body: ";
    QTest::newRow("html") << QByteArray("<html>oops</html>") << "unreadable response body: ";
    QTest::newRow("truncated") << QByteArray(R"({"choices":[{"message":)")
                               << "unreadable response body: ";
    QTest::newRow("array") << QByteArray("[1]") << "unreadable response body: not a JSON object";
}

void TestChunkDecoder::unreadableCompletion()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    const ChunkUpdate update = ChunkDecoder::decodeCompletion(body);
    QVERIFY(update.error);
    QCOMPARE(update.error->kind, ApiError::Kind::Protocol);
    if (expected.endsWith(u' ')) {
        QVERIFY2(update.error->message.startsWith(expected), qPrintable(update.error->message));
        QVERIFY2(update.error->message.size() > expected.size(), "the reason is missing");
    } else {
        QCOMPARE(update.error->message, expected);
    }
    QVERIFY(!update.hasOutput());
    QVERIFY(!update.done);
}

QTEST_GUILESS_MAIN(TestChunkDecoder)
#include "tst_chunkdecoder.moc"

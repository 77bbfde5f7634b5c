// What counts as an answer, decoder and accumulator side: which choice is the answer, what an
// empty answer is, lone surrogates, usage that is not a token count, usage in vendor places.
// Every chunk goes through both decoder paths (ChunkScanner and QJsonDocument), which must agree.
#include "DecoderTestHelpers.h"
#include "LogCounter.h"
#include "openai/ChunkDecoder.h"
#include "openai/ChunkScanner.h"
#include "openai/HttpErrorFormatter.h"
#include "openai/LoneSurrogates.h"
#include "openai/ModelListParser.h"
#include "openai/ResponseAccumulator.h"

#include <QLoggingCategory>
#include <QTest>

using namespace adminchat;
using namespace decodertest;
using namespace Qt::StringLiterals;

namespace {

SseEvent makeEvent(const QString& data)
{
    SseEvent e;
    e.data = data;
    return e;
}

// Decodes data on both paths, fails the test when they differ, and returns the update.
ChunkUpdate decodeBoth(const QString& data, bool* scanned = nullptr)
{
    const ChunkUpdate fast = ChunkDecoder::decodeEvent(makeEvent(data));
    const ChunkUpdate slow = ChunkDecoder::decodeEventWithDocument(makeEvent(data));
    auto same = [&](const char* what, const auto& a, const auto& b) {
        if (a != b)
            QTest::qFail(
                qPrintable(u"paths differ on "_s + QLatin1StringView(what) + u" for "_s + data),
                __FILE__, __LINE__);
    };
    same("content", fast.content, slow.content);
    same("reasoning", fast.reasoning, slow.reasoning);
    same("refusal", fast.refusal, slow.refusal);
    same("tool calls", describe(fast.toolCalls), describe(slow.toolCalls));
    same("finish_reason", fast.finishReason, slow.finishReason);
    same("usage", compact(fast.usage), compact(slow.usage));
    same("model", fast.model, slow.model);
    same("ignored choices", fast.ignoredChoices, slow.ignoredChoices);
    same("error", fast.error.has_value(), slow.error.has_value());
    if (scanned) {
        ChunkUpdate probe;
        *scanned = ChunkScanner::scan(QStringView(data).trimmed(), probe);
    }
    return fast;
}

ResponseAccumulator accumulate(const QStringList& events)
{
    ResponseAccumulator accumulator;
    for (const QString& data : events)
        accumulator.apply(decodeBoth(data));
    return accumulator;
}

} // namespace

class TestAnswerShapes : public QObject
{
    Q_OBJECT
private slots:
    void otherChoices_data();
    void otherChoices();
    void interleavedChoicesStream();
    void otherChoicesInCompletion();
    void emptyAnswers_data();
    void emptyAnswers();
    void emptyCompletions_data();
    void emptyCompletions();
    void loneSurrogates_data();
    void loneSurrogates();
    void loneSurrogatePairSplitAcrossChunks();
    void loneSurrogatesInEveryField();
    void loneSurrogatesInErrorsAndModels();
    void loneSurrogatesReplaced_data();
    void loneSurrogatesReplaced();
    void usageCounts_data();
    void usageCounts();
    void unfitNumbersElsewhere();
    void malformedNumbersStayErrors_data();
    void malformedNumbersStayErrors();
    void groqUsage();
};

void TestAnswerShapes::otherChoices_data()
{
    QTest::addColumn<QString>("data");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<QStringList>("toolCalls");
    QTest::addColumn<int>("ignored");
    QTest::addColumn<bool>("scanned");

    const QStringList none;
    QTest::newRow("choice 1 alone")
        << uR"({"choices":[{"index":1,"delta":{"content":"Lyon"},"finish_reason":null}]})"_s << ""
        << "" << none << 1 << true;
    QTest::newRow("choice 1 before choice 0")
        << uR"({"choices":[{"index":1,"delta":{"content":"B"}},{"index":0,"delta":{"content":"A"}}]})"_s
        << "A"
        << "" << none << 1 << true;
    QTest::newRow("index after the delta")
        << uR"({"choices":[{"delta":{"content":"B"},"index":1},{"delta":{"content":"A"},"index":0}]})"_s
        << "A"
        << "" << none << 1 << true;
    QTest::newRow("finish_reason of choice 1")
        << uR"({"choices":[{"index":1,"delta":{},"finish_reason":"stop"}]})"_s << ""
        << "" << none << 1 << true;
    QTest::newRow("finish_reason of choice 0 kept")
        << uR"({"choices":[{"index":0,"delta":{},"finish_reason":"length"},{"index":1,"delta":{},"finish_reason":"stop"}]})"_s
        << ""
        << "length" << none << 1 << true;
    QTest::newRow("without indexes the first is choice 0")
        << uR"({"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]})"_s << "a"
        << "" << none << 1 << true;
    QTest::newRow("two with index 0: the first")
        << uR"({"choices":[{"index":0,"delta":{"content":"a"}},{"index":0,"delta":{"content":"b"}}]})"_s
        << "a"
        << "" << none << 1 << true;
    QTest::newRow("three choices")
        << uR"({"choices":[{"index":2,"delta":{"content":"c"}},{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]})"_s
        << "a"
        << "" << none << 2 << true;
    QTest::newRow("tool call of choice 1")
        << uR"({"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{}"}}]}}]})"_s
        << ""
        << "" << none << 1 << false;
    QTest::newRow("tool call of choice 0, text of choice 1")
        << uR"({"choices":[{"index":1,"delta":{"content":"no"}},{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{}"}}]}}]})"_s
        << ""
        << "" << QStringList{"0|c1||f|{}"} << 1 << false;
    QTest::newRow("index 0.0 is choice 0")
        << uR"({"choices":[{"index":1,"delta":{"content":"x"}},{"index":0.0,"delta":{"content":"y"}}]})"_s
        << "y"
        << "" << none << 1 << false;
    QTest::newRow("index 1.5 is another choice")
        << uR"({"choices":[{"index":1.5,"delta":{"content":"x"}}]})"_s << ""
        << "" << none << 1 << false;
    QTest::newRow("huge index")
        << uR"({"choices":[{"index":12345678901234,"delta":{"content":"x"}}]})"_s << ""
        << "" << none << 1 << false;
    QTest::newRow("index null counts by position")
        << uR"({"choices":[{"index":null,"delta":{"content":"x"}}]})"_s << "x"
        << "" << none << 0 << false;
}

void TestAnswerShapes::otherChoices()
{
    QFETCH(QString, data);
    QFETCH(QString, content);
    QFETCH(QString, finishReason);
    QFETCH(QStringList, toolCalls);
    QFETCH(int, ignored);
    QFETCH(bool, scanned);

    bool wasScanned = false;
    const ChunkUpdate update = decodeBoth(data, &wasScanned);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!update.error);
    QCOMPARE(update.content, content);
    QCOMPARE(update.finishReason, finishReason);
    QCOMPARE(describe(update.toolCalls), toolCalls);
    QCOMPARE(update.ignoredChoices, ignored);
    QCOMPARE(wasScanned, scanned);
}

void TestAnswerShapes::interleavedChoicesStream()
{
    // n = 2 as vLLM and OpenAI stream it: the choices' chunks take turns.
    const QStringList events{
        uR"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})"_s,
        uR"({"choices":[{"index":1,"delta":{"role":"assistant","content":""}}]})"_s,
        uR"({"choices":[{"index":0,"delta":{"content":"Paris"}}]})"_s,
        uR"({"choices":[{"index":1,"delta":{"content":"Lyon"}}]})"_s,
        uR"({"choices":[{"index":0,"delta":{"content":" is the capital."}}]})"_s,
        uR"({"choices":[{"index":1,"delta":{"content":" is not."}}]})"_s,
        uR"({"choices":[{"index":1,"delta":{},"finish_reason":"length"}]})"_s,
        uR"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"_s,
        u"[DONE]"_s};
    const LogCounter log(u"choice pieces other than choice 0"_s);
    ResponseAccumulator accumulator = accumulate(events);
    QCOMPARE(accumulator.text(), u"Paris is the capital."_s);
    QCOMPARE(accumulator.finishReason(), u"stop"_s);
    QCOMPARE(accumulator.ignoredChoices(), 4);
    QVERIFY(!accumulator.finishAtEof());
    QVERIFY(!accumulator.finishAtEof());
    QCOMPARE(log.count(), 1); // once for the answer, with the count
    {
        const LogCounter counted(u"ignored 4 choice pieces"_s);
        ResponseAccumulator again = accumulate(events);
        again.finishAtEof();
        QCOMPARE(counted.count(), 1);
    }
    {
        // An answer with one choice logs nothing.
        const LogCounter none(u"choice 0"_s);
        ResponseAccumulator single = accumulate({events.at(0), events.at(2), events.at(8)});
        single.finishAtEof();
        QCOMPARE(none.count(), 0);
    }
}

void TestAnswerShapes::otherChoicesInCompletion()
{
    // Not streamed, choice 1 listed first, with a tool call and its own finish_reason.
    const QByteArray body = R"({"object":"chat.completion","model":"m","choices":[
        {"index":1,"message":{"role":"assistant","content":"Lyon is not.","tool_calls":[
            {"id":"c9","type":"function","function":{"name":"g","arguments":"{}"}}]},
         "finish_reason":"tool_calls"},
        {"index":0,"message":{"role":"assistant","content":"Paris is the capital."},
         "finish_reason":"stop"}]})";
    const ChunkUpdate update = ChunkDecoder::decodeCompletion(body);
    QVERIFY(!update.error);
    QCOMPARE(update.content, u"Paris is the capital."_s);
    QCOMPARE(update.finishReason, u"stop"_s);
    QVERIFY(update.toolCalls.isEmpty());
    QCOMPARE(update.ignoredChoices, 1);
    QVERIFY(update.done);
}

void TestAnswerShapes::emptyAnswers_data()
{
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<bool>("empty");
    QTest::addColumn<QString>("detail"); // the end of the message

    const QString role =
        uR"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})"_s;
    const QString stop = uR"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"_s;
    const QString done = u"[DONE]"_s;
    QTest::newRow("only [DONE]") << QStringList{done} << true << "(no finish_reason)";
    QTest::newRow("role, stop, [DONE]")
        << QStringList{role, stop, done} << true << "(finish_reason \"stop\")";
    QTest::newRow("role, stop, end of body")
        << QStringList{role, stop} << true << "(finish_reason \"stop\")";
    QTest::newRow("empty deltas and nulls")
        << QStringList{role,
                       uR"({"choices":[{"index":0,"delta":{"content":null,"reasoning":""}}]})"_s,
                       uR"({"choices":[{"index":0,"delta":{"tool_calls":[]}}]})"_s, stop, done}
        << true << "(finish_reason \"stop\")";
    QTest::newRow("usage only")
        << QStringList{role, stop,
                       uR"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":0}})"_s,
                       done}
        << true << "(finish_reason \"stop\")";
    QTest::newRow("only another choice spoke")
        << QStringList{uR"({"choices":[{"index":1,"delta":{"content":"Lyon"}}]})"_s,
                       uR"({"choices":[{"index":0,"delta":{},"finish_reason":"length"}]})"_s, done}
        << true << "(finish_reason \"length\")";
    QTest::newRow("tool call without name or arguments")
        << QStringList{uR"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1"}]}}]})"_s,
                       uR"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})"_s}
        << true << "(finish_reason \"tool_calls\")";
    QTest::newRow("finish_reason on one line")
        << QStringList{uR"({"choices":[{"index":0,"delta":{},"finish_reason":"a\nb"}]})"_s} << true
        << "(finish_reason \"a b\")";

    QTest::newRow("reasoning only, length")
        << QStringList{role, uR"({"choices":[{"index":0,"delta":{"reasoning_content":"Hm"}}]})"_s,
                       uR"({"choices":[{"index":0,"delta":{},"finish_reason":"length"}]})"_s, done}
        << false << "";
    QTest::newRow("refusal only")
        << QStringList{uR"({"choices":[{"index":0,"delta":{"refusal":"No."}}]})"_s, stop, done}
        << false << "";
    QTest::newRow("tool call only")
        << QStringList{uR"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":""}}]}}]})"_s,
                       uR"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})"_s,
                       done}
        << false << "";
    QTest::newRow("a space is content")
        << QStringList{uR"({"choices":[{"index":0,"delta":{"content":" "}}]})"_s, stop, done}
        << false << "";
    QTest::newRow("content_filter says why nothing came")
        << QStringList{role,
                       uR"({"choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]})"_s,
                       done}
        << false << "";
}

void TestAnswerShapes::emptyAnswers()
{
    QFETCH(QStringList, events);
    QFETCH(bool, empty);
    QFETCH(QString, detail);

    ResponseAccumulator accumulator = accumulate(events);
    const std::optional<ApiError> error = accumulator.finishAtEof();
    QCOMPARE(error.has_value(), empty);
    if (empty) {
        QCOMPARE(error->kind, ApiError::Kind::Empty);
        QCOMPARE(error->kindName(), u"empty"_s);
        QVERIFY2(error->message.startsWith(u"empty answer: the server sent no content, reasoning, "
                                           u"refusal or tool call "_s),
                 qPrintable(error->message));
        QVERIFY2(error->message.endsWith(detail), qPrintable(error->message));
        QVERIFY(!accumulator.hasOutput());
    } else {
        QVERIFY(accumulator.hasOutput() || accumulator.finishReason() == u"content_filter"_s);
    }
}

void TestAnswerShapes::emptyCompletions_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("empty");
    QTest::newRow("{}") << QByteArray("{}") << true;
    QTest::newRow("no choices") << QByteArray(R"({"choices":[]})") << true;
    QTest::newRow("null content")
        << QByteArray(R"({"choices":[{"index":0,"message":{"role":"assistant","content":null},)"
                      R"("finish_reason":"stop"}]})")
        << true;
    QTest::newRow("only choice 1")
        << QByteArray(R"({"choices":[{"index":1,"message":{"content":"Lyon"}}]})") << true;
    QTest::newRow("answer") << QByteArray(R"({"choices":[{"message":{"content":"Paris"}}]})")
                            << false;
}

void TestAnswerShapes::emptyCompletions()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, empty);
    ResponseAccumulator accumulator;
    accumulator.apply(ChunkDecoder::decodeCompletion(body));
    // Known as soon as the body is applied, before the end of the connection.
    QCOMPARE(accumulator.error().has_value(), empty);
    if (empty)
        QCOMPARE(accumulator.error()->kind, ApiError::Kind::Empty);
    QCOMPARE(accumulator.finishAtEof().has_value(), empty);
}

void TestAnswerShapes::loneSurrogates_data()
{
    QTest::addColumn<QString>("json"); // the content string as JSON text, without quotes
    QTest::addColumn<QString>("text");
    QTest::newRow("high, then a letter") << uR"(C\ud800D)"_s << u"C\uFFFDD"_s;
    QTest::newRow("low alone") << uR"(C\udc00D)"_s << u"C\uFFFDD"_s;
    QTest::newRow("high at the end") << uR"(C\ud800)"_s << u"C\uFFFD"_s;
    QTest::newRow("low at the start") << uR"(\udc00C)"_s << u"\uFFFDC"_s;
    QTest::newRow("high, then an escaped letter") << uR"(\ud800\u0041)"_s << u"\uFFFDA"_s;
    QTest::newRow("high, then a newline escape") << uR"(\ud800\n)"_s << u"\uFFFD\n"_s;
    QTest::newRow("two highs, then a low") << uR"(\ud83d\ud83d\ude00)"_s << u"\uFFFD\U0001F600"_s;
    QTest::newRow("low, then high") << uR"(\ude00\ud83d)"_s << u"\uFFFD\uFFFD"_s;
    QTest::newRow("pair kept") << uR"(\ud83d\ude00)"_s << u"\U0001F600"_s;
    QTest::newRow("high, then a raw pair") << u"\\ud83d\U0001F600"_s << u"\uFFFD\U0001F600"_s;
}

void TestAnswerShapes::loneSurrogates()
{
    QFETCH(QString, json);
    QFETCH(QString, text);
    bool scanned = false;
    const ChunkUpdate update = decodeBoth(
        uR"({"choices":[{"index":0,"delta":{"content":")"_s + json + u"\"}}]}"_s, &scanned);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!update.error);
    QCOMPARE(update.content, text);
    QVERIFY(!LoneSurrogates::found(update.content));
    QVERIFY(scanned); // the fast path replaces them itself

    // The same text in a whole answer.
    const ChunkUpdate whole = ChunkDecoder::decodeCompletion(
        (uR"({"choices":[{"index":0,"message":{"content":")"_s + json + u"\"}}]}"_s).toUtf8());
    QVERIFY(!whole.error);
    QCOMPARE(whole.content, text);
}

void TestAnswerShapes::loneSurrogatePairSplitAcrossChunks()
{
    // Each chunk is shown as it arrives, so each half is replaced on its own: what is stored is
    // what was shown, piece by piece.
    const QStringList events{uR"({"choices":[{"index":0,"delta":{"content":"A\ud83d"}}]})"_s,
                             uR"({"choices":[{"index":0,"delta":{"content":"\ude00B"}}]})"_s,
                             uR"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"_s};
    QString shown;
    ResponseAccumulator accumulator;
    for (const QString& data : events) {
        const ChunkUpdate update = decodeBoth(data);
        shown += update.content;
        accumulator.apply(update);
    }
    QCOMPARE(accumulator.text(), u"A\uFFFD\uFFFDB"_s);
    QCOMPARE(accumulator.text(), shown);
    QVERIFY(!accumulator.finishAtEof());
}

void TestAnswerShapes::loneSurrogatesInEveryField()
{
    // The document path: tool calls send it there, as do reasoning and refusal with a model.
    const ChunkUpdate update = decodeBoth(
        uR"({"model":"m\ud800","choices":[{"index":0,"delta":{"reasoning_content":"r\udc00",)"
        uR"("refusal":"no\ud800","tool_calls":[{"index":0,"id":"c\ud800","type":"function",)"
        uR"("function":{"name":"f\ud800","arguments":"{\"a\":\"\ud800\"}"}}]},)"
        uR"("finish_reason":"stop\ud800"}]})"_s);
    QVERIFY(!update.error);
    QCOMPARE(update.model, u"m\uFFFD"_s);
    QCOMPARE(update.reasoning, u"r\uFFFD"_s);
    QCOMPARE(update.refusal, u"no\uFFFD"_s);
    QCOMPARE(update.finishReason, u"stop\uFFFD"_s);
    QCOMPARE(describe(update.toolCalls),
             QStringList{u"0|c\uFFFD|function|f\uFFFD|{\"a\":\"\uFFFD\"}"_s});
}

void TestAnswerShapes::loneSurrogatesInErrorsAndModels()
{
    const ChunkUpdate streamed = decodeBoth(uR"({"error":{"message":"overloaded \ud800 now"}})"_s);
    QVERIFY(streamed.error);
    QCOMPARE(streamed.error->message, u"overloaded \uFFFD now"_s);
    const QString http = HttpErrorFormatter::format(
        400, "Bad Request", "application/json", R"({"error":{"message":"bad \udc00 request"}})");
    QCOMPARE(http, u"HTTP 400 Bad Request: bad \uFFFD request"_s);
    const QStringList models = ModelListParser::parse(R"({"data":[{"id":"m\ud800"}]})");
    QCOMPARE(models, QStringList{u"m\uFFFD"_s});
}

void TestAnswerShapes::loneSurrogatesReplaced_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("none") << u"plain \U0001F600"_s << u"plain \U0001F600"_s;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("high, letter") << u"C"_s + QChar(0xD800) + u"D"_s << u"C\uFFFDD"_s;
    QTest::newRow("low, letter") << QString(QChar(0xDC00)) + u"D"_s << u"\uFFFDD"_s;
    QTest::newRow("high at end") << u"C"_s + QChar(0xDBFF) << u"C\uFFFD"_s;
    QTest::newRow("high, high, low")
        << QString(QChar(0xD83D)) + QChar(0xD83D) + QChar(0xDE00) << u"\uFFFD\U0001F600"_s;
    QTest::newRow("low, low") << QString(QChar(0xDC00)) + QChar(0xDFFF) << u"\uFFFD\uFFFD"_s;
}

void TestAnswerShapes::loneSurrogatesReplaced()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(LoneSurrogates::found(text), text != expected);
    const QString replaced = LoneSurrogates::replaced(text);
    QCOMPARE(replaced, expected);
    QVERIFY(!LoneSurrogates::found(replaced));
    QCOMPARE(replaced.size(), text.size()); // nothing after a lone surrogate is eaten
}

void TestAnswerShapes::usageCounts_data()
{
    QTest::addColumn<QString>("usage");     // as sent
    QTest::addColumn<QByteArray>("stored"); // as kept, compact (keys sorted)
    QTest::newRow("sane") << uR"({"prompt_tokens":5,"completion_tokens":2,"total_tokens":7})"_s
                          << QByteArray(
                                 R"({"completion_tokens":2,"prompt_tokens":5,"total_tokens":7})");
    QTest::newRow("zero and the largest")
        << uR"({"prompt_tokens":0,"completion_tokens":2147483647})"_s
        << QByteArray(R"({"completion_tokens":2147483647,"prompt_tokens":0})");
    QTest::newRow("whole number written as 12.0")
        << uR"({"completion_tokens":12.0})"_s << QByteArray(R"({"completion_tokens":12})");
    QTest::newRow("negative")
        << uR"({"prompt_tokens":-1,"completion_tokens":-7,"total_tokens":-8})"_s
        << QByteArray("{}");
    QTest::newRow("fractional")
        << uR"({"prompt_tokens":5.5,"completion_tokens":2,"total_tokens":7.5})"_s
        << QByteArray(R"({"completion_tokens":2})");
    QTest::newRow("2^31") << uR"({"completion_tokens":2147483648,"prompt_tokens":3})"_s
                          << QByteArray(R"({"prompt_tokens":3})");
    QTest::newRow("1e20") << uR"({"completion_tokens":1e20,"prompt_tokens":3})"_s
                          << QByteArray(R"({"prompt_tokens":3})");
    QTest::newRow("1e999, beyond a double")
        << uR"({"prompt_tokens":3,"completion_tokens":1e999,"total_tokens":-1e999})"_s
        << QByteArray(R"({"prompt_tokens":3})");
    QTest::newRow("1e-999") << uR"({"completion_tokens":1e-999,"prompt_tokens":3})"_s
                            << QByteArray(R"({"prompt_tokens":3})");
    QTest::newRow("400 digits") << uR"({"completion_tokens":)"_s + QString(400, u'9') +
                                       uR"(,"prompt_tokens":3})"_s
                                << QByteArray(R"({"prompt_tokens":3})");
    QTest::newRow("a string, a bool, null")
        << uR"({"completion_tokens":"12","prompt_tokens":true,"total_tokens":null})"_s
        << QByteArray("{}");
    QTest::newRow("details")
        << uR"({"completion_tokens":4,"completion_tokens_details":{"reasoning_tokens":-1,)"
           uR"("accepted_prediction_tokens":3,"rejected_prediction_tokens":0.5},)"
           uR"("prompt_tokens_details":{"cached_tokens":1e999,"audio_tokens":0}})"_s
        << QByteArray(R"({"completion_tokens":4,"completion_tokens_details":)"
                      R"({"accepted_prediction_tokens":3},"prompt_tokens_details":)"
                      R"({"audio_tokens":0}})");
    QTest::newRow("other members kept (Groq's times)")
        << uR"({"queue_time":0.0196,"completion_tokens":9,"total_time":0.008})"_s
        << QByteArray(R"({"completion_tokens":9,"queue_time":0.0196,"total_time":0.008})");
}

void TestAnswerShapes::usageCounts()
{
    QFETCH(QString, usage);
    QFETCH(QByteArray, stored);
    // On the usage chunk of a stream, and in a whole answer.
    const ChunkUpdate update = decodeBoth(
        uR"({"choices":[{"index":0,"delta":{"content":"x"}}],"usage":)"_s + usage + u"}"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(!update.error, qPrintable(update.error ? update.error->message : QString()));
    QCOMPARE(update.content, u"x"_s);
    QCOMPARE(compact(update.usage), stored);
    const ChunkUpdate whole = ChunkDecoder::decodeCompletion(
        (uR"({"choices":[{"index":0,"message":{"content":"x"}}],"usage":)"_s + usage + u"}"_s)
            .toUtf8());
    QVERIFY(!whole.error);
    QCOMPARE(compact(whole.usage), stored);
}

void TestAnswerShapes::unfitNumbersElsewhere()
{
    // One unreadable number anywhere does not cost the chunk; inside a string it is text.
    const ChunkUpdate update =
        decodeBoth(uR"({"created":1e999,"x":[-1E+400,{"y":"1e999"}],"choices":[{"index":0,)"
                   uR"("delta":{"content":"1e999 \"2e999\""}}]})"_s);
    QVERIFY2(!update.error, qPrintable(update.error ? update.error->message : QString()));
    QCOMPARE(update.content, u"1e999 \"2e999\""_s);
}

void TestAnswerShapes::malformedNumbersStayErrors_data()
{
    QTest::addColumn<QString>("data");
    QTest::newRow("1e") << uR"({"a":1e,"choices":[]})"_s;
    QTest::newRow("minus alone") << uR"({"a":-,"choices":[]})"_s;
    QTest::newRow("1e999 in a broken chunk") << uR"({"usage":{"completion_tokens":1e999},)"_s;
}

void TestAnswerShapes::malformedNumbersStayErrors()
{
    QFETCH(QString, data);
    const ChunkUpdate update = decodeBoth(data);
    QVERIFY(update.error);
    QCOMPARE(update.error->kind, ApiError::Kind::Protocol);
    QVERIFY2(update.error->message.startsWith(u"malformed JSON in stream chunk: "_s),
             qPrintable(update.error->message));
}

void TestAnswerShapes::groqUsage()
{
    // Groq's first and last chunks, as sent.
    bool scanned = false;
    const ChunkUpdate first = decodeBoth(
        uR"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,)"
        uR"("model":"llama-3.1-8b-instant","system_fingerprint":"fp_1","choices":[{"index":0,)"
        uR"("delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],)"
        uR"("x_groq":{"id":"req_01"}})"_s,
        &scanned);
    QVERIFY(scanned); // x_groq without usage stays on the fast path
    QVERIFY(!first.usage);

    const ChunkUpdate last = decodeBoth(
        uR"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,)"
        uR"("model":"llama-3.1-8b-instant","choices":[{"index":0,"delta":{},"logprobs":null,)"
        uR"("finish_reason":"stop"}],"x_groq":{"id":"req_01","usage":{"queue_time":0.0196,)"
        uR"("prompt_tokens":12,"prompt_time":0.0006,"completion_tokens":9,)"
        uR"("completion_time":0.0075,"total_tokens":21,"total_time":0.008}}})"_s,
        &scanned);
    QVERIFY(!scanned);
    QVERIFY(last.usage);
    QCOMPARE(last.usage->value("completion_tokens").toInteger(), 9);
    QCOMPARE(last.usage->value("prompt_tokens").toInteger(), 12);
    QCOMPARE(last.finishReason, u"stop"_s);

    // Top-level usage, when there is one, is the one read; x_groq's counts are checked too.
    const ChunkUpdate both = decodeBoth(
        uR"({"choices":[],"usage":{"completion_tokens":5},"x_groq":{"usage":{"completion_tokens":9}}})"_s);
    QCOMPARE(compact(both.usage), QByteArray(R"({"completion_tokens":5})"));
    const ChunkUpdate insane = decodeBoth(
        uR"({"choices":[],"usage":null,"x_groq":{"usage":{"completion_tokens":-9,"prompt_tokens":1}}})"_s);
    QCOMPARE(compact(insane.usage), QByteArray(R"({"prompt_tokens":1})"));
    const ChunkUpdate nullUsage =
        decodeBoth(uR"({"choices":[],"x_groq":{"id":"req_01","usage":null}})"_s, &scanned);
    QVERIFY(scanned);
    QVERIFY(!nullUsage.usage);
}

QTEST_GUILESS_MAIN(TestAnswerShapes)
#include "tst_answershapes.moc"

#include "openai/ResponseAccumulator.h"
#include "openai/ToolCallAccumulator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace adminchat;

Q_DECLARE_METATYPE(QList<adminchat::ChunkUpdate>)
Q_DECLARE_METATYPE(QList<adminchat::ToolCallDelta>)

namespace {

constexpr int noError = -1;
const QString cutOffMessage =
    QStringLiteral("stream ended before the answer was complete (no finish_reason or [DONE])");

ToolCallDelta piece(int index, const QString& id, const QString& name, const QString& arguments,
                    const QString& type = {})
{
    ToolCallDelta delta;
    delta.index = index;
    delta.id = id;
    delta.type = type;
    delta.name = name;
    delta.arguments = arguments;
    return delta;
}

// "index|id|type|name|arguments", one string per call, for readable comparisons.
QStringList describe(const QList<ToolCall>& calls)
{
    QStringList out;
    for (const ToolCall& call : calls)
        out.append(QStringLiteral("%1|%2|%3|%4|%5")
                       .arg(call.index)
                       .arg(call.id, call.type, call.name, call.arguments));
    return out;
}

ChunkUpdate content(const QString& text)
{
    ChunkUpdate update;
    update.content = text;
    return update;
}

ChunkUpdate reasoning(const QString& text)
{
    ChunkUpdate update;
    update.reasoning = text;
    return update;
}

ChunkUpdate refusal(const QString& text)
{
    ChunkUpdate update;
    update.refusal = text;
    return update;
}

ChunkUpdate finish(const QString& reason)
{
    ChunkUpdate update;
    update.finishReason = reason;
    return update;
}

ChunkUpdate usage(const QByteArray& json)
{
    ChunkUpdate update;
    update.usage = QJsonDocument::fromJson(json).object();
    return update;
}

ChunkUpdate model(const QString& name)
{
    ChunkUpdate update;
    update.model = name;
    return update;
}

ChunkUpdate done()
{
    ChunkUpdate update;
    update.done = true;
    return update;
}

ChunkUpdate failure(ApiError::Kind kind, const QString& message)
{
    ChunkUpdate update;
    update.error = ApiError{kind, message};
    return update;
}

ChunkUpdate tools(const QList<ToolCallDelta>& deltas)
{
    ChunkUpdate update;
    update.toolCalls = deltas;
    return update;
}

QByteArray compact(const std::optional<QJsonObject>& object)
{
    return object ? QJsonDocument(*object).toJson(QJsonDocument::Compact) : QByteArray();
}

} // namespace

class TestResponseAccumulator : public QObject
{
    Q_OBJECT
private slots:
    void toolCalls_data();
    void toolCalls();
    void apply_data();
    void apply();
    void finishAtEofIsRepeatable();
    void toolCallsThroughApply();
    void textIsBounded();
};

void TestResponseAccumulator::toolCalls_data()
{
    QTest::addColumn<QList<ToolCallDelta>>("pieces");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("one call, arguments split")
        << QList<ToolCallDelta>{piece(0, "call_1", "get_weather", "", "function"),
                                piece(0, {}, {}, "{\"loc"), piece(0, {}, {}, "ation\":"),
                                piece(0, {}, {}, "\"Paris\"}")}
        << QStringList{"0|call_1|function|get_weather|{\"location\":\"Paris\"}"};
    QTest::newRow("two calls interleaved by index")
        << QList<ToolCallDelta>{piece(0, "call_a", "f", "{\"x\":"), piece(1, "call_b", "g", "{"),
                                piece(0, {}, {}, "1}"), piece(1, {}, {}, "}")}
        << QStringList{"0|call_a|function|f|{\"x\":1}", "1|call_b|function|g|{}"};
    QTest::newRow("indexes kept as sent, ordered by appearance")
        << QList<ToolCallDelta>{piece(5, "c5", "five", "5"), piece(2, "c2", "two", "2"),
                                piece(5, {}, {}, "!")}
        << QStringList{"5|c5|function|five|5!", "2|c2|function|two|2"};
    QTest::newRow("id, name and type filled when first present")
        << QList<ToolCallDelta>{piece(0, {}, {}, "{"), piece(0, "call_late", {}, ""),
                                piece(0, {}, "late_name", "}", "custom"),
                                piece(0, "call_late", "other_name", "")}
        << QStringList{"0|call_late|custom|late_name|{}"};
    QTest::newRow("no index continues the last call")
        << QList<ToolCallDelta>{piece(-1, "call_1", "f", "{\"a\""), piece(-1, {}, {}, ":1}")}
        << QStringList{"0|call_1|function|f|{\"a\":1}"};
    QTest::newRow("no index, repeated id continues")
        << QList<ToolCallDelta>{piece(-1, "call_1", "f", "{"), piece(-1, "call_1", {}, "}")}
        << QStringList{"0|call_1|function|f|{}"};
    QTest::newRow("no index, new id starts a call")
        << QList<ToolCallDelta>{piece(-1, "call_1", "f", "{"), piece(-1, {}, {}, "}"),
                                piece(-1, "call_2", "g", "{}"), piece(-1, "call_3", "h", "[")}
        << QStringList{"0|call_1|function|f|{}", "1|call_2|function|g|{}", "2|call_3|function|h|["};
    QTest::newRow("no index and no call yet")
        << QList<ToolCallDelta>{piece(-1, {}, {}, "{}")} << QStringList{"0||function||{}"};
    QTest::newRow("no index, id after an id-less start fills it")
        << QList<ToolCallDelta>{piece(-1, {}, "f", "{"), piece(-1, "call_1", {}, "}")}
        << QStringList{"0|call_1|function|f|{}"};
    QTest::newRow("no index after indexed pieces continues the last touched")
        << QList<ToolCallDelta>{piece(0, "a", "f", "1"), piece(1, "b", "g", "2"),
                                piece(-1, {}, {}, "3")}
        << QStringList{"0|a|function|f|1", "1|b|function|g|23"};
    QTest::newRow("same index with another id is another call")
        << QList<ToolCallDelta>{piece(0, "a", "f", "{}"), piece(0, "b", "g", "{"),
                                piece(0, {}, {}, "}")}
        << QStringList{"0|a|function|f|{}", "0|b|function|g|{}"};
}

void TestResponseAccumulator::toolCalls()
{
    QFETCH(QList<ToolCallDelta>, pieces);
    QFETCH(QStringList, expected);

    ToolCallAccumulator accumulator;
    QVERIFY(accumulator.isEmpty());
    for (const ToolCallDelta& delta : pieces)
        accumulator.add(delta);
    QCOMPARE(describe(accumulator.calls()), expected);
    QCOMPARE(accumulator.isEmpty(), expected.isEmpty());
}

void TestResponseAccumulator::apply_data()
{
    QTest::addColumn<QList<ChunkUpdate>>("updates");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reasoningText");
    QTest::addColumn<QString>("refusalText");
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<QByteArray>("usageJson");
    QTest::addColumn<QString>("modelName");
    QTest::addColumn<bool>("doneSeen");
    QTest::addColumn<int>("eofErrorKind");
    QTest::addColumn<QString>("eofErrorMessage");

    const int cutOff = int(ApiError::Kind::CutOff);
    const int stream = int(ApiError::Kind::Stream);
    const int protocol = int(ApiError::Kind::Protocol);
    const int empty = int(ApiError::Kind::Empty);

    QTest::newRow("content appended, [DONE]")
        << QList<ChunkUpdate>{content("Hel"), content("lo"), content(", world"), done()}
        << "Hello, world"
        << ""
        << ""
        << "" << QByteArray() << "" << true << noError << "";
    QTest::newRow("reasoning then content")
        << QList<ChunkUpdate>{reasoning("Think"), reasoning("ing."), content("Answer"),
                              finish("stop"), done()}
        << "Answer"
        << "Thinking."
        << ""
        << "stop" << QByteArray() << "" << true << noError << "";
    QTest::newRow("refusal appended")
        << QList<ChunkUpdate>{refusal("I can't "), refusal("help."), finish("stop")} << ""
        << ""
        << "I can't help."
        << "stop" << QByteArray() << "" << false << noError << "";
    QTest::newRow("finish_reason: last non-empty kept")
        << QList<ChunkUpdate>{content("a"), finish("length"), finish(""), content("b")} << "ab"
        << ""
        << ""
        << "length" << QByteArray() << "" << false << noError << "";
    QTest::newRow("finish_reason: later value replaces (and nothing else is empty)")
        << QList<ChunkUpdate>{finish("stop"), finish("eos")} << ""
        << ""
        << ""
        << "eos" << QByteArray() << "" << false << empty
        << "empty answer: the server sent no content, reasoning, refusal or tool call "
           "(finish_reason \"eos\")";
    QTest::newRow("usage: last wins")
        << QList<ChunkUpdate>{usage(R"({"prompt_tokens":5,"completion_tokens":1})"), content("x"),
                              usage(R"({"prompt_tokens":5,"completion_tokens":2,)"
                                    R"("total_tokens":7})"),
                              content("y"), done()}
        << "xy"
        << ""
        << ""
        << ""
        << QByteArray(R"({"completion_tokens":2,"prompt_tokens":5,)"
                      R"("total_tokens":7})")
        << "" << true << noError << "";
    QTest::newRow("model: first non-empty (and nothing else is empty)")
        << QList<ChunkUpdate>{model(""), model("gpt-4o-2024-08-06"), model("other"), done()} << ""
        << ""
        << ""
        << "" << QByteArray() << "gpt-4o-2024-08-06" << true << empty
        << "empty answer: the server sent no content, reasoning, refusal or tool call "
           "(no finish_reason)";
    QTest::newRow("finish_reason without [DONE] is success")
        << QList<ChunkUpdate>{content("ok"), finish("stop")} << "ok"
        << ""
        << ""
        << "stop" << QByteArray() << "" << false << noError << "";
    QTest::newRow("[DONE] without finish_reason is success")
        << QList<ChunkUpdate>{content("ok"), done()} << "ok"
        << ""
        << ""
        << "" << QByteArray() << "" << true << noError << "";
    QTest::newRow("neither is cut off")
        << QList<ChunkUpdate>{content("partial"), model("m")} << "partial"
        << ""
        << ""
        << "" << QByteArray() << "m" << false << cutOff << cutOffMessage;
    QTest::newRow("nothing at all is cut off")
        << QList<ChunkUpdate>{} << ""
        << ""
        << ""
        << "" << QByteArray() << "" << false << cutOff << cutOffMessage;
    QTest::newRow("first error kept, later output ignored")
        << QList<ChunkUpdate>{content("Hel"),
                              failure(ApiError::Kind::Stream, "overloaded"),
                              content("lo"),
                              reasoning("r"),
                              failure(ApiError::Kind::Protocol, "second"),
                              finish("stop"),
                              done()}
        << "Hel"
        << ""
        << ""
        << "" << QByteArray() << "" << false << stream << "overloaded";
    QTest::newRow("protocol error after finish_reason still fails")
        << QList<ChunkUpdate>{content("a"), finish("stop"),
                              failure(ApiError::Kind::Protocol, "malformed")}
        << "a"
        << ""
        << ""
        << "stop" << QByteArray() << "" << false << protocol << "malformed";
}

void TestResponseAccumulator::apply()
{
    QFETCH(QList<ChunkUpdate>, updates);
    QFETCH(QString, text);
    QFETCH(QString, reasoningText);
    QFETCH(QString, refusalText);
    QFETCH(QString, finishReason);
    QFETCH(QByteArray, usageJson);
    QFETCH(QString, modelName);
    QFETCH(bool, doneSeen);
    QFETCH(int, eofErrorKind);
    QFETCH(QString, eofErrorMessage);

    ResponseAccumulator accumulator;
    for (const ChunkUpdate& update : updates)
        accumulator.apply(update);

    QCOMPARE(accumulator.text(), text);
    QCOMPARE(accumulator.reasoning(), reasoningText);
    QCOMPARE(accumulator.refusal(), refusalText);
    QCOMPARE(accumulator.finishReason(), finishReason);
    QCOMPARE(compact(accumulator.usage()), usageJson);
    QCOMPARE(accumulator.model(), modelName);
    QCOMPARE(accumulator.doneSeen(), doneSeen);

    const std::optional<ApiError> error = accumulator.finishAtEof();
    QCOMPARE(error.has_value(), eofErrorKind != noError);
    if (error) {
        QCOMPARE(int(error->kind), eofErrorKind);
        QCOMPARE(error->message, eofErrorMessage);
        QVERIFY(accumulator.error());
        QCOMPARE(accumulator.error()->message, eofErrorMessage);
    } else {
        QVERIFY(!accumulator.error());
    }
}

void TestResponseAccumulator::finishAtEofIsRepeatable()
{
    ResponseAccumulator accumulator;
    accumulator.apply(content("x"));
    const auto first = accumulator.finishAtEof();
    const auto second = accumulator.finishAtEof();
    QVERIFY(first && second);
    QCOMPARE(first->kind, ApiError::Kind::CutOff);
    QCOMPARE(second->kind, ApiError::Kind::CutOff);
    QCOMPARE(second->message, first->message);
}

void TestResponseAccumulator::toolCallsThroughApply()
{
    ResponseAccumulator accumulator;
    accumulator.apply(tools({piece(0, "call_1", "search", "{\"q\":", "function")}));
    accumulator.apply(tools({piece(0, {}, {}, "\"qt\"}"), piece(1, "call_2", "open", "{}")}));
    accumulator.apply(failure(ApiError::Kind::Stream, "boom"));
    accumulator.apply(tools({piece(1, {}, {}, "ignored")}));
    QCOMPARE(describe(accumulator.toolCalls()),
             (QStringList{"0|call_1|function|search|{\"q\":\"qt\"}", "1|call_2|function|open|{}"}));
    QCOMPARE(accumulator.finishAtEof()->message, QStringLiteral("boom"));
}

void TestResponseAccumulator::textIsBounded()
{
    // Content, reasoning and refusal count together; reaching the limit exactly is fine.
    const qsizetype third = ResponseAccumulator::maxTextChars / 4;
    ResponseAccumulator accumulator;
    accumulator.apply(reasoning(QString(third, QLatin1Char('r'))));
    accumulator.apply(refusal(QString(third, QLatin1Char('n'))));
    accumulator.apply(
        content(QString(ResponseAccumulator::maxTextChars - 2 * third, QLatin1Char('c'))));
    QCOMPARE(accumulator.textChars(), ResponseAccumulator::maxTextChars);
    QVERIFY(!accumulator.error());

    accumulator.apply(content(QStringLiteral("over")));
    QVERIFY(accumulator.error());
    QCOMPARE(accumulator.error()->kind, ApiError::Kind::Protocol);
    QVERIFY2(accumulator.error()->message.contains(QStringLiteral("16 Mi characters")),
             qPrintable(accumulator.error()->message));
    QVERIFY(!accumulator.error()->message.contains(QLatin1Char('\n')));
    // The text so far stays; nothing more is taken.
    QVERIFY(accumulator.text().endsWith(QStringLiteral("over")));
    const qsizetype kept = accumulator.textChars();
    accumulator.apply(content(QStringLiteral("more")));
    QCOMPARE(accumulator.textChars(), kept);
    QCOMPARE(accumulator.finishAtEof()->kind, ApiError::Kind::Protocol);
}

QTEST_GUILESS_MAIN(TestResponseAccumulator)
#include "tst_responseaccumulator.moc"

#include "sse/SseDecoder.h"

#include <QDebug>
#include <QTest>
#include <climits>
#include <optional>

using adminchat::SseDecoder;
using adminchat::SseEvent;

namespace adminchat {

bool operator==(const SseEvent& a, const SseEvent& b)
{
    return a.type == b.type && a.data == b.data && a.lastEventId == b.lastEventId;
}

// Used by QCOMPARE on lists of events to show the differing element.
QDebug operator<<(QDebug debug, const SseEvent& event)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "SseEvent(type=" << event.type << ", data=" << event.data
                    << ", id=" << event.lastEventId << ')';
    return debug;
}

} // namespace adminchat

namespace {

constexpr int defaultLimit = SseDecoder::defaultMaxLineBytes;

SseEvent sse(const QString& data, const QString& type = QStringLiteral("message"),
             const QString& id = {})
{
    SseEvent e;
    e.type = type;
    e.data = data;
    e.lastEventId = id;
    return e;
}

// A byte string that may contain NUL bytes.
template <qsizetype N> QByteArray bytes(const char (&s)[N])
{
    return QByteArray(s, N - 1);
}

// What a test case expects after the whole input has been fed.
struct Expect
{
    QList<SseEvent> events = {};
    int retryMs = -1; // -1: no valid retry field
    QString lastEventId = {};
    int comments = 0;
    int maxLine = defaultLimit;
    int maxEvent = defaultLimit;
    QString error = {}; // empty: every feed() succeeds
};

// What the decoder produced, gathered the same way for every way of splitting the input.
struct Outcome
{
    QList<SseEvent> events = {};
    bool ok = true;
    QString error;
    int retryMs = -1;
    QString lastEventId = {};
    int comments = 0;
    QStringList violations; // broken invariants, reported by name
};

Outcome run(const QList<QByteArray>& chunks, int maxLine, int maxEvent)
{
    SseDecoder decoder(maxLine, maxEvent);
    // The same input through the callback, keeping deep copies: the decoder then writes each
    // event over the buffers of the one before, which must not show.
    SseDecoder calling(maxLine, maxEvent);
    QList<SseEvent> called;
    const auto keepCopy = [&called](const SseEvent& event) {
        auto deep = [](const QString& text) {
            return QString(text.constData(), text.size());
        };
        called.append({deep(event.type), deep(event.data), deep(event.lastEventId)});
    };
    Outcome o;
    for (const QByteArray& chunk : chunks) {
        const qsizetype before = o.events.size();
        const bool accepted = decoder.feed(chunk, o.events);
        if (calling.feed(chunk, keepCopy) != accepted)
            o.violations << QStringLiteral("feed() with a callback returned otherwise");
        if (!o.ok && accepted)
            o.violations << QStringLiteral("feed() returned true after a failure");
        if (!o.ok && o.events.size() != before)
            o.violations << QStringLiteral("events appended after a failure");
        o.ok = o.ok && accepted;
        if (decoder.hasError() == accepted)
            o.violations << QStringLiteral("hasError() disagrees with feed()");
    }
    if (called != o.events)
        o.violations << QStringLiteral("the callback was given other events than the list");
    o.error = decoder.errorString();
    o.retryMs = decoder.retryMs().value_or(-1);
    o.lastEventId = decoder.lastEventId();
    o.comments = int(decoder.commentCount());

    if (o.ok) {
        // EOF discards a pending event and a pending line: a blank line after finish() must not
        // dispatch anything left over from the input.
        decoder.finish();
        QList<SseEvent> after;
        if (!decoder.feed("\n", after) || !after.isEmpty())
            o.violations << QStringLiteral("finish() did not discard the pending event");
    } else {
        QList<SseEvent> after;
        if (decoder.feed("data:x\n\n", after) || !after.isEmpty())
            o.violations << QStringLiteral("decoder accepted input after failing");
        if (decoder.errorString() != o.error)
            o.violations << QStringLiteral("errorString() changed after failing");
    }
    return o;
}

void compareOutcome(const Outcome& actual, const Expect& expected)
{
    QCOMPARE(actual.violations, QStringList());
    QCOMPARE(actual.events, expected.events);
    QCOMPARE(actual.error, expected.error);
    QCOMPARE(actual.ok, expected.error.isEmpty());
    QCOMPARE(actual.retryMs, expected.retryMs);
    QCOMPARE(actual.lastEventId, expected.lastEventId);
    QCOMPARE(actual.comments, expected.comments);
}

// Feeds input all at once, one byte at a time and split into two reads at every position, and
// expects the same result each time.
void checkAllSplits(const QByteArray& input, const Expect& expected)
{
    auto check = [&](const QList<QByteArray>& chunks, const QString& how) {
        const Outcome actual = run(chunks, expected.maxLine, expected.maxEvent);
        compareOutcome(actual, expected);
        if (QTest::currentTestFailed())
            qWarning().noquote() << "fed" << how << "- got" << actual.events << "expected"
                                 << expected.events;
    };

    check({input}, QStringLiteral("all at once"));
    if (QTest::currentTestFailed())
        return;

    QList<QByteArray> singleBytes;
    for (const char c : input)
        singleBytes << QByteArray(1, c);
    check(singleBytes, QStringLiteral("one byte at a time"));
    if (QTest::currentTestFailed())
        return;

    for (qsizetype split = 0; split <= input.size(); ++split) {
        check({input.left(split), input.mid(split)},
              QStringLiteral("in two reads split at %1").arg(split));
        if (QTest::currentTestFailed())
            return;
    }
}

} // namespace

Q_DECLARE_METATYPE(Expect)

class TestSseDecoder : public QObject
{
    Q_OBJECT

private slots:
    void decode_data();
    void decode();

    void crAndLfInSeparateReads();
    void finishDiscardsPendingEventAndLine();
    void finishAllowsANewStream();
    void emptyFeed();
    void lineLimitStopsAtFirstExcessByte();
    void defaultLimitsNameMiB();
};

void TestSseDecoder::decode_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Expect>("expected");

    const QString msg = QStringLiteral("message");
    auto row = [](const char* name, const QByteArray& input, const Expect& expected) {
        QTest::newRow(name) << input << expected;
    };

    // Line endings.
    row("lf", "data:hello\n\n", {.events = {sse("hello")}});
    row("crlf", "data:hello\r\n\r\n", {.events = {sse("hello")}});
    row("cr", "data:hello\r\r", {.events = {sse("hello")}});
    row("mixed endings", "data:a\rdata:b\r\ndata:c\n\r\n", {.events = {sse("a\nb\nc")}});
    row("crlf is one line end", "data:x\r\ndata:y\r\n\r\n", {.events = {sse("x\ny")}});
    row("lf then cr is two line ends", "data:x\n\rdata:y\n\n", {.events = {sse("x"), sse("y")}});
    row("cr cr lf", "data:x\r\r\ndata:y\n\n", {.events = {sse("x"), sse("y")}});
    row("several crlf events", "data:a\r\n\r\ndata:b\r\n\r\n", {.events = {sse("a"), sse("b")}});

    // Byte order mark.
    row("bom at start",
        "\xEF\xBB\xBF"
        "data:x\n\n",
        {.events = {sse("x")}});
    row("bom before comment", "\xEF\xBB\xBF:c\n", {.comments = 1});
    row("only one bom is skipped",
        "\xEF\xBB\xBF\xEF\xBB\xBF"
        "data:x\n\n",
        {});
    row("bom inside data is kept", "data:\xEF\xBB\xBFx\n\n",
        {.events = {sse(QChar(0xFEFF) + QStringLiteral("x"))}});
    row("bom in type and id is kept",
        "event:\xEF\xBB\xBFt\nid:\xEF\xBB\xBF"
        "1\ndata:x\n\n",
        {.events = {sse("x", QChar(0xFEFF) + QStringLiteral("t"),
                        QChar(0xFEFF) + QStringLiteral("1"))},
         .lastEventId = QChar(0xFEFF) + QStringLiteral("1")});
    row("bom at later line start is not skipped",
        "data:a\n\n\xEF\xBB\xBF"
        "data:b\n\n",
        {.events = {sse("a")}});
    row("partial bom is line content", "\xEF\xBB:c\n", {});
    row("partial bom then line end", "\xEF\xBB\ndata:x\n\n", {.events = {sse("x")}});

    // Comments.
    row("comments", ": keep-alive\n:\n: OPENROUTER PROCESSING\n\ndata:x\n\n",
        {.events = {sse("x")}, .comments = 3});
    row("comment inside event", "data:a\n: ping\ndata:b\n\n",
        {.events = {sse("a\nb")}, .comments = 1});
    row("colon after space is not a comment", " :x\ndata:y\n\n", {.events = {sse("y")}});

    // event field.
    row("event type", "event:update\ndata:x\n\n", {.events = {sse("x", "update")}});
    row("event type message explicit", "event:message\ndata:x\n\n", {.events = {sse("x")}});
    row("event type reset after dispatch", "event:a\ndata:1\n\ndata:2\n\n",
        {.events = {sse("1", "a"), sse("2")}});
    row("event type reset by blank line without data", "event:a\n\ndata:2\n\n",
        {.events = {sse("2")}});
    row("empty event type is message", "event:\ndata:x\n\n", {.events = {sse("x")}});
    row("last event field wins", "event:a\nevent:b\ndata:x\n\n", {.events = {sse("x", "b")}});

    // id field.
    row("id", "id:42\ndata:x\n\n", {.events = {sse("x", msg, "42")}, .lastEventId = "42"});
    row("id persists", "id:1\ndata:a\n\ndata:b\n\n",
        {.events = {sse("a", msg, "1"), sse("b", msg, "1")}, .lastEventId = "1"});
    row("empty id resets", "id:1\ndata:a\n\nid\ndata:b\n\n",
        {.events = {sse("a", msg, "1"), sse("b")}});
    row("id with nul is ignored", bytes("id:1\ndata:a\n\nid:2\0003\ndata:b\n\n"),
        {.events = {sse("a", msg, "1"), sse("b", msg, "1")}, .lastEventId = "1"});
    row("id committed by blank line without data", "id:7\n\n", {.lastEventId = "7"});
    row("id without blank line is not committed", "id:7\ndata:x\n", {});
    row("id set after data applies to event", "data:x\nid:9\n\n",
        {.events = {sse("x", msg, "9")}, .lastEventId = "9"});

    // retry field.
    row("retry", "retry:1500\n", {.retryMs = 1500});
    row("retry with space", "retry: 20\n", {.retryMs = 20});
    row("retry non digits ignored", "retry:1500\nretry:15x\nretry:-1\nretry:1.5\nretry:\nretry\n",
        {.retryMs = 1500});
    row("retry two spaces ignored", "retry:  20\n", {});
    row("retry zero", "retry:0\n", {.retryMs = 0});
    row("retry overflow saturates", "retry:99999999999999999999\n", {.retryMs = INT_MAX});

    // Unknown fields and field syntax.
    row("unknown fields ignored", "foo:bar\ndata:x\nDATA:y\nData:z\ndata :w\n\n",
        {.events = {sse("x")}});
    row("field without colon", "data\n\n", {.events = {sse("")}});
    row("two fields without colon", "data\ndata\n\n", {.events = {sse("\n")}});
    row("event without colon", "event\ndata:x\n\n", {.events = {sse("x")}});
    row("no space", "data:x\n\n", {.events = {sse("x")}});
    row("one space removed", "data: x\n\n", {.events = {sse("x")}});
    row("second space kept", "data:  x\n\n", {.events = {sse(" x")}});
    row("trailing space kept", "data:x \n\n", {.events = {sse("x ")}});
    row("tab kept", "data:\tx\n\n", {.events = {sse("\tx")}});
    row("colons in value", "data: a:b: c\n\n", {.events = {sse("a:b: c")}});
    row("nul in data", bytes("data:a\0b\n\n"),
        {.events = {sse(QStringLiteral("a") + QChar(0) + QStringLiteral("b"))}});

    // Data buffer and dispatch.
    row("empty data dispatches", "data:\n\n", {.events = {sse("")}});
    row("data space only dispatches empty", "data: \n\n", {.events = {sse("")}});
    row("multi line data", "data:a\ndata:b\ndata:c\n\n", {.events = {sse("a\nb\nc")}});
    row("two empty data lines", "data:\ndata:\n\n", {.events = {sse("\n")}});
    row("trailing empty data line", "data:a\ndata:\n\n", {.events = {sse("a\n")}});
    row("blank lines without data", "\n\n\n\r\n\r\r", {});
    row("fields without data dispatch nothing", "event:x\nretry:5\n\n\n", {.retryMs = 5});
    row("eof discards pending event", "data:x\n", {});
    row("eof discards event ended by cr line", "data:x\r", {});
    row("eof discards incomplete line", "data:a\n\ndata:x", {.events = {sse("a")}});

    // UTF-8.
    row("multi byte utf8", "data:h\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8E\x89\n\n",
        {.events = {sse(QStringLiteral("héllo 世界 🎉"))}});
    row("utf8 in type and id", "event:\xC3\xA9v\nid:\xF0\x9F\x8E\x89\ndata:\xE4\xB8\x96\n\n",
        {.events = {sse(QStringLiteral("世"), QStringLiteral("év"), QStringLiteral("🎉"))},
         .lastEventId = QStringLiteral("🎉")});
    row("invalid utf8 replaced", "data:\xFF\xFEx\n\n",
        {.events = {sse(QString(2, QChar::ReplacementCharacter) + QStringLiteral("x"))}});
    row("truncated utf8 does not swallow line end", "data:\xE4\xB8\ndata:ok\n\n",
        {.events = {sse(QString::fromUtf8("\xE4\xB8") + QStringLiteral("\nok"))}});

    // Bounds: a line of exactly the limit is fine, one byte more fails.
    const QByteArray line64 = "data:" + QByteArray(59, 'a');
    const QString lineError = QStringLiteral("event stream line exceeds 64 B limit");
    row("line at limit", line64 + "\n\n", {.events = {sse(QString(59, 'a'))}, .maxLine = 64});
    row("line at limit with crlf", line64 + "\r\n\r\n",
        {.events = {sse(QString(59, 'a'))}, .maxLine = 64});
    row("line at limit after bom", "\xEF\xBB\xBF" + line64 + "\n\n",
        {.events = {sse(QString(59, 'a'))}, .maxLine = 64});
    row("line over limit", line64 + "a\n\n", {.maxLine = 64, .error = lineError});
    row("unterminated line over limit", line64 + "a", {.maxLine = 64, .error = lineError});
    row("comment over limit", ":" + QByteArray(64, 'c') + "\n",
        {.maxLine = 64, .error = lineError});
    row("events before line failure kept",
        "data:1\n\nid:5\ndata:2\n\n" + QByteArray(100, 'x') + "\ndata:3\n\n",
        {.events = {sse("1"), sse("2", msg, "5")},
         .lastEventId = "5",
         .maxLine = 64,
         .error = lineError});
    row("line limit in KiB", "data:" + QByteArray(1020, 'k') + "\n\n",
        {.maxLine = 1024, .error = QStringLiteral("event stream line exceeds 1 KiB limit")});

    // Bounds on the data of one event (the dispatched data, joined with LF).
    const QString eventError = QStringLiteral("event stream event exceeds 64 B limit");
    row("event at limit", "data:" + QByteArray(64, 'e') + "\n\n",
        {.events = {sse(QString(64, 'e'))}, .maxEvent = 64});
    row("event over limit", "data:" + QByteArray(65, 'e') + "\n\n",
        {.maxEvent = 64, .error = eventError});
    row("multi line event at limit",
        "data:" + QByteArray(32, 'a') + "\ndata:" + QByteArray(31, 'b') + "\n\n",
        {.events = {sse(QString(32, 'a') + '\n' + QString(31, 'b'))}, .maxEvent = 64});
    row("multi line event over limit",
        "data:" + QByteArray(32, 'a') + "\ndata:" + QByteArray(32, 'b') + "\n\n",
        {.maxEvent = 64, .error = eventError});
    row("event limit is per event",
        "data:" + QByteArray(40, 'a') + "\n\ndata:" + QByteArray(40, 'b') + "\n\n",
        {.events = {sse(QString(40, 'a')), sse(QString(40, 'b'))}, .maxEvent = 64});
    row("events before event failure kept",
        ": hi\ndata:ok\n\ndata:" + QByteArray(40, 'a') + "\ndata:" + QByteArray(40, 'b') +
            "\n\ndata:late\n\n",
        {.events = {sse("ok")}, .comments = 1, .maxEvent = 64, .error = eventError});
    row("empty data lines count toward limit", "data:" + QByteArray(60, 'a') + "\ndata\ndata\n\n",
        {.events = {sse(QString(60, 'a') + "\n\n")}, .maxEvent = 62});
    row("empty data lines over limit", "data:" + QByteArray(60, 'a') + "\ndata\ndata\ndata\n\n",
        {.maxEvent = 62, .error = QStringLiteral("event stream event exceeds 62 B limit")});

    // A realistic OpenAI-compatible chat completion stream (OpenRouter style).
    const QByteArray chunk1 = R"({"id":"gen-1","object":"chat.completion.chunk","choices":)"
                              R"([{"index":0,"delta":{"role":"assistant","content":"Hel"}}]})";
    const QByteArray chunk2 = R"({"id":"gen-1","object":"chat.completion.chunk","choices":)"
                              R"([{"index":0,"delta":{"content":"lo, 世界"}}]})";
    const QByteArray chunk3 = R"({"id":"gen-1","object":"chat.completion.chunk","choices":)"
                              R"([{"index":0,"delta":{},"finish_reason":"stop"}],)"
                              R"("usage":{"prompt_tokens":9,"completion_tokens":3}})";
    row("openai stream",
        ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: " + chunk1 + "\n\ndata: " +
            chunk2 + "\n\n: OPENROUTER PROCESSING\n\ndata: " + chunk3 + "\n\ndata: [DONE]\n\n",
        {.events = {sse(QString::fromUtf8(chunk1)), sse(QString::fromUtf8(chunk2)),
                    sse(QString::fromUtf8(chunk3)), sse("[DONE]")},
         .comments = 3});
    row("openai stream crlf",
        "data: " + chunk1 + "\r\n\r\n: keep-alive\r\n\r\ndata: [DONE]\r\n\r\n",
        {.events = {sse(QString::fromUtf8(chunk1)), sse("[DONE]")}, .comments = 1});
}

void TestSseDecoder::decode()
{
    QFETCH(QByteArray, input);
    QFETCH(Expect, expected);
    checkAllSplits(input, expected);
}

void TestSseDecoder::crAndLfInSeparateReads()
{
    SseDecoder decoder;
    QList<SseEvent> events = {};
    QVERIFY(decoder.feed("data:a\r", events));
    QVERIFY(decoder.feed("\ndata:b\r", events));
    QVERIFY(events.isEmpty());
    // This LF completes the CR line end of "data:b"; it is not a blank line.
    QVERIFY(decoder.feed("\n", events));
    QVERIFY(events.isEmpty());
    QVERIFY(decoder.feed("\r", events));
    QCOMPARE(events, QList<SseEvent>({sse("a\nb")}));
    // And this LF belongs to the blank line's CR.
    QVERIFY(decoder.feed("\ndata:c\n\n", events));
    QCOMPARE(events, QList<SseEvent>({sse("a\nb"), sse("c")}));
}

void TestSseDecoder::finishDiscardsPendingEventAndLine()
{
    SseDecoder decoder;
    QList<SseEvent> events = {};
    QVERIFY(decoder.feed("id:1\ndata:a\n\nid:2\ndata:pending\n", events));
    decoder.finish();
    QVERIFY(decoder.feed("\n", events));
    QCOMPARE(events, QList<SseEvent>({sse("a", "message", "1")}));
    // The id of the discarded event was never committed.
    QCOMPARE(decoder.lastEventId(), QStringLiteral("1"));

    QVERIFY(decoder.feed("data:incomplete", events));
    decoder.finish();
    QVERIFY(decoder.feed("\n\n", events));
    QCOMPARE(events.size(), 1);
}

void TestSseDecoder::finishAllowsANewStream()
{
    SseDecoder decoder;
    QList<SseEvent> events = {};
    QVERIFY(decoder.feed("retry:300\nid:4\ndata:a\n\n: c\ndata:x\r", events));
    decoder.finish();
    // A reconnected stream may start with its own BOM and an LF that is not part of a CRLF.
    QVERIFY(decoder.feed("\xEF\xBB", events));
    QVERIFY(decoder.feed("\xBF"
                         "data:b\n\n",
                         events));
    QCOMPARE(events, QList<SseEvent>({sse("a", "message", "4"), sse("b", "message", "4")}));
    QCOMPARE(decoder.retryMs(), std::optional<int>(300));
    QCOMPARE(decoder.commentCount(), qint64(1));
    QVERIFY(!decoder.hasError());
}

void TestSseDecoder::emptyFeed()
{
    SseDecoder decoder;
    QList<SseEvent> events = {};
    QVERIFY(decoder.feed(QByteArrayView(), events));
    QVERIFY(decoder.feed("", events));
    QVERIFY(decoder.feed("\xEF\xBB\xBF", events));
    QVERIFY(decoder.feed(QByteArrayView(), events));
    QVERIFY(decoder.feed("data:x\r", events));
    QVERIFY(decoder.feed(QByteArrayView(), events)); // must not forget the pending CR
    QVERIFY(decoder.feed("\n\n", events));
    QCOMPARE(events, QList<SseEvent>({sse("x")}));
}

void TestSseDecoder::lineLimitStopsAtFirstExcessByte()
{
    // The limit is checked before buffering, so an endless line is refused at byte 65 rather than
    // after it has been stored.
    SseDecoder decoder(64, 64);
    QList<SseEvent> events = {};
    for (int i = 0; i < 64; ++i)
        QVERIFY2(decoder.feed("a", events), qPrintable(QString::number(i)));
    QVERIFY(!decoder.hasError());
    QVERIFY(!decoder.feed("a", events));
    QCOMPARE(decoder.errorString(), QStringLiteral("event stream line exceeds 64 B limit"));
    QVERIFY(!decoder.feed("\n\ndata:x\n\n", events));
    QVERIFY(events.isEmpty());
}

void TestSseDecoder::defaultLimitsNameMiB()
{
    const qsizetype mib = 1024 * 1024;
    {
        SseDecoder decoder;
        QList<SseEvent> events;
        const QByteArray chunk(64 * 1024, 'a');
        for (qsizetype fed = 0; fed < 8 * mib; fed += chunk.size())
            QVERIFY(decoder.feed(chunk, events));
        QVERIFY(!decoder.feed("a", events));
        QCOMPARE(decoder.errorString(), QStringLiteral("event stream line exceeds 8 MiB limit"));
    }
    {
        SseDecoder decoder;
        QList<SseEvent> events;
        const QByteArray line = "data:" + QByteArray(mib, 'd') + '\n';
        for (int i = 0; i < 7; ++i)
            QVERIFY(decoder.feed(line, events));
        // Seven 1 MiB lines plus six LFs; the eighth line crosses 8 MiB.
        QVERIFY(!decoder.feed(line, events));
        QCOMPARE(decoder.errorString(), QStringLiteral("event stream event exceeds 8 MiB limit"));
        QVERIFY(events.isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestSseDecoder)
#include "tst_ssedecoder.moc"

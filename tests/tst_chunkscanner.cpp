// ChunkScanner: for every chunk, decodeEvent (scanner first) must give exactly what the
// QJsonDocument path gives, and the common shapes must actually take the scanner's path.
#include "DecoderTestHelpers.h"
#include "openai/ChunkDecoder.h"
#include "openai/ChunkScanner.h"

#include <QTest>
#include <algorithm>
#include <random>

using namespace adminchat;
using namespace decodertest;
using namespace Qt::StringLiterals;

class TestChunkScanner : public QObject
{
    Q_OBJECT
private slots:
    void handWritten_data();
    void handWritten();
    void generated();
    void truncated();
    void corrupted();
};

namespace {

SseEvent makeEvent(const QString& data)
{
    SseEvent e;
    e.data = data;
    return e;
}

// Empty when equal, otherwise the first field that differs.
QString difference(const ChunkUpdate& a, const ChunkUpdate& b)
{
    auto field = [](const char* name, const QString& x, const QString& y) {
        return x == y ? QString()
                      : QStringLiteral("%1: \"%2\" vs \"%3\"").arg(QLatin1StringView(name), x, y);
    };
    QString d = field("content", a.content, b.content);
    if (d.isEmpty())
        d = field("reasoning", a.reasoning, b.reasoning);
    if (d.isEmpty())
        d = field("refusal", a.refusal, b.refusal);
    if (d.isEmpty())
        d = field("toolCalls", describe(a.toolCalls).join(u';'), describe(b.toolCalls).join(u';'));
    if (d.isEmpty())
        d = field("finishReason", a.finishReason, b.finishReason);
    if (d.isEmpty())
        d = field("usage", QString::fromUtf8(compact(a.usage)),
                  QString::fromUtf8(compact(b.usage)));
    if (d.isEmpty())
        d = field("model", a.model, b.model);
    if (d.isEmpty())
        d = field("system_fingerprint", a.systemFingerprint, b.systemFingerprint);
    if (d.isEmpty() && a.ignoredChoices != b.ignoredChoices)
        d = QStringLiteral("ignored choices differ: %1 vs %2")
                .arg(a.ignoredChoices)
                .arg(b.ignoredChoices);
    if (d.isEmpty() && a.done != b.done)
        d = QStringLiteral("done differs");
    if (d.isEmpty() && a.error.has_value() != b.error.has_value())
        d = QStringLiteral("error presence differs");
    if (d.isEmpty() && a.error) {
        if (a.error->kind != b.error->kind)
            d = QStringLiteral("error kind differs");
        else
            d = field("error", a.error->message, b.error->message);
    }
    return d;
}

// Both paths on one payload; returns whether the scanner handled it.
bool checkSame(const QString& data)
{
    const SseEvent event = makeEvent(data);
    const QString d =
        difference(ChunkDecoder::decodeEvent(event), ChunkDecoder::decodeEventWithDocument(event));
    if (!d.isEmpty()) {
        QTest::qFail(qPrintable(d + QStringLiteral(" for: ") + data), __FILE__, __LINE__);
        return false;
    }
    ChunkUpdate scanned;
    return ChunkScanner::scan(QStringView(data).trimmed(), scanned);
}

// Random chunks in the shapes servers send, with the variations the scanner must survive.
class ChunkGenerator
{
public:
    explicit ChunkGenerator(quint32 seed) : m_rng(seed) {}

    QString chunk()
    {
        QStringList members;
        if (chance(80))
            members << member("id", text());
        if (chance(80))
            members << member("object", u"\"chat.completion.chunk\""_s);
        if (chance(70))
            members << member("created", number());
        if (chance(80))
            members << member("model", chance(90) ? text() : u"null"_s);
        if (chance(40))
            members << member("system_fingerprint", chance(50) ? text() : u"null"_s);
        if (chance(95))
            members << member("choices", choices());
        if (chance(50))
            members << member("usage", chance(95) ? u"null"_s : usage());
        if (chance(3))
            members << member("error", u"null"_s);
        if (chance(20))
            members << member("x_extra", unknownValue(0));
        if (chance(10)) // Groq: the request id, and usage on the last chunk
            members << member("x_groq", chance(10) ? u"null"_s
                                        : chance(70)
                                            ? u"{\"id\":\"req_1\"}"_s
                                            : u"{\"id\":\"req_1\",\"usage\":"_s +
                                                  (chance(20) ? u"null"_s : usage()) + u'}');
        return object(members);
    }

private:
    bool chance(int percent) { return int(m_rng() % 100) < percent; }
    int pick(int n) { return int(m_rng() % quint32(n)); }

    QString ws()
    {
        if (chance(80))
            return {};
        static const char16_t spaces[] = u" \t\r\n";
        QString s;
        for (int i = pick(3) + 1; i > 0; --i)
            s += QChar(spaces[pick(4)]);
        return s;
    }

    QString member(const char* key, const QString& value)
    {
        return ws() + u'"' + QLatin1StringView(key) + u'"' + ws() + u':' + ws() + value + ws();
    }

    QString object(QStringList members)
    {
        std::shuffle(members.begin(), members.end(), m_rng);
        return u'{' + ws() + members.join(u',') + ws() + u'}';
    }

    QString text()
    {
        static const char16_t* const pieces[] = {u" the",
                                                 u" model",
                                                 u"é",
                                                 u"速度",
                                                 u"\U0001F600",
                                                 u"\\\"",
                                                 u"\\\\",
                                                 u"\\/",
                                                 u"\\b",
                                                 u"\\f",
                                                 u"\\n",
                                                 u"\\r",
                                                 u"\\t",
                                                 u"\\u00e9",
                                                 u"\\u00E9",
                                                 u"\\ud83d\\ude00",
                                                 u"\\uD83D\\uDE00",
                                                 u"\\u0000",
                                                 u"\\u001f",
                                                 u"'",
                                                 u" ",
                                                 u"→",
                                                 u"\\u2028",
                                                 u"x"};
        QString s = u"\""_s;
        for (int i = pick(6); i > 0; --i)
            s += QStringView(pieces[pick(int(std::size(pieces)))]);
        return s + u'"';
    }

    QString number()
    {
        static const char* const numbers[] = {"0",
                                              "-0",
                                              "7",
                                              "1741569952",
                                              "-45.67",
                                              "1e10",
                                              "2.5E-3",
                                              "1E+2",
                                              "0.000",
                                              "-9e-99",
                                              "123456789012345678901234567890"};
        return QLatin1StringView(numbers[pick(int(std::size(numbers)))]);
    }

    QString unknownValue(int depth)
    {
        switch (pick(depth > 3 ? 5 : 7)) {
        case 0:
            return text();
        case 1:
            return number();
        case 2:
            return u"true"_s;
        case 3:
            return u"false"_s;
        case 4:
            return u"null"_s;
        case 5: {
            QStringList members;
            for (int i = pick(3); i > 0; --i)
                members << member("k", unknownValue(depth + 1));
            return object(members);
        }
        default: {
            QStringList items;
            for (int i = pick(3); i > 0; --i)
                items << ws() + unknownValue(depth + 1) + ws();
            return u'[' + items.join(u',') + u']';
        }
        }
    }

    QString nullableText() { return chance(75) ? text() : u"null"_s; }

    QString delta()
    {
        QStringList members;
        if (chance(20))
            members << member("role", u"\"assistant\""_s);
        if (chance(80))
            members << member("content", nullableText());
        if (chance(20))
            members << member("reasoning_content", nullableText());
        if (chance(20))
            members << member("reasoning", nullableText());
        if (chance(10))
            members << member("refusal", nullableText());
        if (chance(5))
            members << member("tool_calls", chance(50) ? u"null"_s : u"[]"_s);
        if (chance(3))
            members << member("tool_calls",
                              u"[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]"_s);
        if (chance(10))
            members << member("reasoning_details", unknownValue(1));
        return object(members);
    }

    QString choice()
    {
        QStringList members;
        if (chance(80))
            members << member("index", chance(90) ? u"0"_s : chance(50) ? u"1"_s : u"2"_s);
        if (chance(90))
            members << member("delta", chance(97) ? delta() : u"null"_s);
        if (chance(50))
            members << member("logprobs", chance(80) ? u"null"_s : unknownValue(1));
        if (chance(70)) {
            static const char* const reasons[] = {"null", "\"stop\"", "\"length\"", "\"eos\""};
            members << member("finish_reason", QLatin1StringView(reasons[pick(4)]));
        }
        return object(members);
    }

    QString choices()
    {
        if (chance(5))
            return u"[]"_s;
        // n > 1: several choices, in any order, choice 0 among them or not.
        if (chance(10))
            return u'[' + choice() + u',' + ws() + choice() +
                   (chance(30) ? u","_s + choice() : QString()) + u']';
        return u'[' + ws() + choice() + ws() + u']';
    }

    QString usage()
    {
        return object({member("prompt_tokens", number()), member("completion_tokens", number())});
    }

    std::mt19937 m_rng;
};

const char16_t* const kSamples[] = {
    uR"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o",)"
    uR"("system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant",)"
    uR"("content":"caf\u00e9 \ud83d\ude00\n"},"logprobs":null,"finish_reason":null}],"usage":null})",
    uR"({"choices":[{"delta":{"reasoning_content":"Let \"me\" think","content":null}}],"model":"r"})",
    uR"( { "model" : "m" , "choices" : [ { "finish_reason" : "stop" , "delta" : { } } ] } )",
    uR"({"choices":[{"delta":{"refusal":"no","x":{"a":[1,-2.5e3,true,false,null,{"b":"\/"}]}}}]})",
};

} // namespace

void TestChunkScanner::handWritten_data()
{
    QTest::addColumn<QString>("data");
    QTest::addColumn<bool>("scanned"); // whether the scanner, not the document, decodes it

    auto add = [](const char* name, QStringView data, bool scanned) {
        QTest::newRow(name) << data.toString() << scanned;
    };
    for (const char16_t* sample : kSamples)
        add(qPrintable(QString::fromUtf16(sample).left(40)), sample, true);

    // Strings.
    add("all escapes", uR"({"choices":[{"delta":{"content":"\" \\ \/ \b \f \n \r \t"}}]})", true);
    add("unicode escapes", uR"({"choices":[{"delta":{"content":"\u00e9\u00E9\u20AC\u0041"}}]})",
        true);
    add("escaped emoji", uR"({"choices":[{"delta":{"content":"\ud83d\ude00\uD83D\uDE00"}}]})",
        true);
    add("raw emoji", u"{\"choices\":[{\"delta\":{\"content\":\"\U0001F600 \u901F\"}}]}", true);
    add("escaped nul", uR"({"choices":[{"delta":{"content":"a\u0000b"}}]})", true);
    add("escaped control", uR"({"choices":[{"delta":{"content":"\u0001\u001f"}}]})", true);
    add("escaped noncharacter", uR"({"choices":[{"delta":{"content":"\uFFFE\uffff\uFDD0"}}]})",
        true);
    add("raw noncharacter", u"{\"choices\":[{\"delta\":{\"content\":\"\uFFFE\uFDD0\"}}]}", true);
    add("raw line separator", u"{\"choices\":[{\"delta\":{\"content\":\"\u2028\"}}]}", true);
    add("empty content", uR"({"choices":[{"delta":{"content":""}}]})", true);
    add("null content", uR"({"choices":[{"delta":{"content":null}}]})", true);
    add("missing delta", uR"({"choices":[{"index":0,"finish_reason":"stop"}]})", true);
    add("null delta", uR"({"choices":[{"delta":null}]})", true);
    add("reasoning wins over empty reasoning_content",
        uR"({"choices":[{"delta":{"reasoning_content":"","reasoning":"R"}}]})", true);
    add("reasoning_content wins",
        uR"({"choices":[{"delta":{"reasoning":"B","reasoning_content":"A"}}]})", true);
    add("refusal", uR"({"choices":[{"delta":{"refusal":"I can't."}}]})", true);
    add("keys reordered",
        uR"({"usage":null,"choices":[{"finish_reason":"length","delta":{"content":"x"},"index":0}],"model":"m"})",
        true);
    add("whitespace everywhere",
        u"\t{ \"choices\"\r\n:\n[ {\"delta\" :{ \"content\" : \"a\" } } ]\t}\n", true);
    add("numbers",
        uR"({"a":0,"b":-0,"c":12,"d":-1.5,"e":1e5,"f":1E-5,"g":2.5e+10,"h":[0.0,-0.0e0],"choices":[]})",
        true);
    add("nested unknowns",
        uR"({"x":{"y":[[],{},[{"z":[null,true,false,"}]"]}]]},"choices":[{"delta":{"content":"ok"}}]})",
        true);
    add("choices null", uR"({"model":"m","choices":null})", true);
    add("tool_calls null", uR"({"choices":[{"delta":{"content":"a","tool_calls":null}}]})", true);
    add("tool_calls empty", uR"({"choices":[{"delta":{"tool_calls":[ ]}}]})", true);
    add("error null", uR"({"error":null,"choices":[{"delta":{"content":"ok"}}]})", true);
    add("object other than error", uR"({"object":"chat.completion.chunk","choices":[]})", true);
    add("object not a string", uR"({"object":5,"choices":[]})", true);
    add("raw key with emoji", u"{\"\U0001F600\":1,\"choices\":[]}", true);

    // Declined: the document path decodes these.
    add("tool call",
        uR"({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":""}}]}}]})",
        false);
    add("error object", uR"({"error":{"message":"boom"}})", false);
    add("object error", uR"({"object":"error","message":"bad"})", false);
    add("object escaped error", uR"({"object":"err\u006fr","message":"bad"})", false);
    add("usage object", uR"({"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}})",
        false);
    add("usage number", uR"({"choices":[],"usage":3})", false);
    add("index 1", uR"({"choices":[{"index":1,"delta":{"content":"x"}}]})", true);
    add("index 0.0", uR"({"choices":[{"index":0.0,"delta":{"content":"x"}}]})", false);
    add("index 01", uR"({"choices":[{"index":01,"delta":{"content":"x"}}]})", false);
    add("index -0", uR"({"choices":[{"index":-0,"delta":{"content":"x"}}]})", false);
    add("index null", uR"({"choices":[{"index":null,"delta":{"content":"x"}}]})", false);
    add("duplicate index", uR"({"choices":[{"index":0,"index":1,"delta":{"content":"x"}}]})",
        false);
    add("two choices", uR"({"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]})",
        true);
    add("index 2 and index 0",
        uR"({"choices":[{"index":2,"delta":{"content":"x"}},{"index":0,"delta":{"content":"y"}}]})",
        true);
    add("index after delta",
        uR"({"choices":[{"delta":{"content":"x"},"index":1},{"delta":{"content":"y"},"index":0}]})",
        true);
    add("choice not an object", uR"({"choices":[1]})", false);
    add("delta not an object", uR"({"choices":[{"delta":"x"}]})", false);
    add("content a number", uR"({"choices":[{"delta":{"content":5}}]})", false);
    add("content an object", uR"({"choices":[{"delta":{"content":{"a":1}}}]})", false);
    add("model a number", uR"({"model":1,"choices":[]})", false);
    add("duplicate content", uR"({"choices":[{"delta":{"content":"a","content":"b"}}]})", false);
    add("duplicate choices", uR"({"choices":[],"choices":[{"delta":{"content":"b"}}]})", false);
    add("escaped key", uR"({"choices":[{"delta":{"cont\u0065nt":"x"}}]})", false);
    add("lone high escape", uR"({"choices":[{"delta":{"content":"\ud83d"}}]})", true);
    add("lone low escape", uR"({"choices":[{"delta":{"content":"\ude00x"}}]})", true);
    add("high then non-low escape", uR"({"choices":[{"delta":{"content":"\ud83d\u0041"}}]})", true);
    add("high then bad escape", uR"({"choices":[{"delta":{"content":"\ud83d\uZZZZ"}}]})", false);
    add("high then short escape", uR"({"choices":[{"delta":{"content":"\ud83d\u00"}}]})", false);
    add("lone raw surrogate", u"{\"choices\":[{\"delta\":{\"content\":\"a\xD800\"}}]}", false);
    add("raw control", u"{\"choices\":[{\"delta\":{\"content\":\"a\x01\"}}]}", false);
    add("raw tab", u"{\"choices\":[{\"delta\":{\"content\":\"a\tb\"}}]}", false);
    add("invalid escape", uR"({"choices":[{"delta":{"content":"\x"}}]})", false);
    add("short unicode escape", uR"({"choices":[{"delta":{"content":"\u12"}}]})", false);
    add("trailing garbage", uR"({"choices":[]} x)", false);
    add("two objects", uR"({"choices":[]}{})", false);
    add("trailing comma", uR"({"choices":[],})", false);
    add("root array", uR"([{"choices":[]}])", false);
    add("root string", uR"("x")", false);
    add("single quotes", uR"({'choices':[]})", false);
    add("number 1.", uR"({"a":1.,"choices":[]})", false);
    add("number -", uR"({"a":-,"choices":[]})", false);
    add("number 01", uR"({"a":01,"choices":[]})", false);
    add("number .5", uR"({"a":.5,"choices":[]})", false);
    add("number +1", uR"({"a":+1,"choices":[]})", false);
    add("number 1e400", uR"({"a":1e400,"choices":[]})", false);
    add("number 1e", uR"({"a":1e,"choices":[]})", false);
    add("bare word", uR"({"a":nul,"choices":[]})", false);
    add("vertical tab inside", u"{\"a\":\v1}", false);
    add("nbsp inside", u"{\u00A0\"choices\":[]}", false);
    add("deep nesting", u"{\"a\":"_s + QString(100, u'[') + QString(100, u']') + u'}', false);
    add("malformed", uR"({"choices":[{"delta":{"content":"x"})", false);
}

void TestChunkScanner::handWritten()
{
    QFETCH(QString, data);
    QFETCH(bool, scanned);
    const bool wasScanned = checkSame(data);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(wasScanned, scanned);
}

void TestChunkScanner::generated()
{
    ChunkGenerator generator(20240611);
    int scanned = 0;
    constexpr int count = 20000;
    for (int i = 0; i < count; ++i) {
        scanned += checkSame(generator.chunk());
        if (QTest::currentTestFailed())
            return;
    }
    // Most generated chunks have the common shape: the fast path must be the usual one.
    QVERIFY2(scanned > count / 2, qPrintable(QString::number(scanned)));
}

void TestChunkScanner::truncated()
{
    for (const char16_t* sample : kSamples) {
        const QString data = QString::fromUtf16(sample);
        for (qsizetype n = 0; n <= data.size(); ++n) {
            checkSame(data.left(n));
            checkSame(data.mid(n));
            if (QTest::currentTestFailed())
                return;
        }
    }
}

void TestChunkScanner::corrupted()
{
    static const char16_t replacements[] = u"\"\\{}[],:0123456789-.eEtfnulx \t\x01\xD800\xDC00"
                                           u"\xFFFE\u00e9\u2028\v";
    std::mt19937 rng(4242);
    ChunkGenerator generator(99);
    QList<QString> bases;
    for (const char16_t* sample : kSamples)
        bases << QString::fromUtf16(sample);
    for (int i = 0; i < 200; ++i)
        bases << generator.chunk();
    for (const QString& base : std::as_const(bases)) {
        for (int round = 0; round < 100; ++round) {
            QString data = base;
            for (int flips = int(rng() % 3) + 1; flips > 0 && !data.isEmpty(); --flips) {
                const qsizetype at = qsizetype(rng() % quint32(data.size()));
                const QChar c(replacements[rng() % (std::size(replacements) - 1)]);
                switch (rng() % 3) {
                case 0:
                    data[at] = c;
                    break;
                case 1:
                    data.insert(at, c);
                    break;
                default:
                    data.remove(at, 1);
                }
            }
            checkSame(data);
            if (QTest::currentTestFailed())
                return;
        }
    }
}

QTEST_GUILESS_MAIN(TestChunkScanner)
#include "tst_chunkscanner.moc"

#include "openai/ChunkScanner.h"

#include <QtAlgorithms>
#include <string>
#include <utility>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace adminchat {

namespace {

// Deeper nesting is declined rather than risk differing from QJsonDocument's own limit.
constexpr int maxDepth = 64;
// Number limits that keep every accepted number well inside double range, so that
// QJsonDocument never rejects one the scanner accepted (overflow, underflow).
constexpr int maxNumberDigits = 100;
constexpr int maxExponentDigits = 2;

constexpr bool isDigit(char16_t c)
{
    return c >= u'0' && c <= u'9';
}

constexpr bool isHighSurrogate(char16_t c)
{
    return c >= 0xD800 && c <= 0xDBFF;
}

constexpr bool isLowSurrogate(char16_t c)
{
    return c >= 0xDC00 && c <= 0xDFFF;
}

// The end of the run of characters that need no attention inside a string: the first quote,
// backslash, control character or surrogate. Most of a chunk is such runs (ids, keys, the
// model, the text), so eight characters are tested at a time where SSE2 is there (x86-64).
Q_ALWAYS_INLINE const char16_t* plainRunEnd(const char16_t* p, const char16_t* end)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi16(u'"');
    const __m128i backslash = _mm_set1_epi16(u'\\');
    const __m128i controlBits = _mm_set1_epi16(short(0xFFE0)); // c & 0xFFE0 == 0: c < 0x20
    const __m128i surrogateBits = _mm_set1_epi16(short(0xF800));
    const __m128i surrogate = _mm_set1_epi16(short(0xD800));
    const __m128i zero = _mm_setzero_si128();
    while (end - p >= 8) {
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i stop =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(c, quote), _mm_cmpeq_epi16(c, backslash)),
                         _mm_or_si128(_mm_cmpeq_epi16(_mm_and_si128(c, controlBits), zero),
                                      _mm_cmpeq_epi16(_mm_and_si128(c, surrogateBits), surrogate)));
        if (const int mask = _mm_movemask_epi8(stop))
            return p + qCountTrailingZeroBits(uint(mask)) / 2;
        p += 8;
    }
#endif
    while (p < end) {
        const char16_t c = *p;
        if (c == u'"' || c == u'\\' || c < 0x20 || (c & 0xF800) == 0xD800)
            break;
        ++p;
    }
    return p;
}

// At a surrogate or control character: steps over a valid surrogate pair, declines the rest.
bool skipSurrogatePair(const char16_t*& p, const char16_t* end)
{
    if (!isHighSurrogate(*p) || end - p < 2 || !isLowSurrogate(p[1]))
        return false;
    p += 2;
    return true;
}

// Key comparison without a call into QtCore for every candidate name.
template <qsizetype N> Q_ALWAYS_INLINE bool keyIs(QStringView key, const char16_t (&name)[N])
{
    return key.size() == N - 1 &&
           std::char_traits<char16_t>::compare(key.utf16(), name, N - 1) == 0;
}

int hexValue(char16_t c)
{
    if (c >= u'0' && c <= u'9')
        return c - u'0';
    if (c >= u'a' && c <= u'f')
        return c - u'a' + 10;
    if (c >= u'A' && c <= u'F')
        return c - u'A' + 10;
    return -1;
}

} // namespace

ChunkScanner::ChunkScanner(QStringView data)
    : m_pos(data.utf16()), m_end(data.utf16() + data.size())
{}

bool ChunkScanner::scan(QStringView data, ChunkUpdate& update)
{
    ChunkScanner scanner(data);
    if (!scanner.scanRoot())
        return false;
    Choice& choice = scanner.m_choice;
    update.content = std::move(choice.content);
    // Same precedence as the document path: reasoning_content, then reasoning.
    update.reasoning = choice.reasoningContent.isEmpty() ? std::move(choice.reasoning)
                                                         : std::move(choice.reasoningContent);
    update.refusal = std::move(choice.refusal);
    update.finishReason = std::move(choice.finishReason);
    update.model = std::move(scanner.m_model);
    update.systemFingerprint = std::move(scanner.m_systemFingerprint);
    update.ignoredChoices = scanner.m_ignoredChoices;
    return true;
}

Q_ALWAYS_INLINE void ChunkScanner::skipSpace()
{
    // JSON whitespace only: anything else is left for the strict checks to decline.
    while (m_pos < m_end && *m_pos <= u' ' &&
           (*m_pos == u' ' || *m_pos == u'\n' || *m_pos == u'\r' || *m_pos == u'\t'))
        ++m_pos;
}

Q_ALWAYS_INLINE bool ChunkScanner::consume(char16_t c)
{
    if (m_pos < m_end && *m_pos == c) {
        ++m_pos;
        return true;
    }
    return false;
}

// Calls onMember(key) with m_pos at each member's value; onMember consumes the value.
template <typename OnMember> bool ChunkScanner::scanObject(OnMember&& onMember)
{
    if (!consume(u'{'))
        return false;
    skipSpace();
    if (consume(u'}'))
        return true;
    for (;;) {
        QStringView key;
        if (!readPlainString(key))
            return false;
        skipSpace();
        if (!consume(u':'))
            return false;
        skipSpace();
        if (!onMember(key))
            return false;
        skipSpace();
        if (consume(u'}'))
            return true;
        if (!consume(u','))
            return false;
        skipSpace();
    }
}

bool ChunkScanner::scanRoot()
{
    bool choices = false, model = false, usage = false, error = false, object = false, groq = false,
         fingerprint = false;
    const bool ok = scanObject([&](QStringView key) {
        if (keyIs(key, u"choices")) {
            if (std::exchange(choices, true))
                return false;
            return scanChoices();
        }
        if (keyIs(key, u"model"))
            return readNullableString(m_model, model);
        if (keyIs(key, u"system_fingerprint"))
            return readNullableString(m_systemFingerprint, fingerprint);
        // A usage object or an error goes to the document path, which keeps them verbatim.
        if (keyIs(key, u"usage"))
            return !std::exchange(usage, true) && skipLiteral(u"null");
        if (keyIs(key, u"error"))
            return !std::exchange(error, true) && skipLiteral(u"null");
        // Groq's x_groq carries the request id on the first chunk and usage on the last one.
        if (keyIs(key, u"x_groq"))
            return !std::exchange(groq, true) && scanGroq();
        if (keyIs(key, u"object")) {
            if (std::exchange(object, true))
                return false;
            if (m_pos < m_end && *m_pos == u'"') {
                // vLLM reports errors as {"object": "error", ...}; an escaped value is rare
                // enough to leave to the document path.
                QStringView value;
                return readPlainString(value) && !keyIs(value, u"error");
            }
            return skipValue(1);
        }
        return skipValue(1);
    });
    if (!ok)
        return false;
    skipSpace();
    return m_pos == m_end; // trailing garbage is the document path's error to report
}

bool ChunkScanner::scanGroq()
{
    if (m_pos < m_end && *m_pos == u'n')
        return skipLiteral(u"null");
    bool usage = false;
    return scanObject([&](QStringView key) {
        if (keyIs(key, u"usage"))
            return !std::exchange(usage, true) && skipLiteral(u"null");
        return skipValue(2);
    });
}

bool ChunkScanner::scanChoices()
{
    if (m_pos < m_end && *m_pos == u'n')
        return skipLiteral(u"null");
    if (!consume(u'['))
        return false;
    skipSpace();
    if (consume(u']'))
        return true;
    bool found = false;
    for (qsizetype position = 0;; ++position) {
        // Every choice is read: its index may come after its delta.
        Choice choice;
        qint64 index = -1;
        if (!scanChoice(choice, index))
            return false;
        // As the document path: the first choice whose index is 0 (or, without an index, the
        // first one in the list) is the answer; every other choice is counted.
        if ((index < 0 ? position : index) == 0 && !found) {
            found = true;
            m_choice = std::move(choice);
        } else {
            ++m_ignoredChoices;
        }
        skipSpace();
        if (consume(u']'))
            return true;
        if (!consume(u','))
            return false;
        skipSpace();
    }
}

bool ChunkScanner::scanChoice(Choice& choice, qint64& index)
{
    bool delta = false, finishReason = false;
    return scanObject([&](QStringView key) {
        if (keyIs(key, u"index"))
            return index < 0 && readIndex(index);
        if (keyIs(key, u"delta")) {
            if (std::exchange(delta, true))
                return false;
            if (m_pos < m_end && *m_pos == u'n')
                return skipLiteral(u"null");
            return scanDelta(choice);
        }
        if (keyIs(key, u"finish_reason"))
            return readNullableString(choice.finishReason, finishReason);
        return skipValue(2);
    });
}

// A plain non-negative integer of at most 9 digits; anything else (null, -0, 1.0, 1e0, huge) is
// left to the document path, whose idea of equal to 0 is a double comparison.
bool ChunkScanner::readIndex(qint64& index)
{
    const char16_t* digits = m_pos;
    while (m_pos < m_end && isDigit(*m_pos))
        ++m_pos;
    const qsizetype count = m_pos - digits;
    if (count == 0 || count > 9 || (count > 1 && *digits == u'0'))
        return false;
    if (m_pos < m_end && (*m_pos == u'.' || *m_pos == u'e' || *m_pos == u'E'))
        return false;
    index = 0;
    for (const char16_t* p = digits; p < m_pos; ++p)
        index = index * 10 + (*p - u'0');
    return true;
}

bool ChunkScanner::scanDelta(Choice& choice)
{
    bool content = false, reasoningContent = false, reasoning = false, refusal = false,
         toolCalls = false;
    return scanObject([&](QStringView key) {
        if (keyIs(key, u"content"))
            return readNullableString(choice.content, content);
        if (keyIs(key, u"reasoning_content"))
            return readNullableString(choice.reasoningContent, reasoningContent);
        if (keyIs(key, u"reasoning"))
            return readNullableString(choice.reasoning, reasoning);
        if (keyIs(key, u"refusal"))
            return readNullableString(choice.refusal, refusal);
        if (keyIs(key, u"tool_calls")) {
            // Null or an empty list carry no call; real pieces go to the document path.
            if (std::exchange(toolCalls, true))
                return false;
            if (m_pos < m_end && *m_pos == u'n')
                return skipLiteral(u"null");
            if (!consume(u'['))
                return false;
            skipSpace();
            return consume(u']');
        }
        return skipValue(4);
    });
}

bool ChunkScanner::readNullableString(QString& out, bool& seen)
{
    // Duplicate keys are declined: which one wins is the document's business.
    if (std::exchange(seen, true))
        return false;
    if (m_pos < m_end && *m_pos == u'n')
        return skipLiteral(u"null");
    return readString(&out);
}

bool ChunkScanner::skipValue(int depth)
{
    if (m_pos >= m_end || depth > maxDepth)
        return false;
    switch (*m_pos) {
    case u'"':
        return readString(nullptr);
    case u'{':
        return scanObject([&](QStringView) { return skipValue(depth + 1); });
    case u'[':
        return skipArray(depth);
    case u't':
        return skipLiteral(u"true");
    case u'f':
        return skipLiteral(u"false");
    case u'n':
        return skipLiteral(u"null");
    default:
        return skipNumber();
    }
}

bool ChunkScanner::skipArray(int depth)
{
    if (!consume(u'['))
        return false;
    skipSpace();
    if (consume(u']'))
        return true;
    for (;;) {
        if (!skipValue(depth + 1))
            return false;
        skipSpace();
        if (consume(u']'))
            return true;
        if (!consume(u','))
            return false;
        skipSpace();
    }
}

// Strict JSON numbers only; QJsonDocument is more lenient ("1.", "-"), and what it makes of
// those is left to it.
bool ChunkScanner::skipNumber()
{
    consume(u'-');
    const char16_t* digits = m_pos;
    if (!consume(u'0')) {
        while (m_pos < m_end && isDigit(*m_pos))
            ++m_pos;
    }
    if (m_pos == digits || m_pos - digits > maxNumberDigits)
        return false;
    if (consume(u'.')) {
        const char16_t* fraction = m_pos;
        while (m_pos < m_end && isDigit(*m_pos))
            ++m_pos;
        if (m_pos == fraction || m_pos - fraction > maxNumberDigits)
            return false;
    }
    if (consume(u'e') || consume(u'E')) {
        if (!consume(u'+'))
            consume(u'-');
        const char16_t* exponent = m_pos;
        while (m_pos < m_end && isDigit(*m_pos))
            ++m_pos;
        if (m_pos == exponent || m_pos - exponent > maxExponentDigits)
            return false;
    }
    return true;
}

bool ChunkScanner::skipLiteral(QStringView word)
{
    if (m_end - m_pos < word.size() || QStringView(m_pos, word.size()) != word)
        return false;
    m_pos += word.size();
    return true;
}

// A string without escapes, as a view (keys, "object"). Escapes are declined: an escaped
// "content" key must not be mistaken for an unknown one.
bool ChunkScanner::readPlainString(QStringView& text)
{
    if (!consume(u'"'))
        return false;
    const char16_t* begin = m_pos;
    for (;;) {
        m_pos = plainRunEnd(m_pos, m_end);
        if (m_pos == m_end)
            return false;
        if (*m_pos == u'"')
            break;
        if (!skipSurrogatePair(m_pos, m_end))
            return false;
    }
    text = QStringView(begin, m_pos - begin);
    ++m_pos;
    return true;
}

// Reads a string value, decoding escapes into *out when out is set. Raw control characters,
// invalid escapes and raw unpaired surrogates are declined; an escaped unpaired surrogate
// becomes U+FFFD, as LoneSurrogates makes of the document path's text.
bool ChunkScanner::readString(QString* out)
{
    if (!consume(u'"'))
        return false;
    const char16_t* run = m_pos; // start of the characters not yet copied to *out
    QString decoded;
    bool escaped = false;
    for (;;) {
        m_pos = plainRunEnd(m_pos, m_end);
        if (m_pos == m_end)
            return false;
        const char16_t c = *m_pos;
        if (c == u'"') {
            if (out) {
                if (!escaped) {
                    *out = QStringView(run, m_pos - run).toString();
                } else {
                    decoded.append(QStringView(run, m_pos - run));
                    *out = std::move(decoded);
                }
            }
            ++m_pos;
            return true;
        }
        if (c == u'\\') {
            if (out) {
                if (!escaped)
                    decoded.reserve(m_pos - run + 16);
                decoded.append(QStringView(run, m_pos - run));
            }
            escaped = true;
            ++m_pos;
            char32_t code = 0;
            if (!readEscape(code))
                return false;
            if (out) {
                if (QChar::requiresSurrogates(code)) {
                    decoded.append(QChar(QChar::highSurrogate(code)));
                    decoded.append(QChar(QChar::lowSurrogate(code)));
                } else {
                    decoded.append(QChar(char16_t(code)));
                }
            }
            run = m_pos;
            continue;
        }
        if (!skipSurrogatePair(m_pos, m_end))
            return false;
    }
}

// m_pos is just after a backslash. code is the whole code point: a \u escape of a high surrogate
// followed by one of a low surrogate is one character; a surrogate escape without its partner is
// U+FFFD, and whatever follows it is read on its own.
bool ChunkScanner::readEscape(char32_t& code)
{
    if (m_pos >= m_end)
        return false;
    static constexpr char16_t simpleEscapes[][2] = {{u'"', u'"'},  {u'\\', u'\\'}, {u'/', u'/'},
                                                    {u'b', u'\b'}, {u'f', u'\f'},  {u'n', u'\n'},
                                                    {u'r', u'\r'}, {u't', u'\t'}};
    const char16_t c = *m_pos++;
    for (const auto& [name, value] : simpleEscapes) {
        if (c == name) {
            code = value;
            return true;
        }
    }
    if (c != u'u')
        return false;
    if (!readHex4(code))
        return false;
    if (isLowSurrogate(char16_t(code))) {
        code = QChar::ReplacementCharacter;
        return true;
    }
    if (!isHighSurrogate(char16_t(code)))
        return true;
    if (m_end - m_pos >= 2 && m_pos[0] == u'\\' && m_pos[1] == u'u') {
        const char16_t* next = m_pos;
        m_pos += 2;
        char32_t low = 0;
        if (readHex4(low) && isLowSurrogate(char16_t(low))) {
            code = QChar::surrogateToUcs4(char16_t(code), char16_t(low));
            return true;
        }
        m_pos = next; // not the partner: the next round reads (or declines) that escape
    }
    code = QChar::ReplacementCharacter;
    return true;
}

bool ChunkScanner::readHex4(char32_t& code)
{
    if (m_end - m_pos < 4)
        return false;
    code = 0;
    for (int i = 0; i < 4; ++i) {
        const int digit = hexValue(*m_pos++);
        if (digit < 0)
            return false;
        code = code * 16 + char32_t(digit);
    }
    return true;
}

} // namespace adminchat

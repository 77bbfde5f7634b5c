#include "openai/ChunkDecoder.h"

#include "openai/ChunkScanner.h"
#include "openai/HttpErrorFormatter.h"
#include "openai/LoneSurrogates.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace adminchat {

namespace {

using namespace Qt::StringLiterals;

// At most this much of a bad chunk is quoted in an error message: enough to recognise it, not
// enough to flood a log line (or to echo a whole prompt back).
constexpr qsizetype maxQuotedChars = 60;

QString quoted(QStringView data)
{
    QString text = LoneSurrogates::replaced(data.left(maxQuotedChars).toString().simplified());
    if (data.size() > maxQuotedChars)
        text += QChar(0x2026);
    return text;
}

// A string member as text to keep: QJsonDocument leaves escaped lone surrogates ("\ud800") in
// it, which would be shown as one thing and stored as another.
QString text(const QJsonValue& value)
{
    return LoneSurrogates::replaced(value.toString());
}

// A JSON number as the grammar has it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool isJsonNumber(QByteArrayView n)
{
    qsizetype i = 0;
    const qsizetype size = n.size();
    auto digits = [&] {
        const qsizetype start = i;
        while (i < size && n[i] >= '0' && n[i] <= '9')
            ++i;
        return i > start;
    };
    if (i < size && n[i] == '-')
        ++i;
    if (i < size && n[i] == '0')
        ++i;
    else if (!digits())
        return false;
    if (i < size && n[i] == '.') {
        ++i;
        if (!digits())
            return false;
    }
    if (i < size && (n[i] == 'e' || n[i] == 'E')) {
        ++i;
        if (i < size && (n[i] == '+' || n[i] == '-'))
            ++i;
        if (!digits())
            return false;
    }
    return i == size;
}

// json with every well-formed number that does not fit a double (1e999, 1e-999: QJsonDocument
// refuses the whole document for one) written as null. Strings are copied as they are.
QByteArray withUnfitNumbersNulled(const QByteArray& json)
{
    QByteArray out;
    out.reserve(json.size());
    const qsizetype size = json.size();
    qsizetype i = 0;
    while (i < size) {
        const char c = json[i];
        if (c == '"') {
            qsizetype end = i + 1;
            while (end < size && json[end] != '"')
                end += json[end] == '\\' ? 2 : 1;
            end = std::min(end + 1, size);
            out.append(json.constData() + i, end - i);
            i = end;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            qsizetype end = i;
            while (end < size && json[end] != 0 && std::strchr("0123456789+-.eE", json[end]))
                ++end;
            const QByteArray number = json.mid(i, end - i);
            bool ok = false;
            const double value = number.toDouble(&ok);
            if (isJsonNumber(number) && (!ok || !std::isfinite(value)))
                out.append("null");
            else
                out.append(number);
            i = end;
        } else {
            out.append(c);
            ++i;
        }
    }
    return out;
}

// QJsonDocument::fromJson, except that a number out of double's range is read as null instead
// of failing the document: one absurd "usage" figure must not turn a finished answer into a
// protocol error. Any other error is reported as the first parse found it.
QJsonDocument parseJson(const QByteArray& json, QJsonParseError* error)
{
    QJsonDocument document = QJsonDocument::fromJson(json, error);
    if (error->error != QJsonParseError::IllegalNumber)
        return document;
    QJsonParseError second;
    QJsonDocument rescued = QJsonDocument::fromJson(withUnfitNumbersNulled(json), &second);
    if (second.error != QJsonParseError::NoError)
        return document;
    *error = second;
    return rescued;
}

// A token count as a count: a whole number from 0 to 2^31 - 1. Negative, fractional, huge and
// non-numeric counts (seen: -7, 12.5, 1e20, "12") say nothing reliable about the answer.
bool isTokenCount(const QJsonValue& value)
{
    if (!value.isDouble())
        return false;
    const double count = value.toDouble();
    return count >= 0 && count <= std::numeric_limits<qint32>::max() && std::floor(count) == count;
}

QJsonValue repaired(const QJsonValue& value);

// The usage object with every "..._tokens" member that is not a token count left out (the
// figures are then estimated, as without usage) and every string made valid UTF-16. Other
// members (Groq's queue_time, ...) are kept.
QJsonObject saneUsage(const QJsonObject& usage)
{
    QJsonObject out;
    for (auto it = usage.begin(); it != usage.end(); ++it) {
        const QString key = LoneSurrogates::replaced(it.key());
        const QJsonValue value = it.value();
        if (value.isObject())
            out.insert(key, saneUsage(value.toObject())); // completion_tokens_details, ...
        else if (!key.endsWith("_tokens"_L1))
            out.insert(key, repaired(value));
        else if (isTokenCount(value))
            out.insert(key, value);
    }
    return out;
}

QJsonValue repaired(const QJsonValue& value)
{
    if (value.isString())
        return LoneSurrogates::replaced(value.toString());
    if (value.isArray()) {
        QJsonArray array;
        const QJsonArray in = value.toArray();
        for (const QJsonValue& item : in)
            array.append(repaired(item));
        return array;
    }
    if (value.isObject()) {
        QJsonObject object;
        const QJsonObject in = value.toObject();
        for (auto it = in.begin(); it != in.end(); ++it)
            object.insert(LoneSurrogates::replaced(it.key()), repaired(it.value()));
        return object;
    }
    return value;
}

// Tool call arguments are JSON text; a few servers send them as a JSON object instead.
QString argumentsText(const QJsonValue& value)
{
    if (value.isString())
        return text(value);
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return {};
}

ToolCallDelta toolCallDelta(const QJsonObject& object, int defaultIndex)
{
    ToolCallDelta delta;
    const QJsonValue index = object.value("index"_L1);
    delta.index = index.isDouble() ? index.toInt(defaultIndex) : defaultIndex;
    delta.id = text(object.value("id"_L1));
    delta.type = text(object.value("type"_L1));
    const QJsonObject function = object.value("function"_L1).toObject();
    delta.name = text(function.value("name"_L1));
    delta.arguments = argumentsText(function.value("arguments"_L1));
    return delta;
}

// The fields shared by a stream delta and a non-streamed message.
void readMessage(const QJsonObject& message, ChunkUpdate& update, bool wholeCalls)
{
    update.content = text(message.value("content"_L1)); // null before tool calls
    // DeepSeek and vLLM (older versions) say reasoning_content, OpenRouter and newer vLLM say
    // reasoning; when a server sends both they carry the same text.
    update.reasoning = text(message.value("reasoning_content"_L1));
    if (update.reasoning.isEmpty())
        update.reasoning = text(message.value("reasoning"_L1));
    update.refusal = text(message.value("refusal"_L1));

    const QJsonValue toolCalls = message.value("tool_calls"_L1);
    if (toolCalls.isArray()) {
        const QJsonArray calls = toolCalls.toArray();
        update.toolCalls.reserve(calls.size());
        for (qsizetype i = 0; i < calls.size(); ++i) {
            ToolCallDelta delta = toolCallDelta(calls.at(i).toObject(), wholeCalls ? int(i) : -1);
            if (wholeCalls)
                delta.index = int(i); // a complete message lists each call once, in order
            update.toolCalls.append(delta);
        }
    }
}

void readCommon(const QJsonObject& root, ChunkUpdate& update)
{
    QJsonValue usage = root.value("usage"_L1);
    // Groq sends it in x_groq.usage on the last chunk, and no top-level usage.
    if (!usage.isObject())
        usage = root.value("x_groq"_L1).toObject().value("usage"_L1);
    if (usage.isObject())
        update.usage = saneUsage(usage.toObject());
    update.model = text(root.value("model"_L1));
    update.systemFingerprint = text(root.value("system_fingerprint"_L1));
}

ApiError streamError(const QJsonValue& error, const QJsonObject& root)
{
    QString message = HttpErrorFormatter::messageFromErrorValue(error);
    if (message.isEmpty()) {
        message = HttpErrorFormatter::messageFromErrorValue(
            QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Compact)));
    }
    return ApiError{ApiError::Kind::Stream, message};
}

// {"error": ...} as sent by OpenAI and OpenRouter inside a 200 stream, or vLLM's
// {"object": "error", "message": ...}.
std::optional<ApiError> embeddedError(const QJsonObject& root)
{
    const QJsonValue error = root.value("error"_L1);
    if (!error.isUndefined() && !error.isNull())
        return streamError(error, root);
    if (root.value("object"_L1).toString() == "error"_L1)
        return streamError(root, root);
    return std::nullopt;
}

ChunkUpdate errorEvent(const QString& data)
{
    ChunkUpdate update;
    const QStringView trimmed = QStringView(data).trimmed();
    QString message;
    if (!trimmed.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(data.toUtf8(), &parseError);
        if (parseError.error == QJsonParseError::NoError && document.isObject()) {
            const QJsonObject root = document.object();
            const QJsonValue error = root.value("error"_L1);
            message =
                streamError(error.isUndefined() || error.isNull() ? QJsonValue(root) : error, root)
                    .message;
        } else {
            message = HttpErrorFormatter::messageFromErrorValue(trimmed.toString());
        }
    }
    if (message.isEmpty())
        message = u"the server reported an error event without a message"_s;
    update.error = ApiError{ApiError::Kind::Stream, message};
    return update;
}

// What stream chunks (choices[0].delta) and whole answers (choices[0].message) share: an
// embedded error object, choice 0 and the top-level fields.
void readRoot(const QJsonObject& root, ChunkUpdate& update, bool whole)
{
    if (auto error = embeddedError(root)) {
        update.error = std::move(error);
        return;
    }
    // The answer is choice 0, wherever it is in the list; other choices (n > 1, or a server
    // that sends them anyway) are counted and left out, text, tool calls and finish_reason alike.
    const QJsonArray choices = root.value("choices"_L1).toArray();
    bool found = false;
    for (qsizetype i = 0; i < choices.size(); ++i) {
        const QJsonObject choice = choices.at(i).toObject();
        const QJsonValue index = choice.value("index"_L1);
        const bool first = index.isDouble() ? index.toDouble() == 0 : i == 0;
        if (!first || found) {
            ++update.ignoredChoices;
            continue;
        }
        found = true;
        readMessage(choice.value(whole ? "message"_L1 : "delta"_L1).toObject(), update, whole);
        update.finishReason = text(choice.value("finish_reason"_L1));
    }
    readCommon(root, update);
}

ChunkUpdate decodeStreamEvent(const SseEvent& event, bool useScanner)
{
    if (event.type == "error"_L1)
        return errorEvent(event.data);
    // Other event types (pings, vendor extensions) carry nothing for the answer.
    if (event.type != "message"_L1 && !event.type.isEmpty())
        return {};

    ChunkUpdate update;
    const QStringView data = QStringView(event.data).trimmed();
    if (data.isEmpty())
        return update;
    if (data == u"[DONE]") {
        update.done = true;
        return update;
    }
    // Nearly every event is a plain content chunk: read it without building a document.
    if (useScanner && ChunkScanner::scan(data, update))
        return update;

    QJsonParseError parseError;
    const QJsonDocument document = parseJson(data.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        update.error = ApiError{ApiError::Kind::Protocol,
                                u"malformed JSON in stream chunk: "_s + parseError.errorString() +
                                    u" at offset "_s + QString::number(parseError.offset) +
                                    u" in: "_s + quoted(data)};
        return update;
    }
    if (!document.isObject()) {
        update.error =
            ApiError{ApiError::Kind::Protocol,
                     u"malformed JSON in stream chunk: not an object: "_s + quoted(data)};
        return update;
    }

    readRoot(document.object(), update, false);
    return update;
}

} // namespace

ChunkUpdate ChunkDecoder::decodeEvent(const SseEvent& event)
{
    return decodeStreamEvent(event, true);
}

ChunkUpdate ChunkDecoder::decodeEventWithDocument(const SseEvent& event)
{
    return decodeStreamEvent(event, false);
}

ChunkUpdate ChunkDecoder::decodeCompletion(QByteArrayView json)
{
    ChunkUpdate update;
    QJsonParseError parseError;
    const QJsonDocument document = parseJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        const QString reason =
            parseError.error != QJsonParseError::NoError
                ? parseError.errorString() + u" at offset "_s + QString::number(parseError.offset)
                : u"not a JSON object"_s;
        update.error = ApiError{ApiError::Kind::Protocol, u"unreadable response body: "_s + reason};
        return update;
    }

    // Only used for HTTP 200 bodies, so an error here is one reported by a "successful" answer.
    readRoot(document.object(), update, true);
    // A body that parsed completely is a complete answer, even without finish_reason.
    if (!update.error)
        update.done = true;
    return update;
}

} // namespace adminchat

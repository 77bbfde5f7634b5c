// HttpErrorFormatter: whatever the status, headers and body, the message is one non-empty line of
// at most maxLength characters, without a lone surrogate (a JSON "\ud800" or an HTML "&#xD800;").
//
// Input, so that seeds stay readable: "STATUS\nREASON PHRASE\nCONTENT TYPE\nBODY" (a missing part
// is empty; a status that is not a number is 0).
#include "FuzzCheck.h"
#include "openai/HttpErrorFormatter.h"
#include "openai/LoneSurrogates.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstddef>
#include <cstdint>

using namespace adminchat;

namespace {

bool isOneLine(const QString& text)
{
    for (const QChar c : text) {
        if (c == u'\n' || c == u'\r' || c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            return false;
    }
    return true;
}

// The next '\n'-terminated part of rest, which is advanced past it; all of rest when none.
QByteArrayView takeLine(QByteArrayView& rest)
{
    const qsizetype newline = rest.indexOf('\n');
    const QByteArrayView line = newline < 0 ? rest : rest.first(newline);
    rest = newline < 0 ? QByteArrayView() : rest.sliced(newline + 1);
    return line;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QByteArrayView rest(reinterpret_cast<const char*>(data), qsizetype(size));
    const int status = takeLine(rest).toByteArray().toInt(); // 0 when not a number
    const QByteArrayView reason = takeLine(rest);
    const QByteArrayView contentType = takeLine(rest);
    const QByteArrayView body = rest;

    const QString message = HttpErrorFormatter::format(status, reason, contentType, body);
    FUZZ_CHECK(message.startsWith(QStringLiteral("HTTP ")));
    FUZZ_CHECK(message.size() <= HttpErrorFormatter::maxLength);
    FUZZ_CHECK(isOneLine(message));
    FUZZ_CHECK(!LoneSurrogates::found(message));

    // The same parser reads errors that arrive inside a 200 stream.
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &parseError);
    if (parseError.error == QJsonParseError::NoError) {
        const QJsonValue root =
            document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
        const QString streamed = HttpErrorFormatter::messageFromErrorValue(root);
        FUZZ_CHECK(streamed.size() <= HttpErrorFormatter::maxLength);
        FUZZ_CHECK(isOneLine(streamed));
        FUZZ_CHECK(!LoneSurrogates::found(streamed));
    }
    return 0;
}

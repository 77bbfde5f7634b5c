#include "openai/HttpErrorFormatter.h"

#include "openai/LoneSurrogates.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <cstring>

namespace adminchat {

namespace {

using namespace Qt::StringLiterals;

// HTML and plain-text answers are only scanned this far: the line we want is near the top, and
// a proxy's error page is not worth decoding megabytes of.
constexpr qsizetype maxScannedBytes = 64 * 1024;

// Control characters other than whitespace (an ESC from a terminal-coloured log, a NUL) would
// garble a one-line message; they become spaces and are then collapsed with the rest.
QString oneLine(const QString& text)
{
    QString cleaned = text;
    for (QChar& c : cleaned) {
        if (c.category() == QChar::Other_Control)
            c = u' ';
    }
    // An escaped lone surrogate in a JSON error body would make the line invalid UTF-16.
    return LoneSurrogates::replaced(cleaned.simplified());
}

QString truncated(QString text, qsizetype maxChars)
{
    if (text.size() <= maxChars)
        return text;
    if (maxChars <= 0)
        return {};
    qsizetype cut = maxChars - 1;
    if (cut > 0 && text.at(cut - 1).isHighSurrogate())
        --cut; // never split a surrogate pair
    text.truncate(cut);
    while (text.endsWith(u' '))
        text.chop(1);
    return text + QChar(0x2026);
}

bool startsWithNoCase(QByteArrayView text, const char* prefix)
{
    const qsizetype n = qsizetype(std::strlen(prefix));
    return text.size() >= n && qstrnicmp(text.data(), prefix, size_t(n)) == 0;
}

bool looksLikeHtml(QByteArrayView contentType, QByteArrayView trimmedBody)
{
    const QByteArray type = contentType.toByteArray().toLower();
    if (type.contains("text/html") || type.contains("application/xhtml"))
        return true;
    return startsWithNoCase(trimmedBody, "<!doctype") || startsWithNoCase(trimmedBody, "<html");
}

QString decodeEntities(const QString& text)
{
    if (!text.contains(u'&'))
        return text;
    QString out;
    out.reserve(text.size());
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text.at(i);
        // Entity names are short: look for the ';' in the next few characters only.
        const qsizetype offset = c == u'&' ? QStringView(text).mid(i + 1, 10).indexOf(u';') : -1;
        const qsizetype semicolon = offset < 0 ? -1 : i + 1 + offset;
        if (semicolon < 0) {
            out += c;
            ++i;
            continue;
        }
        const QStringView name = QStringView(text).mid(i + 1, semicolon - i - 1);
        char32_t decoded = 0;
        if (name == u"amp")
            decoded = u'&';
        else if (name == u"lt")
            decoded = u'<';
        else if (name == u"gt")
            decoded = u'>';
        else if (name == u"quot")
            decoded = u'"';
        else if (name == u"apos")
            decoded = u'\'';
        else if (name == u"nbsp")
            decoded = u' ';
        else if (name.startsWith(u'#')) {
            bool ok = false;
            const uint code = name.size() > 1 && (name.at(1) == u'x' || name.at(1) == u'X')
                                  ? name.mid(2).toUInt(&ok, 16)
                                  : name.mid(1).toUInt(&ok, 10);
            if (ok && code > 0 && code <= 0x10FFFF && !QChar::isSurrogate(code))
                decoded = code;
        }
        if (decoded == 0) {
            out += c; // not an entity we know: keep the text as it was
            ++i;
            continue;
        }
        out += QString::fromUcs4(&decoded, 1);
        i = semicolon + 1;
    }
    return out;
}

QString stripTags(const QString& html)
{
    QString out;
    out.reserve(html.size());
    bool inTag = false;
    for (const QChar c : html) {
        if (c == u'<')
            inTag = true;
        else if (c == u'>' && inTag)
            inTag = false;
        else if (!inTag)
            out += c;
    }
    return out;
}

// The text of the first <tag>...</tag> element, tags inside it removed, entities decoded.
QString elementText(const QString& html, QLatin1StringView tag)
{
    const QString open = u'<' + tag;
    qsizetype start = 0;
    while (true) {
        start = html.indexOf(open, start, Qt::CaseInsensitive);
        if (start < 0)
            return {};
        const qsizetype after = start + open.size();
        // "<title>" or "<title lang=..>", not "<titlebar>".
        if (after < html.size() && (html.at(after) == u'>' || html.at(after).isSpace()))
            break;
        start = after;
    }
    const qsizetype contentStart = html.indexOf(u'>', start);
    if (contentStart < 0)
        return {};
    const qsizetype end = html.indexOf(QString(u"</"_s + tag), contentStart, Qt::CaseInsensitive);
    const QString inner = html.mid(contentStart + 1, end < 0 ? -1 : end - contentStart - 1);
    return oneLine(decodeEntities(stripTags(inner)));
}

QString htmlHeadline(QByteArrayView body)
{
    const QString html = QString::fromUtf8(body.first(qMin(body.size(), maxScannedBytes)));
    QString text = elementText(html, "title"_L1);
    if (text.isEmpty())
        text = elementText(html, "h1"_L1);
    return text;
}

QString firstNonEmptyLine(QByteArrayView body)
{
    const QString text = QString::fromUtf8(body.first(qMin(body.size(), maxScannedBytes)));
    for (const QStringView line : QStringView(text).tokenize(u'\n')) {
        const QString cleaned = oneLine(line.toString());
        if (!cleaned.isEmpty())
            return cleaned;
    }
    return {};
}

QString messageOf(const QJsonValue& value, int depth);

// FastAPI validation item: {"loc": ["body", "messages", 0], "msg": "Field required", ...}.
QString validationItemMessage(const QJsonObject& item)
{
    const QString msg = item.value("msg"_L1).toString();
    QStringList location;
    for (const QJsonValue& part : item.value("loc"_L1).toArray()) {
        if (part.isString())
            location.append(part.toString());
        else if (part.isDouble())
            location.append(QString::number(part.toInteger()));
    }
    if (msg.isEmpty() || location.isEmpty())
        return msg;
    return location.join(u'.') + u": "_s + msg;
}

QString objectMessage(const QJsonObject& object, int depth)
{
    QString message = object.value("message"_L1).toString();
    if (message.isEmpty()) {
        if (object.contains("error"_L1))
            message = messageOf(object.value("error"_L1), depth + 1);
        else if (object.contains("detail"_L1))
            message = messageOf(object.value("detail"_L1), depth + 1);
        else if (object.contains("msg"_L1))
            message = validationItemMessage(object);
    }
    // OpenRouter wraps upstream failures as "Provider returned error" and puts the provider's
    // own answer in metadata.raw, which is the part that says what actually went wrong.
    const QJsonValue raw = object.value("metadata"_L1).toObject().value("raw"_L1);
    if (raw.isString()) {
        const QString rawText = oneLine(raw.toString());
        if (!rawText.isEmpty() && rawText != message)
            message = message.isEmpty() ? rawText : message + u" (raw: "_s + rawText + u')';
    }
    return message;
}

QString messageOf(const QJsonValue& value, int depth)
{
    if (depth > 4)
        return {};
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Object:
        return objectMessage(value.toObject(), depth);
    case QJsonValue::Array: {
        // FastAPI's detail list, or a gateway's list of error objects (Gemini's compatibility
        // layer answers [{"error": {...}}]).
        QStringList parts;
        for (const QJsonValue& item : value.toArray()) {
            const QString part = oneLine(messageOf(item, depth + 1));
            if (!part.isEmpty())
                parts.append(part);
        }
        return parts.join("; "_L1);
    }
    default:
        return {};
    }
}

QString jsonBodyMessage(const QJsonDocument& document)
{
    const QJsonValue root =
        document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
    QString message = oneLine(messageOf(root, 0));
    if (message.isEmpty()) // a shape we do not know: show it rather than nothing
        message = QString::fromUtf8(document.toJson(QJsonDocument::Compact));
    return message;
}

} // namespace

QString HttpErrorFormatter::format(int status, QByteArrayView reasonPhraseBytes,
                                   QByteArrayView contentType, QByteArrayView body)
{
    QString line = u"HTTP "_s + QString::number(status);
    QString phrase = oneLine(QString::fromUtf8(reasonPhraseBytes));
    if (phrase.isEmpty()) // HTTP/2 has no reason phrase
        phrase = reasonPhrase(status);
    if (!phrase.isEmpty())
        line += u' ' + phrase;

    const QByteArrayView trimmedBody = body.trimmed();
    if (trimmedBody.isEmpty())
        return truncated(line + u" (empty body)"_s, maxLength);

    QString detail;
    QString suffix;
    if (looksLikeHtml(contentType, trimmedBody)) {
        detail = htmlHeadline(trimmedBody);
        suffix = u" (HTML page)"_s;
    } else if (trimmedBody.startsWith('{') || trimmedBody.startsWith('[')) {
        QJsonParseError parseError;
        const QJsonDocument document =
            QJsonDocument::fromJson(trimmedBody.toByteArray(), &parseError);
        detail = parseError.error == QJsonParseError::NoError ? jsonBodyMessage(document)
                                                              : firstNonEmptyLine(trimmedBody);
    } else {
        detail = firstNonEmptyLine(trimmedBody);
    }

    detail = oneLine(detail);
    if (detail.isEmpty())
        return truncated(line + suffix, maxLength);
    // Shorten the server's message, not the status or the suffix: they are the stable part.
    const qsizetype budget = maxLength - line.size() - 2 - suffix.size();
    return truncated(line + u": "_s + truncated(detail, budget) + suffix, maxLength);
}

QString HttpErrorFormatter::messageFromErrorValue(const QJsonValue& error)
{
    return truncated(oneLine(messageOf(error, 0)), maxLength);
}

QString HttpErrorFormatter::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return u"OK"_s;
    case 201:
        return u"Created"_s;
    case 202:
        return u"Accepted"_s;
    case 204:
        return u"No Content"_s;
    case 301:
        return u"Moved Permanently"_s;
    case 302:
        return u"Found"_s;
    case 303:
        return u"See Other"_s;
    case 304:
        return u"Not Modified"_s;
    case 307:
        return u"Temporary Redirect"_s;
    case 308:
        return u"Permanent Redirect"_s;
    case 400:
        return u"Bad Request"_s;
    case 401:
        return u"Unauthorized"_s;
    case 402:
        return u"Payment Required"_s;
    case 403:
        return u"Forbidden"_s;
    case 404:
        return u"Not Found"_s;
    case 405:
        return u"Method Not Allowed"_s;
    case 406:
        return u"Not Acceptable"_s;
    case 407:
        return u"Proxy Authentication Required"_s;
    case 408:
        return u"Request Timeout"_s;
    case 409:
        return u"Conflict"_s;
    case 410:
        return u"Gone"_s;
    case 411:
        return u"Length Required"_s;
    case 412:
        return u"Precondition Failed"_s;
    case 413:
        return u"Payload Too Large"_s;
    case 414:
        return u"URI Too Long"_s;
    case 415:
        return u"Unsupported Media Type"_s;
    case 416:
        return u"Range Not Satisfiable"_s;
    case 417:
        return u"Expectation Failed"_s;
    case 418:
        return u"I'm a teapot"_s;
    case 421:
        return u"Misdirected Request"_s;
    case 422:
        return u"Unprocessable Entity"_s;
    case 423:
        return u"Locked"_s;
    case 424:
        return u"Failed Dependency"_s;
    case 425:
        return u"Too Early"_s;
    case 426:
        return u"Upgrade Required"_s;
    case 428:
        return u"Precondition Required"_s;
    case 429:
        return u"Too Many Requests"_s;
    case 431:
        return u"Request Header Fields Too Large"_s;
    case 451:
        return u"Unavailable For Legal Reasons"_s;
    case 499:
        return u"Client Closed Request"_s; // nginx
    case 500:
        return u"Internal Server Error"_s;
    case 501:
        return u"Not Implemented"_s;
    case 502:
        return u"Bad Gateway"_s;
    case 503:
        return u"Service Unavailable"_s;
    case 504:
        return u"Gateway Timeout"_s;
    case 505:
        return u"HTTP Version Not Supported"_s;
    case 507:
        return u"Insufficient Storage"_s;
    case 508:
        return u"Loop Detected"_s;
    case 511:
        return u"Network Authentication Required"_s;
    // Cloudflare's own statuses, common in front of hosted endpoints.
    case 520:
        return u"Web Server Returned an Unknown Error"_s;
    case 521:
        return u"Web Server Is Down"_s;
    case 522:
        return u"Connection Timed Out"_s;
    case 523:
        return u"Origin Is Unreachable"_s;
    case 524:
        return u"A Timeout Occurred"_s;
    case 525:
        return u"SSL Handshake Failed"_s;
    case 526:
        return u"Invalid SSL Certificate"_s;
    default:
        return {};
    }
}

} // namespace adminchat

#include "demo/DemoResponse.h"

namespace adminchat {

QByteArray DemoResponse::head(int status, const DemoHeaders& headers, bool keepAlive)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
                     "\r\nServer: adminchat-demo\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    return out;
}

QByteArray DemoResponse::chunk(const QByteArray& payload)
{
    return QByteArray::number(payload.size(), 16) + "\r\n" + payload + "\r\n";
}

QByteArray DemoResponse::lastChunk()
{
    return QByteArrayLiteral("0\r\n\r\n");
}

QByteArray DemoResponse::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

QByteArray DemoResponse::jsonString(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[(c >> 4) & 0xf];
                out += hex[c & 0xf];
            } else {
                out += c; // UTF-8 passes through unchanged
            }
        }
    }
    out += '"';
    return out;
}

QByteArray DemoResponse::errorBody(const QString& message, const QByteArray& type,
                                   const QByteArray& code)
{
    QByteArray body = "{\"error\":{\"message\":" + jsonString(message) +
                      ",\"type\":" + jsonString(QString::fromLatin1(type));
    if (!code.isEmpty())
        body += ",\"code\":" + jsonString(QString::fromLatin1(code));
    return body + "}}";
}

DemoResponse DemoResponse::immediate(int status, const QByteArray& contentType,
                                     const QByteArray& body, bool keepAlive,
                                     const DemoHeaders& extraHeaders)
{
    DemoHeaders headers{{"Content-Type", contentType},
                        {"Content-Length", QByteArray::number(body.size())}};
    headers += extraHeaders;
    DemoResponse response;
    response.status = status;
    response.writes.append(DemoTimedWrite{0, head(status, headers, keepAlive) + body});
    response.ending = keepAlive ? DemoEnding::KeepOpen : DemoEnding::Close;
    return response;
}

DemoResponse DemoResponse::jsonError(int status, const QString& message, const QByteArray& type,
                                     const QByteArray& code, bool keepAlive,
                                     const DemoHeaders& extraHeaders)
{
    return immediate(status, "application/json", errorBody(message, type, code), keepAlive,
                     extraHeaders);
}

DemoResponse DemoResponse::statusFault(DemoFault fault, bool keepAlive)
{
    switch (fault) {
    case DemoFault::Http429:
        return jsonError(429, QStringLiteral("Rate limit reached (simulated)"), "requests",
                         "rate_limit_exceeded", keepAlive,
                         {{"Retry-After", "1"}, {"retry-after-ms", "1000"}});
    case DemoFault::Http429Once: // a short wait, so that a client's retry is quick to test
        return jsonError(429, QStringLiteral("Rate limit reached (simulated)"), "requests",
                         "rate_limit_exceeded", keepAlive,
                         {{"retry-after-ms", "200"}, {"retry-after", "1"}});
    case DemoFault::Html502:
        return immediate(
            502, "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad "
            "Gateway</h1></center><hr><center>nginx</center></body></html>",
            keepAlive);
    default:
        return jsonError(500,
                         QStringLiteral("The server had an error while processing your request "
                                        "(simulated)"),
                         "server_error", {}, keepAlive);
    }
}

} // namespace adminchat

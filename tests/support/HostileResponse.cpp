#include "HostileResponse.h"

HostileResponse HostileResponse::status(int code, QByteArray body, Headers headers,
                                        QByteArray contentType)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(code) + " " + reason(code) + "\r\n";
    if (!contentType.isEmpty())
        head += "Content-Type: " + contentType + "\r\n";
    for (const auto& [name, value] : headers)
        head += name + ": " + value + "\r\n";
    head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    HostileResponse response;
    response.write(head + body);
    return response;
}

HostileResponse HostileResponse::eventStream(const QList<QByteArray>& payloads, bool done,
                                             Headers headers)
{
    HostileResponse response;
    response.write(eventStreamHead(headers));
    for (const QByteArray& payload : payloads)
        response.write("data: " + payload + "\n\n");
    if (done)
        response.write("data: [DONE]\n\n");
    return response;
}

QByteArray HostileResponse::eventStreamHead(const Headers& headers)
{
    QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                      "Cache-Control: no-cache\r\nConnection: close\r\n";
    for (const auto& [name, value] : headers)
        head += name + ": " + value + "\r\n";
    return head + "\r\n";
}

QByteArray HostileResponse::contentChunk(const QString& content, const QByteArray& finishReason,
                                         const QByteArray& model)
{
    QString escaped;
    for (const QChar c : content) {
        if (c == u'"' || c == u'\\')
            escaped += u'\\';
        if (c.unicode() < 0x20)
            escaped += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            escaped += c;
    }
    return R"({"id":"c1","object":"chat.completion.chunk","model":")" + model +
           R"(","choices":[{"index":0,"delta":{"content":")" + escaped.toUtf8() +
           R"("},"finish_reason":)" + finishReason + "}]}";
}

HostileResponse HostileResponse::redirect(int code, const QByteArray& location)
{
    return status(code, {}, {{"Location", location}}, {});
}

QByteArray HostileResponse::reason(int code)
{
    switch (code) {
    case 200:
        return "OK";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

#pragma once

#include <QByteArrayView>
#include <QJsonValue>
#include <QString>

namespace adminchat {

// Turns an HTTP error answer into one line naming the status and the server's message:
//   HTTP 401 Unauthorized: Incorrect API key provided
//   HTTP 502 Bad Gateway: "502 Bad Gateway" (HTML page)
//   HTTP 503 Service Unavailable (empty body)
// Understands {"error": {"message"}}, {"error": "text"}, {"message"}, {"detail"} (FastAPI/vLLM),
// OpenRouter's error.metadata.raw, HTML pages (their <title>), and plain text. The result is a
// single line, whitespace collapsed, at most maxLength characters.
class HttpErrorFormatter
{
public:
    static constexpr int maxLength = 300;

    static QString format(int status, QByteArrayView reasonPhrase, QByteArrayView contentType,
                          QByteArrayView body);

    // The message of an error value ({"message": ...} object or string), as one line; empty if
    // it holds none. Used for errors that arrive inside a 200 stream too.
    static QString messageFromErrorValue(const QJsonValue& error);

    // Standard reason phrase for a status when the server sent none ("Too Many Requests").
    static QString reasonPhrase(int status);
};

} // namespace adminchat

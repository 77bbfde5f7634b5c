#include "HttpTestRequest.h"

#include <QList>

std::optional<HttpTestRequest> takeHttpRequest(QByteArray& buffer)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    qsizetype length = 0;
    for (const QByteArray& line : buffer.left(end).split('\n')) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    if (buffer.size() < end + 4 + length)
        return std::nullopt;
    HttpTestRequest request{buffer.left(end), buffer.mid(end + 4, length)};
    buffer.remove(0, end + 4 + length);
    return request;
}

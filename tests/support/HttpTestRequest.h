// Reading requests in the small HTTP servers tests run to see exactly what the client sent.
#pragma once

#include <QByteArray>
#include <optional>

struct HttpTestRequest
{
    QByteArray head; // request line and headers
    QByteArray body;
};

// The first request in a connection's buffer once its headers and its Content-Length body have
// all arrived, removed from the buffer; nullopt while it is still incomplete.
std::optional<HttpTestRequest> takeHttpRequest(QByteArray& buffer);

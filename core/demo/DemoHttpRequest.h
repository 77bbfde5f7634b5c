#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace adminchat {

// One parsed HTTP/1.x request as the demo server sees it.
struct DemoHttpRequest
{
    QByteArray method;                            // "GET", "POST", ...
    QByteArray target;                            // as sent, e.g. "/v1/models?x=1"
    QByteArray path;                              // target without the query, e.g. "/v1/models"
    int minorVersion = 1;                         // HTTP/1.<minorVersion>
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased, values trimmed
    QByteArray body;
    bool keepAlive = true; // from the version and the Connection header

    // The first header with this lower-case name, or an empty array.
    QByteArray header(const QByteArray& lowerName) const
    {
        for (const auto& [name, value] : headers) {
            if (name == lowerName)
                return value;
        }
        return {};
    }

    bool hasHeader(const QByteArray& lowerName) const
    {
        for (const auto& entry : headers) {
            if (entry.first == lowerName)
                return true;
        }
        return false;
    }
};

} // namespace adminchat

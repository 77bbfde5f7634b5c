#pragma once

#include "net/EndpointConfig.h"
#include "openai/ApiError.h"

#include <QList>
#include <QSslError>
#include <optional>

class QNetworkReply;

namespace adminchat {

// One line for a reply that ended with a network-level error (no HTTP status to report): a
// refused or closed connection, a failed handshake, an undecodable compressed body. Qt's own
// strings may quote the full URL or say nothing useful; these name the host and what failed.
class NetworkErrorFormatter
{
public:
    // std::nullopt when the reply has no error. outputEvents: how much of the answer arrived,
    // for "after N output events".
    static std::optional<ApiError> format(const QNetworkReply& reply,
                                          const EndpointConfig& endpoint,
                                          const QList<QSslError>& sslErrors,
                                          qsizetype outputEvents = 0);
    // A compressed body that could not be decoded; encoding as the server named it.
    static ApiError undecodableBody(const QString& where, QByteArray encoding,
                                    const QString& progress, const QString& reason);
};

} // namespace adminchat

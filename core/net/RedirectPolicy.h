#pragma once

#include "net/EndpointConfig.h"
#include "openai/ApiError.h"

#include <QByteArray>
#include <QList>
#include <QNetworkRequest>
#include <QUrl>
#include <optional>

namespace adminchat {

// What a request does with an HTTP redirect. Qt's own policies would re-send every header,
// the key included, to whatever host a Location names; requests therefore use
// QNetworkRequest::ManualRedirectPolicy and ask this class, hop by hop:
// - the credential headers (EndpointConfig::credentialHeaders()) go to the endpoint's own
//   origin (scheme, host and port) only, as curl and the official SDKs do; plain headers go on;
// - 307 and 308 keep the method and the body; 301, 302 and 303 are followed by a GET only, since
//   a client answering them with a GET without body would silently drop a POST's request;
// - https to http, a non-HTTP Location, a loop and more than maxHops hops are refused.
// Every message names the status and the Location, scrubbed of the endpoint's secrets.
class RedirectPolicy
{
public:
    static constexpr int maxHops = 5;

    struct Decision
    {
        std::optional<ApiError> error; // set: do not follow
        QNetworkRequest request;       // else the next hop's request
    };

    // request: the first hop as sent, with every header; endpoint: where the credentials belong.
    RedirectPolicy(const QNetworkRequest& request, const EndpointConfig& endpoint,
                   QByteArray method);

    static bool isRedirect(int httpStatus);
    // "scheme://host:port", lower-case, with the scheme's default port; empty unless http(s).
    static QString origin(const QUrl& url);

    // The answer to the hop to `from` was `status` with this Location header.
    Decision next(const QUrl& from, int status, const QByteArray& location);
    int hops() const { return int(m_visited.size()) - 1; }

private:
    ApiError refuse(int status, const QString& why) const;
    QString shown(const QUrl& url) const;

    QNetworkRequest m_request;
    EndpointConfig m_endpoint;
    QByteArray m_method;
    QString m_origin;
    QList<QUrl> m_visited;
};

} // namespace adminchat

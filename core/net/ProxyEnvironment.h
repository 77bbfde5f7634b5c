#pragma once

#include "openai/ApiError.h"

#include <QHash>
#include <QNetworkProxy>
#include <QString>
#include <QUrl>
#include <optional>

namespace adminchat {

// The proxy for a URL from the environment, as curl reads it: `http_proxy` (lower case only) for
// http, `https_proxy`/`HTTPS_PROXY` for https, else `all_proxy`/`ALL_PROXY`; `no_proxy`/`NO_PROXY`
// (comma- or space-separated host names, matching themselves and their subdomains, IP addresses
// and CIDR ranges, or `*`) bypasses it. A proxy without scheme is an HTTP proxy; port 1080 when
// none is given. Loopback hosts never use a proxy: one elsewhere could not reach them. Qt reads
// none of all_proxy and no CIDR, so requests go through install()'s application-wide factory
// instead.
class ProxyEnvironment
{
public:
    using Variables = QHash<QString, QString>;

    // The proxy variables of this process.
    static Variables fromProcess();

    // What a request to url uses: a QNetworkProxy (NoProxy when none applies), or a one-line
    // error naming the variable when its value cannot be used (an unsupported scheme: the
    // request must then not be sent rather than bypass the proxy).
    static QNetworkProxy proxyFor(const QUrl& url, const Variables& variables,
                                  std::optional<ApiError>* error = nullptr);
    static bool bypasses(const QString& host, const QString& noProxy);

    // Makes every QNetworkAccessManager of the process follow these rules, once, from the
    // variables as they were at the first call, when any of them is set (else Qt's own
    // configuration stays). Returns the error for url, if any.
    static std::optional<ApiError> install(const QUrl& url);
};

} // namespace adminchat

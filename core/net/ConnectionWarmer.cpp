#include "net/ConnectionWarmer.h"

#include "net/ChatClient.h"
#include "net/NetLog.h"
#include "net/ProxyEnvironment.h"
#include "net/RequestLog.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#if QT_CONFIG(ssl)
#include <QSslConfiguration>
#endif

namespace adminchat {

ConnectionWarmer::ConnectionWarmer(ChatClient* client, QObject* parent)
    : QObject(parent), m_client(client)
{}

void ConnectionWarmer::setEnabled(bool enabled)
{
    m_enabled = enabled;
    if (!enabled)
        m_lastWarm.clear();
}

bool ConnectionWarmer::warm(const EndpointConfig& endpoint)
{
    if (!m_enabled || !m_client)
        return false;
    const QString origin = originOf(endpoint.baseUrl);
    if (origin.isEmpty())
        return false;
    QElapsedTimer& last = m_lastWarm[origin];
    if (last.isValid() && !last.hasExpired(m_minimumIntervalMs))
        return false;
    last.start();
    ++m_warmCount;
    qCDebug(lcNet).noquote() << "pre-warming a connection to" << origin;
    ChatClient* client = m_client;
    QMetaObject::invokeMethod(
        client, [client, endpoint] { client->warm(endpoint); }, Qt::QueuedConnection);
    emit warmRequested(origin);
    return true;
}

QString ConnectionWarmer::originOf(const QUrl& url)
{
    const QString scheme = url.scheme().toLower();
    const bool encrypted = scheme == QLatin1String("https");
    if ((!encrypted && scheme != QLatin1String("http")) || url.host().isEmpty())
        return {};
    return QStringLiteral("%1://%2:%3").arg(scheme, url.host()).arg(url.port(encrypted ? 443 : 80));
}

std::optional<ApiError> ConnectionWarmer::connect(QNetworkAccessManager* manager,
                                                  const EndpointConfig& endpoint)
{
    const QUrl& url = endpoint.baseUrl;
    const bool encrypted = url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    // Only the origin: a connection carries no path, query or credentials.
    qCDebug(lcNet).noquote() << "CONNECT"
                             << RequestLog::redactedUrl(
                                    url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery))
                             << (encrypted ? "(TLS)" : "");
    if (std::optional<ApiError> error = ProxyEnvironment::install(url))
        return error;
    if (!encrypted) {
        manager->connectToHost(url.host(), quint16(url.port(80)));
        return std::nullopt;
    }
#if QT_CONFIG(ssl)
    // The TLS configuration a request to this endpoint gets (custom CA included), so the
    // connection is verified as the request would verify it.
    QNetworkRequest probe(url);
    if (std::optional<ApiError> error = endpoint.applyTls(probe))
        return error;
    QSslConfiguration tls = probe.sslConfiguration();
    // Offer HTTP/2 as a request does by default; without it Qt would open an HTTP/1.1-only
    // connection.
    tls.setAllowedNextProtocols(
        {QSslConfiguration::ALPNProtocolHTTP2, QSslConfiguration::NextProtocolHttp1_1});
    manager->connectToHostEncrypted(url.host(), quint16(url.port(443)), tls);
    return std::nullopt;
#else
    return ApiError{ApiError::Kind::Tls, QStringLiteral("this build has no TLS support")};
#endif
}

} // namespace adminchat

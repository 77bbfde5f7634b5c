#include "net/ConnectionWarmer.h"

#include "net/ChatClient.h"
#include "net/CurlMulti.h"
#include "net/NetLog.h"
#include "net/Preconnector.h"
#include "net/ProxyEnvironment.h"
#include "net/RequestLog.h"

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
    if (m_minimumIntervalMs > 0 && last.isValid() && !last.hasExpired(m_minimumIntervalMs))
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

std::optional<ApiError> ConnectionWarmer::connect(CurlMulti* multi, const EndpointConfig& endpoint)
{
    const QUrl& url = endpoint.baseUrl;
    const bool encrypted = url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    // Only the origin: a connection carries no path, query or credentials.
    qCDebug(lcNet).noquote() << "CONNECT"
                             << RequestLog::redactedUrl(
                                    url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery))
                             << (encrypted ? "(TLS)" : "");
    std::optional<ApiError> error;
    const QNetworkProxy proxy =
        ProxyEnvironment::proxyFor(url, ProxyEnvironment::fromProcess(), &error);
    if (error)
        return error;
    QList<QSslCertificate> certificates;
    if ((error = endpoint.loadCaCertificates(certificates)))
        return error;
    if (proxy.type() == QNetworkProxy::NoProxy)
        multi->preconnector()->connectTo(url.host(), quint16(url.port(encrypted ? 443 : 80)));
    return std::nullopt;
}

} // namespace adminchat

#include "net/RedirectPolicy.h"

#include "net/RequestLog.h"

namespace adminchat {

namespace {

QByteArray statusText(int status)
{
    switch (status) {
    case 301:
        return "301 Moved Permanently";
    case 302:
        return "302 Found";
    case 303:
        return "303 See Other";
    case 307:
        return "307 Temporary Redirect";
    case 308:
        return "308 Permanent Redirect";
    default:
        return QByteArray::number(status);
    }
}

// A Location is the server's text: at most one printable line of it reaches a message.
QString printable(const QByteArray& value)
{
    QString text = QString::fromLatin1(value.left(300));
    for (QChar& c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.unicode() > 0x7e)
            c = u'?';
    }
    return value.size() > 300 ? text + QStringLiteral("...") : text;
}

} // namespace

RedirectPolicy::RedirectPolicy(const QNetworkRequest& request, const EndpointConfig& endpoint,
                               QByteArray method)
    : m_request(request), m_endpoint(endpoint), m_method(std::move(method)),
      m_origin(origin(endpoint.baseUrl)), m_visited{request.url()}
{}

bool RedirectPolicy::isRedirect(int httpStatus)
{
    return httpStatus == 301 || httpStatus == 302 || httpStatus == 303 || httpStatus == 307 ||
           httpStatus == 308;
}

QString RedirectPolicy::origin(const QUrl& url)
{
    const QString scheme = url.scheme().toLower();
    const bool encrypted = scheme == QLatin1String("https");
    if ((!encrypted && scheme != QLatin1String("http")) || url.host().isEmpty())
        return {};
    return QStringLiteral("%1://%2:%3")
        .arg(scheme, url.host().toLower())
        .arg(url.port(encrypted ? 443 : 80));
}

QString RedirectPolicy::shown(const QUrl& url) const
{
    return m_endpoint.scrubbed(RequestLog::redactedUrl(url));
}

ApiError RedirectPolicy::refuse(int status, const QString& why) const
{
    return {ApiError::Kind::Http,
            m_endpoint.scrubbed(
                QStringLiteral("HTTP %1 from %2: %3")
                    .arg(QString::fromLatin1(statusText(status)), shown(m_visited.last()), why))};
}

RedirectPolicy::Decision RedirectPolicy::next(const QUrl& from, int status,
                                              const QByteArray& location)
{
    Decision decision;
    const QByteArray trimmed = location.trimmed();
    const QUrl target = from.resolved(QUrl::fromEncoded(trimmed, QUrl::StrictMode));
    if (trimmed.isEmpty() || !target.isValid()) {
        decision.error =
            refuse(status, trimmed.isEmpty() ? QStringLiteral("redirect without a Location")
                                             : QStringLiteral("redirect to an unusable Location %1")
                                                   .arg(m_endpoint.scrubbed(printable(trimmed))));
        return decision;
    }
    const QString to = shown(target);
    const QString targetOrigin = origin(target);
    if (targetOrigin.isEmpty()) {
        decision.error =
            refuse(status, QStringLiteral("redirect to %1 refused: not an HTTP address").arg(to));
        return decision;
    }
    if (from.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0 &&
        target.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) == 0) {
        decision.error = refuse(
            status, QStringLiteral("redirect from https to plain http (%1) refused: the request "
                                   "would travel unencrypted")
                        .arg(to));
        return decision;
    }
    const bool keepsMethod = status == 307 || status == 308;
    if (!keepsMethod && m_method != "GET") {
        decision.error =
            refuse(status, QStringLiteral("redirect to %1 not followed: it would turn the %2 "
                                          "into a GET without its body; use that address as "
                                          "the base URL")
                               .arg(to, QString::fromLatin1(m_method)));
        return decision;
    }
    if (m_visited.contains(target.adjusted(QUrl::RemoveFragment))) {
        decision.error =
            refuse(status, QStringLiteral("redirect loop: %1 was already asked").arg(to));
        return decision;
    }
    if (hops() >= maxHops) {
        decision.error = refuse(
            status, QStringLiteral("more than %1 redirects, the last to %2").arg(maxHops).arg(to));
        return decision;
    }
    m_visited.append(target.adjusted(QUrl::RemoveFragment));

    QNetworkRequest request = m_request;
    request.setUrl(target.adjusted(QUrl::RemoveFragment));
    // Set again for the target's origin only: never to another scheme, host or port.
    for (const auto& [name, value] : m_endpoint.credentialHeaders())
        request.setRawHeader(name, targetOrigin == m_origin ? value : QByteArray());
    decision.request = request;
    return decision;
}

} // namespace adminchat

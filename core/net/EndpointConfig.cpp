#include "net/EndpointConfig.h"

namespace adminchat {

QUrl EndpointConfig::normalizeBaseUrl(const QUrl& url)
{
    QUrl result = url;
    QString path = result.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    for (const QString& suffix : {QStringLiteral("/chat/completions"), QStringLiteral("/models")}) {
        if (path.endsWith(suffix)) {
            path.chop(suffix.size());
            break;
        }
    }
    if (path.isEmpty())
        path = QStringLiteral("/v1");
    result.setPath(path);
    result.setQuery(QString());
    result.setFragment(QString());
    return result;
}

QString EndpointConfig::displayUrl(const QUrl& url)
{
    return url
        .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                  QUrl::StripTrailingSlash)
        .toString();
}

QUrl EndpointConfig::endpointUrl(const QString& path) const
{
    QUrl url = baseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + QLatin1Char('/') + path);
    return url;
}

} // namespace adminchat

#include "net/EndpointConfig.h"

#include <QFile>
#include <QNetworkRequest>
#include <QUrlQuery>
#include <algorithm>
#if QT_CONFIG(ssl)
#include <QSslCertificate>
#include <QSslConfiguration>
#endif

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

EndpointConfig::Headers EndpointConfig::credentialHeaders() const
{
    Headers headers;
    if (!apiKey.isEmpty())
        headers.append({QByteArrayLiteral("Authorization"), "Bearer " + apiKey.toUtf8()});
    return headers;
}

EndpointConfig::Headers EndpointConfig::plainHeaders() const
{
    return extraHeaders;
}

QString EndpointConfig::hostPort() const
{
    const bool encrypted =
        baseUrl.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    return QStringLiteral("%1:%2").arg(baseUrl.host()).arg(baseUrl.port(encrypted ? 443 : 80));
}

QString EndpointConfig::scrubbed(QString text) const
{
    const QString mask = QStringLiteral("***");
    QStringList secrets{apiKey, baseUrl.password(QUrl::FullyDecoded),
                        baseUrl.password(QUrl::FullyEncoded), baseUrl.query(QUrl::FullyEncoded),
                        baseUrl.query(QUrl::FullyDecoded)};
    const QUrlQuery query(baseUrl);
    for (const auto& [name, value] : query.queryItems(QUrl::FullyDecoded))
        secrets << value;
    for (const auto& [name, value] : query.queryItems(QUrl::FullyEncoded))
        secrets << value;
    // Longest first, so that a value inside a longer one does not leave the rest behind.
    std::sort(secrets.begin(), secrets.end(),
              [](const QString& a, const QString& b) { return a.size() > b.size(); });
    for (const QString& secret : std::as_const(secrets)) {
        // Very short values ("1", "v1") are not secrets and would mangle the message.
        if (secret.size() >= 4)
            text.replace(secret, mask);
    }
    return text;
}

std::optional<ApiError> EndpointConfig::applyTls(QNetworkRequest& request) const
{
    if (caFile.isEmpty())
        return std::nullopt;
#if QT_CONFIG(ssl)
    QFile file(caFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return ApiError{
            ApiError::Kind::Tls,
            QStringLiteral("cannot read the CA file %1: %2").arg(caFile, file.errorString())};
    }
    // At most a few certificates; a bigger file is not a CA bundle worth reading whole.
    constexpr qint64 maxBytes = 16 * 1024 * 1024;
    const QByteArray pem = file.read(maxBytes);
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(pem, QSsl::Pem);
    if (certificates.isEmpty()) {
        return ApiError{ApiError::Kind::Tls,
                        QStringLiteral("the CA file %1 holds no PEM certificate").arg(caFile)};
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(certificates);
    request.setSslConfiguration(tls);
    return std::nullopt;
#else
    Q_UNUSED(request)
    return ApiError{
        ApiError::Kind::Tls,
        QStringLiteral("cannot use the CA file %1: this build has no TLS support").arg(caFile)};
#endif
}

} // namespace adminchat

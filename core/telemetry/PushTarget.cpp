#include "telemetry/PushTarget.h"

#include "net/EndpointConfig.h"

#include <QUrlQuery>

namespace adminchat {

QByteArray PushTarget::groupingSegment(const QByteArray& name, const QString& value)
{
    if (value.isEmpty())
        return name + "@base64/="; // the Pushgateway's spelling of an empty value
    const QByteArray utf8 = value.toUtf8();
    if (utf8.contains('/'))
        return name + "@base64/" + utf8.toBase64(QByteArray::Base64UrlEncoding);
    return name + '/' + QUrl::toPercentEncoding(value);
}

QUrl PushTarget::requestUrl() const
{
    if (kind == Kind::Pushgateway) {
        QByteArray base = url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment).toEncoded();
        while (base.endsWith('/')) // StripTrailingSlash leaves a lone "/"
            base.chop(1);
        return QUrl::fromEncoded(base + "/metrics/" + groupingSegment("job", job) + '/' +
                                     groupingSegment("instance", instance),
                                 QUrl::StrictMode);
    }
    QUrl target = url.adjusted(QUrl::RemoveFragment);
    if (target.path().isEmpty() || target.path() == QLatin1String("/"))
        target.setPath(QStringLiteral("/api/v1/import/prometheus"));
    QUrlQuery query(target);
    query.addQueryItem(QStringLiteral("extra_label"),
                       QUrl::toPercentEncoding(QStringLiteral("job=") + job));
    query.addQueryItem(QStringLiteral("extra_label"),
                       QUrl::toPercentEncoding(QStringLiteral("instance=") + instance));
    target.setQuery(query);
    return target;
}

QByteArray PushTarget::method() const
{
    return kind == Kind::Pushgateway ? QByteArrayLiteral("PUT") : QByteArrayLiteral("POST");
}

QString PushTarget::displayUrl() const
{
    return EndpointConfig::displayUrl(requestUrl());
}

} // namespace adminchat

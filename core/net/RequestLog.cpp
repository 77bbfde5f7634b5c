#include "net/RequestLog.h"

#include <QMutex>
#include <QNetworkRequest>
#include <QSet>
#include <QUrlQuery>

namespace adminchat {

namespace {

bool containsAny(const QString& name, std::initializer_list<QLatin1String> words)
{
    for (const QLatin1String word : words) {
        if (name.contains(word, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// Names only, never values; a set that only grows, shared by the network threads.
QMutex secretNamesMutex;
QSet<QByteArray> secretNames;

} // namespace

void RequestLog::addSecretHeaderName(QByteArrayView name)
{
    const QByteArray lower = name.toByteArray().toLower();
    QMutexLocker lock(&secretNamesMutex);
    secretNames.insert(lower);
}

bool RequestLog::isSecretHeader(QByteArrayView name)
{
    {
        QMutexLocker lock(&secretNamesMutex);
        if (!secretNames.isEmpty() && secretNames.contains(name.toByteArray().toLower()))
            return true;
    }
    return looksLikeCredential(name);
}

bool RequestLog::looksLikeCredential(QByteArrayView name)
{
    return containsAny(QString::fromLatin1(name.data(), name.size()),
                       {QLatin1String("key"), QLatin1String("token"), QLatin1String("secret"),
                        QLatin1String("auth"), QLatin1String("cookie"), QLatin1String("password")});
}

bool RequestLog::isSecretQueryItem(const QString& name)
{
    return containsAny(name,
                       {QLatin1String("key"), QLatin1String("token"), QLatin1String("secret"),
                        QLatin1String("password"), QLatin1String("auth"), QLatin1String("sig")});
}

QString RequestLog::redactedHeaders(const QList<QPair<QByteArray, QByteArray>>& headers)
{
    QStringList parts;
    parts.reserve(headers.size());
    for (const auto& [name, value] : headers) {
        QString shown;
        if (!isSecretHeader(name)) {
            shown = QString::fromLatin1(value);
        } else {
            // The scheme of an Authorization header ("Bearer", "Basic") says which kind of
            // credential went out, which helps; the credential itself never appears.
            const qsizetype space = value.indexOf(' ');
            const QByteArray scheme = space > 0 ? value.left(space).toLower() : QByteArray();
            const bool knownScheme =
                name.toLower().endsWith("authorization") &&
                (scheme == "bearer" || scheme == "basic" || scheme == "digest" ||
                 scheme == "token" || scheme == "negotiate");
            shown = knownScheme
                        ? QString::fromLatin1(value.left(space)) + QLatin1Char(' ') + redacted
                        : redacted;
        }
        parts << QString::fromLatin1(name) + QStringLiteral(": ") + shown;
    }
    return parts.join(QStringLiteral(", "));
}

QString RequestLog::redactedHeaders(const QNetworkRequest& request)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    for (const QByteArray& name : request.rawHeaderList())
        headers.append({name, request.rawHeader(name)});
    return redactedHeaders(headers);
}

QString RequestLog::redactedUrl(const QUrl& url)
{
    QString text = url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment)
                       .toString(QUrl::FullyEncoded);
    if (!url.hasQuery())
        return text;
    // Built by hand: QUrl would percent-encode the marker. Every value is redacted: the query
    // comes from a base URL, where a gateway's key looks like any other parameter.
    const QUrlQuery query(url);
    QStringList items;
    for (const auto& [name, value] : query.queryItems(QUrl::FullyEncoded))
        items << name + QLatin1Char('=') + redacted;
    return text + QLatin1Char('?') + items.join(QLatin1Char('&'));
}

QString RequestLog::describe(QByteArrayView method, const QNetworkRequest& request)
{
    return QString::fromLatin1(method.data(), method.size()) + QLatin1Char(' ') +
           redactedUrl(request.url()) + QStringLiteral(" [") + redactedHeaders(request) +
           QLatin1Char(']');
}

} // namespace adminchat

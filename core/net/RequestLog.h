#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

class QNetworkRequest;

namespace adminchat {

// Printable descriptions of requests for debug logs, with every secret replaced by
// "<redacted>": credential headers (Authorization keeps its scheme word), the values of all query
// parameters, and user info.
class RequestLog
{
public:
    static inline const QString redacted = QStringLiteral("<redacted>");

    // Authorization, Proxy-Authorization, Cookie and any header whose name contains "key",
    // "token", "secret", "auth", "cookie" or "password" (case-insensitive), and every name given
    // to addSecretHeaderName().
    static bool isSecretHeader(QByteArrayView name);
    // A header that carries a credential whatever its name (a profile's secret header, its key
    // header): its values are redacted in every log of this process from now on. Thread-safe.
    static void addSecretHeaderName(QByteArrayView name);
    // The name alone says so: key, token, secret, auth, cookie, password.
    static bool looksLikeCredential(QByteArrayView name);
    // Query parameters whose name contains "key", "token", "secret", "password", "auth" or "sig".
    static bool isSecretQueryItem(const QString& name);

    // "Name: value, Name: value" in the request's order.
    static QString redactedHeaders(const QNetworkRequest& request);
    static QString redactedHeaders(const QList<QPair<QByteArray, QByteArray>>& headers);
    // The URL without user info or fragment and with every query value replaced.
    static QString redactedUrl(const QUrl& url);
    // "POST https://host/v1/chat/completions [Accept: ..., Authorization: Bearer <redacted>]"
    static QString describe(QByteArrayView method, const QNetworkRequest& request);
};

} // namespace adminchat

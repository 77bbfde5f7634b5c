#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace adminchat {

// Where and how to send requests. The key lives here only in memory; it is never logged,
// stored or put into an error message.
struct EndpointConfig
{
    QUrl baseUrl; // e.g. http://127.0.0.1:8000/v1
    QString apiKey;
    QList<QPair<QByteArray, QByteArray>> extraHeaders;
    int connectTimeoutMs = 10'000; // until the request has been sent
    int idleTimeoutMs = 60'000;    // longest silence between bytes once sent
    int totalTimeoutMs = 0;        // 0: none

    // Normalises what people type: trailing slashes removed, "/v1" added when the URL has no
    // path, a pasted ".../chat/completions" cut back to its base.
    static QUrl normalizeBaseUrl(const QUrl& url);
    // The base URL without user info, query or fragment: safe to show, log and store.
    static QString displayUrl(const QUrl& url);

    QUrl endpointUrl(const QString& path) const; // baseUrl + "/" + path
};

} // namespace adminchat

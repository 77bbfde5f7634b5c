#pragma once

#include "openai/ApiError.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <optional>

class QNetworkRequest;

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
    int totalTimeoutMs = 0;        // 0: none, else spans all attempts
    // Times a failed request is sent again before any answer arrived (RetryPolicy: 408, 409,
    // 429, 5xx, connection errors and timeouts), as the official OpenAI SDKs do. 0: never.
    int maxRetries = 2;
    static constexpr int maxRetriesLimit = 10;
    // PEM file of extra CA certificates trusted for this endpoint, on top of the system ones
    // (a private CA, a self-signed server). Verification always stays on.
    QString caFile;
    // stream_options.include_usage on streamed requests. Some servers reject the field with a
    // 400; ChatStream then retries once without it (RequestTrace::streamOptionsRejected).
    bool sendStreamOptions = true;
    // Predicted Outputs: on regenerate and edit-and-resend, the previous answer goes along as
    // "prediction" so that a server which supports it can reuse the unchanged parts. Off by
    // default: most servers ignore or reject the field, and rejected prediction tokens are billed.
    bool sendPrediction = false;

    // Normalises what people type: trailing slashes removed, "/v1" added when the URL has no
    // path, a pasted ".../chat/completions" cut back to its base.
    static QUrl normalizeBaseUrl(const QUrl& url);
    // The base URL without user info, query or fragment: safe to show, log and store.
    static QString displayUrl(const QUrl& url);

    QUrl endpointUrl(const QString& path) const; // baseUrl + "/" + path

    using Headers = QList<QPair<QByteArray, QByteArray>>;
    // The headers that carry a credential (the key's header, and every extra header whose value
    // is a secret): sent to the endpoint's own origin only, never after a redirect elsewhere.
    Headers credentialHeaders() const;
    // The other extra headers, sent with every request.
    Headers plainHeaders() const;
    // "host:port" of baseUrl (the scheme's default port when none is given), for messages.
    QString hostPort() const;
    // text with every secret this endpoint knows replaced by "***": the key, the password of
    // the URL's user info and the values of its query parameters (a gateway's ?key=...).
    // Error messages pass through it, whatever a server or Qt put into them.
    QString scrubbed(QString text) const;

    // Gives `request` the TLS configuration of this endpoint: the defaults plus the certificates
    // of caFile when set. An unreadable caFile, or one without a PEM certificate, is a one-line
    // ApiError of kind Tls naming the file; the request must then not be sent.
    std::optional<ApiError> applyTls(QNetworkRequest& request) const;
};

} // namespace adminchat

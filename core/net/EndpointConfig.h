#pragma once

#include "openai/ApiError.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QSslCertificate>
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
    // Names the endpoint in the metrics (EndpointIdentity); empty: grouped by URL.
    QString endpointId;
    QString apiKey;
    // The header that carries apiKey: empty or "Authorization" for "Authorization: Bearer
    // <key>", else the key alone as this header's value (Azure OpenAI's "api-key").
    QByteArray keyHeader;
    static inline const QByteArray bearerHeader = QByteArrayLiteral("Authorization");
    QList<QPair<QByteArray, QByteArray>> extraHeaders;
    // Names of extra headers whose values are secrets (a gateway key, an Azure api-key), sent
    // like the key. Headers whose names look like credentials (isCredentialHeader) count too.
    QList<QByteArray> secretHeaders;
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
    // path, a pasted ".../chat/completions" cut back to its base. The query stays (Azure
    // OpenAI's ?api-version=...): it goes with every request.
    static QUrl normalizeBaseUrl(const QUrl& url);
    // The one check of a base URL as typed (--base-url, OPENAI_BASE_URL, profile add, the
    // editor): http(s) (the scheme may be left out: http), a host, a port from 1 to 65535.
    // Normalised, or nullopt and a one-line *error naming the bad part ("invalid base URL
    // (SOURCE): port 99999 is out of range (1 to 65535)"); it never quotes the query or user
    // info, which may hold secrets.
    static std::optional<QUrl> parseBaseUrl(const QString& text, QString* error,
                                            const QString& source = {});
    // The base URL without user info, query or fragment: safe to show, log and store.
    static QString displayUrl(const QUrl& url);

    QUrl endpointUrl(const QString& path) const; // baseUrl + "/" + path

    // Header rules for everything a profile, the command line or the environment puts into a
    // request. Framing and hop-by-hop headers (Content-Length, Transfer-Encoding, Host,
    // Connection, Keep-Alive, Upgrade, TE, Trailer, Proxy-*) belong to the HTTP stack: a
    // Content-Length of the user's would cut the body short.
    static bool isForbiddenHeader(QByteArrayView name);
    // A name that says its value is a credential: key, token, secret, auth, password, cookie.
    static bool isCredentialHeader(QByteArrayView name);
    // Empty when name can be an extra header's name, else one line naming it: not an RFC 9110
    // token, or a forbidden header.
    static QString headerNameError(const QString& name);
    // Empty when text has no control character (CR, LF, NUL, TAB, ...), else one line saying
    // that `what` (e.g. "the API key in OPENAI_API_KEY") contains one, and which. The text is
    // never part of the message: it may be a secret.
    static QString controlCharacterError(QStringView text, const QString& what);

    using Headers = QList<QPair<QByteArray, QByteArray>>;
    // The headers that carry a credential (the key's header, and every extra header whose value
    // is a secret): sent to the endpoint's own origin only, never after a redirect elsewhere.
    Headers credentialHeaders() const;
    // The other extra headers, sent with every request.
    Headers plainHeaders() const;
    // Whether the extra header `name` carries a secret: marked so, or named like a credential.
    bool isSecret(QByteArrayView name) const;
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
    // The certificates of caFile (none when it is not set), or the same error.
    std::optional<ApiError> loadCaCertificates(QList<QSslCertificate>& certificates) const;
};

} // namespace adminchat

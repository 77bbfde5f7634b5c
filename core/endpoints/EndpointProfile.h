#pragma once

#include "endpoints/ProbeSettings.h"
#include "net/EndpointConfig.h"
#include "net/EndpointIdentity.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <optional>

namespace adminchat {

// A named endpoint as the user configured it. Never holds the API key: that lives in the OS
// keychain (KeyStore), or comes from the environment, and is joined in by toConfig().
struct EndpointProfile
{
    enum class Kind
    {
        Saved,       // stored with QSettings by ProfileStore
        Environment, // from OPENAI_BASE_URL / OPENAI_API_KEY, never stored
        Demo,        // the built-in simulated endpoint, never stored
    };

    static inline const QString environmentName = EndpointIdentity::environmentProfileName;
    static inline const QString demoName = EndpointIdentity::demoProfileName;

    Kind kind = Kind::Saved;
    QString name;
    // Names the endpoint in the metrics whatever its name or URL becomes (EndpointIdentity).
    // Set by ProfileStore for saved profiles; empty: toConfig() derives it from kind and name.
    QString id;
    QUrl baseUrl; // normalised (EndpointConfig::normalizeBaseUrl)
    QString defaultModel;
    // Who serves it, as the telemetry names it (gen_ai.provider.name: "openai", "azure.ai.openai",
    // "aws.bedrock", ...); empty: "openai", the API these endpoints speak.
    QString providerName;
    // How the key is sent (EndpointConfig::keyHeader): empty for "Authorization: Bearer <key>",
    // "api-key" for Azure OpenAI, or another header name that then carries the key alone.
    QByteArray keyHeader;
    QList<QPair<QByteArray, QByteArray>> extraHeaders;
    // Names of the extra headers whose values are secrets (a gateway key, Azure's api-key): kept
    // in the keychain (KeyStore::writeHeaderValue) or the environment
    // (KeyStore::headerVariable), never in the settings file. Every header named like a
    // credential is one. Until ProfileResolver fills them in, their values are empty.
    QList<QByteArray> secretHeaders;
    // Secret headers whose values an older version wrote into the settings file in plain text,
    // with the values in extraHeaders; ProfileResolver moves them into the keychain. Not stored.
    QList<QByteArray> plaintextSecrets;
    int connectTimeoutMs = 10'000;
    int idleTimeoutMs = 60'000;
    int totalTimeoutMs = 0; // 0: none
    int maxRetries = 2;     // EndpointConfig::maxRetries, 0 ... EndpointConfig::maxRetriesLimit
    QString caFile;         // extra trusted CA certificates (PEM); empty: system ones only
    // Some servers reject stream_options with a 400; the client then retries once without it
    // and the profile remembers (ChatStream, RequestTrace::streamOptionsRejected).
    bool sendStreamOptions = true;
    // EndpointConfig::sendPrediction: the previous answer is sent as a prediction on regenerate
    // and edit (Predicted Outputs). Off by default.
    bool sendPrediction = false;
    // A key was stored in the keychain for this profile (not a secret). A profile without one
    // never touches the keychain.
    bool hasKey = false;
    // Whether and how the endpoint is watched (`adminchat watch`); off by default.
    ProbeSettings probe;

    static constexpr int maxNameLength = 64;

    EndpointConfig toConfig(const QString& apiKey) const;

    // Whether the extra header `name` is secret: in secretHeaders or named like a credential.
    bool isSecretHeader(QByteArrayView name) const;
    // The names of the extra headers that are secret, in order.
    QList<QByteArray> secretHeaderNames() const;
    // Adds or replaces an extra header (names compare case-insensitively), secret as asked or
    // when named like a credential.
    void setHeader(const QByteArray& name, const QByteArray& value, bool secret);

    // Empty when the name can be used for a saved profile, else a one-line reason (empty,
    // too long, a reserved name such as "Demo" or "Environment", a '/' or '\\', control
    // characters).
    static QString nameError(const QString& name);
    // Empty when name suits gen_ai.provider.name (lower case letters, digits, '.' and '_', at
    // most 64), else one line.
    static QString providerNameError(const QString& name);
    // "K:V" as typed on the command line or in the editor, both sides trimmed; nullopt and a
    // one-line *error when malformed (no ':', an empty or non-token name, a framing or
    // hop-by-hop header such as Content-Length, a control character anywhere). The error never
    // quotes the value.
    static std::optional<QPair<QByteArray, QByteArray>> parseHeader(const QString& text,
                                                                    QString* error);
    // True for http:// to a host that is not loopback (127.0.0.0/8, ::1, localhost): keys and
    // prompts would cross the network in the clear, so the editor shows a warning.
    static bool isInsecureRemote(const QUrl& baseUrl);
    // Empty when baseUrl can be a profile's, else one line: what EndpointConfig::parseBaseUrl
    // refuses, user info, or a query parameter named like a credential (either is a secret,
    // which belongs in the keychain). Other queries (?api-version=...) are kept.
    static QString baseUrlError(const QUrl& baseUrl);
    // Where toConfig()'s key comes from when the profile is resolved: "env", "keychain" or
    // "none" (ProfileResolver's order: the environment first, then the keychain).
    QString keySource() const;
    // The Environment profile when OPENAI_BASE_URL is set to an http(s) URL (the key comes from
    // OPENAI_API_KEY).
    static std::optional<EndpointProfile> fromEnvironment();
    // "K: V", as shown and stored.
    static QString headerText(const QPair<QByteArray, QByteArray>& header);
};

} // namespace adminchat

#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QProcessEnvironment>
#include <QString>
#include <QUrl>
#include <optional>

namespace adminchat {

// Where and how OTLP/HTTP exports go, and the resource they describe. Header values may be
// credentials (an Authorization for a hosted backend): they live here in memory only and are
// never written to settings, logs or error messages.
struct OtlpConfig
{
    // The base URL, e.g. http://127.0.0.1:4318; exports go to {endpoint}/v1/metrics and
    // {endpoint}/v1/traces. Invalid: exporting is off.
    QUrl endpoint;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString serviceName = QStringLiteral("adminchat");
    QString serviceVersion;                            // the scope's version too
    QList<QPair<QString, QString>> resourceAttributes; // service.name excluded
    static constexpr int defaultFlushBoundMs = 2'000;  // a final flush waits no longer
    int flushBoundMs = defaultFlushBoundMs;

    bool isEnabled() const { return endpoint.isValid() && !endpoint.isEmpty(); }
    // {endpoint}/v1/metrics or /v1/traces, without doubling a trailing '/'.
    QUrl signalUrl(const char* signalPath) const;

    // The standard variables: OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS,
    // OTEL_SERVICE_NAME (wins over a service.name in OTEL_RESOURCE_ATTRIBUTES, as the
    // specification says) and OTEL_RESOURCE_ATTRIBUTES. A value that does not parse is reported
    // in *warning (one line without any header value) and left out, as SDKs do.
    static OtlpConfig fromEnvironment(const QProcessEnvironment& environment,
                                      QString* warning = nullptr);
    // Sets the endpoint from a --otlp-endpoint value (which wins over the environment's).
    static std::optional<QUrl> parseEndpoint(const QString& text, QString* error);

    // The W3C Baggage-like list both OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS
    // use: "k=v,k2=v2", white space around keys and values trimmed, keys and values
    // percent-decoded, '=' allowed in values (the first one splits), empty members skipped. A
    // member without '=' or with an empty key makes the whole list invalid (nullopt), as the
    // specification asks; *badMember then holds its position (1-based), never its text.
    static std::optional<QList<QPair<QString, QString>>>
    parseKeyValueList(const QString& text, int* badMember = nullptr);
};

} // namespace adminchat

#include "OtlpOptions.h"

#include "telemetry/OtlpConfig.h"

#include <QCommandLineParser>

namespace adminchat {

QList<QCommandLineOption> OtlpOptions::commandLineOptions()
{
    return {
        {QStringLiteral("otlp-endpoint"),
         QStringLiteral("Send a span per request and the GenAI metrics over OTLP/HTTP JSON to "
                        "URL/v1/traces and URL/v1/metrics (default: $OTEL_EXPORTER_OTLP_ENDPOINT; "
                        "headers from $OTEL_EXPORTER_OTLP_HEADERS). Never message content."),
         QStringLiteral("URL")},
        {QStringLiteral("otlp-profile"),
         QStringLiteral("Send the headers of this saved profile with the exports, its secret "
                        "ones from the keychain."),
         QStringLiteral("NAME")},
    };
}

QString OtlpOptions::helpText()
{
    return QStringLiteral(
        "  --otlp-endpoint URL       Send a span per request and the GenAI metrics over\n"
        "                            OTLP/HTTP JSON to URL/v1/traces and URL/v1/metrics\n"
        "                            (default: $OTEL_EXPORTER_OTLP_ENDPOINT; headers from\n"
        "                            $OTEL_EXPORTER_OTLP_HEADERS). Never message content.\n"
        "  --otlp-profile NAME       Send the headers of this saved profile with the\n"
        "                            exports, its secret ones from the keychain.\n");
}

std::optional<OtlpOptions> OtlpOptions::read(const QCommandLineParser& parser, QString* error)
{
    OtlpOptions options;
    options.endpoint = parser.value(QStringLiteral("otlp-endpoint"));
    options.profile = parser.value(QStringLiteral("otlp-profile"));
    if (!options.endpoint.isEmpty() && !OtlpConfig::parseEndpoint(options.endpoint, error)) {
        *error = QStringLiteral("--otlp-endpoint: ") + *error;
        return std::nullopt;
    }
    return options;
}

} // namespace adminchat

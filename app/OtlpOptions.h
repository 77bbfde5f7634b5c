#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <optional>

class QCommandLineParser;

namespace adminchat {

// The OpenTelemetry options `ask`, `bench` and `watch` share: --otlp-endpoint URL (wins over
// OTEL_EXPORTER_OTLP_ENDPOINT) and --otlp-profile NAME, a saved profile whose headers go along
// with every export, its secret ones (and key) read from the keychain, never from settings.
struct OtlpOptions
{
    QString endpoint;
    QString profile;

    static QList<QCommandLineOption> commandLineOptions();
    // The same as lines for a help text written by hand.
    static QString helpText();
    // nullopt and *error for a URL that is not http(s).
    static std::optional<OtlpOptions> read(const QCommandLineParser& parser, QString* error);
};

} // namespace adminchat

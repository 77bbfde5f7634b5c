#include "OtlpSession.h"

#include "CommandLine.h"
#include "endpoints/ProfileResolver.h"
#include "endpoints/ProfileStore.h"
#include "telemetry/OtlpExporter.h"
#include "telemetry/TelemetryRegistry.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

namespace adminchat {

OtlpSession::OtlpSession(OtlpOptions options) : m_options(std::move(options)) {}

OtlpSession::~OtlpSession()
{
    finish();
}

bool OtlpSession::start(QString* error)
{
    QString warning;
    OtlpConfig config =
        OtlpConfig::fromEnvironment(QProcessEnvironment::systemEnvironment(), &warning);
    if (!warning.isEmpty())
        writeErr(QStringLiteral("warning: %1\n").arg(warning));
    config.serviceVersion = QCoreApplication::applicationVersion();
    if (!m_options.endpoint.isEmpty())
        config.endpoint = *OtlpConfig::parseEndpoint(m_options.endpoint, error); // checked

    if (!m_options.profile.isEmpty()) {
        ProfileResolver resolver;
        ProfileResolver::Result resolved;
        QObject context;
        resolver.resolve(m_options.profile, &context,
                         [&resolved](const ProfileResolver::Result& r) {
                             resolved = r;
                             QCoreApplication::exit(0);
                         });
        QCoreApplication::exec(); // the command's own loop has not started yet
        if (!resolved.ok()) {
            *error = QStringLiteral("--otlp-profile: ") + resolved.error;
            return false;
        }
        // Headers only: a profile's URL is normalised for chat requests (a /v1 added), which
        // would not be an OTLP endpoint.
        const EndpointConfig& endpoint = resolved.config;
        if (!endpoint.apiKey.isEmpty()) {
            const bool bearer =
                endpoint.keyHeader.isEmpty() ||
                endpoint.keyHeader.compare(EndpointConfig::bearerHeader, Qt::CaseInsensitive) == 0;
            config.headers.append(
                {bearer ? EndpointConfig::bearerHeader : endpoint.keyHeader,
                 bearer ? "Bearer " + endpoint.apiKey.toUtf8() : endpoint.apiKey.toUtf8()});
        }
        for (const auto& header : endpoint.extraHeaders)
            config.headers.append(header);
    }
    if (!config.isEnabled())
        return true;
    TelemetryRegistry::setProviderNames(ProfileStore().providerNames()); // gen_ai_provider_name
    m_exporter = std::make_unique<OtlpExporter>(std::move(config));
    OtlpExporter::receiveStoredRecords(m_exporter.get());
    return true;
}

void OtlpSession::finish()
{
    if (!m_exporter)
        return;
    // Queued behind the records other threads posted before the command's loop ended.
    QObject::connect(m_exporter.get(), &OtlpExporter::drained, qApp,
                     [] { QCoreApplication::exit(0); });
    QMetaObject::invokeMethod(m_exporter.get(), &OtlpExporter::shutdown, Qt::QueuedConnection);
    QCoreApplication::exec();
    OtlpExporter::receiveStoredRecords(nullptr);
    m_exporter.reset();
}

} // namespace adminchat

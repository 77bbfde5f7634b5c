#pragma once

#include "OtlpOptions.h"

#include <QString>
#include <memory>

namespace adminchat {

class OtlpExporter;

// OpenTelemetry export around one command (or the window): before the command runs, the
// configuration from the OTEL_* variables and the options, the profile's headers read (the event
// loop runs until the keychain answered), and an OtlpExporter that receives every record a
// MetricsStore of this process stores; after it, the final flush, which waits no longer than
// OtlpConfig::flushBoundMs. Nothing happens when no endpoint is configured.
class OtlpSession
{
public:
    explicit OtlpSession(OtlpOptions options = {});
    ~OtlpSession(); // finish() when not called yet

    // False with *error when the profile cannot be resolved. Warnings about the variables go to
    // stderr (without any header value).
    bool start(QString* error);
    // Call after the command's event loop returned (its queued records first). Runs the event
    // loop until the exporter drained, OtlpConfig::flushBoundMs at most.
    void finish();
    bool isExporting() const { return m_exporter != nullptr; }

private:
    OtlpOptions m_options;
    std::unique_ptr<OtlpExporter> m_exporter;
};

} // namespace adminchat

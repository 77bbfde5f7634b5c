#pragma once

#include <QByteArray>
#include <QString>

namespace adminchat {

class TelemetryRegistry;

// Writes a TelemetryRegistry in the Prometheus text format 0.0.4 or in OpenMetrics 1.0 (what a
// scraper gets when its Accept header asks for application/openmetrics-text): counters as
// <name>_total (OpenMetrics adds <name>_created), histograms as cumulative _bucket series ending
// in le="+Inf" (equal to _count), _sum and _count. Label values are escaped (backslash, double
// quote, line feed), so a model name can never break the exposition.
namespace PrometheusExposition {

enum class Format
{
    Text004,
    OpenMetrics
};

// Which format an Accept header asks for: OpenMetrics when it names
// application/openmetrics-text with a q above zero.
Format negotiate(const QByteArray& accept);
QByteArray contentType(Format format);

// createdSeconds: when the counts started (Unix seconds), for OpenMetrics' _created.
QByteArray render(const TelemetryRegistry& registry, Format format, double createdSeconds);

QByteArray escapeLabelValue(const QString& value);
QByteArray escapeHelp(const QByteArray& text);

} // namespace PrometheusExposition

} // namespace adminchat

#include "telemetry/PrometheusExposition.h"

#include "telemetry/TelemetryBuckets.h"
#include "telemetry/TelemetryRegistry.h"

#include <QList>

namespace adminchat::PrometheusExposition {

namespace {

using TelemetryBuckets::formatNumber;

// {a="x",b="y"} with extra appended last (le), or nothing when there are no labels. Empty values
// are left out: Prometheus treats an empty label as an absent one anyway.
QByteArray labelText(const TelemetryLabels& labels, const QByteArray& extraName = {},
                     const QByteArray& extraValue = {})
{
    QByteArray text;
    const auto append = [&text](const QByteArray& name, const QByteArray& escaped) {
        text += text.isEmpty() ? "{" : ",";
        text += name + "=\"" + escaped + '"';
    };
    for (const auto& [name, value] : labels) {
        if (!value.isEmpty())
            append(name, escapeLabelValue(value));
    }
    if (!extraName.isEmpty())
        append(extraName, extraValue);
    if (!text.isEmpty())
        text += '}';
    return text;
}

void writeHeader(QByteArray& out, const QByteArray& name, const QByteArray& type,
                 const QByteArray& help, const QByteArray& unit, Format format)
{
    out += "# HELP " + name + ' ' + escapeHelp(help) + '\n';
    out += "# TYPE " + name + ' ' + type + '\n';
    if (format == Format::OpenMetrics && !unit.isEmpty())
        out += "# UNIT " + name + ' ' + unit + '\n';
}

} // namespace

Format negotiate(const QByteArray& accept)
{
    for (const QByteArray& range : accept.split(',')) {
        const QList<QByteArray> parts = range.split(';');
        if (parts.first().trimmed().toLower() != "application/openmetrics-text")
            continue;
        double q = 1.0;
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray parameter = parts[i].trimmed();
            if (parameter.startsWith("q=")) {
                bool ok = false;
                q = parameter.mid(2).toDouble(&ok);
                if (!ok)
                    q = 0;
            }
        }
        if (q > 0)
            return Format::OpenMetrics;
    }
    return Format::Text004;
}

QByteArray contentType(Format format)
{
    return format == Format::OpenMetrics
               ? QByteArrayLiteral("application/openmetrics-text; version=1.0.0; charset=utf-8")
               : QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

QByteArray escapeLabelValue(const QString& value)
{
    const QByteArray utf8 = value.toUtf8();
    QByteArray escaped;
    escaped.reserve(utf8.size());
    for (const char c : utf8) {
        switch (c) {
        case '\\':
            escaped += "\\\\";
            break;
        case '"':
            escaped += "\\\"";
            break;
        case '\n':
            escaped += "\\n";
            break;
        default:
            escaped += c;
        }
    }
    return escaped;
}

QByteArray escapeHelp(const QByteArray& text)
{
    QByteArray escaped = text;
    escaped.replace('\\', "\\\\").replace('\n', "\\n");
    return escaped;
}

QByteArray render(const TelemetryRegistry& registry, Format format, double createdSeconds)
{
    const bool openMetrics = format == Format::OpenMetrics;
    const QByteArray created = formatNumber(createdSeconds);
    QByteArray out;
    for (const TelemetryRegistry::CounterFamily& family : registry.counters()) {
        // Text 0.0.4 names the family by its sample; OpenMetrics by the name without _total.
        writeHeader(out, openMetrics ? family.name : family.name + "_total", "counter", family.help,
                    {}, format);
        for (const auto& [labels, value] : family.series) {
            const QByteArray text = labelText(labels);
            out += family.name + "_total" + text + ' ' + QByteArray::number(value) + '\n';
            if (openMetrics)
                out += family.name + "_created" + text + ' ' + created + '\n';
        }
    }
    for (const TelemetryRegistry::GaugeFamily& family : registry.gauges()) {
        if (family.series.empty())
            continue; // only the watch's records make it; nothing to say without them
        writeHeader(out, family.name, "gauge", family.help, {}, format);
        for (const auto& [labels, value] : family.series)
            out += family.name + labelText(labels) + ' ' + formatNumber(value) + '\n';
    }
    for (const TelemetryRegistry::HistogramFamily& family : registry.histograms()) {
        writeHeader(out, family.name, "histogram", family.help, family.unit, format);
        for (const auto& [labels, histogram] : family.series) {
            quint64 cumulative = 0;
            const std::vector<double>& bounds = histogram.bounds();
            for (std::size_t i = 0; i < bounds.size(); ++i) {
                cumulative += histogram.bucketCounts()[i];
                out += family.name + "_bucket" + labelText(labels, "le", formatNumber(bounds[i])) +
                       ' ' + QByteArray::number(cumulative) + '\n';
            }
            const QByteArray text = labelText(labels);
            out += family.name + "_bucket" + labelText(labels, "le", "+Inf") + ' ' +
                   QByteArray::number(histogram.count()) + '\n';
            out +=
                family.name + "_count" + text + ' ' + QByteArray::number(histogram.count()) + '\n';
            out += family.name + "_sum" + text + ' ' + formatNumber(histogram.sum()) + '\n';
            if (openMetrics)
                out += family.name + "_created" + text + ' ' + created + '\n';
        }
    }
    if (openMetrics)
        out += "# EOF\n";
    return out;
}

} // namespace adminchat::PrometheusExposition

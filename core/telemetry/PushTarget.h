#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace adminchat {

// Where a run's metrics are pushed, in the Prometheus text format 0.0.4: a Prometheus
// Pushgateway (PUT to its grouping key, which replaces the group's metrics with the run's) or a
// VictoriaMetrics-style import endpoint (POST to /api/v1/import/prometheus, the grouping given as
// extra labels). Both attach job and instance labels the exposition itself does not carry.
struct PushTarget
{
    enum class Kind
    {
        Pushgateway,
        Import
    };

    Kind kind = Kind::Pushgateway;
    QUrl url; // as the user gave it: the server's base URL, or the full import path
    QString job;
    QString instance;

    // Pushgateway: <url>/metrics/job/<job>/instance/<instance>. Import: <url> with
    // /api/v1/import/prometheus when it has no path, and extra_label=job=..., instance=...
    QUrl requestUrl() const;
    QByteArray method() const; // "PUT" or "POST"
    // The request URL without user info or query, for messages: credentials never show.
    QString displayUrl() const;

    // One label of a Pushgateway grouping key as path segments, "name/value" with the value
    // percent-encoded, or "name@base64/<base64url>" for a value holding '/' or an empty one (the
    // Pushgateway's rules: a '/' may not appear in a value even percent-encoded).
    static QByteArray groupingSegment(const QByteArray& name, const QString& value);
};

} // namespace adminchat

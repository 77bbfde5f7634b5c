// Real Prometheus-side servers for the end-to-end telemetry tests: a free loopback port for one,
// and Debian's prometheus scraping one job every second.
#pragma once

#include "ProcessRunner.h"

#include <QFile>
#include <QHostAddress>
#include <QString>
#include <QTcpServer>

// A loopback port free right now, for a server a test starts (another process could take it in
// between; rare).
inline quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// Starts Prometheus (binary) scraping target ("host:port") every second as job, with its
// configuration and data in dir, on a free loopback port. Returns its base URL, or an empty
// string when it could not start; the caller waits for /-/ready. honorLabels keeps the job and
// instance labels the target's samples carry, as a Pushgateway's must be scraped.
inline QString startPrometheus(ProcessRunner& prometheus, const QString& binary, const QString& dir,
                               const QString& job, const QString& target, bool honorLabels = false)
{
    QFile config(dir + QStringLiteral("/prometheus.yml"));
    if (!config.open(QIODevice::WriteOnly))
        return {};
    config.write(
        QStringLiteral("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                       "scrape_configs:\n  - job_name: %1\n%2"
                       "    static_configs:\n      - targets: ['%3']\n")
            .arg(job, honorLabels ? QStringLiteral("    honor_labels: true\n") : QString(), target)
            .toUtf8());
    config.close();
    const quint16 port = freeLoopbackPort();
    if (port == 0 ||
        !prometheus.start(binary, {"--config.file=" + config.fileName(),
                                   "--storage.tsdb.path=" + dir + QStringLiteral("/data"),
                                   QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
                                   "--log.level=warn"}))
        return {};
    return QStringLiteral("http://127.0.0.1:%1").arg(port);
}

#include "PushOptions.h"

#include "CommandLine.h"

#include <QCommandLineParser>
#include <QHostInfo>

namespace adminchat {

const char* const PushOptions::helpText =
    R"(  --push-gateway URL   Push this run's metrics (text format 0.0.4) to a Prometheus
                       Pushgateway: PUT URL/metrics/job/JOB/instance/INSTANCE every
                       --push-interval seconds while records come in, and at the end.
  --push-import URL    Send the same to a VictoriaMetrics-style import endpoint (POST;
                       URL/api/v1/import/prometheus when URL has no path), with job and
                       instance as extra labels.
  --push-job NAME      The job label of pushed metrics (default %1).
  --push-instance NAME The instance label (default: this machine's host name).
  --push-interval S    Seconds between pushes while running (default 15).
)";

QList<QCommandLineOption> PushOptions::commandLineOptions(const QString& defaultJob)
{
    return {
        {QStringLiteral("push-gateway"),
         QStringLiteral("Push this run's metrics to a Prometheus Pushgateway: PUT "
                        "URL/metrics/job/JOB/instance/INSTANCE, periodically and at the end."),
         QStringLiteral("URL")},
        {QStringLiteral("push-import"),
         QStringLiteral("Send the same to a VictoriaMetrics-style import endpoint (POST; "
                        "URL/api/v1/import/prometheus when URL has no path)."),
         QStringLiteral("URL")},
        {QStringLiteral("push-job"),
         QStringLiteral("Job label of pushed metrics (default %1).").arg(defaultJob),
         QStringLiteral("NAME")},
        {QStringLiteral("push-instance"),
         QStringLiteral("Instance label of pushed metrics (default: the host name)."),
         QStringLiteral("NAME")},
        {QStringLiteral("push-interval"),
         QStringLiteral("Seconds between pushes while running (default 15)."), QStringLiteral("S")},
    };
}

bool PushOptions::parse(const QCommandLineParser& parser, const QString& defaultJob,
                        PushOptions* options, QString* error)
{
    const QString job = parser.isSet(QStringLiteral("push-job"))
                            ? parser.value(QStringLiteral("push-job"))
                            : defaultJob;
    const QString instance = parser.isSet(QStringLiteral("push-instance"))
                                 ? parser.value(QStringLiteral("push-instance"))
                                 : QHostInfo::localHostName();
    if (job.isEmpty()) {
        *error = QStringLiteral("--push-job needs a name");
        return false;
    }
    const auto addTargets = [&](const QString& name, PushTarget::Kind kind) {
        for (const QString& value : parser.values(name)) {
            const QUrl url(value, QUrl::StrictMode);
            if (!url.isValid() || url.host().isEmpty() ||
                (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
                *error = QStringLiteral("--%1 needs an http:// or https:// URL").arg(name);
                return false;
            }
            options->targets.push_back({kind, url, job, instance});
        }
        return true;
    };
    if (!addTargets(QStringLiteral("push-gateway"), PushTarget::Kind::Pushgateway) ||
        !addTargets(QStringLiteral("push-import"), PushTarget::Kind::Import))
        return false;
    std::optional<double> interval;
    if (!numberOption(parser, QStringLiteral("push-interval"), 0.1, 86'400, interval, error))
        return false;
    if (interval)
        options->intervalMs = int(*interval * 1000);
    return true;
}

} // namespace adminchat

#include "MetricsCommand.h"

#include "CommandLine.h"
#include "MetricsServeCommand.h"
#include "metrics/MetricsCsv.h"
#include "metrics/ReportJson.h"
#include "metrics/SuggestionEngine.h"
#include "settings/AppSettings.h"
#include "store/MetricsStore.h"
#include "store/RollupReader.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <cmath>
#include <cstdio>

namespace adminchat {

namespace {

int usageError(const QString& message)
{
    writeErr(QStringLiteral("adminchat metrics: %1\n").arg(message));
    return 2;
}

const char* const usage = R"(Usage: adminchat metrics export --csv FILE [--summary] [FILTERS]
       adminchat metrics summary [--json] [FILTERS]
       adminchat metrics serve [--listen ADDR:PORT] [--allow-remote]

Every request AdminChat makes is stored as a metrics record. `export` writes them as CSV (one row
per request, or with --summary one row per endpoint/model/variant); FILE may be - for stdout.
`summary` prints the aggregates and suggestions.
`serve` answers Prometheus scrapes of http://ADDR:PORT/metrics (default 127.0.0.1:9464) with
histograms and counters of every stored request (OpenTelemetry GenAI names, e.g.
gen_ai_client_operation_time_to_first_chunk_seconds), counted from the rows stored when it
starts and picking up rows other processes add; OpenMetrics when the scraper asks for it, text
format 0.0.4 otherwise. It refuses an address other than loopback without --allow-remote.

Filters:
  --since ISO8601     only requests started at or after this time (e.g. 2026-11-24T10:00:00Z)
  --window W          5m, 1h, 24h or all (default all)
  --endpoint E        only this endpoint: its profile name or base URL
  --model M           only this model
  --experiment NAME   only requests of this A/B experiment
  --variant V         only this experiment variant
  --tag T             only requests with this tag
)";

QString ms(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("–");
    return value >= 10'000 ? QStringLiteral("%1s").arg(value / 1000.0, 0, 'f', 1)
                           : QStringLiteral("%1").arg(value, 0, 'f', value < 100 ? 1 : 0);
}

void printTable(const AggregateReport& report, const QList<Suggestion>& suggestions)
{
    QString out;
    out += QStringLiteral("%1 requests, %2 errors (%3 %), completion %4 %\n")
               .arg(report.total.started)
               .arg(report.total.errors)
               .arg(report.total.errorRate() * 100.0, 0, 'f', 1)
               .arg(report.total.completionRate() * 100.0, 0, 'f', 1);
    out += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
               .arg(QStringLiteral("endpoint"), -32)
               .arg(QStringLiteral("model"), -22)
               .arg(QStringLiteral("reqs"), 6)
               .arg(QStringLiteral("ttft50"), 7)
               .arg(QStringLiteral("ttft95"), 7)
               .arg(QStringLiteral("ttft99"), 7)
               .arg(QStringLiteral("e2e95"), 7)
               .arg(QStringLiteral("itl50"), 6)
               .arg(QStringLiteral("tok/s50"), 7)
               .arg(QStringLiteral("err%"), 5);
    for (const GroupStats& g : report.byModel) {
        out += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
                   .arg(g.endpoint.left(32), -32)
                   .arg((g.variant.isEmpty() ? g.model : g.model + QLatin1Char('/') + g.variant)
                            .left(22),
                        -22)
                   .arg(g.started, 6)
                   .arg(ms(g.ttft.p50), 7)
                   .arg(ms(g.ttft.p95), 7)
                   .arg(ms(g.ttft.p99), 7)
                   .arg(ms(g.e2e.p95), 7)
                   .arg(ms(g.itl.p50), 6)
                   .arg(ms(g.tokensPerSecond.p50), 7)
                   .arg(g.errorRate() * 100.0, 5, 'f', 1);
    }
    out += QStringLiteral(
        "(times in ms; percentiles exact up to 100 requests per group, within 1 % above)\n");
    for (const Suggestion& s : suggestions)
        out += QStringLiteral("[%1] %2 (%3)\n")
                   .arg(Suggestion::severityName(s.severity), s.message, s.evidence);
    writeOut(out);
}

} // namespace

int runMetricsCommand(const QStringList& arguments)
{
    const QString sub = arguments.value(1);
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        std::fputs(usage, sub.isEmpty() ? stderr : stdout);
        return sub.isEmpty() ? 2 : 0;
    }
    if (sub == QLatin1String("serve")) {
        QStringList rest = arguments;
        rest.removeAt(1);
        if (rest.contains(QLatin1String("--help")) || rest.contains(QLatin1String("-h"))) {
            std::fputs(usage, stdout);
            return 0;
        }
        return runMetricsServeCommand(rest);
    }
    if (sub != QLatin1String("export") && sub != QLatin1String("summary"))
        return usageError(
            QStringLiteral("unknown subcommand \"%1\"; use export, summary or serve").arg(sub));

    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("csv"), QStringLiteral("Output file, - for stdout."),
         QStringLiteral("FILE")},
        {QStringLiteral("summary"), QStringLiteral("One row per endpoint/model/variant.")},
        {QStringLiteral("json"), QStringLiteral("JSON output.")},
        {QStringLiteral("since"), QStringLiteral("Start time."), QStringLiteral("ISO8601")},
        {QStringLiteral("window"), QStringLiteral("5m, 1h, 24h or all."), QStringLiteral("W")},
        {QStringLiteral("endpoint"), QStringLiteral("Endpoint."), QStringLiteral("E")},
        {QStringLiteral("model"), QStringLiteral("Model."), QStringLiteral("M")},
        {QStringLiteral("experiment"), QStringLiteral("Experiment."), QStringLiteral("NAME")},
        {QStringLiteral("variant"), QStringLiteral("Variant."), QStringLiteral("V")},
        {QStringLiteral("tag"), QStringLiteral("Tag."), QStringLiteral("T")},
    });
    QStringList parsed = arguments;
    parsed.removeAt(1);
    if (!parser.parse(parsed))
        return usageError(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));

    MetricsFilter filter;
    if (parser.isSet(QStringLiteral("since"))) {
        filter.since = QDateTime::fromString(parser.value(QStringLiteral("since")), Qt::ISODate);
        if (!filter.since.isValid())
            return usageError(QStringLiteral("--since needs an ISO-8601 time such as "
                                             "2026-11-24T10:00:00Z, got \"%1\"")
                                  .arg(parser.value(QStringLiteral("since"))));
        filter.since = filter.since.toUTC();
    }
    if (parser.isSet(QStringLiteral("window"))) {
        const QString name = parser.value(QStringLiteral("window"));
        bool known = false;
        for (auto window : {MetricsFilter::Window::Last5Minutes, MetricsFilter::Window::LastHour,
                            MetricsFilter::Window::Last24Hours, MetricsFilter::Window::All}) {
            if (MetricsFilter::windowName(window) == name) {
                filter.window = window;
                known = true;
            }
        }
        if (!known)
            return usageError(
                QStringLiteral("--window needs 5m, 1h, 24h or all, got \"%1\"").arg(name));
    }
    filter.endpoint = parser.value(QStringLiteral("endpoint"));
    filter.model = parser.value(QStringLiteral("model"));
    filter.experiment = parser.value(QStringLiteral("experiment"));
    filter.variant = parser.value(QStringLiteral("variant"));
    filter.tag = parser.value(QStringLiteral("tag"));

    const bool exporting = sub == QLatin1String("export");
    if (exporting && !parser.isSet(QStringLiteral("csv")))
        return usageError(QStringLiteral("export needs --csv FILE (or --csv - for stdout)"));

    MetricsStore store(Database::defaultPath());
    QString error;
    if (!store.open(&error)) {
        writeErr(QStringLiteral("adminchat metrics: %1\n").arg(error));
        return 1;
    }
    if (!store.movedAsidePath().isEmpty())
        std::fprintf(stderr,
                     "adminchat metrics: the metrics database was unreadable; it was "
                     "moved to %s and a new one started\n",
                     qPrintable(store.movedAsidePath()));
    // A database from an older release gets its rollups first (once; the window does the same).
    for (bool told = false;;) {
        const std::optional<MetricsStore::RollupProgress> progress =
            store.buildRollups(50'000, &error);
        if (!progress) {
            writeErr(QStringLiteral("adminchat metrics: %1\n").arg(error));
            return 1;
        }
        if (progress->complete())
            break;
        if (!told)
            std::fprintf(stderr, "adminchat metrics: preparing rollups for %lld requests\n",
                         static_cast<long long>(progress->total));
        told = true;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const bool summary = !exporting || parser.isSet(QStringLiteral("summary"));
    const CategoryRule rule = AppSettings().categoryRule();
    AggregateReport report;
    if (summary) {
        report = RollupReader::report(store, filter, now, rule, &error);
        if (!error.isEmpty()) {
            writeErr(QStringLiteral("adminchat metrics: %1\n").arg(error));
            return 1;
        }
    }
    if (exporting) {
        // Request rows are streamed from the database, never all in memory.
        QString readError;
        const auto write = [&](QIODevice* device) {
            return summary ? MetricsCsv::writeSummary(device, report)
                           : MetricsCsv::writeRequests(device, [&](const MetricsCsv::Visitor& v) {
                                 return store.forEachRecord(filter, now, v, &readError);
                             });
        };
        const qint64 rows =
            MetricsCsv::exportToPath(parser.value(QStringLiteral("csv")), write, &error);
        if (rows < 0) {
            writeErr(QStringLiteral("adminchat metrics: %1\n")
                         .arg(readError.isEmpty() ? error : readError));
            return 1;
        }
        if (parser.value(QStringLiteral("csv")) != QLatin1String("-"))
            std::fprintf(stderr, "wrote %lld rows to %s\n", static_cast<long long>(rows),
                         qPrintable(parser.value(QStringLiteral("csv"))));
        return 0;
    }

    // The suggestions look at fixed windows up to 24 h back; the filter's labels still apply.
    const auto window = [&](MetricsFilter::Window w) {
        MetricsFilter windowed = filter;
        windowed.since = QDateTime();
        windowed.window = w;
        return RollupReader::report(store, windowed, now, rule);
    };
    SuggestionEngine::Input input;
    input.last5Minutes = window(MetricsFilter::Window::Last5Minutes);
    input.lastHour = window(MetricsFilter::Window::LastHour);
    input.last24Hours = window(MetricsFilter::Window::Last24Hours);
    const QList<Suggestion> suggestions = SuggestionEngine::evaluate(input);
    if (parser.isSet(QStringLiteral("json"))) {
        const QByteArray json =
            QJsonDocument(reportToJson(report, suggestions)).toJson(QJsonDocument::Indented);
        writeOut(json); // exact
    } else {
        printTable(report, suggestions);
    }
    return 0;
}

} // namespace adminchat

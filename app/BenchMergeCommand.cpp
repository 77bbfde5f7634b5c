#include "BenchMergeCommand.h"

#include "CommandLine.h"
#include "bench/BenchSummary.h"
#include "metrics/CsvWriter.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <vector>

namespace adminchat {

namespace {

struct Source
{
    QString file;
    BenchSummary summary;
};

QString number(const std::optional<double>& value, int decimals)
{
    return value ? QString::number(*value, 'f', decimals) : QStringLiteral("–");
}

QString row(const QStringList& cells, int firstWidth, int width)
{
    QString line = cells.first().leftJustified(firstWidth);
    for (qsizetype i = 1; i < cells.size(); ++i)
        line += cells.at(i).rightJustified(width);
    return line + QLatin1Char('\n');
}

QString sourceName(const Source& source)
{
    const QString file = QFileInfo(source.file).fileName();
    return source.summary.host.isEmpty() ? file
                                         : QStringLiteral("%1 (%2)").arg(source.summary.host, file);
}

QString text(const std::vector<Source>& sources, const BenchSummary& combined)
{
    using Metric = BenchResult::Metric;
    constexpr int first = 28;
    constexpr int width = 10;
    QString out = QStringLiteral("Merged %1 bench reports\n\n").arg(sources.size());
    out += row({QStringLiteral("machine"), QStringLiteral("requests"), QStringLiteral("errors"),
                QStringLiteral("req/s"), QStringLiteral("tok/s"), QStringLiteral("TTFT P50"),
                QStringLiteral("TTFT P95"), QStringLiteral("TTFT P99"), QStringLiteral("E2E P50"),
                QStringLiteral("E2E P95"), QStringLiteral("E2E P99")},
               first, width);
    const auto line = [&](const QString& name, const BenchSummary& s) {
        const DistributionStats ttft = s.stats(Metric::Ttft);
        const DistributionStats e2e = s.stats(Metric::E2e);
        return row({name, QString::number(s.requests), QString::number(s.errors),
                    QString::number(s.requestThroughput, 'f', 2),
                    QString::number(s.outputTokenThroughput, 'f', 1), number(ttft.p50, 1),
                    number(ttft.p95, 1), number(ttft.p99, 1), number(e2e.p50, 1),
                    number(e2e.p95, 1), number(e2e.p99, 1)},
                   first, width);
    };
    for (const Source& source : sources)
        out += line(sourceName(source), source.summary);
    out += line(QStringLiteral("combined"), combined);

    out += QStringLiteral("\nCombined: requests %1 · completed %2 · errors %3 · cancelled %4 · "
                          "longest run %5 s\n\n")
               .arg(combined.requests)
               .arg(combined.completed)
               .arg(combined.errors)
               .arg(combined.cancelled)
               .arg(combined.seconds, 0, 'f', 2);
    out += row({QStringLiteral("metric"), QStringLiteral("mean"), QStringLiteral("P50"),
                QStringLiteral("P90"), QStringLiteral("P95"), QStringLiteral("P99"),
                QStringLiteral("max"), QStringLiteral("n")},
               first, width);
    for (const Metric metric : BenchResult::metrics()) {
        const DistributionStats s = combined.stats(metric);
        const int decimals = metric == Metric::TokensPerSecond ? 1 : 2;
        out += row({BenchResult::metricLabel(metric), number(s.mean, decimals),
                    number(s.p50, decimals), number(s.p90, decimals), number(s.p95, decimals),
                    number(s.p99, decimals), number(s.max, decimals), QString::number(s.count)},
                   first, width);
    }
    return out;
}

QString csvNumber(const std::optional<double>& value)
{
    return value ? QString::number(*value, 'g', 12) : QString();
}

QStringList csvRow(const QString& source, const QString& file, const BenchSummary& s)
{
    QStringList cells{source,
                      file,
                      s.host,
                      s.tag,
                      QString::number(s.requests),
                      QString::number(s.completed),
                      QString::number(s.errors),
                      QString::number(s.cancelled),
                      QString::number(s.outputTokens),
                      QString::number(s.seconds, 'g', 12),
                      QString::number(s.requestThroughput, 'g', 12),
                      QString::number(s.outputTokenThroughput, 'g', 12)};
    for (const BenchResult::Metric metric : BenchResult::metrics()) {
        const DistributionStats d = s.stats(metric);
        cells << QString::number(d.count) << csvNumber(d.mean) << csvNumber(d.p50)
              << csvNumber(d.p90) << csvNumber(d.p95) << csvNumber(d.p99) << csvNumber(d.max);
    }
    for (QString& cell : cells)
        cell = CsvWriter::guarded(cell);
    return cells;
}

bool writeCsv(const QString& path, const std::vector<Source>& sources, const BenchSummary& combined,
              QString* error)
{
    QFile file;
    const bool toStdout = path == QLatin1String("-");
    const bool opened = toStdout ? file.open(stdout, QIODevice::WriteOnly)
                                 : (file.setFileName(path), file.open(QIODevice::WriteOnly));
    if (!opened) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    CsvWriter csv(&file);
    QStringList header{QStringLiteral("source"),
                       QStringLiteral("file"),
                       QStringLiteral("host"),
                       QStringLiteral("tag"),
                       QStringLiteral("requests"),
                       QStringLiteral("completed"),
                       QStringLiteral("errors"),
                       QStringLiteral("cancelled"),
                       QStringLiteral("output_tokens"),
                       QStringLiteral("duration_s"),
                       QStringLiteral("request_throughput"),
                       QStringLiteral("output_token_throughput")};
    for (const BenchResult::Metric metric : BenchResult::metrics()) {
        const QString key = BenchResult::metricKey(metric);
        for (const char* figure : {"count", "mean", "p50", "p90", "p95", "p99", "max"})
            header << key + QLatin1Char('_') + QLatin1String(figure);
    }
    bool ok = csv.writeRow(header);
    for (const Source& source : sources)
        ok = ok && csv.writeRow(csvRow(QStringLiteral("machine"), source.file, source.summary));
    ok = ok && csv.writeRow(csvRow(QStringLiteral("combined"), QString(), combined));
    if (!ok || !file.flush()) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

int runBenchMergeCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Merges the JSON reports (`adminchat bench --json`) of bench runs made at the same time "
        "from several machines against one endpoint: per-machine and combined figures. Counts "
        "and throughputs add; the percentiles are those of one run over all the runs' requests "
        "(their sketches merge exactly)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("reports"), QStringLiteral("Bench JSON reports."),
                                 QStringLiteral("a.json b.json ..."));
    parser.addOptions({
        {QStringLiteral("csv"),
         QStringLiteral("Write one row per machine and one combined (- for stdout)."),
         QStringLiteral("FILE")},
        {QStringLiteral("json"),
         QStringLiteral("Print the combined report (a bench report that merges again) with "
                        "each machine's figures under \"sources\".")},
    });
    if (!parser.parse(arguments)) {
        writeErr(QStringLiteral("adminchat bench merge: %1\n").arg(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        writeOut(parser.helpText().replace(QStringLiteral("[options]"),
                                           QStringLiteral("bench merge [options]")));
        return 0;
    }
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        writeErr(QStringLiteral("adminchat bench merge: name the reports to merge\n"));
        return 2;
    }

    std::vector<Source> sources;
    BenchSummary combined;
    QString error;
    for (const QString& file : files) {
        std::optional<BenchSummary> summary = BenchSummary::fromFile(file, &error);
        if (!summary || !combined.merge(*summary, &error)) {
            writeErr(QStringLiteral("adminchat bench merge: %1\n").arg(error));
            return 1;
        }
        sources.push_back({file, std::move(*summary)});
    }
    combined.tag = QStringLiteral("merged");

    const QString csvPath = parser.value(QStringLiteral("csv"));
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject json = combined.toJson(true);
        QJsonArray list;
        for (const Source& source : sources) {
            QJsonObject entry = source.summary.toJson(false);
            entry.insert(QStringLiteral("file"), source.file);
            list.append(entry);
        }
        json.insert(QStringLiteral("sources"), list);
        writeOut(QJsonDocument(json).toJson(QJsonDocument::Compact) + '\n');
    } else if (csvPath != QLatin1String("-")) {
        writeOut(text(sources, combined));
    }
    if (!csvPath.isEmpty() && !writeCsv(csvPath, sources, combined, &error)) {
        writeErr(QStringLiteral("adminchat bench merge: %1\n").arg(error));
        return 1;
    }
    return 0;
}

} // namespace adminchat

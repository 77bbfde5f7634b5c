#include "BenchOptions.h"

#include "CommandLine.h"
#include "net/EndpointConfig.h"

#include <QCommandLineParser>
#include <QDateTime>

namespace adminchat {

namespace {

bool exclusive(const QCommandLineParser& parser, const QString& a, const QString& b, QString* error)
{
    if (parser.isSet(a) && parser.isSet(b)) {
        *error = QStringLiteral("give either --%1 or --%2, not both").arg(a, b);
        return false;
    }
    return true;
}

} // namespace

QString BenchOptions::defaultPrompt()
{
    return QStringLiteral("Explain in one paragraph what time to first token measures.");
}

std::optional<BenchOptions> BenchOptions::parse(const QStringList& arguments, QString* error,
                                                QString* help)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Load-tests an OpenAI-compatible endpoint: sends streamed chat requests at a fixed "
        "concurrency or a Poisson arrival rate, measures every one at arrival, prints TTFT, "
        "ITL, TPOT, E2E and tokens/s percentiles and stores each request as a metrics record "
        "tagged with the run."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("profile"),
         QStringLiteral("Endpoint profile (\"Demo\" runs the built-in simulated endpoint)."),
         QStringLiteral("NAME")},
        {QStringLiteral("base-url"),
         QStringLiteral("Endpoint base URL (default: $OPENAI_BASE_URL)."), QStringLiteral("URL")},
        {QStringLiteral("model"),
         QStringLiteral("Model (default: the variant's, the profile's, else the first listed)."),
         QStringLiteral("M")},
        {QStringLiteral("requests"), QStringLiteral("Number of measured requests."),
         QStringLiteral("N")},
        {QStringLiteral("duration"),
         QStringLiteral("Send requests for this many seconds; those in flight then finish."),
         QStringLiteral("S")},
        {QStringLiteral("concurrency"), QStringLiteral("Requests kept in flight (default 1)."),
         QStringLiteral("C")},
        {QStringLiteral("rate"),
         QStringLiteral("Poisson arrivals at R requests per second instead."), QStringLiteral("R")},
        {QStringLiteral("prompt"), QStringLiteral("The prompt every request sends."),
         QStringLiteral("TEXT")},
        {QStringLiteral("prompts-file"),
         QStringLiteral("JSONL, one {\"prompt\": ...} or {\"messages\": [...]} per line; "
                        "request i sends line i modulo their number."),
         QStringLiteral("FILE")},
        {QStringLiteral("max-tokens"), QStringLiteral("Maximum output tokens per request."),
         QStringLiteral("N")},
        {QStringLiteral("max-retries"),
         QStringLiteral("Times a request failing before its answer starts (429, 5xx, "
                        "connection error) is sent again (default 0: every failure counts)."),
         QStringLiteral("N")},
        {QStringLiteral("warmup"),
         QStringLiteral("Requests sent first and not measured (default 0)."), QStringLiteral("N")},
        {QStringLiteral("experiment"),
         QStringLiteral("A/B experiment file: request i gets the variant its index hashes to."),
         QStringLiteral("FILE")},
        {QStringLiteral("tag"),
         QStringLiteral("Tag of the stored records (default bench-<UTC time>)."),
         QStringLiteral("TEXT")},
        {QStringLiteral("csv"), QStringLiteral("Write one row per request (- for stdout)."),
         QStringLiteral("FILE")},
        {QStringLiteral("json"), QStringLiteral("Print one JSON object instead of tables.")},
        {QStringLiteral("seed"), QStringLiteral("Seed of the Poisson arrivals (default 1)."),
         QStringLiteral("N")},
    });
    parser.addOptions(OtlpOptions::commandLineOptions());
    parser.addOptions(PushOptions::commandLineOptions(QStringLiteral("adminchat_bench")));
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        *help = parser.helpText();
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument \"%1\" (the prompt goes in --prompt)")
                     .arg(parser.positionalArguments().first());
        return std::nullopt;
    }
    if (!exclusive(parser, QStringLiteral("profile"), QStringLiteral("base-url"), error) ||
        !exclusive(parser, QStringLiteral("requests"), QStringLiteral("duration"), error) ||
        !exclusive(parser, QStringLiteral("concurrency"), QStringLiteral("rate"), error) ||
        !exclusive(parser, QStringLiteral("prompt"), QStringLiteral("prompts-file"), error))
        return std::nullopt;

    BenchOptions options;
    if (const auto otlp = OtlpOptions::read(parser, error))
        options.otlp = *otlp;
    else
        return std::nullopt;
    options.profile = parser.value(QStringLiteral("profile"));
    options.baseUrl = parser.value(QStringLiteral("base-url"));
    options.model = parser.value(QStringLiteral("model"));
    options.promptsFile = parser.value(QStringLiteral("prompts-file"));
    options.prompt = parser.isSet(QStringLiteral("prompt")) ? parser.value(QStringLiteral("prompt"))
                                                            : defaultPrompt();
    if (options.prompt.trimmed().isEmpty()) {
        *error = QStringLiteral("--prompt needs some text");
        return std::nullopt;
    }
    options.experimentFile = parser.value(QStringLiteral("experiment"));
    options.csvPath = parser.value(QStringLiteral("csv"));
    options.json = parser.isSet(QStringLiteral("json"));
    if (!PushOptions::parse(parser, QStringLiteral("adminchat_bench"), &options.push, error))
        return std::nullopt;
    options.tag = parser.isSet(QStringLiteral("tag"))
                      ? parser.value(QStringLiteral("tag"))
                      : QStringLiteral("bench-") + QDateTime::currentDateTimeUtc().toString(
                                                       QStringLiteral("yyyyMMdd-HHmmss"));
    if (options.tag.trimmed().isEmpty()) {
        *error = QStringLiteral("--tag needs some text");
        return std::nullopt;
    }

    std::optional<qint64> requests, concurrency, maxTokens, warmup, seed, maxRetries;
    std::optional<double> duration, rate;
    if (!integerOption(parser, QStringLiteral("requests"), 1, 10'000'000, requests, error) ||
        !numberOption(parser, QStringLiteral("duration"), 0.001, 7 * 24 * 3600.0, duration,
                      error) ||
        !integerOption(parser, QStringLiteral("concurrency"), 1, 10'000, concurrency, error) ||
        !numberOption(parser, QStringLiteral("rate"), 0.001, 100'000, rate, error) ||
        !integerOption(parser, QStringLiteral("max-tokens"), 1, 10'000'000, maxTokens, error) ||
        !integerOption(parser, QStringLiteral("warmup"), 0, 1'000'000, warmup, error) ||
        !integerOption(parser, QStringLiteral("max-retries"), 0, EndpointConfig::maxRetriesLimit,
                       maxRetries, error) ||
        !integerOption(parser, QStringLiteral("seed"), 0, std::numeric_limits<qint64>::max(), seed,
                       error))
        return std::nullopt;
    if (!requests && !duration) {
        *error = QStringLiteral("say how long to run: --requests N or --duration S");
        return std::nullopt;
    }
    options.plan.requests = requests.value_or(0);
    options.plan.durationSeconds = duration.value_or(0);
    options.plan.concurrency = int(concurrency.value_or(1));
    options.plan.rate = rate.value_or(0);
    options.plan.warmup = warmup.value_or(0);
    options.plan.seed = quint64(seed.value_or(1));
    if (maxTokens)
        options.maxTokens = int(*maxTokens);
    if (maxRetries)
        options.maxRetries = int(*maxRetries);
    return options;
}

} // namespace adminchat

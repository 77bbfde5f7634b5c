#include "AskOptions.h"

#include "CommandLine.h"
#include "net/EndpointConfig.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>
#include <unistd.h>

namespace adminchat {

namespace {

// The text of a --predict-file, or nullopt and a one-line *error naming the file.
std::optional<QString> readPrediction(const QString& path, QString* error)
{
    const QFileInfo info(path);
    QFile file(path);
    QString problem;
    if (!info.exists())
        problem = QStringLiteral("no such file");
    else if (info.isDir())
        problem = QStringLiteral("it is a directory");
    else if (!file.open(QIODevice::ReadOnly))
        problem = file.errorString();
    if (problem.isEmpty()) {
        const QByteArray bytes = file.readAll();
        if (file.error() != QFileDevice::NoError) {
            problem = file.errorString();
        } else {
            QStringDecoder decoder(QStringDecoder::Utf8);
            QString text = decoder.decode(bytes);
            if (!decoder.hasError())
                return text;
            problem = QStringLiteral("it is not UTF-8 text");
        }
    }
    *error = QStringLiteral("cannot read --predict-file \"%1\": %2").arg(path, problem);
    return std::nullopt;
}

// The single parameters; each invalid value is refused with a line naming its option.
bool readParameters(const QCommandLineParser& parser, RequestParameters& p, QString* error)
{
    auto given = [&parser](const char* name) {
        return parser.isSet(QLatin1String(name));
    };
    auto value = [&parser](const char* name) {
        return parser.value(QLatin1String(name));
    };
    p.system = value("system");
    if (given("temperature") && !(p.temperature = RequestParameters::parseTemperature(
                                      value("temperature"), "--temperature", error)))
        return false;
    if (given("top-p") &&
        !(p.topP = RequestParameters::parseTopP(value("top-p"), "--top-p", error)))
        return false;
    if (given("max-tokens") && !(p.maxTokens = RequestParameters::parseMaxTokens(
                                     value("max-tokens"), "--max-tokens", error)))
        return false;
    if (given("seed") && !(p.seed = RequestParameters::parseSeed(value("seed"), "--seed", error)))
        return false;
    if (given("reasoning-effort")) {
        const auto effort = RequestParameters::parseReasoningEffort(value("reasoning-effort"),
                                                                    "--reasoning-effort", error);
        if (!effort)
            return false;
        p.reasoningEffort = *effort;
    }
    p.stop = parser.values(QStringLiteral("stop"));
    if (p.stop.contains(QString())) {
        *error = QStringLiteral("--stop needs a non-empty sequence");
        return false;
    }
    return true;
}

} // namespace

std::optional<AskOptions> AskOptions::parse(const QStringList& arguments, QString* error,
                                            QString* help)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Streams one answer from an OpenAI-compatible endpoint and saves the "
                       "exchange to the conversation history."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("profile"),
         QStringLiteral("Endpoint profile (see `adminchat profile list`; \"Demo\" runs the "
                        "built-in simulated endpoint)."),
         QStringLiteral("NAME")},
        {QStringLiteral("base-url"),
         QStringLiteral("Endpoint base URL (default: $OPENAI_BASE_URL)."), QStringLiteral("URL")},
        {QStringLiteral("model"),
         QStringLiteral("Model (default: the profile's, else the first one the endpoint lists)."),
         QStringLiteral("M")},
        {QStringLiteral("preset"),
         QStringLiteral("Parameter preset (saved in the window); the options below override "
                        "its fields. Without one, a new conversation takes the default preset "
                        "for its profile and model, a continued one keeps its parameters."),
         QStringLiteral("NAME")},
        {QStringLiteral("system"), QStringLiteral("System prompt."), QStringLiteral("TEXT")},
        {QStringLiteral("temperature"), QStringLiteral("Sampling temperature, 0 to 2."),
         QStringLiteral("T")},
        {QStringLiteral("top-p"), QStringLiteral("Nucleus sampling top_p, 0 to 1."),
         QStringLiteral("P")},
        {QStringLiteral("max-tokens"), QStringLiteral("Maximum output tokens, at least 1."),
         QStringLiteral("N")},
        {QStringLiteral("stop"), QStringLiteral("A stop sequence; repeat the option for several."),
         QStringLiteral("TEXT")},
        {QStringLiteral("seed"), QStringLiteral("Sampling seed (an integer)."),
         QStringLiteral("N")},
        {QStringLiteral("reasoning-effort"),
         QStringLiteral("Reasoning effort for models that take it: none, minimal, low, medium, "
                        "high or xhigh."),
         QStringLiteral("E")},
        {QStringLiteral("connect-timeout"),
         QStringLiteral("Seconds to connect and send the request (default 10)."),
         QStringLiteral("S")},
        {QStringLiteral("idle-timeout"),
         QStringLiteral("Longest silence from the server in seconds (default 60)."),
         QStringLiteral("S")},
        {QStringLiteral("total-timeout"),
         QStringLiteral("Limit for the whole answer in seconds (default none)."),
         QStringLiteral("S")},
        {QStringLiteral("max-retries"),
         QStringLiteral("Times a request failing before its answer starts (429, 5xx, connection "
                        "error, timeout) is sent again (default: the profile's, else 2)."),
         QStringLiteral("N")},
        {QStringLiteral("no-stream"), QStringLiteral("Ask for one JSON answer, not a stream.")},
        {QStringLiteral("reasoning"), QStringLiteral("Print reasoning text to stderr.")},
        {QStringLiteral("json"),
         QStringLiteral("Print one JSON object with the answer and its metrics.")},
        {QStringLiteral("no-save"),
         QStringLiteral("Do not save this exchange in the conversation history.")},
        {{QStringLiteral("c"), QStringLiteral("continue")},
         QStringLiteral("Continue the most recent conversation (its messages are sent too).")},
        {{QStringLiteral("cid"), QStringLiteral("conversation")},
         QStringLiteral("Continue the conversation with this id (or a unique prefix of it)."),
         QStringLiteral("ID")},
        {QStringLiteral("predict-file"),
         QStringLiteral("Send this UTF-8 text file as the prediction (Predicted Outputs): the "
                        "text the answer is expected to largely repeat."),
         QStringLiteral("FILE")},
    });
    parser.addOptions(OtlpOptions::commandLineOptions());
    parser.addPositionalArgument(QStringLiteral("PROMPT"),
                                 QStringLiteral("The prompt; read from stdin when absent."));
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        *help = parser.helpText();
        return std::nullopt;
    }

    AskOptions options;
    if (const auto otlp = OtlpOptions::read(parser, error))
        options.otlp = *otlp;
    else
        return std::nullopt;
    options.profile = parser.value(QStringLiteral("profile"));
    options.baseUrl = parser.value(QStringLiteral("base-url"));
    if (!options.profile.isEmpty() && !options.baseUrl.isEmpty()) {
        *error = QStringLiteral("give either --profile or --base-url, not both");
        return std::nullopt;
    }
    options.model = parser.value(QStringLiteral("model"));
    options.preset = parser.value(QStringLiteral("preset"));
    if (!readParameters(parser, options.parameters, error))
        return std::nullopt;
    options.stream = !parser.isSet(QStringLiteral("no-stream"));
    options.showReasoning = parser.isSet(QStringLiteral("reasoning"));
    options.json = parser.isSet(QStringLiteral("json"));
    options.save = !parser.isSet(QStringLiteral("no-save"));
    options.continueLast = parser.isSet(QStringLiteral("continue"));
    options.conversation = parser.value(QStringLiteral("conversation"));
    if (options.continueLast && !options.conversation.isEmpty()) {
        *error = QStringLiteral("give either --continue or --conversation, not both");
        return std::nullopt;
    }

    if (parser.isSet(QStringLiteral("predict-file"))) {
        options.prediction = readPrediction(parser.value(QStringLiteral("predict-file")), error);
        if (!options.prediction)
            return std::nullopt;
    }
    if (!secondsOption(parser, QStringLiteral("connect-timeout"), options.connectTimeoutMs,
                       error) ||
        !secondsOption(parser, QStringLiteral("idle-timeout"), options.idleTimeoutMs, error) ||
        !secondsOption(parser, QStringLiteral("total-timeout"), options.totalTimeoutMs, error))
        return std::nullopt;
    std::optional<qint64> maxRetries;
    if (!integerOption(parser, QStringLiteral("max-retries"), 0, EndpointConfig::maxRetriesLimit,
                       maxRetries, error))
        return std::nullopt;
    if (maxRetries)
        options.maxRetries = int(*maxRetries);

    options.prompt = parser.positionalArguments().join(QLatin1Char(' '));
    if (options.prompt.isEmpty() && !isatty(STDIN_FILENO)) {
        QFile in;
        if (in.open(stdin, QIODevice::ReadOnly))
            options.prompt = QString::fromUtf8(in.readAll());
    }
    if (options.prompt.trimmed().isEmpty()) {
        *error = QStringLiteral("no prompt: give it as an argument or on stdin");
        return std::nullopt;
    }
    return options;
}

} // namespace adminchat

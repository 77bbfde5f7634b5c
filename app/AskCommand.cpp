#include "AskCommand.h"

#include "metrics/MetricsRecord.h"
#include "metrics/RequestMetrics.h"
#include "metrics/TraceJson.h"
#include "net/ChatClient.h"
#include "net/ModelsFetcher.h"
#include "settings/AppSettings.h"
#include "store/MetricsStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>
#include <cstdio>
#include <unistd.h>

namespace adminchat {

namespace {

void writeOut(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void writeErr(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

// Every answer becomes a metrics record, like the GUI's. A database problem is reported but
// never turns a good answer into a failed command.
void recordMetrics(const RequestTrace& trace, const RequestMetrics& metrics)
{
    MetricsStore store(Database::defaultPath());
    QString error;
    MetricsRecord record = MetricsRecord::fromTrace(trace, metrics);
    if (!store.open(&error) || !store.insert(record, &error))
        writeErr(QStringLiteral("warning: metrics not recorded: %1\n").arg(error));
    else if (!store.movedAsidePath().isEmpty())
        writeErr(QStringLiteral("warning: the metrics database was unreadable; it was moved to "
                                "%1 and a new one started\n")
                     .arg(store.movedAsidePath()));
}

int usageError(const QString& message)
{
    writeErr(QStringLiteral("adminchat ask: %1\n").arg(message));
    return 2;
}

// Parses "--name S" seconds into milliseconds.
bool secondsOption(const QCommandLineParser& parser, const QString& name, int& ms, QString& error)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double seconds = parser.value(name).toDouble(&ok);
    if (!ok || seconds < 0 || seconds > 24 * 3600) {
        error = QStringLiteral("--%1 needs a number of seconds, got \"%2\"")
                    .arg(name, parser.value(name));
        return false;
    }
    ms = int(seconds * 1000);
    return true;
}

class AskRun : public QObject
{
public:
    AskRun(EndpointConfig endpoint, ChatRequest request, bool json, bool showReasoning)
        : m_endpoint(std::move(endpoint)), m_request(std::move(request)), m_json(json),
          m_showReasoning(showReasoning)
    {
        connect(&m_client, &ChatClient::outputReceived, this, &AskRun::onOutput);
        connect(&m_client, &ChatClient::requestFinished, this, &AskRun::onFinished);
    }

    void start()
    {
        if (!m_request.model.isEmpty()) {
            send();
            return;
        }
        // No --model: the first model the endpoint lists.
        auto* fetcher = new ModelsFetcher(m_client.networkManager(), m_endpoint, this);
        connect(fetcher, &ModelsFetcher::finished, this,
                [this, fetcher](const QStringList& models, const std::optional<ApiError>& error) {
                    fetcher->deleteLater();
                    if (error || models.isEmpty()) {
                        writeErr(QStringLiteral("error: %1\n")
                                     .arg(error
                                              ? error->message
                                              : QStringLiteral(
                                                    "the endpoint lists no models; pass --model")));
                        QCoreApplication::exit(1);
                        return;
                    }
                    m_request.model = models.first();
                    send();
                });
        fetcher->start();
    }

private:
    void send() { m_client.start(ChatClient::nextRequestId(), m_endpoint, m_request); }

    void onOutput(quint64, const ChunkUpdate& update)
    {
        if (m_json)
            return;
        if (!update.reasoning.isEmpty() && m_showReasoning)
            writeErr(update.reasoning);
        if (!update.content.isEmpty() || !update.refusal.isEmpty()) {
            const QString text = update.content + update.refusal;
            writeOut(text);
            m_lastChar = text.back();
        }
    }

    void onFinished(quint64, const RequestTrace& trace)
    {
        const RequestMetrics metrics =
            RequestMetrics::fromTrace(trace, AppSettings().categoryRule());
        recordMetrics(trace, metrics);
        if (m_json) {
            writeOut(
                QString::fromUtf8(
                    QJsonDocument(traceToJson(trace, metrics)).toJson(QJsonDocument::Compact)) +
                QLatin1Char('\n'));
        } else {
            // A non-streamed body arrives whole at the end; show what was not printed yet.
            if (!trace.streamed && !trace.text.isEmpty() && m_lastChar.isNull()) {
                writeOut(trace.text);
                m_lastChar = trace.text.back();
            }
            for (const ToolCall& call : trace.toolCalls)
                writeOut(QStringLiteral("\n[tool call %1(%2)]").arg(call.name, call.arguments));
            if (!m_lastChar.isNull() && m_lastChar != QLatin1Char('\n'))
                writeOut(QStringLiteral("\n"));
            if (trace.error)
                writeErr(QStringLiteral("error (%1): %2\n")
                             .arg(trace.error->kindName(), trace.error->message));
        }
        QCoreApplication::exit(trace.error ? 1 : 0);
    }

    ChatClient m_client;
    EndpointConfig m_endpoint;
    ChatRequest m_request;
    bool m_json;
    bool m_showReasoning;
    QChar m_lastChar;
};

} // namespace

int runAskCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Streams one answer from an OpenAI-compatible endpoint."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("base-url"),
         QStringLiteral("Endpoint base URL (default: $OPENAI_BASE_URL)."), QStringLiteral("URL")},
        {QStringLiteral("model"),
         QStringLiteral("Model (default: the first one the endpoint lists)."), QStringLiteral("M")},
        {QStringLiteral("system"), QStringLiteral("System prompt."), QStringLiteral("TEXT")},
        {QStringLiteral("max-tokens"), QStringLiteral("Maximum output tokens."),
         QStringLiteral("N")},
        {QStringLiteral("temperature"), QStringLiteral("Sampling temperature."),
         QStringLiteral("T")},
        {QStringLiteral("connect-timeout"),
         QStringLiteral("Seconds to connect and send the request (default 10)."),
         QStringLiteral("S")},
        {QStringLiteral("idle-timeout"),
         QStringLiteral("Longest silence from the server in seconds (default 60)."),
         QStringLiteral("S")},
        {QStringLiteral("total-timeout"),
         QStringLiteral("Limit for the whole answer in seconds (default none)."),
         QStringLiteral("S")},
        {QStringLiteral("no-stream"), QStringLiteral("Ask for one JSON answer, not a stream.")},
        {QStringLiteral("reasoning"), QStringLiteral("Print reasoning text to stderr.")},
        {QStringLiteral("json"),
         QStringLiteral("Print one JSON object with the answer and its metrics.")},
    });
    parser.addPositionalArgument(QStringLiteral("PROMPT"),
                                 QStringLiteral("The prompt; read from stdin when absent."));
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        writeOut(parser.helpText());
        return 0;
    }

    EndpointConfig endpoint;
    const QString base = parser.isSet(QStringLiteral("base-url"))
                             ? parser.value(QStringLiteral("base-url"))
                             : qEnvironmentVariable("OPENAI_BASE_URL");
    if (base.isEmpty())
        return usageError(QStringLiteral("no endpoint: pass --base-url URL or set "
                                         "OPENAI_BASE_URL (try `adminchat serve-demo`)"));
    const QUrl url = QUrl::fromUserInput(base);
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        return usageError(QStringLiteral("invalid base URL \"%1\": expected http(s)://host[:port]"
                                         "[/v1]")
                              .arg(base));
    }
    endpoint.baseUrl = EndpointConfig::normalizeBaseUrl(url);
    endpoint.apiKey = qEnvironmentVariable("OPENAI_API_KEY");

    QString error;
    if (!secondsOption(parser, QStringLiteral("connect-timeout"), endpoint.connectTimeoutMs,
                       error) ||
        !secondsOption(parser, QStringLiteral("idle-timeout"), endpoint.idleTimeoutMs, error) ||
        !secondsOption(parser, QStringLiteral("total-timeout"), endpoint.totalTimeoutMs, error))
        return usageError(error);

    ChatRequest request;
    request.model = parser.value(QStringLiteral("model"));
    request.stream = !parser.isSet(QStringLiteral("no-stream"));
    if (parser.isSet(QStringLiteral("max-tokens"))) {
        bool ok = false;
        const int maxTokens = parser.value(QStringLiteral("max-tokens")).toInt(&ok);
        if (!ok || maxTokens <= 0)
            return usageError(QStringLiteral("--max-tokens needs a positive integer, got \"%1\"")
                                  .arg(parser.value(QStringLiteral("max-tokens"))));
        request.maxTokens = maxTokens;
    }
    if (parser.isSet(QStringLiteral("temperature"))) {
        bool ok = false;
        const double temperature = parser.value(QStringLiteral("temperature")).toDouble(&ok);
        if (!ok || temperature < 0 || temperature > 2)
            return usageError(QStringLiteral("--temperature needs a number from 0 to 2, got "
                                             "\"%1\"")
                                  .arg(parser.value(QStringLiteral("temperature"))));
        request.temperature = temperature;
    }
    if (parser.isSet(QStringLiteral("system")))
        request.messages.append({QStringLiteral("system"), parser.value(QStringLiteral("system"))});

    QString prompt = parser.positionalArguments().join(QLatin1Char(' '));
    if (prompt.isEmpty() && !isatty(STDIN_FILENO)) {
        QFile in;
        if (in.open(stdin, QIODevice::ReadOnly))
            prompt = QString::fromUtf8(in.readAll());
    }
    if (prompt.trimmed().isEmpty())
        return usageError(QStringLiteral("no prompt: give it as an argument or on stdin"));
    request.messages.append({QStringLiteral("user"), prompt});

    AskRun run(endpoint, request, parser.isSet(QStringLiteral("json")),
               parser.isSet(QStringLiteral("reasoning")));
    QMetaObject::invokeMethod(
        &run, [&run] { run.start(); }, Qt::QueuedConnection);
    return QCoreApplication::exec();
}

} // namespace adminchat

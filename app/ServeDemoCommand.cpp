#include "ServeDemoCommand.h"

#include "demo/DemoServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <optional>

namespace adminchat {

namespace {

int usageError(const QString& message)
{
    std::fprintf(stderr, "adminchat serve-demo: %s\n", qPrintable(message));
    return 2;
}

// A delay option in milliseconds: a finite number from 0 to DemoConfig::maxDelayMs.
std::optional<double> millisecondsOption(const QCommandLineParser& parser, const QString& name,
                                         QString* error)
{
    const QString text = parser.value(name);
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < 0) {
        *error =
            QStringLiteral("--%1 needs a number of milliseconds >= 0, got \"%2\"").arg(name, text);
        return std::nullopt;
    }
    if (value > DemoConfig::maxDelayMs) {
        *error = QStringLiteral("--%1 must be at most %2 ms, got \"%3\"")
                     .arg(name, QString::number(DemoConfig::maxDelayMs, 'f', 0), text);
        return std::nullopt;
    }
    return value;
}

void quitOnSignal(int)
{
    QCoreApplication::quit(); // posts an event: safe enough for a demo server's shutdown
}

} // namespace

int runServeDemoCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs the built-in simulated OpenAI-compatible endpoint."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("port"), QStringLiteral("Port to listen on (default 8000; 0: any free)."),
         QStringLiteral("N"), QStringLiteral("8000")},
        {QStringLiteral("host"), QStringLiteral("Address to listen on (default 127.0.0.1)."),
         QStringLiteral("ADDRESS"), QStringLiteral("127.0.0.1")},
        {QStringLiteral("profile"),
         QStringLiteral("Latency profile: %1 (default realistic).")
             .arg(DemoConfig::profileNames().join(QStringLiteral(", "))),
         QStringLiteral("NAME"), QStringLiteral("realistic")},
        {QStringLiteral("fault"),
         QStringLiteral("Fault to inject, repeatable: %1. The -once faults fail only the "
                        "first attempt of a request; a repeat of it is served.")
             .arg(DemoConfig::faultNames().join(QStringLiteral(", "))),
         QStringLiteral("NAME")},
        {QStringLiteral("fault-rate"),
         QStringLiteral("Share of requests that get a fault, 0..1 (default 1 with --fault)."),
         QStringLiteral("R")},
        {QStringLiteral("ttft"),
         QStringLiteral("Fixed time to first token in ms for every request (overrides the "
                        "profile's, no random spread)."),
         QStringLiteral("MS")},
        {QStringLiteral("itl"),
         QStringLiteral("Fixed delay between tokens in ms for every request (overrides the "
                        "profile's, no jitter)."),
         QStringLiteral("MS")},
        {QStringLiteral("handshake-delay"),
         QStringLiteral("Delay in ms before the first request of each new connection is read, "
                        "as a slow TCP/TLS handshake adds (default 0; kept-alive connections do "
                        "not pay it)."),
         QStringLiteral("MS")},
        {QStringLiteral("answer-model"),
         QStringLiteral("Name this model in every answer's \"model\" field instead of the "
                        "requested one (a gateway routing to another model)."),
         QStringLiteral("NAME")},
        {QStringLiteral("seed"), QStringLiteral("Seed for text and latency (default 42)."),
         QStringLiteral("N"), QStringLiteral("42")},
    });
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }

    QString error;
    auto config = DemoConfig::fromProfile(parser.value(QStringLiteral("profile")), &error);
    if (!config)
        return usageError(error);
    if (parser.isSet(QStringLiteral("ttft"))) {
        const auto ms = millisecondsOption(parser, QStringLiteral("ttft"), &error);
        if (!ms)
            return usageError(error);
        config->setFixedTtft(*ms);
    }
    if (parser.isSet(QStringLiteral("itl"))) {
        const auto ms = millisecondsOption(parser, QStringLiteral("itl"), &error);
        if (!ms)
            return usageError(error);
        config->setFixedTokenDelay(*ms);
    }
    if (parser.isSet(QStringLiteral("handshake-delay"))) {
        const auto ms = millisecondsOption(parser, QStringLiteral("handshake-delay"), &error);
        if (!ms)
            return usageError(error);
        config->handshakeDelayMs = *ms;
    }
    for (const QString& name : parser.values(QStringLiteral("fault"))) {
        const auto fault = DemoConfig::faultFromName(name);
        if (!fault)
            return usageError(QStringLiteral("unknown fault \"%1\"; known: %2")
                                  .arg(name, DemoConfig::faultNames().join(QStringLiteral(", "))));
        config->faults.append(*fault);
    }
    config->faultRate = config->faults.isEmpty() ? 0.0 : 1.0;
    if (parser.isSet(QStringLiteral("fault-rate"))) {
        bool ok = false;
        config->faultRate = parser.value(QStringLiteral("fault-rate")).toDouble(&ok);
        if (!ok || config->faultRate < 0 || config->faultRate > 1)
            return usageError(QStringLiteral("--fault-rate needs a number from 0 to 1, got \"%1\"")
                                  .arg(parser.value(QStringLiteral("fault-rate"))));
    }
    config->answerModel = parser.value(QStringLiteral("answer-model")).trimmed();
    bool ok = false;
    config->seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        return usageError(QStringLiteral("--seed needs a non-negative integer"));
    // A key the demo requires comes from the environment, never from the command line.
    config->requiredApiKey = qEnvironmentVariable("ADMINCHAT_DEMO_API_KEY");

    const uint port = parser.value(QStringLiteral("port")).toUInt(&ok);
    if (!ok || port > 65535)
        return usageError(QStringLiteral("--port needs a number from 0 to 65535, got \"%1\"")
                              .arg(parser.value(QStringLiteral("port"))));
    const QHostAddress address(parser.value(QStringLiteral("host")));
    if (address.isNull())
        return usageError(QStringLiteral("--host needs an IP address, got \"%1\"")
                              .arg(parser.value(QStringLiteral("host"))));

    DemoServer server(*config);
    if (!server.listen(address, quint16(port))) {
        std::fprintf(stderr, "adminchat serve-demo: cannot listen on %s:%u: %s\n",
                     qPrintable(address.toString()), port, qPrintable(server.errorString()));
        return 1;
    }
    QUrl url = server.baseUrl();
    url.setHost(address.toString());
    const QString handshake =
        config->handshakeDelayMs > 0
            ? QStringLiteral(", handshake %1 ms").arg(config->handshakeDelayMs, 0, 'g', 6)
            : QString();
    std::printf("AdminChat demo endpoint (simulated) listening on %s (profile %s: %s%s%s)\n",
                qPrintable(url.toString()), qPrintable(config->profile),
                qPrintable(config->timingDescription()), qPrintable(handshake),
                config->faults.isEmpty() ? "" : ", faults on");
    std::fflush(stdout);
    std::signal(SIGINT, quitOnSignal);
    std::signal(SIGTERM, quitOnSignal);
    return QCoreApplication::exec();
}

} // namespace adminchat

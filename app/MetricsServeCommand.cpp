#include "MetricsServeCommand.h"

#include "CommandLine.h"
#include "endpoints/ProfileStore.h"
#include "store/MetricsStore.h"
#include "telemetry/MetricsHttpServer.h"
#include "telemetry/TelemetryRegistry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <csignal>
#include <cstdio>
#include <optional>

namespace adminchat {

namespace {

// The OpenTelemetry Prometheus exporter's default port.
constexpr quint16 defaultPort = 9464;

int usageError(const QString& message)
{
    writeErr(QStringLiteral("adminchat metrics serve: %1\n").arg(message));
    return 2;
}

struct ListenAddress
{
    QHostAddress address;
    quint16 port = defaultPort;
};

// "ADDR:PORT", "[v6]:PORT", "ADDR" or ":PORT"; "localhost" is 127.0.0.1.
std::optional<ListenAddress> parseListen(const QString& text, QString* error)
{
    ListenAddress result{QHostAddress(QHostAddress::LocalHost), defaultPort};
    QString host = text;
    QString port;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        host = text.mid(1, close - 1);
        if (close < 0 || (close + 1 < text.size() && text.at(close + 1) != QLatin1Char(':'))) {
            *error = QStringLiteral("--listen needs ADDR:PORT, got \"%1\"").arg(text);
            return std::nullopt;
        }
        port = text.mid(close + 2);
    } else if (text.count(QLatin1Char(':')) == 1) {
        host = text.section(QLatin1Char(':'), 0, 0);
        port = text.section(QLatin1Char(':'), 1);
    }
    if (host == QLatin1String("localhost"))
        host = QStringLiteral("127.0.0.1");
    if (!host.isEmpty() && !result.address.setAddress(host)) {
        *error =
            QStringLiteral("--listen needs an IP address (or localhost), got \"%1\"").arg(host);
        return std::nullopt;
    }
    if (!port.isEmpty()) {
        bool ok = false;
        const uint value = port.toUInt(&ok);
        if (!ok || value > 65535) {
            *error = QStringLiteral("--listen needs a port from 0 to 65535, got \"%1\"").arg(port);
            return std::nullopt;
        }
        result.port = quint16(value);
    }
    return result;
}

void quitOnSignal(int)
{
    QCoreApplication::quit();
}

} // namespace

int runMetricsServeCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("listen"),
         QStringLiteral("Address and port (default 127.0.0.1:%1; port 0: any free).")
             .arg(defaultPort),
         QStringLiteral("ADDR:PORT")},
        {QStringLiteral("allow-remote"),
         QStringLiteral("Allow an address other than loopback (metrics name models and "
                        "endpoints).")},
    });
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    QString error;
    std::optional<ListenAddress> listen =
        ListenAddress{QHostAddress(QHostAddress::LocalHost), defaultPort};
    if (parser.isSet(QStringLiteral("listen")))
        listen = parseListen(parser.value(QStringLiteral("listen")), &error);
    if (!listen)
        return usageError(error);
    if (!listen->address.isLoopback() && !parser.isSet(QStringLiteral("allow-remote")))
        return usageError(QStringLiteral("%1 is not a loopback address; the metrics name your "
                                         "models and endpoints, so serving them beyond this "
                                         "machine needs --allow-remote")
                              .arg(listen->address.toString()));

    MetricsStore store(Database::defaultPath());
    if (!store.open(&error)) {
        writeErr(QStringLiteral("adminchat metrics serve: %1\n").arg(error));
        return 1;
    }
    TelemetryRegistry::setProviderNames(ProfileStore().providerNames()); // gen_ai_provider_name
    MetricsHttpServer server(&store);
    // The rows already stored are read once, before the first scraper can wait on them.
    if (!server.refresh(&error)) {
        writeErr(QStringLiteral("adminchat metrics serve: %1\n").arg(error));
        return 1;
    }
    if (!server.listen(listen->address, listen->port, &error)) {
        writeErr(QStringLiteral("adminchat metrics serve: cannot listen on %1:%2: %3\n")
                     .arg(listen->address.toString())
                     .arg(listen->port)
                     .arg(error));
        return 1;
    }
    const QString host = server.address().protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(server.address().toString())
                             : server.address().toString();
    writeOut(QStringLiteral("listening on http://%1:%2/metrics (%3 requests so far)\n")
                 .arg(host)
                 .arg(server.port())
                 .arg(server.registry().recordsAdded()));
    std::fflush(stdout);
    std::signal(SIGINT, quitOnSignal);
    std::signal(SIGTERM, quitOnSignal);
    return QCoreApplication::exec();
}

} // namespace adminchat

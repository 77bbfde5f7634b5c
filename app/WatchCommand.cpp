#include "WatchCommand.h"

#include "CommandLine.h"
#include "OtlpSession.h"
#include "WatchOptions.h"
#include "WatchRun.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace adminchat {

namespace {

int signalPipe[2] = {-1, -1};

// Only async-signal-safe work here: one byte to the event loop, which does the rest.
void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
}

} // namespace

int runWatchCommand(const QStringList& arguments)
{
    QString error, help;
    const std::optional<WatchOptions> options = WatchOptions::parse(arguments, &error, &help);
    if (!options) {
        if (!help.isEmpty()) {
            writeOut(help);
            return 0;
        }
        writeErr(QStringLiteral("adminchat watch: %1\n").arg(error));
        return 2;
    }
    OtlpSession otlp(options->otlp);
    if (!otlp.start(&error)) {
        writeErr(QStringLiteral("adminchat watch: %1\n").arg(error));
        return 2;
    }
    WatchRun run(*options);

    // SIGINT (a terminal) and SIGTERM (systemd) stop the watch cleanly.
    std::unique_ptr<QSocketNotifier> notifier;
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) == 0) {
        notifier = std::make_unique<QSocketNotifier>(signalPipe[0], QSocketNotifier::Read);
        QObject::connect(notifier.get(), &QSocketNotifier::activated, &run, [&run] {
            char byte;
            if (::read(signalPipe[0], &byte, 1) == 1)
                run.interrupt();
        });
        struct sigaction action = {};
        action.sa_handler = onSignal;
        action.sa_flags = SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGTERM, &action, nullptr);
    }
    QMetaObject::invokeMethod(
        &run, [&run] { run.start(); }, Qt::QueuedConnection);
    const int exitCode = QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    otlp.finish();
    return exitCode;
}

} // namespace adminchat

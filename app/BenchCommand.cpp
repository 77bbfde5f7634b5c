#include "BenchCommand.h"

#include "BenchMergeCommand.h"
#include "BenchOptions.h"
#include "BenchRun.h"
#include "OtlpSession.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace adminchat {

namespace {

int interruptPipe[2] = {-1, -1};

// Only async-signal-safe work here: one byte to the event loop, which does the rest.
void onSigint(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(interruptPipe[1], &byte, 1);
}

// Each event of each stream allocates and frees a little. glibc gives the top of the heap back
// to the system once 128 KiB are free and takes it again a moment later (brk, mprotect and page
// faults, several percent of bench's CPU at a thousand streams); a bench keeps what it took.
void keepHeap()
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    mallopt(M_TOP_PAD, 256 * 1024 * 1024);
#endif
}

} // namespace

int runBenchCommand(const QStringList& arguments)
{
    if (arguments.value(1) == QLatin1String("merge"))
        return runBenchMergeCommand(QStringList{arguments.value(0)} + arguments.mid(2));
    QString error;
    QString help;
    const std::optional<BenchOptions> options = BenchOptions::parse(arguments, &error, &help);
    if (!options) {
        if (!help.isEmpty()) {
            std::fputs(help.toLocal8Bit().constData(), stdout);
            return 0;
        }
        std::fprintf(stderr, "adminchat bench: %s\n", error.toLocal8Bit().constData());
        return 2;
    }
    OtlpSession otlp(options->otlp);
    if (!otlp.start(&error)) {
        std::fprintf(stderr, "adminchat bench: %s\n", error.toLocal8Bit().constData());
        return 2;
    }
    keepHeap();
    BenchRun run(*options);

    std::unique_ptr<QSocketNotifier> notifier;
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, interruptPipe) == 0) {
        notifier = std::make_unique<QSocketNotifier>(interruptPipe[0], QSocketNotifier::Read);
        QObject::connect(notifier.get(), &QSocketNotifier::activated, &run, [&run] {
            char byte;
            if (::read(interruptPipe[0], &byte, 1) == 1)
                run.interrupt();
        });
        struct sigaction action = {};
        action.sa_handler = onSigint;
        action.sa_flags = SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, nullptr);
    }
    QMetaObject::invokeMethod(
        &run, [&run] { run.start(); }, Qt::QueuedConnection);
    const int exitCode = QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    otlp.finish();
    return exitCode;
}

} // namespace adminchat

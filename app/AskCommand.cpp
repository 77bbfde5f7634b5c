#include "AskCommand.h"

#include "AskOptions.h"
#include "AskRun.h"
#include "OtlpSession.h"

#include <QCoreApplication>
#include <cstdio>

namespace adminchat {

int runAskCommand(const QStringList& arguments)
{
    QString error;
    QString help;
    const std::optional<AskOptions> options = AskOptions::parse(arguments, &error, &help);
    if (!options) {
        if (!help.isEmpty()) {
            std::fputs(help.toLocal8Bit().constData(), stdout);
            return 0;
        }
        std::fprintf(stderr, "adminchat ask: %s\n", error.toLocal8Bit().constData());
        return 2;
    }
    OtlpSession otlp(options->otlp);
    if (!otlp.start(&error)) {
        std::fprintf(stderr, "adminchat ask: %s\n", error.toLocal8Bit().constData());
        return 2;
    }
    AskRun run(*options);
    QMetaObject::invokeMethod(
        &run, [&run] { run.start(); }, Qt::QueuedConnection);
    const int exitCode = QCoreApplication::exec();
    otlp.finish();
    return exitCode;
}

} // namespace adminchat

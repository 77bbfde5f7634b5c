// Picks the GUI or a headless command. Headless commands never create a QGuiApplication, so
// they run without a display.
#include "AskCommand.h"
#include "BenchCommand.h"
#include "CommandLine.h"
#include "GuiLauncher.h"
#include "HistoryCommand.h"
#include "MetricsCommand.h"
#include "ProfileCommand.h"
#include "ServeDemoCommand.h"
#include "WatchCommand.h"
#include "settings/ApplicationNames.h"

#include <QCoreApplication>
#include <cstdio>
#include <utility>

namespace {

const char* const helpText = R"(Usage: adminchat [COMMAND] [OPTIONS]

A chat client and live performance dashboard for OpenAI-compatible endpoints.

Commands:
  (none)        Start the desktop app (on the built-in demo endpoint when
                OPENAI_BASE_URL is not set).
  ask           Stream one answer to stdout; --json prints the answer with its
                metrics (TTFT, ITL, E2E, tokens/s, category).
  bench         Load-test an endpoint: fixed concurrency or Poisson arrivals,
                TTFT/ITL/TPOT/E2E percentiles, A/B experiments, CSV/JSON.
  serve-demo    Run the built-in simulated OpenAI-compatible endpoint.
  metrics       Export the stored request metrics as CSV (`metrics export`)
                or print their aggregates and suggestions (`metrics summary`).
  profile       Manage endpoint profiles: add, list, remove, test, probe. Keys go to
                the OS keychain, never to a file.
  history       List, show, export or delete saved conversations.
  watch         Probe endpoints at intervals without a window: status, incidents
                and alerts (`adminchat profile probe` sets what is probed).

Options:
  -h, --help    Show this help; `adminchat COMMAND --help` shows a command's.
  -v, --version Show the version.
  --show PAGE   Open the window with PAGE in front: chat (default),
                dashboard or endpoints.
  --demo-profile NAME
                Latency profile of the built-in demo endpoint the window
                starts: instant, realistic (default), slow or fixed.
  --measure-startup
                Start the desktop app, print the time from process start to the
                window's first paint and the memory in use once idle (one JSON
                line), then quit.

Environment:
  OPENAI_BASE_URL   Endpoint base URL, e.g. http://127.0.0.1:8000/v1
  OPENAI_API_KEY    API key sent as a bearer token (never stored or printed)
  ADMINCHAT_API_KEY_<NAME>
                    Key for profile NAME, used before the OS keychain
  ADMINCHAT_DEMO_API_KEY
                    Key serve-demo requires from its clients

Files:
  ~/.config/AdminChat/adminchat.conf
                    Settings and endpoint profiles ($XDG_CONFIG_HOME)
  ~/.local/share/AdminChat/adminchat/adminchat.sqlite
                    Conversations and request metrics ($XDG_DATA_HOME)

Exit status: 0 success, 1 the request or operation failed, 2 bad usage.
More in the manual: man adminchat
)";

} // namespace

int main(int argc, char* argv[])
{
    adminchat::installTerminalSafeMessageHandler();
    const QString command = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    using Command = int (*)(const QStringList&);
    const std::pair<const char*, Command> commands[] = {
        {"ask", adminchat::runAskCommand},         {"serve-demo", adminchat::runServeDemoCommand},
        {"metrics", adminchat::runMetricsCommand}, {"profile", adminchat::runProfileCommand},
        {"history", adminchat::runHistoryCommand}, {"bench", adminchat::runBenchCommand},
        {"watch", adminchat::runWatchCommand},
    };
    for (const auto& [name, run] : commands) {
        if (command != QLatin1String(name))
            continue;
        QCoreApplication app(argc, argv);
        adminchat::setApplicationNames();
        QStringList arguments = QCoreApplication::arguments();
        arguments.removeAt(1); // each command's parser sees "adminchat [options]"
        const int code = run(arguments);
        if (const QString error = adminchat::standardOutputError(); !error.isEmpty()) {
            adminchat::writeErr(QStringLiteral("adminchat %1: cannot write the output: %2\n")
                                    .arg(QLatin1String(name), error));
            return code == 0 ? 1 : code;
        }
        return code;
    }
    if (command == QLatin1String("--help") || command == QLatin1String("-h") ||
        command == QLatin1String("help")) {
        std::fputs(helpText, stdout);
        return 0;
    }
    if (command == QLatin1String("--version") || command == QLatin1String("-v")) {
        std::printf("adminchat %s\n", ADMINCHAT_VERSION);
        return 0;
    }
    if (!command.isEmpty() && !command.startsWith(QLatin1Char('-'))) {
        std::fprintf(stderr, "adminchat: unknown command \"%s\"; see adminchat --help\n", argv[1]);
        return 2;
    }
    return adminchat::runGui(argc, argv);
}

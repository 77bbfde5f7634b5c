#include "GuiLauncher.h"

#include "MainWindow.h"
#include "settings/ApplicationNames.h"

#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>

namespace adminchat {

int runGui(int& argc, char** argv)
{
    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("AdminChat"));
    QApplication::setDesktopFileName(QStringLiteral("adminchat"));

    QCommandLineParser parser;
    parser.addOptions(
        {{QStringLiteral("demo-profile"),
          QStringLiteral("Latency profile of the built-in demo endpoint."), QStringLiteral("NAME"),
          QStringLiteral("realistic")},
         {QStringLiteral("show"), QStringLiteral("Page to open in front: chat or dashboard."),
          QStringLiteral("PAGE"), QStringLiteral("chat")}});
    parser.process(app);
    const QString page = parser.value(QStringLiteral("show"));
    if (page != QLatin1String("chat") && page != QLatin1String("dashboard")) {
        std::fprintf(stderr, "adminchat: --show needs chat or dashboard, got \"%s\"\n",
                     qPrintable(page));
        return 2;
    }

    GuiOptions options;
    options.demoProfile = parser.value(QStringLiteral("demo-profile"));
    options.showDashboard = page == QLatin1String("dashboard");
    MainWindow window(options);
    window.show();
    return QApplication::exec();
}

} // namespace adminchat

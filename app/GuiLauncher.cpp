#include "GuiLauncher.h"

#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

namespace adminchat {

int runGui(int& argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("adminchat"));
    QApplication::setApplicationDisplayName(QStringLiteral("AdminChat"));
    QApplication::setApplicationVersion(QStringLiteral(ADMINCHAT_VERSION));
    QApplication::setOrganizationName(QStringLiteral("AdminChat"));
    QApplication::setDesktopFileName(QStringLiteral("adminchat"));

    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("demo-profile"),
                        QStringLiteral("Latency profile of the built-in demo endpoint."),
                        QStringLiteral("NAME"), QStringLiteral("realistic")}});
    parser.process(app);

    GuiOptions options;
    options.demoProfile = parser.value(QStringLiteral("demo-profile"));
    MainWindow window(options);
    window.show();
    return QApplication::exec();
}

} // namespace adminchat

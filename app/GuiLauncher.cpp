#include "GuiLauncher.h"

#include "MainWindow.h"
#include "OtlpSession.h"
#include "settings/ApplicationNames.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QIcon>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPaintEvent>
#include <QPointer>
#include <QTimer>
#include <cstdio>
#include <ctime>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcStartup, "adminchat.startup", QtWarningMsg)

namespace adminchat {

namespace {

// The reverse-DNS id shared by the desktop file, the AppStream metainfo and the icon name.
const char* const kDesktopId = "io.github.adminchat.AdminChat";

// The installed theme icon when there is one (it follows the user's theme and scales), else
// the copy compiled in, so a run from the build tree has an icon too.
QIcon applicationIcon()
{
    QIcon bundled;
    for (const int size : {16, 32, 48, 64, 128, 256})
        bundled.addFile(QStringLiteral(":/icons/%1.png").arg(size), QSize(size, size));
    return QIcon::fromTheme(QLatin1String(kDesktopId), bundled);
}

// How long the window is left idle before its resident memory is read.
constexpr int kIdleBeforeRssMs = 1000;

// Milliseconds since the kernel started this process (before the dynamic linker and static
// initialisers ran): /proc/self/stat's start time against CLOCK_BOOTTIME, both since boot.
// The start time has clock-tick resolution (10 ms with the usual 100 Hz). -1 when unknown.
double msSinceProcessStart()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // Field 2 (the command) may hold spaces; the fields after its ')' are plain numbers.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    constexpr int startTimeField = 22 - 3; // field 22, counted from field 3
    bool ok = false;
    const double startTicks = fields.value(startTimeField).toDouble(&ok);
    const long ticksPerSecond = sysconf(_SC_CLK_TCK);
    timespec now{};
    if (!ok || ticksPerSecond <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0)
        return -1;
    const double nowMs = double(now.tv_sec) * 1000.0 + double(now.tv_nsec) / 1e6;
    return nowMs - startTicks * 1000.0 / double(ticksPerSecond);
}

// Resident memory of this process in KiB (VmRSS), -1 when unknown.
qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// --measure-startup: notes when the main window has first been painted (the event loop turn
// after its first paint event, once the backing store is flushed), waits until the window has
// been idle a moment, prints one JSON line and quits.
class StartupProbe : public QObject
{
public:
    StartupProbe(QWidget* window, double mainEnteredMs)
        : QObject(window), m_window(window), m_mainEnteredMs(mainEnteredMs)
    {
        m_sinceMain.start();
        qApp->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint && !m_painted && watched->isWidgetType() &&
            static_cast<QWidget*>(watched)->window() == m_window) {
            m_painted = true;
            QTimer::singleShot(0, this, &StartupProbe::onPainted);
        }
        return false;
    }

private:
    void onPainted()
    {
        qApp->removeEventFilter(this);
        m_firstPaintMs = msSinceProcessStart();
        m_sinceMainMs = double(m_sinceMain.nsecsElapsed()) / 1e6 + m_mainEnteredMs;
        QTimer::singleShot(kIdleBeforeRssMs, this, &StartupProbe::report);
    }

    void report()
    {
        const qint64 rssKiB = residentKiB();
        const QJsonObject result{
            {"first_paint_ms", qRound(m_firstPaintMs * 10) / 10.0},
            {"main_to_first_paint_ms", qRound(m_sinceMainMs * 10) / 10.0},
            {"idle_rss_mb", qRound(double(rssKiB) / 1024.0 * 10) / 10.0},
            {"idle_rss_kib", rssKiB},
            {"platform", QGuiApplication::platformName()},
        };
        std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
        std::fflush(stdout);
        qApp->quit();
    }

    QPointer<QWidget> m_window;
    QElapsedTimer m_sinceMain; // started when the probe is made, offset by mainEnteredMs
    double m_mainEnteredMs;
    double m_firstPaintMs = -1;
    double m_sinceMainMs = -1;
    bool m_painted = false;
};

} // namespace

int runGui(int& argc, char** argv)
{
    // From main() on, measured with a monotonic clock; the time before comes from /proc.
    QElapsedTimer sinceMain;
    sinceMain.start();
    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("AdminChat"));
    // Wayland compositors and docks match the window to its .desktop file by this name.
    QApplication::setDesktopFileName(QLatin1String(kDesktopId));
    QApplication::setWindowIcon(applicationIcon());

    QCommandLineParser parser;
    parser.addOptions(
        {{QStringLiteral("demo-profile"),
          QStringLiteral("Latency profile of the built-in demo endpoint."), QStringLiteral("NAME"),
          QStringLiteral("realistic")},
         {QStringLiteral("show"),
          QStringLiteral("Page to open in front: chat, dashboard or endpoints."),
          QStringLiteral("PAGE"), QStringLiteral("chat")},
         {QStringLiteral("measure-startup"),
          QStringLiteral("Print the time from process start to the window's first paint and "
                         "the resident memory once idle, as one JSON line, then quit.")}});
    parser.process(app);
    const QString page = parser.value(QStringLiteral("show"));
    const QHash<QString, GuiOptions::Page> pages{
        {QStringLiteral("chat"), GuiOptions::Page::Chat},
        {QStringLiteral("dashboard"), GuiOptions::Page::Dashboard},
        {QStringLiteral("endpoints"), GuiOptions::Page::Endpoints}};
    if (!pages.contains(page)) {
        std::fprintf(stderr, "adminchat: --show needs chat, dashboard or endpoints, got \"%s\"\n",
                     qPrintable(page));
        return 2;
    }

    GuiOptions options;
    options.demoProfile = parser.value(QStringLiteral("demo-profile"));
    options.page = pages.value(page);
    // OTEL_EXPORTER_OTLP_ENDPOINT: the window's requests are exported too; declared before the
    // window, so its final flush runs once the window has stored its last records.
    OtlpSession otlp;
    QString otlpError;
    otlp.start(&otlpError); // no profile to resolve: cannot fail
    MainWindow window(options);
    if (parser.isSet(QStringLiteral("measure-startup")))
        new StartupProbe(&window, double(sinceMain.nsecsElapsed()) / 1e6);
    // Ctrl+Q is File > Quit, which closes the window (not QApplication::quit) so it saves the
    // conversations in progress before the event loop ends.
    qCDebug(lcStartup) << "window built after" << sinceMain.elapsed() << "ms from main";
    window.show();
    return QApplication::exec();
}

} // namespace adminchat

// Screenshots of the window in the light and the dark theme, offscreen, checked for more than
// "not blank": the charts' plot areas and the KPI tiles are drawn in the palette's Base colour,
// the window in its Window colour, a theme switch repaints the charts, and at 900x600 every tile,
// chart, legend and the dashboard's status stay inside the window. The PNGs are kept in
// $ADMINCHAT_SCREENSHOT_DIR (default: screenshots/ in the working directory) for people to look
// at.
#include "DashboardKpiTile.h"
#include "DashboardPercentileChart.h"
#include "DashboardTimelineChart.h"
#include "DashboardWidget.h"
#include "PreferencesDialog.h"
#include "ProfileEditorDialog.h"
#include "ShellTheme.h"
#include "ToneLabel.h"
#include "WindowTestHelpers.h"

#include <QAction>
#include <QApplication>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QDir>
#include <QHash>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QToolButton>
#include <QValueAxis>
#include <cmath>

using namespace adminchat;

namespace {

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable(
        "ADMINCHAT_SCREENSHOT_DIR", QDir::current().filePath(QStringLiteral("screenshots")));
    QDir().mkpath(dir);
    return dir;
}

bool save(QWidget* widget, const QString& name)
{
    return widget->grab().save(QDir(screenshotDir()).filePath(name + QStringLiteral(".png")));
}

// The colour covering most of the area (sampled on a grid): the background, whatever is drawn
// over parts of it.
QColor dominant(const QImage& image, const QRect& area)
{
    QHash<QRgb, int> counts;
    for (int y = area.top(); y <= area.bottom(); y += 3) {
        for (int x = area.left(); x <= area.right(); x += 3)
            ++counts[image.pixel(x, y) | 0xff000000];
    }
    QRgb best = 0;
    int most = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > most) {
            most = it.value();
            best = it.key();
        }
    }
    return QColor(best);
}

bool near(const QColor& a, const QColor& b)
{
    return qAbs(a.red() - b.red()) <= 3 && qAbs(a.green() - b.green()) <= 3 &&
           qAbs(a.blue() - b.blue()) <= 3;
}

// WCAG 2 contrast ratio of two colours (1 to 21).
double contrast(const QColor& a, const QColor& b)
{
    const auto luminance = [](const QColor& c) {
        const auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) +
               0.0722 * channel(c.blueF());
    };
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QString describe(const QColor& actual, const QColor& expected)
{
    return QStringLiteral("%1, expected %2").arg(actual.name(), expected.name());
}

// The plot area of a chart view, in the view's (and its grab's) coordinates.
QRect plotArea(QChartView* view)
{
    const QRectF scene = view->chart()->mapToScene(view->chart()->plotArea()).boundingRect();
    return view->mapFromScene(scene).boundingRect().adjusted(2, 2, -2, -2);
}

// Requests in the dashboard, so it shows its charts rather than its empty state.
bool fillDashboard(MainWindow* window, int requests)
{
    for (int i = 0; i < requests; ++i) {
        windowtest::sendText(window, QStringLiteral("question %1").arg(i));
        if (!windowtest::waitForAnswer(window))
            return false;
    }
    auto* count = window->findChild<QLabel*>(QStringLiteral("kpiRequests"));
    return QTest::qWaitFor([&] { return count->text() == QString::number(requests); }, 5000);
}

// Every part of the dashboard that must stay visible, with where it is in the window.
void checkInside(MainWindow* window)
{
    const QRect inWindow = window->rect();
    DashboardWidget* dashboard = window->dashboard();
    auto* scroll = dashboard->findChild<QScrollArea*>();
    QVERIFY(scroll);
    const int viewportRight =
        scroll->viewport()->mapTo(window, QPoint(0, 0)).x() + scroll->viewport()->width();
    auto check = [&](QWidget* widget, bool scrolled) {
        const QRect r(widget->mapTo(window, QPoint(0, 0)), widget->size());
        const QString what =
            widget->objectName() + QStringLiteral(" at ") +
            QStringLiteral("%1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
        QVERIFY2(widget->isVisible() && r.width() > 0, qPrintable(what));
        QVERIFY2(r.left() >= 0 && r.right() <= inWindow.right(), qPrintable(what));
        if (scrolled) // inside the scroll area's visible width (it only scrolls vertically)
            QVERIFY2(r.right() < viewportRight + 1, qPrintable(what));
    };
    for (QWidget* tile : dashboard->findChildren<DashboardKpiTile*>())
        check(tile, true);
    for (QChartView* chart : dashboard->findChildren<QChartView*>()) {
        if (!chart->isVisibleTo(dashboard))
            continue; // the experiment tab's charts
        check(chart, true);
        // The legend and the axes fit in the chart.
        const QRectF legend = chart->chart()->legend()->geometry();
        QVERIFY2(legend.right() <= chart->width() + 0.5 && legend.left() >= -0.5,
                 qPrintable(chart->objectName()));
    }
    check(dashboard->findChild<QLabel*>(QStringLiteral("dashboardStatus")), false);
    check(dashboard->findChild<QToolButton*>(QStringLiteral("exportButton")), false);
    // The status is shown in full, not elided.
    auto* status = dashboard->findChild<QLabel*>(QStringLiteral("dashboardStatus"));
    QVERIFY2(status->text().startsWith(QStringLiteral("Updated")) &&
                 status->text() == status->toolTip(),
             qPrintable(status->text() + QStringLiteral(" / ") + status->toolTip()));
}

} // namespace

class TestShellTheme : public QObject
{
    Q_OBJECT
private slots:
    void init() { qunsetenv("OPENAI_BASE_URL"); }
    void cleanup() { ShellTheme::apply(ThemeChoice::System); }

    void screenshots_data()
    {
        QTest::addColumn<int>("theme");
        QTest::newRow("light") << int(ThemeChoice::Light);
        QTest::newRow("dark") << int(ThemeChoice::Dark);
    }

    void screenshots()
    {
        QFETCH(int, theme);
        const auto choice = ThemeChoice(theme);
        const QString name = AppSettings::themeName(choice);
        QTemporaryDir dir;
        AppSettings(dir.filePath(QStringLiteral("settings.ini"))).setTheme(choice);
        auto window = windowtest::openWindow(dir, QStringLiteral("fixed"));
        QVERIFY(window);
        const QPalette palette = window->palette();
        QCOMPARE(ShellTheme::isDark(palette), choice == ThemeChoice::Dark);

        // First launch: the chat, empty. The message box is drawn in Base, the window in Window.
        window->resize(1280, 800);
        QVERIFY(save(window.get(), QStringLiteral("first-launch-") + name));
        auto* composer = window->findChild<ComposerEdit*>(QStringLiteral("composer"));
        const QImage composerImage = composer->grab().toImage();
        QVERIFY2(near(dominant(composerImage, composerImage.rect()), palette.color(QPalette::Base)),
                 qPrintable(describe(dominant(composerImage, composerImage.rect()),
                                     palette.color(QPalette::Base))));

        QVERIFY(fillDashboard(window.get(), 2));
        window->showDashboard();
        window->resize(1400, 900);
        QTest::qWait(50); // layout and the resize-driven reflow
        QVERIFY(save(window.get(), QStringLiteral("dashboard-1400x900-") + name));
        auto* chart = window->findChild<DashboardTimelineChart*>(QStringLiteral("ttftChart"));
        const QImage chartImage = chart->grab().toImage();
        const QColor base = palette.color(QPalette::Base);
        const QColor plot = dominant(chartImage, plotArea(chart));
        QVERIFY2(near(plot, base), qPrintable(describe(plot, base)));
        QVERIFY2(near(dominant(chartImage, chartImage.rect()), base),
                 qPrintable(describe(dominant(chartImage, chartImage.rect()), base)));
        // Axis labels in the text colour: some pixels of the chart are close to it.
        auto* tile = window->dashboard()->findChildren<DashboardKpiTile*>().value(0);
        const QImage tileImage = tile->grab().toImage();
        const QRect inside = tileImage.rect().adjusted(6, 6, -6, -6);
        QVERIFY2(near(dominant(tileImage, inside), base),
                 qPrintable(describe(dominant(tileImage, inside), base)));
        checkInside(window.get());

        window->resize(900, 600);
        QTest::qWait(50);
        QVERIFY(save(window.get(), QStringLiteral("dashboard-900x600-") + name));
        checkInside(window.get());
        QCOMPARE(window->dashboard()->chartColumns(), 1);

        window->findChild<QAction*>(QStringLiteral("actionPreferences"))->trigger();
        PreferencesDialog* preferences = window->preferences();
        QVERIFY(QTest::qWaitForWindowExposed(preferences));
        QVERIFY(save(preferences, QStringLiteral("preferences-") + name));
        const QImage dialogImage = preferences->grab().toImage();
        const QColor windowColor = palette.color(QPalette::Window);
        QVERIFY2(near(dominant(dialogImage, dialogImage.rect()), windowColor),
                 qPrintable(describe(dominant(dialogImage, dialogImage.rect()), windowColor)));
        preferences->close();

        // The profile editor with a new profile whose URL is plain http (a warning), then not a
        // URL (an error): both in colours that read on this theme's window.
        window->findChild<QAction*>(QStringLiteral("actionProfiles"))->trigger();
        ProfileEditorDialog* editor = window->profileEditor();
        QVERIFY(QTest::qWaitForWindowExposed(editor));
        editor->findChild<QPushButton*>(QStringLiteral("addProfileButton"))->click();
        auto* url = editor->findChild<QLineEdit*>(QStringLiteral("baseUrl"));
        url->setText(QStringLiteral("http://models.example.com/v1"));
        auto* warning = editor->findChild<ToneLabel*>(QStringLiteral("insecureWarning"));
        QTRY_VERIFY(warning->isVisible());
        QVERIFY(save(editor, QStringLiteral("profile-editor-") + name));
        const QImage editorImage = editor->grab().toImage();
        QVERIFY2(near(dominant(editorImage, editorImage.rect()), windowColor),
                 qPrintable(describe(dominant(editorImage, editorImage.rect()), windowColor)));
        url->setText(QStringLiteral("example dot com"));
        auto* error = editor->findChild<ToneLabel*>(QStringLiteral("urlError"));
        QTRY_VERIFY(error->isVisible());
        QVERIFY(save(editor, QStringLiteral("profile-editor-error-") + name));
        for (ToneLabel* label : {warning, error}) {
            const QColor text = label->palette().color(QPalette::WindowText);
            QCOMPARE(text, ToneLabel::color(label->tone(), palette));
            QVERIFY2(contrast(text, windowColor) >= 4.5,
                     qPrintable(label->objectName() + QStringLiteral(": ") +
                                describe(text, windowColor)));
            // Drawn in it: the label's pixels include that colour (anti-aliasing aside).
            const QImage drawn = label->grab().toImage();
            bool found = false;
            for (int y = 0; y < drawn.height() && !found; ++y) {
                for (int x = 0; x < drawn.width() && !found; ++x)
                    found = near(QColor(drawn.pixel(x, y)), text);
            }
            QVERIFY2(found, qPrintable(label->objectName()));
        }
        editor->close();
    }

    void toneFollowsAThemeSwitch()
    {
        ShellTheme::apply(ThemeChoice::Light);
        QWidget parent;
        auto* label = new ToneLabel(&parent, ToneLabel::Tone::Error);
        label->setText(QStringLiteral("refused"));
        const QColor light = ToneLabel::color(ToneLabel::Tone::Error, ShellTheme::lightPalette());
        QCOMPARE(label->palette().color(QPalette::WindowText), light);
        ShellTheme::apply(ThemeChoice::Dark);
        const QColor dark = ToneLabel::color(ToneLabel::Tone::Error, ShellTheme::darkPalette());
        QVERIFY(dark != light);
        QTRY_COMPARE(label->palette().color(QPalette::WindowText), dark);
        // Back to normal: the theme's own text colour, and it follows the next switch too.
        label->setTone(ToneLabel::Tone::Normal);
        QCOMPARE(label->palette().color(QPalette::WindowText),
                 ShellTheme::darkPalette().color(QPalette::WindowText));
        ShellTheme::apply(ThemeChoice::Light);
        QTRY_COMPARE(label->palette().color(QPalette::WindowText),
                     ShellTheme::lightPalette().color(QPalette::WindowText));
    }

    void switchingThemeRepaintsCharts()
    {
        QTemporaryDir dir;
        AppSettings(dir.filePath(QStringLiteral("settings.ini"))).setTheme(ThemeChoice::Light);
        auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
        QVERIFY(window);
        QVERIFY(fillDashboard(window.get(), 1));
        window->showDashboard();
        auto* chart = window->findChild<QChartView*>(QStringLiteral("percentileChart"));
        const QColor lightBase = ShellTheme::lightPalette().color(QPalette::Base);
        QVERIFY(near(dominant(chart->grab().toImage(), plotArea(chart)), lightBase));

        window->findChild<QAction*>(QStringLiteral("actionTheme_dark"))->trigger();
        const QColor darkBase = ShellTheme::darkPalette().color(QPalette::Base);
        // The palette reaches the widgets with its change event.
        QTRY_VERIFY(near(dominant(chart->grab().toImage(), plotArea(chart)), darkBase));
        QCOMPARE(chart->chart()->titleBrush().color(),
                 ShellTheme::darkPalette().color(QPalette::Text));

        // Back to the system: the platform's palette, whatever it is, and not the forced one.
        window->findChild<QAction*>(QStringLiteral("actionTheme_system"))->trigger();
        QCOMPARE(ShellTheme::current(), ThemeChoice::System);
        QTRY_COMPARE(chart->chart()->backgroundBrush().color(),
                     QApplication::palette().color(QPalette::Base));
    }

    void itlHasItsOwnAxis()
    {
        DashboardPercentileChart chart;
        GroupStats stats;
        stats.ttft.p50 = 800;
        stats.e2e.p50 = 12'000;
        stats.e2e.p95 = 15'000;
        stats.e2e.p99 = 18'000;
        stats.itl.p50 = 18;
        stats.itl.p95 = 31;
        stats.itl.p99 = 44;
        chart.setStats(stats);
        // E2E sets the left axis in seconds; ITL's bars are scaled on the right, in tens of ms.
        QVERIFY(chart.valueAxis()->max() >= 18'000);
        QVERIFY(chart.itlAxis()->max() >= 44 && chart.itlAxis()->max() <= 100);
        auto* itlSeries = static_cast<QBarSeries*>(chart.chart()->series().at(1));
        QVERIFY(itlSeries->attachedAxes().contains(chart.itlAxis()));
        QCOMPARE(itlSeries->barSets().at(2)->at(DashboardPercentileChart::itlIndex), 44.0);
        auto* mainSeries = static_cast<QBarSeries*>(chart.chart()->series().at(0));
        QCOMPARE(mainSeries->barSets().at(0)->at(DashboardPercentileChart::itlIndex), 0.0);
        QCOMPARE(chart.itlAxis()->alignment(), Qt::AlignRight);
    }
};

QTEST_MAIN(TestShellTheme)
#include "tst_shelltheme.moc"

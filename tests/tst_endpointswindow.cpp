// The window's endpoint watch end to end: two `adminchat serve-demo` processes (one healthy, one
// answering HTTP 500), profiles with probing on saved by `adminchat profile`, the real window
// probing them on its watch thread. Statuses, the alert, its evidence, the dashboard jump by
// keyboard, recovery after the failing server is restarted healthy, pausing (the lock is
// released), another process holding the watch, the tray's state, and screenshots of the tab
// in light and dark.
#include "AlertListModel.h"
#include "AppProcess.h"
#include "DashboardWidget.h"
#include "EndpointsModel.h"
#include "EndpointsPage.h"
#include "MainWindow.h"
#include "NotificationServer.h"
#include "PreferencesDialog.h"
#include "ProfileEditorDialog.h"
#include "ShellTheme.h"
#include "TestHome.h"
#include "WatchController.h"
#include "WatchStatusStyle.h"
#include "WatchTrayIcon.h"
#include "WindowWatch.h"
#include "settings/AppSettings.h"
#include "settings/ApplicationNames.h"
#include "store/Database.h"
#include "watch/WatchLock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QTreeWidget>

using namespace adminchat;

namespace {

// $ADMINCHAT_SCREENSHOT_DIR, else screenshots/ in the working directory: for people to look at.
QDir screenshotDir()
{
    const QString dir = qEnvironmentVariable(
        "ADMINCHAT_SCREENSHOT_DIR", QDir::current().filePath(QStringLiteral("screenshots")));
    QDir().mkpath(dir);
    return QDir(dir);
}

} // namespace

class TestEndpointsWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void statusesAlertAndTray();
    void notificationClickShowsTheEvidence();
    void evidenceAndDashboardByKeyboard();
    void recoversWhenTheServerDoes();
    void pauseReleasesTheWatch();
    void anotherProcessHoldsTheWatch();
    void watchSettingsFromTheEditor();
    void alertPreferences();
    void screenshots_data();
    void screenshots();

private:
    void addWatchedProfile(const QString& name, const QString& url);
    int rowOf(const QString& profile) const;
    QString cell(const QString& profile, int column) const;
    qint64 probeCount(const QString& profile) const;

    TestHome m_home; // the window, `adminchat profile` and `adminchat watch` share its files
    NotificationServer m_notifications; // dunst on a private session bus
    QProcess m_healthy;
    QProcess m_failing;
    QString m_failingPort;
    QString m_healthyUrl;
    std::unique_ptr<MainWindow> m_window;
    EndpointsModel* m_model = nullptr;
};

void TestEndpointsWindow::addWatchedProfile(const QString& name, const QString& url)
{
    ::addWatchedProfile(QProcessEnvironment::systemEnvironment(), name, url,
                        {"--interval", "1", "--failures", "2"});
}

int TestEndpointsWindow::rowOf(const QString& profile) const
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->rowAt(row)->target.profile == profile)
            return row;
    }
    return -1;
}

QString TestEndpointsWindow::cell(const QString& profile, int column) const
{
    const int row = rowOf(profile);
    return row < 0 ? QString() : m_model->index(row, column).data().toString();
}

qint64 TestEndpointsWindow::probeCount(const QString& profile) const
{
    const QString name = QStringLiteral("probe-count");
    qint64 count = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(Database::defaultPath());
        if (db.open()) {
            QSqlQuery query(db);
            query.prepare(QStringLiteral(
                "SELECT count(*) FROM requests WHERE tag = 'probe' AND profile = ?"));
            query.addBindValue(profile);
            if (query.exec() && query.next())
                count = query.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return count;
}

void TestEndpointsWindow::initTestCase()
{
    QVERIFY(m_home.isValid());
    setApplicationNames();
    // The window's desktop notifications go to a real server on a bus of the test's own.
    m_notifications.start(true);
    if (QTest::currentTestFailed())
        return;
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_notifications.address().toUtf8());
    const QString healthy = m_healthyUrl =
        startDemoServer(m_healthy, {"--profile", "fixed", "--ttft", "20"});
    QVERIFY(!healthy.isEmpty());
    const QString failing =
        startDemoServer(m_failing, {"--profile", "fixed", "--ttft", "20", "--fault", "500"});
    QVERIFY(!failing.isEmpty());
    m_failingPort = QString::number(QUrl(failing).port());
    addWatchedProfile(QStringLiteral("Healthy"), healthy);
    addWatchedProfile(QStringLiteral("Failing"), failing);

    GuiOptions options;
    options.demoProfile = QStringLiteral("instant");
    options.page = GuiOptions::Page::Endpoints;
    m_window = std::make_unique<MainWindow>(options);
    // Clear of the screen's top right corner, where the tray of tests/run-with-tray.sh sits.
    m_window->resize(1240, 800);
    m_window->move(0, 60);
    m_window->show();
    m_model = qobject_cast<EndpointsModel*>(m_window->watch()->page()->table()->model());
    QVERIFY(m_model);
}

void TestEndpointsWindow::cleanupTestCase()
{
    m_window.reset();
    for (QProcess* server : {&m_healthy, &m_failing}) {
        server->kill();
        server->waitForFinished(5000);
    }
    ShellTheme::apply(ThemeChoice::System);
}

void TestEndpointsWindow::statusesAlertAndTray()
{
    auto* tabs = m_window->findChild<QTabWidget*>(QStringLiteral("tabs"));
    QCOMPARE(tabs->currentWidget(), m_window->watch()->page()); // --show endpoints
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("Healthy"), EndpointsModel::StatusColumn),
                              QStringLiteral("Up"), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("Failing"), EndpointsModel::StatusColumn),
                              QStringLiteral("Down"), 20000);
    QCOMPARE(cell(QStringLiteral("Healthy"), EndpointsModel::HolderColumn),
             QStringLiteral("This window"));
    QVERIFY(cell(QStringLiteral("Healthy"), EndpointsModel::TtftColumn).endsWith(" ms"));
    QCOMPARE(cell(QStringLiteral("Failing"), EndpointsModel::TtftColumn), QStringLiteral("–"));
    QVERIFY2(cell(QStringLiteral("Failing"), EndpointsModel::LastErrorColumn).contains("500"),
             qPrintable(cell(QStringLiteral("Failing"), EndpointsModel::LastErrorColumn)));
    QVERIFY(cell(QStringLiteral("Failing"), EndpointsModel::IncidentColumn).startsWith("Down for"));

    // One alert: the failing endpoint went down. The tab says so until it is acknowledged.
    auto* alerts = qobject_cast<AlertListModel*>(m_window->watch()->page()->alertList()->model());
    QTRY_COMPARE_WITH_TIMEOUT(alerts->unacknowledged(), 1, 5000);
    QCOMPARE(alerts->alertAt(0)->rule, QStringLiteral("down"));
    QCOMPARE(alerts->alertAt(0)->profile, QStringLiteral("Failing"));
    QCOMPARE(tabs->tabText(tabs->indexOf(m_window->watch()->page())),
             QStringLiteral("Endpoints (1)"));
    auto* summary = m_window->watch()->page()->findChild<QLabel*>(QStringLiteral("watchSummary"));
    QVERIFY2(summary->text().contains("Failing (demo-chat) down"), qPrintable(summary->text()));

    // The same alert as a desktop notification, critical.
    QTRY_VERIFY_WITH_TIMEOUT(
        [this] {
            for (const QByteArray& call : m_notifications.notifyCalls())
                if (call.contains("string \"AdminChat\"") &&
                    call.contains("Failing (demo-chat) is down"))
                    return true;
            return false;
        }(),
        10000);

    // The tray: the worst status's colour, each endpoint in the tooltip, the menu's actions.
    WatchTrayIcon* tray = m_window->watch()->tray();
    QCOMPARE(m_window->watch()->controller()->worstState(), WatchState::Down);
    const QImage badge = tray->icon()->icon().pixmap(32, 32).toImage();
    QCOMPARE(badge.pixelColor(16, 16), WatchStatusStyle::color(WatchState::Down));
    QVERIFY2(tray->icon()->toolTip().contains("Failing (demo-chat): Down"),
             qPrintable(tray->icon()->toolTip()));
    QVERIFY(tray->icon()->toolTip().contains("Healthy (demo-chat): Up"));
    QStringList actions;
    for (QAction* action : tray->menu()->actions())
        actions << action->text();
    QCOMPARE(actions, QStringList({"&Open AdminChat", "&Pause Watching", "", "&Quit"}));
    if (qEnvironmentVariableIsSet("ADMINCHAT_REQUIRE_TRAY")) {
        // Under Xvfb with a tray (trayer): the icon is really there.
        QTRY_VERIFY_WITH_TIMEOUT(QSystemTrayIcon::isSystemTrayAvailable(), 5000);
        QTRY_VERIFY(tray->icon()->isVisible());
        // The tray's corner of the screen shows the red badge (trayer sits top right).
        QScreen* screen = QGuiApplication::primaryScreen();
        const QRect corner(screen->geometry().right() - 200, 0, 200, 40);
        const QColor red = WatchStatusStyle::color(WatchState::Down);
        QImage shot;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                shot =
                    screen->grabWindow(0, corner.x(), corner.y(), corner.width(), corner.height())
                        .toImage();
                for (int y = 0; y < shot.height(); ++y)
                    for (int x = 0; x < shot.width(); ++x)
                        if (shot.pixelColor(x, y) == red)
                            return true;
                return false;
            }(),
            5000);
        QVERIFY(shot.save(screenshotDir().filePath(QStringLiteral("tray-down.png"))));
    }
}

void TestEndpointsWindow::notificationClickShowsTheEvidence()
{
    auto* tabs = m_window->findChild<QTabWidget*>(QStringLiteral("tabs"));
    m_window->showChat();
    EndpointsPage* page = m_window->watch()->page();
    page->table()->selectRow(rowOf(QStringLiteral("Healthy")));
    QVERIFY(m_notifications.invokeDefaultAction()); // as a click on the notification does
    QTRY_COMPARE_WITH_TIMEOUT(tabs->currentWidget(), page, 5000);
    QCOMPARE(page->table()->currentIndex().row(), rowOf(QStringLiteral("Failing")));
    QTRY_VERIFY_WITH_TIMEOUT(page->incidentLog()->currentItem() &&
                                 page->incidentLog()->currentItem()->isExpanded(),
                             5000);
}

void TestEndpointsWindow::evidenceAndDashboardByKeyboard()
{
    EndpointsPage* page = m_window->watch()->page();
    auto* alerts = qobject_cast<AlertListModel*>(page->alertList()->model());
    page->alertList()->setCurrentIndex(alerts->index(0, 0));
    page->findChild<QPushButton*>(QStringLiteral("showEvidence"))->click();
    QCOMPARE(page->table()->currentIndex().row(), rowOf(QStringLiteral("Failing")));
    // The incident log: the open incident, expanded, with the failed probes as its evidence.
    QTreeWidget* log = page->incidentLog();
    QTRY_VERIFY_WITH_TIMEOUT(log->currentItem() && log->currentItem()->isExpanded(), 5000);
    QTreeWidgetItem* incident = log->currentItem();
    QCOMPARE(incident->text(2), QStringLiteral("Down"));
    QCOMPARE(incident->text(1), QStringLiteral("open"));
    QVERIFY(incident->childCount() >= 2);
    QCOMPARE(incident->child(0)->text(2), QStringLiteral("error"));
    QVERIFY2(incident->child(0)->text(3).startsWith("HTTP 500"),
             qPrintable(incident->child(0)->text(3)));
    QVERIFY(incident->child(0)->toolTip(0).startsWith("Request "));

    page->findChild<QPushButton*>(QStringLiteral("acknowledgeAlert"))->click();
    QCOMPARE(alerts->unacknowledged(), 0);
    auto* tabs = m_window->findChild<QTabWidget*>(QStringLiteral("tabs"));
    QCOMPARE(tabs->tabText(tabs->indexOf(page)), QStringLiteral("Endpoints"));

    // Keyboard only: the table, arrows to the healthy endpoint, Enter opens the dashboard on it.
    QSignalSpy filtered(m_window->dashboard(), &DashboardWidget::filterChanged);
    page->table()->setFocus();
    const int healthy = rowOf(QStringLiteral("Healthy"));
    const int failing = rowOf(QStringLiteral("Failing"));
    QTest::keyClick(page->table(), healthy < failing ? Qt::Key_Up : Qt::Key_Down);
    QCOMPARE(page->table()->currentIndex().row(), healthy);
    QTest::keyClick(page->table(), Qt::Key_Return);
    QCOMPARE(tabs->currentWidget(), m_window->dashboard());
    QCOMPARE(filtered.count(), 1);
    const auto filter = filtered.first().first().value<MetricsFilter>();
    QCOMPARE(filter.endpoint, m_model->rowAt(healthy)->target.endpointId);
    QCOMPARE(filter.model, QStringLiteral("demo-chat"));
    // Ctrl+3 (View > Endpoints) comes back.
    QTest::keyClick(m_window.get(), Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(tabs->currentWidget(), page);
}

void TestEndpointsWindow::recoversWhenTheServerDoes()
{
    m_failing.kill();
    m_failing.waitForFinished(5000);
    QVERIFY(
        !startDemoServer(m_failing, {"--port", m_failingPort, "--profile", "fixed", "--ttft", "20"})
             .isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("Failing"), EndpointsModel::StatusColumn),
                              QStringLiteral("Up"), 20000);
    QCOMPARE(cell(QStringLiteral("Failing"), EndpointsModel::IncidentColumn),
             QStringLiteral("None"));
    const double uptime = m_model->rowAt(rowOf(QStringLiteral("Failing")))->uptime24h.value_or(1);
    QVERIFY2(uptime > 0 && uptime < 1, qPrintable(QString::number(uptime)));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->watch()->controller()->worstState(), WatchState::Up, 5000);
    // The incident is closed in the log of the selected (failing) endpoint.
    EndpointsPage* page = m_window->watch()->page();
    page->table()->selectRow(rowOf(QStringLiteral("Failing")));
    QTRY_VERIFY_WITH_TIMEOUT(page->incidentLog()->topLevelItemCount() > 0 &&
                                 page->incidentLog()->topLevelItem(0)->text(1) != "open",
                             5000);
}

void TestEndpointsWindow::pauseReleasesTheWatch()
{
    WatchController* watch = m_window->watch()->controller();
    const QString endpointId = m_model->rowAt(rowOf(QStringLiteral("Healthy")))->target.endpointId;
    {
        WatchLock lock(Database::defaultPath(), endpointId);
        QVERIFY(!lock.tryLock()); // the window holds it
    }
    m_window->watch()->page()->findChild<QPushButton*>(QStringLiteral("pauseWatching"))->click();
    QVERIFY(watch->isPaused());
    QVERIFY(m_window->watch()->tray()->pauseAction()->isChecked());
    {
        WatchLock lock(Database::defaultPath(), endpointId);
        QVERIFY(lock.tryLock()); // `adminchat watch` could take over now
    }
    QTest::qWait(1500); // a probe in flight when paused is cancelled, not stored
    const qint64 paused = probeCount(QStringLiteral("Healthy"));
    QTest::qWait(2500); // over two intervals
    QCOMPARE(probeCount(QStringLiteral("Healthy")), paused);
    QCOMPARE(cell(QStringLiteral("Healthy"), EndpointsModel::HolderColumn),
             QStringLiteral("Paused"));

    m_window->watch()->tray()->pauseAction()->trigger(); // resume from the tray's menu
    QVERIFY(!watch->isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(probeCount(QStringLiteral("Healthy")) > paused, 5000);
}

void TestEndpointsWindow::anotherProcessHoldsTheWatch()
{
    WatchController* watch = m_window->watch()->controller();
    watch->setPaused(true);
    ProcessRunner headless;
    QVERIFY(headless.start(QStringLiteral(ADMINCHAT_BIN),
                           {"watch", "--profile", "Healthy", "--interval", "1", "--json"}));
    QVERIFY(headless.process().waitForReadyRead(10000)); // its first probe: it holds the lock
    watch->setPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("Healthy"), EndpointsModel::HolderColumn),
                              QStringLiteral("Another process"), 5000);
    QCOMPARE(cell(QStringLiteral("Failing"), EndpointsModel::HolderColumn),
             QStringLiteral("This window"));
    // Its probes still show here: the overview reads what it stores.
    const qint64 before = probeCount(QStringLiteral("Healthy"));
    QTRY_VERIFY_WITH_TIMEOUT(probeCount(QStringLiteral("Healthy")) > before + 1, 5000);

    headless.stop();
    watch->reload(); // what a change of profiles does; the periodic check does it too
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("Healthy"), EndpointsModel::HolderColumn),
                              QStringLiteral("This window"), 5000);
}

void TestEndpointsWindow::watchSettingsFromTheEditor()
{
    // A third profile, not watched: its watch is turned on in the editor's Watch tab.
    const AppRun added =
        runApp({"profile", "add", "Third", "--base-url", m_healthyUrl, "--model", "demo-chat"},
               QProcessEnvironment::systemEnvironment());
    QVERIFY2(added.exitCode == 0, added.err.constData());
    ProfileEditorDialog* editor = m_window->profileEditor();
    editor->show();
    auto* list = editor->findChild<QListWidget*>(QStringLiteral("profileList"));
    QTRY_VERIFY(list->count() >= 3);
    editor->showWatchSettings(QStringLiteral("Third"));
    auto* enabled = editor->findChild<QCheckBox*>(QStringLiteral("probeEnabled"));
    QTRY_VERIFY(enabled->isVisible()); // the Watch tab is in front
    auto* name = editor->findChild<QLineEdit*>(QStringLiteral("profileName"));
    QTRY_COMPARE(name->text(), QStringLiteral("Third"));
    QVERIFY(!enabled->isChecked());
    enabled->setChecked(true);
    auto* kind = editor->findChild<QComboBox*>(QStringLiteral("probeCheckKind"));
    auto* expect = editor->findChild<QLineEdit*>(QStringLiteral("probeExpect"));
    kind->setCurrentIndex(2); // matches a regular expression
    expect->setText(QStringLiteral("(["));
    auto* error = editor->findChild<QLabel*>(QStringLiteral("probeError"));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().startsWith("watch: the content check is not a valid regular expression"),
             qPrintable(error->text()));
    auto* save = editor->findChild<QPushButton*>(QStringLiteral("saveProfileButton"));
    save->click();
    QVERIFY(editor->findChild<QLabel*>(QStringLiteral("formError"))->text().startsWith("watch: "));
    kind->setCurrentIndex(0); // no content check
    QVERIFY(!error->isVisible());
    save->click();
    QTRY_VERIFY(save->isEnabled());
    editor->close();
    // The window's watch picks the saved settings up from the settings file.
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("Third"), EndpointsModel::StatusColumn),
                              QStringLiteral("Up"), 15000);
    QCOMPARE(cell(QStringLiteral("Third"), EndpointsModel::HolderColumn),
             QStringLiteral("This window"));
}

void TestEndpointsWindow::alertPreferences()
{
    PreferencesDialog* preferences = m_window->preferences();
    auto* notify = preferences->findChild<QCheckBox*>(QStringLiteral("desktopNotifications"));
    auto* ttft = preferences->findChild<QSpinBox*>(QStringLiteral("alertTtftP95"));
    preferences->show();
    auto* pages = preferences->findChild<QTabWidget*>(QStringLiteral("preferencePages"));
    pages->setCurrentIndex(1);
    QVERIFY(notify->isVisible());
    QVERIFY(preferences->grab().save(
        screenshotDir().filePath(QStringLiteral("preferences-alerts.png"))));
    QVERIFY(notify->isChecked()); // on unless turned off
    QCOMPARE(ttft->value(), AlertThresholds().ttftP95Ms);
    ttft->setValue(1500);
    QCOMPARE(AppSettings().alertThresholds().ttftP95Ms, 1500);
    QVERIFY(m_window->watch()->notifier());
    notify->setChecked(false);
    QVERIFY(!m_window->watch()->notifier());
    QVERIFY(!AppSettings().desktopNotifications());
    notify->setChecked(true);
    QVERIFY(m_window->watch()->notifier());
    preferences->close();
    // The watch goes on with the new thresholds: its probes keep coming.
    const qint64 before = probeCount(QStringLiteral("Healthy"));
    QTRY_VERIFY_WITH_TIMEOUT(probeCount(QStringLiteral("Healthy")) > before, 5000);
}

void TestEndpointsWindow::screenshots_data()
{
    QTest::addColumn<int>("theme");
    QTest::newRow("light") << int(ThemeChoice::Light);
    QTest::newRow("dark") << int(ThemeChoice::Dark);
}

void TestEndpointsWindow::screenshots()
{
    QFETCH(int, theme);
    ShellTheme::apply(ThemeChoice(theme));
    m_window->showEndpoints();
    EndpointsPage* page = m_window->watch()->page();
    page->table()->selectRow(rowOf(QStringLiteral("Failing")));
    QTRY_VERIFY_WITH_TIMEOUT(page->incidentLog()->topLevelItemCount() > 0, 5000);
    page->incidentLog()->expandAll();
    QTest::qWait(100);
    const QImage table = page->table()->grab().toImage();
    // The bars are painted: the failing endpoint's day shows red, the healthy one's green.
    const auto has = [&table](const QColor& color) {
        for (int y = 0; y < table.height(); ++y)
            for (int x = 0; x < table.width(); ++x)
                if (table.pixelColor(x, y) == color)
                    return true;
        return false;
    };
    QVERIFY(has(WatchStatusStyle::color(WatchState::Up)));
    QVERIFY(has(WatchStatusStyle::color(WatchState::Down)));
    const QString name =
        QStringLiteral("endpoints-%1.png").arg(AppSettings::themeName(ThemeChoice(theme)));
    QVERIFY(m_window->grab().save(screenshotDir().filePath(name)));

    ProfileEditorDialog* editor = m_window->profileEditor();
    editor->show();
    editor->showWatchSettings(QStringLiteral("Third"));
    QTRY_VERIFY(editor->findChild<QCheckBox*>(QStringLiteral("probeEnabled"))->isVisible());
    QVERIFY(editor->grab().save(screenshotDir().filePath(
        QStringLiteral("profile-watch-%1.png").arg(AppSettings::themeName(ThemeChoice(theme))))));
    editor->close();
}

QTEST_MAIN(TestEndpointsWindow)
#include "tst_endpointswindow.moc"

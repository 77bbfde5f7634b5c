// The application shell against the window's own demo endpoint, offscreen: the menus and their
// shortcuts doing what they say, Preferences stored and applied at once (thresholds recount the
// dashboard's categories), the About and shortcut help, zoom, and the window coming back as it
// was left (geometry, splitter, endpoint, model, conversation) after closing and reopening.
#include "AboutDialog.h"
#include "ConversationController.h"
#include "DashboardCategoryChart.h"
#include "DashboardWidget.h"
#include "EndpointPicker.h"
#include "MainMenus.h"
#include "PreferencesDialog.h"
#include "ShellTheme.h"
#include "ShortcutsDialog.h"
#include "WindowCommands.h"
#include "WindowTestHelpers.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPieSlice>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeWidget>
#include <curl/curl.h>

using namespace adminchat;

namespace {

QAction* action(MainWindow* window, const char* name)
{
    return window->findChild<QAction*>(QLatin1String(name));
}

bool activate(MainWindow* window)
{
    QApplication::setActiveWindow(window);
    return QTest::qWaitForWindowActive(window);
}

// Counts of the category chart: excellent, good, acceptable, slow, errors, cancelled.
QList<int> categoryCounts(MainWindow* window)
{
    QList<int> counts;
    auto* chart = window->findChild<DashboardCategoryChart*>(QStringLiteral("categoryChart"));
    for (QPieSlice* slice : chart->slices())
        counts.append(int(slice->value()));
    return counts;
}

} // namespace

class TestShellWindow : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        qunsetenv("OPENAI_BASE_URL");
        ShellTheme::apply(ThemeChoice::System);
    }

    void menusCarryStandardActions()
    {
        QTemporaryDir dir;
        auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
        QVERIFY(window);
        QStringList titles;
        for (QAction* menu : window->menuBar()->actions())
            titles << menu->text().remove(QLatin1Char('&'));
        QCOMPARE(titles, QStringList({QStringLiteral("File"), QStringLiteral("Edit"),
                                      QStringLiteral("View"), QStringLiteral("Endpoint"),
                                      QStringLiteral("Experiment"), QStringLiteral("Help")}));
        auto keys = [&](const char* name) {
            return action(window.get(), name)->shortcuts();
        };
        QCOMPARE(keys("actionNewConversation"), QKeySequence::keyBindings(QKeySequence::New));
        QVERIFY(keys("actionQuit").contains(QKeySequence(QStringLiteral("Ctrl+Q"))));
        QVERIFY(keys("actionPreferences").contains(QKeySequence(QStringLiteral("Ctrl+,"))));
        QCOMPARE(keys("actionFind"), QKeySequence::keyBindings(QKeySequence::Find));
        QCOMPARE(keys("actionCopy"), QKeySequence::keyBindings(QKeySequence::Copy));
        QCOMPARE(keys("actionShowChat").value(0), QKeySequence(QStringLiteral("Ctrl+1")));
        QCOMPARE(keys("actionShowDashboard").value(0), QKeySequence(QStringLiteral("Ctrl+2")));
        QCOMPARE(keys("actionZoomIn"), QKeySequence::keyBindings(QKeySequence::ZoomIn));
        QCOMPARE(keys("actionZoomOut"), QKeySequence::keyBindings(QKeySequence::ZoomOut));
        QCOMPARE(keys("actionStop").value(0), QKeySequence(Qt::Key_Escape));
        QCOMPARE(keys("actionCopyLastAnswer").value(0),
                 QKeySequence(QStringLiteral("Ctrl+Shift+C")));
        QCOMPARE(keys("actionRegenerate").value(0), QKeySequence(QStringLiteral("Ctrl+R")));
        for (const char* name :
             {"actionExport", "actionProfiles", "actionRefreshModels", "actionTestConnection",
              "actionShortcuts", "actionOpenDataFolder", "actionAbout", "actionTheme_system",
              "actionTheme_light", "actionTheme_dark", "actionZoomReset"})
            QVERIFY2(action(window.get(), name), name);
        // The experiment's actions live in their menu; no action text carries an emoji.
        QVERIFY(!window->findChild<QMenu*>(QStringLiteral("experimentMenu"))->actions().isEmpty());
        for (QAction* a : window->findChildren<QAction*>()) {
            for (const QChar c : a->text())
                QVERIFY2(!c.isSurrogate() && c.unicode() < 0x2190, qPrintable(a->text()));
        }
        // Nothing to stop yet: Esc stays with the widgets.
        QVERIFY(!action(window.get(), "actionStop")->isEnabled());
    }

    void shortcutsDriveTheWindow()
    {
        QTemporaryDir dir;
        auto window = windowtest::openWindow(dir, QStringLiteral("fixed"));
        QVERIFY(window);
        QVERIFY(activate(window.get()));
        auto* tabs = window->findChild<QTabWidget*>(QStringLiteral("tabs"));
        QTest::keyClick(window.get(), Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(tabs->currentWidget(), static_cast<QWidget*>(window->dashboard()));
        QTest::keyClick(window.get(), Qt::Key_1, Qt::ControlModifier);
        QVERIFY(tabs->currentWidget() != window->dashboard());

        QTest::keyClick(window.get(), Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(QApplication::focusWidget(),
                 window->findChild<QLineEdit*>(QStringLiteral("conversationSearch")));

        windowtest::sendText(window.get(), QStringLiteral("first question"));
        QVERIFY(windowtest::waitForAnswer(window.get()));
        const QString answer = window->session()->entries().last().text;
        QVERIFY(!answer.isEmpty());
        QApplication::clipboard()->clear();
        QTest::keyClick(window.get(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(QApplication::clipboard()->text(), answer);

        // Ctrl+R asks again for the last answer: the same question, a new answer.
        QSignalSpy completed(window->session(), &ChatSession::requestCompleted);
        QTest::keyClick(window.get(), Qt::Key_R, Qt::ControlModifier);
        QVERIFY(completed.wait(15000));
        QCOMPARE(window->session()->entries().size(), 2);
        QCOMPARE(window->session()->entries().first().text, QStringLiteral("first question"));

        // Esc while editing a message cancels the edit (and stops nothing).
        window->conversations()->onViewAction(0, ChatView::Action::Edit);
        auto* banner = window->findChild<QLabel*>(QStringLiteral("editBanner"));
        QVERIFY(banner->isVisible());
        QVERIFY(action(window.get(), "actionStop")->isEnabled());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QVERIFY(!banner->isVisible());
        QVERIFY(!action(window.get(), "actionStop")->isEnabled());

        // Ctrl+N: a new, empty conversation.
        QTest::keyClick(window.get(), Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(window->session()->entries().isEmpty());
    }

    void escapeStopsTheAnswer()
    {
        QTemporaryDir dir;
        auto window = windowtest::openWindow(dir, QStringLiteral("slow"));
        QVERIFY(window);
        QVERIFY(activate(window.get()));
        ChatSession* session = window->session();
        QSignalSpy appended(session, &ChatSession::entryAppended);
        QSignalSpy completed(session, &ChatSession::requestCompleted);
        windowtest::sendText(window.get(), QStringLiteral("a long one please"));
        QVERIFY(action(window.get(), "actionStop")->isEnabled());
        QVERIFY(appended.wait(15000)); // words are arriving
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QVERIFY(completed.wait(10000));
        QCOMPARE(session->entries().last().state, ChatEntry::State::Cancelled);
        QVERIFY(!action(window.get(), "actionStop")->isEnabled());
    }

    void preferencesApplyAtOnce()
    {
        QTemporaryDir dir;
        auto window = windowtest::openWindow(dir, QStringLiteral("fixed"));
        QVERIFY(window);
        for (const QString& text : {QStringLiteral("one"), QStringLiteral("two")}) {
            windowtest::sendText(window.get(), text);
            QVERIFY(windowtest::waitForAnswer(window.get()));
        }
        // The fixed demo answers after 100 ms: excellent under the default 500 ms.
        QTRY_COMPARE_WITH_TIMEOUT(categoryCounts(window.get()), QList<int>({2, 0, 0, 0, 0, 0}),
                                  5000);

        action(window.get(), "actionPreferences")->trigger();
        PreferencesDialog* dialog = window->preferences();
        QVERIFY(dialog->isVisible());
        auto* excellent = dialog->findChild<QSpinBox*>(QStringLiteral("excellentBelow"));
        auto* good = dialog->findChild<QSpinBox*>(QStringLiteral("goodBelow"));
        auto* acceptable = dialog->findChild<QSpinBox*>(QStringLiteral("acceptableBelow"));
        QCOMPARE(excellent->value(), 500);
        excellent->setValue(50);
        good->setValue(80);
        const QString ini = dir.filePath(QStringLiteral("settings.ini"));
        QCOMPARE(AppSettings(ini).categoryRule().thresholds.excellentBelowMs, 50.0);
        QCOMPARE(AppSettings(ini).categoryRule().thresholds.goodBelowMs, 80.0);
        // 100 ms is now above "good": the same two requests count as acceptable.
        QTRY_COMPARE_WITH_TIMEOUT(categoryCounts(window.get()), QList<int>({0, 0, 2, 0, 0, 0}),
                                  5000);
        QVERIFY(window->dashboard()->findChild<DashboardCategoryChart*>()->toolTip().contains(
            QStringLiteral("50 ms")));

        // Out of order: refused with a message, nothing stored.
        acceptable->setValue(60);
        QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("categoryError"))->isVisible());
        QCOMPARE(AppSettings(ini).categoryRule().thresholds.acceptableBelowMs, 3000.0);

        auto* streaming = dialog->findChild<QComboBox*>(QStringLiteral("streamingMode"));
        streaming->setCurrentIndex(streaming->findData(int(StreamingMode::Off)));
        QCOMPARE(window->conversations()->streamingMode(), StreamingMode::Off);
        QCOMPARE(AppSettings(ini).streamingMode(), StreamingMode::Off);

        dialog->findChild<QSpinBox*>(QStringLiteral("retentionDays"))->setValue(30);
        QCOMPARE(AppSettings(ini).metricsRetentionDays(), 30);

        auto* theme = dialog->findChild<QComboBox*>(QStringLiteral("themeChoice"));
        theme->setCurrentIndex(theme->findData(int(ThemeChoice::Dark)));
        QCOMPARE(AppSettings(ini).theme(), ThemeChoice::Dark);
        QVERIFY(ShellTheme::isDark(QApplication::palette()));
        // Widgets take the application's palette when its change event reaches them.
        QTRY_VERIFY(ShellTheme::isDark(window->dashboard()->palette()));
        QVERIFY(action(window.get(), "actionTheme_dark")->isChecked());
        action(window.get(), "actionTheme_light")->trigger();
        QTRY_VERIFY(!ShellTheme::isDark(window->palette()));
        QCOMPARE(AppSettings(ini).theme(), ThemeChoice::Light);

        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("dataFolder"))->text(),
                 QFileInfo(dir.path()).absoluteFilePath());
    }

    void helpDialogsNameVersionsAndKeys()
    {
        QTemporaryDir dir;
        auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
        QVERIFY(window);
        AboutDialog* about = window->commands()->showAbout();
        QVERIFY(about->isVisible());
        const QString versions = about->versionsText();
        QVERIFY2(versions.contains(QStringLiteral("Qt %1").arg(qVersion())), qPrintable(versions));
        const QString curl = QString::fromLatin1(curl_version_info(CURLVERSION_NOW)->version);
        QVERIFY2(versions.contains(QStringLiteral("libcurl ") + curl), qPrintable(versions));
        QVERIFY2(versions.contains(QRegularExpression(QStringLiteral("SQLite 3\\.\\d+\\.\\d+"))),
                 qPrintable(versions));
        QVERIFY(versions.startsWith(QStringLiteral("AdminChat ") +
                                    QCoreApplication::applicationVersion()));

        ShortcutsDialog* help = window->commands()->showShortcuts();
        QStringList rows;
        for (int g = 0; g < help->list()->topLevelItemCount(); ++g) {
            QTreeWidgetItem* group = help->list()->topLevelItem(g);
            for (int i = 0; i < group->childCount(); ++i)
                rows << group->child(i)->text(0) + QLatin1Char('=') + group->child(i)->text(1);
        }
        const auto native = [](const char* key) {
            return QKeySequence(QLatin1String(key)).toString(QKeySequence::NativeText);
        };
        QVERIFY2(rows.contains(QStringLiteral("New Conversation=") + native("Ctrl+N")),
                 qPrintable(rows.join(QLatin1Char('\n'))));
        QVERIFY(rows.contains(QStringLiteral("Dashboard=") + native("Ctrl+2")));
        QVERIFY(rows.contains(QStringLiteral("Stop Answer=") + native("Esc")));
        QVERIFY(rows.filter(QStringLiteral("Preferences=")).value(0).contains(native("Ctrl+,")));
    }

    void zoomAndConnectionTest()
    {
        QTemporaryDir dir;
        auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
        QVERIFY(window);
        auto* composer = window->findChild<ComposerEdit*>(QStringLiteral("composer"));
        const qreal normal = composer->font().pointSizeF();
        action(window.get(), "actionZoomIn")->trigger();
        action(window.get(), "actionZoomIn")->trigger();
        QCOMPARE(AppSettings(dir.filePath(QStringLiteral("settings.ini"))).zoomPercent(), 120);
        QVERIFY(qAbs(composer->font().pointSizeF() - normal * 1.2) < 0.01);
        action(window.get(), "actionZoomReset")->trigger();
        QCOMPARE(composer->font().pointSizeF(), normal);

        QSignalSpy tested(window->commands(), &WindowCommands::connectionTested);
        action(window.get(), "actionTestConnection")->trigger();
        QVERIFY(tested.wait(10000));
        QCOMPARE(tested.first().at(0).toBool(), true);
        QVERIFY2(tested.first().at(1).toString().contains(QStringLiteral("2 models")),
                 qPrintable(tested.first().at(1).toString()));
    }

    void windowComesBackAsLeft()
    {
        QTemporaryDir dir;
        QString conversation;
        {
            auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
            QVERIFY(window);
            window->resize(1010, 690);
            auto* splitter = window->findChild<QSplitter*>(QStringLiteral("mainSplitter"));
            QTRY_VERIFY(splitter->width() <= 1010); // laid out at the new size first
            splitter->setSizes({290, splitter->width() - 290 - splitter->handleWidth()});
            QTRY_COMPARE(splitter->sizes().value(0), 290);
            auto* models = window->findChild<QComboBox*>(QStringLiteral("modelBox"));
            models->setCurrentIndex(models->findText(QStringLiteral("demo-reasoner")));
            QCOMPARE(window->endpointPicker()->model(), QStringLiteral("demo-reasoner"));
            windowtest::sendText(window.get(), QStringLiteral("remember this conversation"));
            QVERIFY(windowtest::waitForAnswer(window.get()));
            conversation = window->session()->conversationId();
            QVERIFY(window->close());
        }
        auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
        QVERIFY(window);
        QCOMPARE(window->size(), QSize(1010, 690));
        auto* splitter = window->findChild<QSplitter*>(QStringLiteral("mainSplitter"));
        QTRY_COMPARE(splitter->sizes().value(0), 290);
        QTRY_COMPARE(window->endpointPicker()->model(), QStringLiteral("demo-reasoner"));
        QCOMPARE(window->endpointPicker()->profileName(), QStringLiteral("Demo"));
        QTRY_COMPARE(window->session()->conversationId(), conversation);
        QTRY_COMPARE(window->session()->entries().size(), 2);
        QCOMPARE(window->session()->entries().first().text,
                 QStringLiteral("remember this conversation"));
    }
};

QTEST_MAIN(TestShellWindow)
#include "tst_shellwindow.moc"

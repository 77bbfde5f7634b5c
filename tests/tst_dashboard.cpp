// The dashboard in the real window, offscreen: chats against the in-process demo endpoint and an
// `adminchat ask` process both show up in its figures within a second or so, and its export
// writes what the filters show.
#include "ComposerEdit.h"
#include "CsvTestReader.h"
#include "DashboardGroupModel.h"
#include "MainWindow.h"
#include "MetricsPanelController.h"
#include "ProcessRunner.h"
#include "TestHome.h"
#include "chat/ChatSession.h"
#include "settings/ApplicationNames.h"
#include "store/MetricsStore.h"

#include <QAbstractItemModel>
#include <QBarSeries>
#include <QBarSet>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QPieSeries>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace adminchat;

class TestDashboard : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void emptyStateFirst();
    void chatsAndAskFillTheDashboard();
    void filterAndExport();
    void benchRunsAreFilteredByTag();

private:
    QLabel* label(const char* name) const
    {
        return m_window->findChild<QLabel*>(QLatin1String(name));
    }
    QChart* chart(const char* name) const
    {
        auto* view = m_window->findChild<QChartView*>(QLatin1String(name));
        return view ? view->chart() : nullptr;
    }
    void chat(const QString& text);

    TestHome m_home; // the window and the `ask` process share its database
    std::unique_ptr<MainWindow> m_window;
};

void TestDashboard::initTestCase()
{
    QVERIFY(m_home.isValid());
    // The window and the `ask` process must share one database: the default location under this
    // test's own XDG_DATA_HOME (TestHome).
    setApplicationNames();
    GuiOptions options;
    options.demoProfile = QStringLiteral("instant");
    options.page = GuiOptions::Page::Dashboard;
    options.settingsPath = m_home.filePath(QStringLiteral("settings.ini"));
    m_window = std::make_unique<MainWindow>(options);
    m_window->resize(1200, 900);
    m_window->show();
    QSignalSpy ready(m_window.get(), &MainWindow::endpointReady);
    QVERIFY(ready.wait(10000));
}

void TestDashboard::emptyStateFirst()
{
    auto* tabs = m_window->findChild<QTabWidget*>(QStringLiteral("tabs"));
    QCOMPARE(tabs->currentWidget()->objectName(), QStringLiteral("dashboard")); // --show dashboard
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->findChild<QWidget*>(QStringLiteral("emptyState"))->isVisible(), 5000);
}

void TestDashboard::chat(const QString& text)
{
    auto* composer = m_window->findChild<ComposerEdit*>(QStringLiteral("composer"));
    QSignalSpy completed(m_window->session(), &ChatSession::requestCompleted);
    composer->setPlainText(text);
    QTest::keyClick(composer, Qt::Key_Return);
    QVERIFY(completed.wait(10000));
}

void TestDashboard::chatsAndAskFillTheDashboard()
{
    for (int i = 0; i < 8; ++i)
        chat(QStringLiteral("question %1").arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(label("kpiRequests")->text(), QStringLiteral("8"), 3000);
    QVERIFY(label("kpiTtftP50")->text().endsWith(QLatin1String(" ms")));
    QCOMPARE(label("kpiErrorRate")->text(), QStringLiteral("0 %"));
    QCOMPARE(label("kpiCompletionRate")->text(), QStringLiteral("100 %"));
    QVERIFY(!m_window->findChild<QWidget*>(QStringLiteral("emptyState"))->isVisible());

    // Charts carry the data: three percentile lines, bars, the category pie.
    QChart* ttft = chart("ttftChart");
    QVERIFY(ttft);
    QCOMPARE(ttft->series().size(), 3);
    QVERIFY(static_cast<QLineSeries*>(ttft->series().at(0))->count() >= 1);
    auto* pie = static_cast<QPieSeries*>(chart("categoryChart")->series().at(0));
    qreal counted = 0;
    for (QPieSlice* slice : pie->slices())
        counted += slice->value();
    QCOMPARE(counted, 8.0);
    auto* bars = static_cast<QBarSeries*>(chart("percentileChart")->series().at(0));
    QVERIFY(bars->barSets().at(0)->at(0) > 0); // TTFT P50
    auto* table = m_window->findChild<QTableView*>(QStringLiteral("modelTable"));
    QCOMPARE(table->model()->rowCount(), 1);
    // Answers shown in the window carry their display lag; the tile shows its P95.
    QVERIFY2(label("kpiDisplayLagP95")->text().endsWith(QLatin1String(" ms")),
             qPrintable(label("kpiDisplayLagP95")->text()));
    const int prediction = DashboardGroupModel::PredictionColumn;
    QCOMPARE(table->model()->headerData(prediction, Qt::Horizontal).toString(),
             QStringLiteral("Prediction %"));

    // A request from another process lands in the same database and appears on its own.
    const QString demoUrl = m_window->demoEndpointUrl().toString();
    QVERIFY2(demoUrl.startsWith(QLatin1String("http://127.0.0.1:")), qPrintable(demoUrl));
    ProcessRunner ask;
    const ProcessResult asked = ask.run(
        QStringLiteral(ADMINCHAT_BIN),
        {"ask", "--base-url", demoUrl, "--model", "demo-reasoner", "from the terminal"}, {}, 20000);
    QCOMPARE(asked.exitCode, 0);
    QTRY_COMPARE_WITH_TIMEOUT(label("kpiRequests")->text(), QStringLiteral("9"), 3000);
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, 3000);
}

void TestDashboard::filterAndExport()
{
    auto* models = m_window->findChild<QComboBox*>(QStringLiteral("modelFilter"));
    const int reasoner = models->findText(QStringLiteral("demo-reasoner"));
    QVERIFY(reasoner > 0);
    models->setCurrentIndex(reasoner);
    QTRY_COMPARE_WITH_TIMEOUT(label("kpiRequests")->text(), QStringLiteral("1"), 3000);

    QSignalSpy exported(m_window->metricsPanel(), &MetricsPanelController::exportFinished);
    const QString path = m_home.filePath(QStringLiteral("shown.csv"));
    m_window->metricsPanel()->exportTo(path, false);
    QVERIFY(exported.wait(5000));
    QCOMPARE(exported.first().at(1).toLongLong(), 1);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto rows = csvtest::parse(QString::fromUtf8(file.readAll()));
    QVERIFY(rows.has_value());
    QCOMPARE(rows->size(), 2);
    QCOMPARE(rows->at(1).at(rows->first().indexOf("model")), QStringLiteral("demo-reasoner"));

    models->setCurrentIndex(0); // all models again
    QTRY_COMPARE_WITH_TIMEOUT(label("kpiRequests")->text(), QStringLiteral("9"), 3000);

    // Both exports hold the chats and the terminal's request.
    const QString all = m_home.filePath(QStringLiteral("all.csv"));
    m_window->metricsPanel()->exportTo(all, false);
    QVERIFY(exported.wait(5000));
    QCOMPARE(exported.last().at(1).toLongLong(), 9);
    const QString summary = m_home.filePath(QStringLiteral("summary.csv"));
    m_window->metricsPanel()->exportTo(summary, true);
    QVERIFY(exported.wait(5000));
    QFile summaryFile(summary);
    QVERIFY(summaryFile.open(QIODevice::ReadOnly));
    const auto groups = csvtest::parse(QString::fromUtf8(summaryFile.readAll()));
    QVERIFY(groups.has_value());
    QCOMPARE(groups->size(), 3); // header, demo-chat (8 chats), demo-reasoner (1 ask)
    const int requests = groups->first().indexOf(QStringLiteral("requests"));
    QCOMPARE(groups->at(1).at(requests).toInt() + groups->at(2).at(requests).toInt(), 9);
}

void TestDashboard::benchRunsAreFilteredByTag()
{
    // A load run from a terminal: its records carry the run's tag, which the tag picker offers.
    ProcessRunner bench;
    const ProcessResult benched = bench.run(
        QStringLiteral(ADMINCHAT_BIN),
        {"bench", "--base-url", m_window->demoEndpointUrl().toString(), "--model", "demo-chat",
         "--requests", "3", "--concurrency", "3", "--max-tokens", "3", "--tag", "dashboard-run"},
        {}, 30000);
    QCOMPARE(benched.exitCode, 0);
    QTRY_COMPARE_WITH_TIMEOUT(label("kpiRequests")->text(), QStringLiteral("12"), 3000);

    auto* tags = m_window->findChild<QComboBox*>(QStringLiteral("tagFilter"));
    QVERIFY(tags);
    QTRY_VERIFY_WITH_TIMEOUT(tags->findText(QStringLiteral("dashboard-run")) > 0, 3000);
    tags->setCurrentIndex(tags->findText(QStringLiteral("dashboard-run")));
    QTRY_COMPARE_WITH_TIMEOUT(label("kpiRequests")->text(), QStringLiteral("3"), 3000);
    tags->setCurrentIndex(0); // all tags
    QTRY_COMPARE_WITH_TIMEOUT(label("kpiRequests")->text(), QStringLiteral("12"), 3000);
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"

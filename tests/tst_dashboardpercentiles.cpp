// The dashboard's tiles for a handful of requests: two requests with TTFT 182 ms and 403 ms,
// written by another process's store as `adminchat ask` would, show P95 392 ms and P99 401 ms
// (linear interpolation between closest ranks), not 182 ms next to "max 403 ms".
#include "MainWindow.h"
#include "TestHome.h"
#include "settings/ApplicationNames.h"
#include "store/Database.h"
#include "store/MetricsStore.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTest>

using namespace adminchat;

class TestDashboardPercentiles : public QObject
{
    Q_OBJECT
private slots:
    void twoRequests();
};

void TestDashboardPercentiles::twoRequests()
{
    TestHome home;
    QVERIFY(home.isValid());
    setApplicationNames();
    GuiOptions options;
    options.demoProfile = QStringLiteral("instant");
    options.page = GuiOptions::Page::Dashboard;
    options.settingsPath = home.filePath(QStringLiteral("settings.ini"));
    MainWindow window(options);
    window.resize(1200, 900);
    window.show();
    QSignalSpy ready(&window, &MainWindow::endpointReady);
    QVERIFY(ready.wait(10000));

    MetricsStore store(Database::defaultPath());
    QVERIFY(store.open());
    std::vector<MetricsRecord> records;
    for (double ttft : {182.0, 403.0}) {
        MetricsRecord r;
        r.startedUtc = QDateTime::currentDateTimeUtc().addSecs(-10);
        r.endpoint = QStringLiteral("http://127.0.0.1:9/v1");
        r.model = QStringLiteral("m");
        r.status = RequestStatus::Ok;
        r.httpStatus = 200;
        r.ttftMs = r.ttfatMs = ttft;
        r.e2eMs = ttft + 500;
        r.outputTokens = 20;
        r.tokensPerSecond = 20 / (*r.e2eMs / 1000);
        records.push_back(r);
    }
    QVERIFY(store.insert(records));

    const auto label = [&](const char* name) {
        return window.findChild<QLabel*>(QLatin1String(name))->text();
    };
    QTRY_COMPARE_WITH_TIMEOUT(label("kpiRequests"), QStringLiteral("2"), 5000);
    QCOMPARE(label("kpiTtftP50"), QStringLiteral("293 ms"));
    QCOMPARE(label("kpiTtftP95"), QStringLiteral("392 ms"));
    QCOMPARE(label("kpiTtftP99"), QStringLiteral("401 ms"));
    bool maxShown = false;
    for (const QLabel* detail : window.findChildren<QLabel*>())
        maxShown = maxShown || detail->text() == QStringLiteral("max 403 ms");
    QVERIFY(maxShown);
    QCOMPARE(label("kpiE2eP95"), QStringLiteral("892 ms"));
}

QTEST_MAIN(TestDashboardPercentiles)
#include "tst_dashboardpercentiles.moc"

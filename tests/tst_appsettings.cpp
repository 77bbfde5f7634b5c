// Typed settings over a throwaway INI file: defaults, round trips, and bad values falling back.
#include "settings/AppSettings.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestAppSettings : public QObject
{
    Q_OBJECT
private slots:
    void defaults()
    {
        QTemporaryDir dir;
        AppSettings settings(dir.filePath(QStringLiteral("s.ini")));
        const CategoryRule rule = settings.categoryRule();
        QCOMPARE(rule.metric, CategoryMetric::Ttft);
        QCOMPARE(rule.thresholds.excellentBelowMs, 500.0);
        QCOMPARE(rule.thresholds.goodBelowMs, 1000.0);
        QCOMPARE(rule.thresholds.acceptableBelowMs, 3000.0);
        QCOMPARE(settings.dashboardWindow(), MetricsFilter::Window::LastHour);
    }

    void roundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        {
            AppSettings settings(path);
            settings.setCategoryRule({CategoryMetric::E2e, {800, 1500, 5000}});
            settings.setDashboardWindow(MetricsFilter::Window::Last24Hours);
        }
        AppSettings reread(path);
        QCOMPARE(reread.categoryRule().metric, CategoryMetric::E2e);
        QCOMPARE(reread.categoryRule().thresholds.goodBelowMs, 1500.0);
        QCOMPARE(reread.dashboardWindow(), MetricsFilter::Window::Last24Hours);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("metric=e2e"));
    }

    void badValuesFallBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[category]\nmetric=latency\nexcellentBelowMs=2000\ngoodBelowMs=1000\n"
                   "[dashboard]\nwindow=fortnight\n");
        file.close();
        AppSettings settings(path);
        QCOMPARE(settings.categoryRule().metric, CategoryMetric::Ttft);
        // Out of order thresholds would make every category meaningless: defaults instead.
        QCOMPARE(settings.categoryRule().thresholds.excellentBelowMs, 500.0);
        QCOMPARE(settings.dashboardWindow(), MetricsFilter::Window::LastHour);
    }
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "tst_appsettings.moc"

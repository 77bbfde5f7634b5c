// Typed settings over a throwaway INI file: defaults, round trips, and bad values falling back.
#include "settings/AppSettings.h"

#include <QFile>
#include <QRegularExpression>
#include <QSettings>
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

    void displaySettings()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        {
            AppSettings settings(path);
            QCOMPARE(settings.streamingMode(), StreamingMode::Smooth);
            QCOMPARE(settings.maxDisplayLagMs(), 100);
            settings.setStreamingMode(StreamingMode::Off);
            settings.setMaxDisplayLagMs(40);
        }
        {
            QSettings raw(path, QSettings::IniFormat);
            QCOMPARE(raw.value(QStringLiteral("display/streaming")).toString(),
                     QStringLiteral("off"));
            QCOMPARE(raw.value(QStringLiteral("display/maxLagMs")).toInt(), 40);
        }
        AppSettings reread(path);
        QCOMPARE(reread.streamingMode(), StreamingMode::Off);
        QCOMPARE(reread.maxDisplayLagMs(), 40);
        reread.setStreamingMode(StreamingMode::Smooth);
        QCOMPARE(reread.streamingMode(), StreamingMode::Smooth);
        {
            QSettings raw(path, QSettings::IniFormat);
            raw.setValue(QStringLiteral("display/maxLagMs"), 99999);
            raw.setValue(QStringLiteral("display/streaming"), QStringLiteral("sideways"));
        }
        QCOMPARE(AppSettings(path).maxDisplayLagMs(), 1000);                // clamped
        QCOMPARE(AppSettings(path).streamingMode(), StreamingMode::Smooth); // unknown: default
        {
            QSettings raw(path, QSettings::IniFormat);
            raw.setValue(QStringLiteral("display/maxLagMs"), -5);
        }
        QCOMPARE(AppSettings(path).maxDisplayLagMs(), 0);
    }

    void themeAndZoom()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        {
            AppSettings settings(path);
            QCOMPARE(settings.theme(), ThemeChoice::System);
            QCOMPARE(settings.zoomPercent(), 100);
            settings.setTheme(ThemeChoice::Dark);
            settings.setZoomPercent(130);
        }
        {
            QSettings raw(path, QSettings::IniFormat);
            QCOMPARE(raw.value(QStringLiteral("appearance/theme")).toString(),
                     QStringLiteral("dark"));
            QCOMPARE(raw.value(QStringLiteral("display/zoomPercent")).toInt(), 130);
            raw.setValue(QStringLiteral("display/zoomPercent"), 5000);
        }
        AppSettings reread(path);
        QCOMPARE(reread.theme(), ThemeChoice::Dark);
        QCOMPARE(reread.zoomPercent(), AppSettings::maxZoomPercent); // clamped
        {
            QSettings raw(path, QSettings::IniFormat);
            raw.setValue(QStringLiteral("appearance/theme"), QStringLiteral("purple"));
        }
        QCOMPARE(AppSettings(path).theme(), ThemeChoice::System); // unknown: default
        QCOMPARE(AppSettings::themeFromName(QStringLiteral(" Light ")), ThemeChoice::Light);
    }

    void windowState()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        const QByteArray geometry("\x01\xd9\xd0\xcb\x00"
                                  "binary\n",
                                  12); // a NUL inside
        {
            AppSettings settings(path);
            QVERIFY(settings.windowGeometry().isEmpty());
            QVERIFY(settings.lastProfile().isEmpty());
            settings.setWindowGeometry(geometry);
            settings.setWindowState(QByteArray("state"));
            settings.setSplitterState(QByteArray("splitter"));
            settings.setLastEndpoint(QStringLiteral("local vllm"), QStringLiteral("qwen3:8b"));
            settings.setLastConversation(QStringLiteral("c-42"));
        }
        AppSettings reread(path);
        QCOMPARE(reread.windowGeometry(), geometry);
        QCOMPARE(reread.windowState(), QByteArray("state"));
        QCOMPARE(reread.splitterState(), QByteArray("splitter"));
        QCOMPARE(reread.lastProfile(), QStringLiteral("local vllm"));
        QCOMPARE(reread.lastModel(), QStringLiteral("qwen3:8b"));
        QCOMPARE(reread.lastConversation(), QStringLiteral("c-42"));
    }

    void metricsRetention()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        QCOMPARE(AppSettings(path).metricsRetentionDays(), 90);
        AppSettings(path).setMetricsRetentionDays(30);
        QCOMPARE(QSettings(path, QSettings::IniFormat).value("metrics/retentionDays").toInt(), 30);
        QCOMPARE(AppSettings(path).metricsRetentionDays(), 30);
        for (auto [raw, want] : {std::pair{QVariant(-3), 0},
                                 {QVariant(100000), 3650},
                                 {QVariant(QStringLiteral("a year")), 90}}) {
            QSettings(path, QSettings::IniFormat).setValue("metrics/retentionDays", raw);
            QCOMPARE(AppSettings(path).metricsRetentionDays(), want);
        }
    }

    void experimentIsStoredAsItsDefinition()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        const QByteArray json = R"({"name": "prompt-test", "unit": "request", "variants": [
            {"name": "A", "weight": 1, "model": "demo-chat"},
            {"name": "B", "weight": 3, "params": {"max_tokens": 5, "system": "Be brief.\nVery."}}]})";
        const auto definition = ExperimentDefinition::fromJson(json, nullptr);
        QVERIFY(definition);
        {
            AppSettings settings(path);
            QVERIFY(!settings.experiment());
            settings.setExperiment(*definition);
        }
        {
            AppSettings reread(path);
            const auto stored = reread.experiment();
            QVERIFY(stored);
            QCOMPARE(*stored, *definition);
            reread.clearExperiment();
        }
        QVERIFY(!AppSettings(path).experiment());
    }

    void brokenExperimentIsIgnored()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        {
            QSettings raw(path, QSettings::IniFormat);
            raw.setValue(QStringLiteral("experiment/definition"),
                         QStringLiteral(R"({"name": "x", "variants": []})"));
        }
        AppSettings settings(path);
        QString error;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("ignoring the stored experiment"));
        QVERIFY(!settings.experiment(&error));
        QVERIFY(error.contains(QStringLiteral("variants")));
        QCOMPARE(settings.dashboardWindow(), MetricsFilter::Window::LastHour); // the rest is fine
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

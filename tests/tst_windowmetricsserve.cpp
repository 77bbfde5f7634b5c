// The window serving /metrics for Prometheus (Preferences, off by default): turned on, the
// window's own answers are scraped over loopback from its database on its own thread; another
// port moves it; turned off, the port is closed. The setting survives a restart.
#include "PreferencesDialog.h"
#include "WindowTestHelpers.h"
#include "settings/AppSettings.h"

#include <QCheckBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSpinBox>
#include <QStatusBar>
#include <QTcpServer>

using namespace adminchat;

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// GET http://127.0.0.1:port/metrics through the event loop: the body, or the error as
// "error: ...".
QByteArray scrape(quint16 port)
{
    QNetworkAccessManager network;
    QNetworkReply* reply =
        network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return "error: no answer";
    reply->deleteLater();
    return reply->error() == QNetworkReply::NoError ? reply->readAll()
                                                    : "error: " + reply->errorString().toUtf8();
}

} // namespace

class TestWindowMetricsServe : public QObject
{
    Q_OBJECT

private slots:
    void offByDefault();
    void servesTheWindowsAnswers();
};

void TestWindowMetricsServe::offByDefault()
{
    QTemporaryDir dir;
    QCOMPARE(AppSettings(dir.filePath(QStringLiteral("settings.ini"))).metricsServePort(), 0);
}

void TestWindowMetricsServe::servesTheWindowsAnswers()
{
    QTemporaryDir dir;
    auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
    QVERIFY(window);
    windowtest::sendText(window.get(), QStringLiteral("hello"));
    QVERIFY(windowtest::waitForAnswer(window.get()));

    PreferencesDialog* preferences = window->preferences();
    auto* serve = preferences->findChild<QCheckBox*>(QStringLiteral("serveMetrics"));
    auto* port = preferences->findChild<QSpinBox*>(QStringLiteral("servePort"));
    QVERIFY(!serve->isChecked());
    QVERIFY(!port->isEnabled());
    QCOMPARE(port->value(), int(AppSettings::suggestedServePort));
    const quint16 first = freePort();
    port->setValue(first);
    serve->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(window->statusBar()->currentMessage().contains(
                                 QStringLiteral("127.0.0.1:%1/metrics").arg(first)),
                             5000);
    const QByteArray body = scrape(first);
    QVERIFY2(body.contains("# TYPE gen_ai_client_operation_duration_seconds histogram"),
             body.left(300).constData());
    // The answer above, under the demo profile, counted once.
    const QByteArray count = "gen_ai_client_operation_duration_seconds_count{";
    const qsizetype at = body.indexOf(count);
    QVERIFY(at >= 0);
    const QByteArray line = body.mid(at, body.indexOf('\n', at) - at);
    QVERIFY2(line.contains("profile=\"Demo\"") && line.endsWith(" 1"), line.constData());
    QCOMPARE(AppSettings(dir.filePath(QStringLiteral("settings.ini"))).metricsServePort(), first);

    // Another port: the old one closes, the new one serves.
    const quint16 second = freePort();
    port->setValue(second);
    QTRY_VERIFY_WITH_TIMEOUT(window->statusBar()->currentMessage().contains(
                                 QStringLiteral("127.0.0.1:%1/metrics").arg(second)),
                             5000);
    QVERIFY(scrape(second).contains("gen_ai_client_operation_duration_seconds_count{"));
    QVERIFY(scrape(first).startsWith("error: "));

    // A port another program holds: one line in the status bar, nothing else breaks.
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    port->setValue(squatter.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(window->statusBar()->currentMessage().startsWith(
                                 QStringLiteral("Metrics for Prometheus: cannot listen on")),
                             5000);

    serve->setChecked(false);
    QVERIFY(!port->isEnabled());
    QCOMPARE(AppSettings(dir.filePath(QStringLiteral("settings.ini"))).metricsServePort(), 0);
    QVERIFY(scrape(second).startsWith("error: "));
}

QTEST_MAIN(TestWindowMetricsServe)
#include "tst_windowmetricsserve.moc"

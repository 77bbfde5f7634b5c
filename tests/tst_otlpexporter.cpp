// OtlpExporter against a receiver started by the test on loopback: batches to /v1/traces and
// /v1/metrics with the configured headers, retries 503 only once Retry-After allows, never
// retries a 400, bounds its final flush when the receiver never answers, drops the oldest spans
// when the queue is full, logs a partial success as one line, never logs a header value, and
// receives what the metrics thread stores.
#include "OtlpJsonChecks.h"
#include "OtlpTestReceiver.h"
#include "metrics/MetricsRecord.h"
#include "store/MetricsStore.h"
#include "store/MetricsThread.h"
#include "telemetry/OtlpExporter.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

constexpr QByteArrayView secretValue = "Bearer otlp-secret-7f3a";

MetricsRecord record(int i)
{
    MetricsRecord r;
    r.startedUtc = QDateTime::currentDateTimeUtc();
    r.endpoint = QStringLiteral("http://127.0.0.1:8000/v1");
    r.model = QStringLiteral("demo-chat");
    r.e2eMs = 100 + i;
    r.ttftMs = 20;
    r.outputTokens = 5;
    r.promptTokens = 7;
    return r;
}

// Everything the telemetry category says while it lives.
class TelemetryLog
{
public:
    TelemetryLog()
    {
        s_lines.clear();
        m_previous = qInstallMessageHandler(&TelemetryLog::handle);
    }
    ~TelemetryLog() { qInstallMessageHandler(m_previous); }
    QStringList lines() const { return s_lines; }
    QString all() const { return s_lines.join('\n'); }

private:
    static void handle(QtMsgType, const QMessageLogContext& context, const QString& message)
    {
        if (QByteArrayView(context.category) == "adminchat.telemetry")
            s_lines << message;
    }
    static inline QStringList s_lines;
    QtMessageHandler m_previous;
};

} // namespace

class TestOtlpExporter : public QObject
{
    Q_OBJECT
private:
    OtlpConfig configFor(const OtlpTestReceiver& receiver)
    {
        OtlpConfig config;
        config.endpoint = QUrl(receiver.url());
        config.headers.append(qMakePair(QByteArray("Authorization"), secretValue.toByteArray()));
        config.headers.append(qMakePair(QByteArray("x-team"), QByteArray("ops")));
        return config;
    }

private slots:
    void sendsSpansAndMetricsWithTheHeaders()
    {
        OtlpTestReceiver receiver;
        OtlpExporter exporter(configFor(receiver));
        for (int i = 0; i < 3; ++i)
            exporter.addRecord(record(i));
        exporter.flush();
        QTRY_COMPARE_WITH_TIMEOUT(receiver.count("/v1/traces"), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(receiver.count("/v1/metrics"), 1, 5000);
        const OtlpReceived traces = receiver.received("/v1/traces").front();
        QCOMPARE(traces.header("content-type"), QByteArray("application/json"));
        QCOMPARE(traces.header("authorization"), secretValue.toByteArray());
        QCOMPARE(traces.header("x-team"), QByteArray("ops"));
        QCOMPARE(otlpcheck::spansOf(traces.json()).size(), 3);
        const QStringList problems =
            otlpcheck::checkTraceBody(traces.json()) +
            otlpcheck::checkMetricsBody(receiver.received("/v1/metrics").front().json());
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QTRY_COMPARE(exporter.spansSent(), qint64(3));
        QCOMPARE(exporter.metricsExports(), qint64(1));
    }

    void retriesA503OnceRetryAfterAllows()
    {
        OtlpTestReceiver receiver;
        receiver.plan("/v1/traces", {503, "Retry-After: 1\r\n", "{}", false});
        OtlpExporter exporter(configFor(receiver));
        exporter.addRecord(record(1));
        exporter.flush();
        QTRY_COMPARE_WITH_TIMEOUT(receiver.count("/v1/traces"), 2, 10000);
        const QList<OtlpReceived> posts = receiver.received("/v1/traces");
        QVERIFY2(posts[1].atMs - posts[0].atMs >= 950,
                 qPrintable(QString::number(posts[1].atMs - posts[0].atMs)));
        QCOMPARE(posts[1].body, posts[0].body); // the same batch
        QTRY_COMPARE(exporter.spansSent(), qint64(1));
        QCOMPARE(exporter.retriesScheduled(), qint64(1));
    }

    void retryAfterAsAnHttpDate()
    {
        OtlpTestReceiver receiver;
        const QByteArray date = QLocale::c()
                                    .toString(QDateTime::currentDateTimeUtc().addSecs(2),
                                              QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
                                    .toLatin1();
        receiver.plan("/v1/metrics", {429, "Retry-After: " + date + "\r\n", "{}", false});
        OtlpExporter exporter(configFor(receiver));
        exporter.addRecord(record(1));
        exporter.flush();
        QTRY_COMPARE_WITH_TIMEOUT(receiver.count("/v1/metrics"), 2, 10000);
        const QList<OtlpReceived> posts = receiver.received("/v1/metrics");
        // Whole seconds: at least the second that was left.
        QVERIFY2(posts[1].atMs - posts[0].atMs >= 900,
                 qPrintable(QString::number(posts[1].atMs - posts[0].atMs)));
    }

    void aBadRequestIsNotRetriedAndNoHeaderValueIsLogged()
    {
        TelemetryLog log;
        OtlpTestReceiver receiver;
        // A receiver quoting the request's credential back in its error.
        receiver.plan(
            "/v1/traces",
            {400, {}, "{\"message\":\"bad token " + secretValue.toByteArray() + "\"}", false});
        OtlpExporter exporter(configFor(receiver));
        QSignalSpy finished(&exporter, &OtlpExporter::exportFinished);
        exporter.addRecord(record(1));
        exporter.flush();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
        QTest::qWait(1500); // a retry would come after at least 0.375 s
        QCOMPARE(receiver.count("/v1/traces"), 1);
        QCOMPARE(exporter.spansSent(), qint64(0));
        QVERIFY2(log.all().contains("HTTP 400"), qPrintable(log.all()));
        QVERIFY2(!log.all().contains("otlp-secret"), qPrintable(log.all()));
    }

    void aPartialSuccessIsOneLine()
    {
        TelemetryLog log;
        OtlpTestReceiver receiver;
        receiver.plan("/v1/traces",
                      {200,
                       {},
                       R"({"partialSuccess":{"rejectedSpans":"2","errorMessage":"span too old"}})",
                       false});
        OtlpExporter exporter(configFor(receiver));
        for (int i = 0; i < 3; ++i)
            exporter.addRecord(record(i));
        exporter.flush();
        QTRY_COMPARE_WITH_TIMEOUT(exporter.spansSent(), qint64(3), 5000);
        QStringList partial;
        for (const QString& line : log.lines()) {
            if (line.contains("partly"))
                partial << line;
        }
        QCOMPARE(partial.size(), 1);
        QVERIFY2(partial[0].contains("2 rejected") && partial[0].contains("span too old"),
                 qPrintable(partial[0]));
    }

    void aSilentReceiverDoesNotHoldTheFinalFlush()
    {
        OtlpTestReceiver receiver;
        receiver.plan("/v1/traces", {200, {}, {}, true});
        receiver.plan("/v1/metrics", {200, {}, {}, true});
        OtlpConfig config = configFor(receiver);
        config.flushBoundMs = 500;
        OtlpExporter exporter(config);
        QSignalSpy drained(&exporter, &OtlpExporter::drained);
        exporter.addRecord(record(1));
        QElapsedTimer clock;
        clock.start();
        exporter.shutdown();
        QVERIFY(drained.wait(5000));
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(receiver.count("/v1/traces"), 1);
    }

    // The window's path: records stored by the MetricsService on its own thread reach the
    // exporter on this one; a store after the exporter went reaches nobody.
    void recordsStoredOnTheMetricsThreadAreExported()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        OtlpTestReceiver receiver;
        auto exporter = std::make_unique<OtlpExporter>(configFor(receiver));
        OtlpExporter::receiveStoredRecords(exporter.get());
        {
            MetricsThread thread(dir.filePath(QStringLiteral("metrics.sqlite")));
            MetricsService* service = thread.service();
            QSignalSpy opened(service, &MetricsService::opened);
            thread.start();
            QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 5000);
            for (int i = 0; i < 4; ++i)
                QMetaObject::invokeMethod(service, [service, i] { service->addRecord(record(i)); });
        } // the thread finishes the calls queued to it
        QSignalSpy drained(exporter.get(), &OtlpExporter::drained);
        QMetaObject::invokeMethod(exporter.get(), &OtlpExporter::shutdown, Qt::QueuedConnection);
        QVERIFY(drained.wait(5000));
        QCOMPARE(exporter->spansSent(), qint64(4));
        QCOMPARE(otlpcheck::spansOf(receiver.received("/v1/traces").front().json()).size(), 4);

        exporter.reset(); // unregisters itself
        MetricsStore store(dir.filePath(QStringLiteral("metrics.sqlite")));
        QVERIFY(store.open());
        MetricsRecord late = record(9);
        QVERIFY(store.insert(late));
        QCOMPARE(store.count(), 5);
    }

    void aFullQueueDropsTheOldest()
    {
        TelemetryLog log;
        OtlpTestReceiver receiver;
        receiver.plan("/v1/traces", {200, {}, {}, true}); // the first batch stays in flight
        OtlpExporter exporter(configFor(receiver));
        const int extra = 10;
        const int total = OtlpExporter::batchSpans + int(OtlpExporter::maxQueuedSpans) + extra;
        for (int i = 0; i < total; ++i)
            exporter.addRecord(record(i));
        QCOMPARE(exporter.spansDropped(), qint64(extra));
        int dropLines = 0;
        for (const QString& line : log.lines())
            dropLines += line.contains("dropping the oldest") ? 1 : 0;
        QCOMPARE(dropLines, 1);
    }
};

QTEST_GUILESS_MAIN(TestOtlpExporter)
#include "tst_otlpexporter.moc"

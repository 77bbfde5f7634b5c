// ProbeResult::fromRequest: how a finished probe request is classified (key rejected, rate
// limited, other errors, another model, the content check, slow) and the fingerprint noted.
#include "endpoints/ProbeSettings.h"
#include "metrics/MetricsRecord.h"
#include "metrics/RequestMetrics.h"
#include "net/RequestTrace.h"
#include "watch/ProbeResult.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestProbeResult : public QObject
{
    Q_OBJECT

private slots:
    void httpErrors_data();
    void httpErrors();
    void modelMismatch();
    void contentCheck();
    void slowAnswer();
    void fingerprintChange();
    void settingsRoundTrip();
};

namespace {

RequestTrace answered(const QString& text, double ttftMs = 120)
{
    RequestTrace trace;
    trace.startedUtc = QDateTime::currentDateTimeUtc();
    trace.endpoint = QStringLiteral("http://127.0.0.1:1/v1");
    trace.endpointId = QStringLiteral("id-1");
    trace.requestedModel = trace.model = QStringLiteral("gpt-4o");
    trace.headersNs = 1'000'000;
    trace.firstOutputNs = trace.firstContentNs = qint64(ttftMs * 1e6);
    trace.outputEventNs = {trace.firstOutputNs};
    trace.contentEventCount = 1;
    trace.endNs = trace.firstOutputNs + 1'000'000;
    trace.text = text;
    trace.finishReason = QStringLiteral("stop");
    trace.httpStatus = 200;
    return trace;
}

ProbeResult classify(const RequestTrace& trace, const ProbeSettings& settings = {},
                     const QString& fingerprint = {})
{
    const MetricsRecord record =
        MetricsRecord::fromTrace(trace, RequestMetrics::fromTrace(trace, {}), QStringLiteral("W"));
    return ProbeResult::fromRequest(trace, record, settings, fingerprint);
}

} // namespace

void TestProbeResult::httpErrors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("outcome");
    QTest::addColumn<QString>("message");
    const int http = int(ApiError::Kind::Http);
    QTest::newRow("401") << 401 << http << "key_rejected"
                         << "key rejected (HTTP 401)";
    QTest::newRow("403") << 403 << http << "key_rejected"
                         << "key rejected (HTTP 403)";
    QTest::newRow("429") << 429 << http << "rate_limited"
                         << "rate limited (HTTP 429)";
    QTest::newRow("500") << 500 << http << "error"
                         << "no answer";
    QTest::newRow("refused") << 0 << int(ApiError::Kind::Connection) << "error"
                             << "no answer";
    QTest::newRow("timeout") << 0 << int(ApiError::Kind::TotalTimeout) << "error"
                             << "no answer";
}

void TestProbeResult::httpErrors()
{
    QFETCH(int, status);
    QFETCH(int, kind);
    QFETCH(QString, outcome);
    QFETCH(QString, message);
    RequestTrace trace = answered({});
    trace.httpStatus = status;
    trace.firstOutputNs = trace.firstContentNs = -1;
    trace.outputEventNs.clear();
    trace.error = ApiError{ApiError::Kind(kind), QStringLiteral("no answer")};
    const ProbeResult result = classify(trace);
    QCOMPARE(probeOutcomeName(result.outcome), outcome);
    QCOMPARE(result.message, message);
    QCOMPARE(result.isFailure(), outcome == QLatin1String("error"));
    QCOMPARE(result.isDegrading(), outcome == QLatin1String("rate_limited"));
    QCOMPARE(result.errorKind, ApiError::kindName(ApiError::Kind(kind)));
}

void TestProbeResult::modelMismatch()
{
    RequestTrace trace = answered(QStringLiteral("OK"));
    trace.model = QStringLiteral("gpt-4o-2024-08-06"); // a dated snapshot of the same model
    QCOMPARE(classify(trace).outcome, ProbeOutcome::Ok);
    trace.model = QStringLiteral("llama-3-8b");
    const ProbeResult result = classify(trace);
    QCOMPARE(result.outcome, ProbeOutcome::ModelMismatch);
    QVERIFY(result.message.contains(QLatin1String("llama-3-8b")));
    QVERIFY(result.isDegrading());
    QCOMPARE(result.toEvidenceJson().value(QStringLiteral("answered_model")).toString(),
             QStringLiteral("llama-3-8b"));
}

void TestProbeResult::contentCheck()
{
    ProbeSettings settings;
    settings.expect = QStringLiteral("391");
    QCOMPARE(classify(answered(QStringLiteral("17*23 = 391.")), settings).outcome,
             ProbeOutcome::Ok);
    const ProbeResult wrong = classify(answered(QStringLiteral("17*23 = 401")), settings);
    QCOMPARE(wrong.outcome, ProbeOutcome::ContentMismatch);
    QVERIFY(wrong.message.contains(QLatin1String("401")));

    settings.expect = QStringLiteral("^\\s*ok\\b");
    settings.expectRegex = true;
    QVERIFY(settings.validationError().isEmpty());
    QCOMPARE(classify(answered(QStringLiteral(" ok, done")), settings).outcome, ProbeOutcome::Ok);
    QCOMPARE(classify(answered(QStringLiteral("not ok")), settings).outcome,
             ProbeOutcome::ContentMismatch);
    settings.expect = QStringLiteral("(unclosed");
    QVERIFY(!settings.validationError().isEmpty());
}

void TestProbeResult::slowAnswer()
{
    ProbeSettings settings;
    settings.latencyThresholdMs = 1000;
    QCOMPARE(classify(answered(QStringLiteral("OK"), 900), settings).outcome, ProbeOutcome::Ok);
    const ProbeResult slow = classify(answered(QStringLiteral("OK"), 1500), settings);
    QCOMPARE(slow.outcome, ProbeOutcome::Slow);
    QVERIFY(slow.message.contains(QLatin1String("1500 ms")));
    QVERIFY(qAbs(*slow.ttftMs - 1500) < 1);
}

void TestProbeResult::fingerprintChange()
{
    RequestTrace trace = answered(QStringLiteral("OK"));
    trace.systemFingerprint = QStringLiteral("fp_b");
    QVERIFY(!classify(trace, {}, {}).fingerprintChanged); // nothing seen before
    QVERIFY(!classify(trace, {}, QStringLiteral("fp_b")).fingerprintChanged);
    const ProbeResult changed = classify(trace, {}, QStringLiteral("fp_a"));
    QVERIFY(changed.fingerprintChanged);
    QCOMPARE(changed.outcome, ProbeOutcome::Ok); // noted, never a failure
}

void TestProbeResult::settingsRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.ini"));
    ProbeSettings settings;
    settings.enabled = true;
    settings.intervalS = 15;
    settings.prompts = {QStringLiteral("What is 17*23?"), QStringLiteral("Say OK")};
    settings.expect = QStringLiteral("391");
    settings.dailyTokenBudget = 5000;
    settings.models = {QStringLiteral("a"), QStringLiteral("b")};
    {
        QSettings ini(path, QSettings::IniFormat);
        ini.beginGroup(QStringLiteral("p"));
        settings.write(ini);
    }
    QSettings ini(path, QSettings::IniFormat);
    ini.beginGroup(QStringLiteral("p"));
    QCOMPARE(ProbeSettings::read(ini), settings);
    // Defaults are not written.
    ini.endGroup();
    ini.beginGroup(QStringLiteral("q"));
    ProbeSettings{}.write(ini);
    QVERIFY(ini.childKeys().isEmpty());
}

QTEST_GUILESS_MAIN(TestProbeResult)
#include "tst_proberesult.moc"

// Soak: `adminchat bench` sends thousands of requests at concurrency 32 to `adminchat serve-demo`
// with a fifth of them failing in every quick way the demo knows (HTTP errors, retried once-only
// failures, resets, cut-off and malformed streams, errors inside a 200, a short chunked body).
// Neither process may crash, neither may grow while the load goes on, and every request must be
// accounted for: in bench's result, in the records stored with the run's tag and at the server.
//
// ADMINCHAT_SOAK_REQUESTS=N runs it with N requests instead of the default.
#include "AppProcess.h"
#include "CsvTestReader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>

namespace {

constexpr int kDefaultRequests = 5000;
constexpr int kConcurrency = 32;
constexpr int kSampleIntervalMs = 100;
// A few seconds of load at least, so that warm-up, early and late windows each hold samples.
constexpr int kMinSamples = 20;
constexpr int kBenchTimeoutMs = 170000;
// Growth allowed between the early and the late level of either process.
constexpr qint64 kGrowthLimitKib = 16 * 1024;
// What bench keeps by design for each finished request until it ends (the record, for the CSV
// and the experiment comparison, and every latency sample, for exact percentiles): allowed on
// top of the limit above for the requests finished between the two levels. About 1.7 KiB a
// request are measured, about 5 KiB with AddressSanitizer's redzones around every block.
#ifdef ADMINCHAT_SANITIZED
constexpr qint64 kKeptPerRequestKib = 6;
#else
constexpr qint64 kKeptPerRequestKib = 2;
#endif

// Faults that end a request at once; stall, endless, huge-line and trickle are slow or huge.
const QStringList kFaults{"500",     "429-once",        "500-once",          "reset",  "malformed",
                          "cut-off", "error-after-200", "truncated-chunked", "html502"};
// Error kinds these faults can end in. A timeout or a cancellation would mean a request hung.
const QSet<QString> kExpectedErrorKinds{"http", "connection", "cut_off", "protocol", "stream"};

int requestCount()
{
    bool ok = false;
    const int n = qEnvironmentVariableIntValue("ADMINCHAT_SOAK_REQUESTS", &ok);
    return ok && n > 0 ? n : kDefaultRequests;
}

// VmRSS of a process in KiB, -1 when it cannot be read (the process has gone).
qint64 rssKib(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Median of samples[from, to) (to clamped), -1 when the range is empty.
qint64 median(QList<qint64> samples, qsizetype from, qsizetype to)
{
    to = std::min(to, samples.size());
    if (from >= to)
        return -1;
    QList<qint64> window = samples.mid(from, to - from);
    std::sort(window.begin(), window.end());
    return window.at(window.size() / 2);
}

struct Levels
{
    qint64 early = -1; // median of the samples from 20 % to 40 % of the run
    qint64 late = -1;  // median of the last 20 %
    qint64 peak = -1;
};

Levels levelsOf(const QList<qint64>& samples)
{
    const qsizetype n = samples.size();
    Levels levels;
    levels.early = median(samples, n * 2 / 10, n * 4 / 10);
    levels.late = median(samples, n * 8 / 10, n);
    levels.peak = n ? *std::max_element(samples.begin(), samples.end()) : -1;
    return levels;
}

int sumOf(const QJsonObject& counts)
{
    int total = 0;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        total += it.value().toInt();
    return total;
}

} // namespace

class TestSoak : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void thousandsOfRequestsWithFaults();

private:
    QJsonObject serverStats(const QString& baseUrl);

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
};

void TestSoak::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_env = appEnvironment(m_home.path());
    m_env.remove(QStringLiteral("OPENAI_BASE_URL"));
    m_env.remove(QStringLiteral("OPENAI_API_KEY"));
#ifdef ADMINCHAT_SANITIZED
    // Freed blocks held back by AddressSanitizer would count as growth until the quarantine is
    // full; a small one fills during warm-up. The last setting of an option wins.
    QString asan = m_env.value(QStringLiteral("ASAN_OPTIONS"));
    asan +=
        (asan.isEmpty() ? QString() : QStringLiteral(":")) + QStringLiteral("quarantine_size_mb=4");
    m_env.insert(QStringLiteral("ASAN_OPTIONS"), asan);
#endif
}

QJsonObject TestSoak::serverStats(const QString& baseUrl)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(QUrl(baseUrl + QStringLiteral("/demo/stats")));
    QNetworkReply* reply = manager.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).object();
}

void TestSoak::thousandsOfRequestsWithFaults()
{
    const int requests = requestCount();
    const QString tag = QStringLiteral("soak-%1").arg(QRandomGenerator::global()->generate64(), 16,
                                                      16, QLatin1Char('0'));

    QStringList serverArguments{"--profile", "instant", "--fault-rate", "0.2"};
    for (const QString& fault : kFaults)
        serverArguments << QStringLiteral("--fault") << fault;
    QProcess server;
    const QString url = startDemoServer(server, serverArguments, m_env);
    QVERIFY2(!url.isEmpty(), server.readAllStandardError().constData());
    const qint64 serverPid = server.processId();

    // Bench runs on its own; both processes are sampled while it does.
    QProcess bench;
    bench.setProcessEnvironment(m_env);
    bench.start(QStringLiteral(ADMINCHAT_BIN),
                {"bench", "--base-url", url, "--model", "demo-chat", "--requests",
                 QString::number(requests), "--concurrency", QString::number(kConcurrency),
                 "--max-tokens", "16", "--max-retries", "2", "--json", "--tag", tag});
    QVERIFY2(bench.waitForStarted(10000), qPrintable(bench.errorString()));
    const qint64 benchPid = bench.processId();
    QList<qint64> benchRss;
    QList<qint64> serverRss;
    QElapsedTimer clock;
    clock.start();
    while (!bench.waitForFinished(kSampleIntervalMs) && bench.state() != QProcess::NotRunning) {
        if (clock.elapsed() > kBenchTimeoutMs) {
            bench.kill();
            bench.waitForFinished();
            QFAIL(qPrintable(QStringLiteral("bench did not finish %1 requests in %2 s")
                                 .arg(requests)
                                 .arg(kBenchTimeoutMs / 1000)));
        }
        const qint64 client = rssKib(benchPid);
        const qint64 demo = rssKib(serverPid);
        if (client > 0 && demo > 0) {
            benchRss << client;
            serverRss << demo;
        }
    }
    const double seconds = clock.elapsed() / 1000.0;
    const QByteArray out = bench.readAllStandardOutput();
    const QByteArray err = bench.readAllStandardError();

    // No crash: a run where some requests failed and others completed ends with 0.
    QVERIFY2(bench.exitStatus() == QProcess::NormalExit,
             qPrintable(QStringLiteral("bench crashed after %1 s: %2")
                            .arg(seconds)
                            .arg(QString::fromUtf8(err.right(2000)))));
    QVERIFY2(bench.exitCode() == 0, qPrintable(QStringLiteral("bench exited with %1: %2")
                                                   .arg(bench.exitCode())
                                                   .arg(QString::fromUtf8(err.right(2000)))));
    QVERIFY2(server.state() == QProcess::Running,
             qPrintable(QStringLiteral("serve-demo ended during the run: %1")
                            .arg(QString::fromUtf8(server.readAllStandardError().right(2000)))));

    // Bench's own count: every request either completed or failed with a kind.
    const QJsonObject json = QJsonDocument::fromJson(out).object();
    QVERIFY2(!json.isEmpty(), out.right(2000).constData());
    const int sent = json.value("requests").toInt();
    const int completed = json.value("completed").toInt();
    const int errors = json.value("errors").toInt();
    const int cancelled = json.value("cancelled").toInt();
    const QJsonObject errorsByKind = json.value("errors_by_kind").toObject();
    const QJsonObject categories = json.value("categories").toObject();
    qInfo("bench: %d requests in %.1f s: %d completed, %d errors %s, %d cancelled", sent, seconds,
          completed, errors, QJsonDocument(errorsByKind).toJson(QJsonDocument::Compact).constData(),
          cancelled);
    QCOMPARE(sent, requests);
    QCOMPARE(json.value("tag").toString(), tag);
    QVERIFY2(completed + errors + cancelled == sent,
             qPrintable(QStringLiteral("%1 completed + %2 errors + %3 cancelled != %4 requests")
                            .arg(completed)
                            .arg(errors)
                            .arg(cancelled)
                            .arg(sent)));
    QCOMPARE(cancelled, 0);
    QVERIFY2(sumOf(errorsByKind) == errors,
             qPrintable(QStringLiteral("errors by kind add up to %1, errors %2")
                            .arg(sumOf(errorsByKind))
                            .arg(errors)));
    QVERIFY2(sumOf(categories) == sent && categories.value("error").toInt() == errors,
             QJsonDocument(categories).toJson(QJsonDocument::Compact).constData());
    // One request in five gets a fault and most of those cannot be retried: some must fail, and
    // far from all.
    QVERIFY2(errors > sent / 50 && errors < sent / 2,
             qPrintable(QStringLiteral("%1 errors in %2 requests").arg(errors).arg(sent)));
    for (auto it = errorsByKind.begin(); it != errorsByKind.end(); ++it)
        QVERIFY2(kExpectedErrorKinds.contains(it.key()),
                 qPrintable(QStringLiteral("unexpected error kind %1 (%2 times)")
                                .arg(it.key())
                                .arg(it.value().toInt())));
    QCOMPARE(json.value("max_in_flight").toInt(), kConcurrency);

    // Stored: one record per request with the run's tag, with the same errors.
    const AppRun exported =
        runApp({"metrics", "export", "--tag", tag, "--csv", "-"}, m_env, {}, 60000);
    QVERIFY2(exported.exitCode == 0, exported.err.constData());
    const auto rows = csvtest::parse(QString::fromUtf8(exported.out));
    QVERIFY2(rows, "the export is not valid CSV");
    QVERIFY(!rows->isEmpty());
    const QStringList header = rows->front();
    const qsizetype tagColumn = header.indexOf(QStringLiteral("tag"));
    const qsizetype idColumn = header.indexOf(QStringLiteral("id"));
    const qsizetype kindColumn = header.indexOf(QStringLiteral("error_kind"));
    const qsizetype retriesColumn = header.indexOf(QStringLiteral("retries"));
    QVERIFY(tagColumn >= 0 && idColumn >= 0 && kindColumn >= 0 && retriesColumn >= 0);
    const qsizetype stored = rows->size() - 1;
    QHash<QString, int> storedKinds;
    QSet<QString> ids;
    qint64 retries = 0;
    for (qsizetype i = 1; i < rows->size(); ++i) {
        const QStringList& row = rows->at(i);
        QCOMPARE(row.size(), header.size());
        QCOMPARE(row.at(tagColumn), tag);
        ids.insert(row.at(idColumn));
        if (!row.at(kindColumn).isEmpty())
            ++storedKinds[row.at(kindColumn)];
        retries += row.at(retriesColumn).toLongLong();
    }
    qInfo("stored: %lld records, %lld retries", qlonglong(stored), qlonglong(retries));
    QVERIFY2(stored == sent,
             qPrintable(QStringLiteral("%1 records stored with tag %2 for %3 requests sent")
                            .arg(stored)
                            .arg(tag)
                            .arg(sent)));
    QCOMPARE(ids.size(), stored);
    for (auto it = errorsByKind.begin(); it != errorsByKind.end(); ++it)
        QVERIFY2(storedKinds.value(it.key()) == it.value().toInt(),
                 qPrintable(QStringLiteral("%1 stored records of kind %2, bench counted %3")
                                .arg(storedKinds.value(it.key()))
                                .arg(it.key())
                                .arg(it.value().toInt())));
    QCOMPARE(storedKinds.size(), errorsByKind.size());
    QVERIFY2(retries > 0, "no request was retried, though the once-only faults ask for it");

    // The server saw every request, and none is left in progress. Retries add attempts, but not
    // all of them reach it: a request sent on a kept-alive connection the server has just reset
    // fails before it is read, and its retry is the first attempt the server sees.
    QJsonObject seen = serverStats(url);
    QTRY_VERIFY_WITH_TIMEOUT((seen = serverStats(url)).value("in_flight").toInt() == 0, 10000);
    const qint64 served = seen.value("requests_served").toInteger(-1);
    qInfo("server: %lld served for %d requests and %lld retries, at most %d in flight",
          qlonglong(served), sent, qlonglong(retries), seen.value("max_in_flight").toInt());
    QVERIFY2(served >= sent,
             qPrintable(QStringLiteral("server served %1 for %2 requests and %3 retries")
                            .arg(served)
                            .arg(sent)
                            .arg(retries)));

    // No growth while the load went on.
    QVERIFY2(benchRss.size() >= kMinSamples,
             qPrintable(QStringLiteral("only %1 memory samples in %2 s: too short to compare; "
                                       "raise ADMINCHAT_SOAK_REQUESTS")
                            .arg(benchRss.size())
                            .arg(seconds)));
    const Levels client = levelsOf(benchRss);
    const Levels demo = levelsOf(serverRss);
    // Requests finish at a steady pace, so the six tenths of the run between the middles of the
    // two windows (30 % and 90 %) finish six tenths of the requests.
    const qint64 between = qint64(sent) * 6 / 10;
    const qint64 clientLimit = kGrowthLimitKib + kKeptPerRequestKib * between;
    qInfo("bench RSS: early %lld KiB, late %lld KiB, growth %lld KiB (limit %lld), peak %lld KiB, "
          "%lld samples",
          client.early, client.late, client.late - client.early, clientLimit, client.peak,
          qlonglong(benchRss.size()));
    qInfo("serve-demo RSS: early %lld KiB, late %lld KiB, growth %lld KiB (limit %lld), peak %lld "
          "KiB",
          demo.early, demo.late, demo.late - demo.early, kGrowthLimitKib, demo.peak);
    QVERIFY2(client.late - client.early < clientLimit,
             qPrintable(QStringLiteral("bench grew from %1 KiB to %2 KiB during the run")
                            .arg(client.early)
                            .arg(client.late)));
    QVERIFY2(demo.late - demo.early < kGrowthLimitKib,
             qPrintable(QStringLiteral("serve-demo grew from %1 KiB to %2 KiB during the run")
                            .arg(demo.early)
                            .arg(demo.late)));

    server.terminate();
    QVERIFY2(server.waitForFinished(10000), "serve-demo did not stop");
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
}

QTEST_GUILESS_MAIN(TestSoak)
#include "tst_soak.moc"

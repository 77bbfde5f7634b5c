// RetryPolicy: which failures are retried (the official OpenAI SDKs' rules), the exponential
// backoff with jitter, the server's retry-after-ms / retry-after (seconds or HTTP date) within
// (0, 60 s], and the retry budget.
#include "net/RetryPolicy.h"

#include <QLocale>
#include <QTest>

using namespace adminchat;

class TestRetryPolicy : public QObject
{
    Q_OBJECT
private slots:
    void retryableStatuses_data();
    void retryableStatuses();
    void retryableKinds();
    void shouldRetryHeaderOverridesStatus();
    void backoffDoublesUpToEightSeconds();
    void jitterShortensByAtMostAQuarter();
    void serverDelay_data();
    void serverDelay();
    void serverDelayFromHttpDate();
    void budget();
};

void TestRetryPolicy::retryableStatuses_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("retryable");
    QTest::newRow("408") << 408 << true;
    QTest::newRow("409") << 409 << true;
    QTest::newRow("429") << 429 << true;
    QTest::newRow("500") << 500 << true;
    QTest::newRow("502") << 502 << true;
    QTest::newRow("503") << 503 << true;
    QTest::newRow("599") << 599 << true;
    QTest::newRow("400") << 400 << false;
    QTest::newRow("401") << 401 << false;
    QTest::newRow("403") << 403 << false;
    QTest::newRow("404") << 404 << false;
    QTest::newRow("422") << 422 << false;
    QTest::newRow("200") << 200 << false;
    QTest::newRow("none") << 0 << false;
}

void TestRetryPolicy::retryableStatuses()
{
    QFETCH(int, status);
    QFETCH(bool, retryable);
    QCOMPARE(RetryPolicy::isRetryableStatus(status), retryable);
    QCOMPARE(RetryPolicy::isRetryable(status, ApiError::Kind::Http), retryable);
}

void TestRetryPolicy::retryableKinds()
{
    using K = ApiError::Kind;
    for (K kind : {K::Connection, K::ConnectTimeout, K::IdleTimeout})
        QVERIFY2(RetryPolicy::isRetryable(0, kind), qPrintable(ApiError::kindName(kind)));
    for (K kind : {K::Tls, K::TotalTimeout, K::CutOff, K::Stream, K::Protocol, K::Cancelled})
        QVERIFY2(!RetryPolicy::isRetryable(0, kind), qPrintable(ApiError::kindName(kind)));
    // A status only matters for HTTP errors.
    QVERIFY(!RetryPolicy::isRetryable(500, K::Protocol));
}

void TestRetryPolicy::shouldRetryHeaderOverridesStatus()
{
    QVERIFY(RetryPolicy::isRetryable(400, ApiError::Kind::Http, "true"));
    QVERIFY(!RetryPolicy::isRetryable(503, ApiError::Kind::Http, "false"));
    QVERIFY(!RetryPolicy::isRetryable(503, ApiError::Kind::Http, " FALSE "));
    QVERIFY(RetryPolicy::isRetryable(503, ApiError::Kind::Http, "maybe"));
    // Connection failures have no response to carry the header.
    QVERIFY(RetryPolicy::isRetryable(0, ApiError::Kind::Connection, "false"));
}

void TestRetryPolicy::backoffDoublesUpToEightSeconds()
{
    QCOMPARE(RetryPolicy::backoffMs(0, 0.0), 500);
    QCOMPARE(RetryPolicy::backoffMs(1, 0.0), 1000);
    QCOMPARE(RetryPolicy::backoffMs(2, 0.0), 2000);
    QCOMPARE(RetryPolicy::backoffMs(3, 0.0), 4000);
    QCOMPARE(RetryPolicy::backoffMs(4, 0.0), 8000);
    QCOMPARE(RetryPolicy::backoffMs(5, 0.0), 8000);
    QCOMPARE(RetryPolicy::backoffMs(1000, 0.0), 8000);
    QCOMPARE(RetryPolicy::backoffMs(-1, 0.0), 500);
}

void TestRetryPolicy::jitterShortensByAtMostAQuarter()
{
    QCOMPARE(RetryPolicy::backoffMs(0, 0.5), 438); // 500 * 0.875, rounded
    QCOMPARE(RetryPolicy::backoffMs(0, 1.0), 375);
    QCOMPARE(RetryPolicy::backoffMs(4, 1.0), 6000);
    bool varied = false;
    int first = -1;
    for (int i = 0; i < 100; ++i) {
        const int delay = RetryPolicy(1).takeRetry(std::nullopt);
        QVERIFY2(delay >= 375 && delay <= 500, qPrintable(QString::number(delay)));
        if (first < 0)
            first = delay;
        varied = varied || delay != first;
    }
    QVERIFY(varied); // random, not a constant factor
}

void TestRetryPolicy::serverDelay_data()
{
    QTest::addColumn<QByteArray>("retryAfterMs");
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<int>("expected"); // -1: none, the backoff applies

    QTest::newRow("ms") << QByteArray("200") << QByteArray() << 200;
    QTest::newRow("ms fraction") << QByteArray("1.5") << QByteArray() << 2;
    QTest::newRow("ms before seconds") << QByteArray("200") << QByteArray("30") << 200;
    QTest::newRow("seconds") << QByteArray() << QByteArray("1") << 1000;
    QTest::newRow("seconds fraction") << QByteArray() << QByteArray(" 2.5 ") << 2500;
    QTest::newRow("sixty seconds") << QByteArray() << QByteArray("60") << 60000;
    QTest::newRow("unreadable ms, seconds") << QByteArray("soon") << QByteArray("3") << 3000;
    QTest::newRow("zero") << QByteArray() << QByteArray("0") << -1;
    QTest::newRow("negative") << QByteArray() << QByteArray("-5") << -1;
    QTest::newRow("over a minute") << QByteArray() << QByteArray("61") << -1;
    QTest::newRow("an hour in ms") << QByteArray("3600000") << QByteArray() << -1;
    // The first header that reads as a number decides, as in the SDKs.
    QTest::newRow("zero ms, seconds ignored") << QByteArray("0") << QByteArray("3") << -1;
    QTest::newRow("garbage") << QByteArray() << QByteArray("later") << -1;
    QTest::newRow("absent") << QByteArray() << QByteArray() << -1;
}

void TestRetryPolicy::serverDelay()
{
    QFETCH(QByteArray, retryAfterMs);
    QFETCH(QByteArray, retryAfter);
    QFETCH(int, expected);
    const std::optional<int> delay =
        RetryPolicy::serverDelayMs(retryAfterMs, retryAfter, QDateTime::currentDateTimeUtc());
    QCOMPARE(delay.value_or(-1), expected);
}

void TestRetryPolicy::serverDelayFromHttpDate()
{
    const QDateTime now(QDate(2024, 5, 6), QTime(8, 49, 30), Qt::UTC);
    auto httpDate = [](const QDateTime& when) {
        return QLocale::c()
            .toString(when, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
            .toLatin1();
    };
    QCOMPARE(RetryPolicy::serverDelayMs({}, httpDate(now.addSecs(7)), now).value_or(-1), 7000);
    QCOMPARE(RetryPolicy::serverDelayMs({}, "Mon, 06 May 2024 08:49:37 GMT", now).value_or(-1),
             7000);
    QVERIFY(!RetryPolicy::serverDelayMs({}, httpDate(now.addSecs(-3)), now));  // in the past
    QVERIFY(!RetryPolicy::serverDelayMs({}, httpDate(now.addSecs(120)), now)); // too far
}

void TestRetryPolicy::budget()
{
    RetryPolicy policy(2);
    QCOMPARE(policy.maxRetries(), 2);
    QVERIFY(policy.hasRetriesLeft());
    const int first = policy.takeRetry(std::nullopt);
    QVERIFY(first >= 375 && first <= 500);
    QCOMPARE(policy.retriesUsed(), 1);
    const int second = policy.takeRetry(std::nullopt);
    QVERIFY2(second >= 750 && second <= 1000, qPrintable(QString::number(second)));
    QVERIFY(!policy.hasRetriesLeft());
    // The server's wish replaces the backoff.
    RetryPolicy told(3);
    QCOMPARE(told.takeRetry(200), 200);
    QCOMPARE(told.retriesUsed(), 1);

    QVERIFY(!RetryPolicy(0).hasRetriesLeft());
    QCOMPARE(RetryPolicy(-4).maxRetries(), 0);
}

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"

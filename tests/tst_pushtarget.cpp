// Where pushed metrics go: the Pushgateway's grouping key (percent-encoding, and the @base64
// form for values with '/' and empty ones, decoded back here), the import endpoint's path and
// extra labels, and messages that never show credentials.
#include "telemetry/PushTarget.h"

#include <QTest>
#include <QUrlQuery>

using namespace adminchat;

class TestPushTarget : public QObject
{
    Q_OBJECT
private slots:
    void groupingSegments_data();
    void groupingSegments();
    void pushgatewayUrl();
    void importUrl();
    void displayUrlHidesCredentials();
};

void TestPushTarget::groupingSegments_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("plain") << QStringLiteral("runner-1");
    QTest::newRow("slash") << QStringLiteral("lab/runner 1");
    QTest::newRow("empty") << QString();
    QTest::newRow("unicode and reserved") << QStringLiteral("bänk ?#%&+=");
    QTest::newRow("only slashes") << QStringLiteral("//");
}

void TestPushTarget::groupingSegments()
{
    QFETCH(QString, value);
    const QByteArray segment = PushTarget::groupingSegment("instance", value);
    const QList<QByteArray> parts = segment.split('/');
    QCOMPARE(parts.size(), 2); // never a '/' inside the value's segment
    QByteArray decoded;
    if (parts.at(0) == "instance@base64") {
        QVERIFY(value.isEmpty() || value.contains(QLatin1Char('/')));
        if (parts.at(1) == "=") { // the Pushgateway's spelling of an empty value
            QVERIFY(value.isEmpty());
            return;
        }
        const auto base64 = QByteArray::fromBase64Encoding(
            parts.at(1), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(base64);
        decoded = *base64;
    } else {
        QCOMPARE(parts.at(0), QByteArray("instance"));
        QVERIFY(!value.contains(QLatin1Char('/')));
        decoded = QByteArray::fromPercentEncoding(parts.at(1));
        // Nothing a URL path would read differently.
        for (const char c : parts.at(1))
            QVERIFY2(QByteArray("?#& ").indexOf(c) < 0, segment.constData());
    }
    QCOMPARE(QString::fromUtf8(decoded), value);
}

void TestPushTarget::pushgatewayUrl()
{
    PushTarget target{PushTarget::Kind::Pushgateway, QUrl(QStringLiteral("http://gw:9091/")),
                      QStringLiteral("adminchat_bench"), QStringLiteral("lab/a")};
    QCOMPARE(target.method(), QByteArray("PUT"));
    QCOMPARE(target.requestUrl().toEncoded(),
             QByteArray("http://gw:9091/metrics/job/adminchat_bench/instance@base64/") +
                 QByteArray("lab/a").toBase64(QByteArray::Base64UrlEncoding));
    // Behind a path prefix (a reverse proxy), the key follows it.
    target.url = QUrl(QStringLiteral("https://proxy.example/pushgateway"));
    target.instance = QStringLiteral("b c");
    QCOMPARE(target.requestUrl().toEncoded(),
             QByteArray("https://proxy.example/pushgateway/metrics/job/adminchat_bench/"
                        "instance/b%20c"));
}

void TestPushTarget::importUrl()
{
    PushTarget target{PushTarget::Kind::Import, QUrl(QStringLiteral("http://vm:8428")),
                      QStringLiteral("adminchat_watch"), QStringLiteral("a&b=c")};
    QCOMPARE(target.method(), QByteArray("POST"));
    const QUrl url = target.requestUrl();
    QCOMPARE(url.path(), QStringLiteral("/api/v1/import/prometheus"));
    const QUrlQuery query(url);
    QCOMPARE(
        query.allQueryItemValues(QStringLiteral("extra_label"), QUrl::FullyDecoded),
        (QStringList{QStringLiteral("job=adminchat_watch"), QStringLiteral("instance=a&b=c")}));
    // A path given is kept, and so is the query the user wrote.
    target.url = QUrl(QStringLiteral("http://vm:8428/insert/0/prometheus/api/v1/import/"
                                     "prometheus?extra_label=team=llm"));
    const QUrlQuery kept(target.requestUrl());
    QCOMPARE(target.requestUrl().path(),
             QStringLiteral("/insert/0/prometheus/api/v1/import/prometheus"));
    QCOMPARE(kept.allQueryItemValues(QStringLiteral("extra_label"), QUrl::FullyDecoded).size(), 3);
}

void TestPushTarget::displayUrlHidesCredentials()
{
    const PushTarget gateway{PushTarget::Kind::Pushgateway,
                             QUrl(QStringLiteral("https://user:s3cret@gw.example:9091")),
                             QStringLiteral("j"), QStringLiteral("i")};
    QCOMPARE(gateway.displayUrl(),
             QStringLiteral("https://gw.example:9091/metrics/job/j/instance/i"));
    const PushTarget import{PushTarget::Kind::Import,
                            QUrl(QStringLiteral("http://vm:8428/api/v1/import/prometheus?"
                                                "authKey=s3cret")),
                            QStringLiteral("j"), QStringLiteral("i")};
    QVERIFY(!import.displayUrl().contains(QLatin1String("s3cret")));
    QCOMPARE(import.displayUrl(), QStringLiteral("http://vm:8428/api/v1/import/prometheus"));
}

QTEST_GUILESS_MAIN(TestPushTarget)
#include "tst_pushtarget.moc"

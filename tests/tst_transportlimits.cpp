// What a hostile server can do with the parts of an answer before its body, and with its
// encoding, through the real client: informational (1xx) answers before the real one (skipped),
// a header block without end (cut off at a bound), a compressed body that does not decompress.
#include "HostileServer.h"
#include "net/ChatClient.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace adminchat;

namespace {

RequestTrace chat(const QUrl& baseUrl, int idleTimeoutMs = 60'000)
{
    EndpointConfig config;
    config.baseUrl = baseUrl;
    config.maxRetries = 0;
    config.idleTimeoutMs = idleTimeoutMs;
    ChatRequest request;
    request.model = QStringLiteral("m");
    request.messages.append({QStringLiteral("user"), QStringLiteral("hi")});
    ChatClient client;
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    client.start(ChatClient::nextRequestId(), config, request);
    if (!finished.wait(30000))
        return {};
    return finished.first().at(1).value<RequestTrace>();
}

QByteArray answerBody()
{
    return "data: " + HostileResponse::contentChunk(QStringLiteral("hello"), "\"stop\"") +
           "\n\ndata: [DONE]\n\n";
}

} // namespace

class TestTransportLimits : public QObject
{
    Q_OBJECT
private slots:
    void informationalAnswersAreSkipped_data();
    void informationalAnswersAreSkipped();
    void endlessHeadersAreCutOff_data();
    void endlessHeadersAreCutOff();
    void brokenGzipSaysWhatFailed();
};

void TestTransportLimits::informationalAnswersAreSkipped_data()
{
    QTest::addColumn<QByteArray>("informational");
    QTest::newRow("100") << QByteArray("HTTP/1.1 100 Continue\r\n\r\n");
    QTest::newRow("102") << QByteArray("HTTP/1.1 102 Processing\r\n\r\n");
    QTest::newRow("103") << QByteArray(
        "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
    QTest::newRow("102 then 103") << QByteArray(
        "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
        "Link: </a.css>; rel=preload\r\nRetry-After: 99\r\n\r\n");
}

void TestTransportLimits::informationalAnswersAreSkipped()
{
    QFETCH(QByteArray, informational);
    HostileServer server([informational](const HostileRequest&) {
        HostileResponse response;
        response.write(informational)
            .wait(50)
            .write(HostileResponse::eventStreamHead() + answerBody());
        return response;
    });
    QVERIFY(server.isListening());
    const RequestTrace trace = chat(server.baseUrl());
    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
    QCOMPARE(trace.text, QStringLiteral("hello"));
    QCOMPARE(trace.httpStatus, 200);
    QCOMPARE(trace.retries, 0);
    QTest::qWait(100);
    QCOMPARE(server.requestCount(), 1);
}

void TestTransportLimits::endlessHeadersAreCutOff_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("repeated");
    QTest::newRow("header lines") << QByteArray(
                                         "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n")
                                  << "X-Filler: " + QByteArray(200, 'a') + "\r\n";
    QTest::newRow("informational answers")
        << QByteArray() << QByteArray("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n");
    QTest::newRow("one header line")
        << QByteArray("HTTP/1.1 200 OK\r\nX-Long: ") << QByteArray(4096, 'b');
}

void TestTransportLimits::endlessHeadersAreCutOff()
{
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, repeated);
    HostileServer server([head, repeated](const HostileRequest&) {
        HostileResponse response;
        response.write(head).endless(repeated);
        return response;
    });
    QVERIFY(server.isListening());
    QElapsedTimer clock;
    clock.start();
    constexpr int idleTimeoutMs = 30'000;
    const RequestTrace trace = chat(server.baseUrl(), idleTimeoutMs);
    qInfo("after %lld ms: %s", clock.elapsed(),
          qPrintable(trace.error ? trace.error->message : QStringLiteral("no error")));
    // Refused once past a bound, while the data flows: not by the idle timeout, which never
    // comes while the server sends.
    QVERIFY(trace.error);
    QCOMPARE(trace.error->kind, ApiError::Kind::Protocol);
    QVERIFY2(trace.error->message.contains(QStringLiteral("header")),
             qPrintable(trace.error->message));
    QVERIFY(clock.elapsed() < idleTimeoutMs);
    QCOMPARE(trace.retries, 0);
    QCOMPARE(server.requestCount(), 1);
}

void TestTransportLimits::brokenGzipSaysWhatFailed()
{
    // A gzip header, then bytes that are no deflate stream.
    const QByteArray body = QByteArray::fromHex("1f8b0800000000000003") + QByteArray(64, '\xff');
    HostileServer server([body](const HostileRequest&) {
        return HostileResponse::status(200, body, {{"Content-Encoding", "gzip"}},
                                       "text/event-stream");
    });
    QVERIFY(server.isListening());
    const RequestTrace trace = chat(server.baseUrl());
    QVERIFY(trace.error);
    const QString& message = trace.error->message;
    qInfo("%s: %s", qPrintable(trace.error->kindName()), qPrintable(message));
    QCOMPARE(trace.error->kind, ApiError::Kind::Protocol);
    QVERIFY2(message.contains(QStringLiteral("could not be decompressed (Content-Encoding: gzip)")),
             qPrintable(message));
    QVERIFY2(!message.endsWith(QLatin1Char(':')) && !message.endsWith(QStringLiteral(": ")),
             qPrintable(message));
    QCOMPARE(server.requestCount(), 1);
}

QTEST_GUILESS_MAIN(TestTransportLimits)
#include "tst_transportlimits.moc"

// The demo server's generated fault answers over raw loopback connections: a truncated chunk,
// a 64 MiB line, a trickle, an endless answer and random bytes, with the server's memory bounded.
#include "DemoTestClient.h"
#include "demo/DemoCompletionBuilder.h"
#include "demo/DemoFaultStream.h"

#include <QCryptographicHash>
#include <QSignalSpy>

using namespace adminchat;
using namespace demotest;

namespace {

// What a raw loopback connection received: the first bytes kept, the rest only counted.
struct RawStream
{
    QByteArray kept;
    qint64 total = 0;
    qint64 lastLineBytes = 0; // bytes after the last line feed
    QList<qint64> reads;      // bytes per read
    bool closed = false;
};

// Sends request on a new connection and reads until the server closes it, done(stream) or the
// time-out; keeps at most keepBytes.
template <typename Done>
RawStream readRaw(quint16 port, const QByteArray& request, qint64 keepBytes, Done done)
{
    RawStream stream;
    QTcpSocket socket;
    socket.setProxy(QNetworkProxy::NoProxy);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(kTimeoutMs))
        return stream;
    const auto take = [&] {
        static char buffer[256 * 1024];
        qint64 n;
        while ((n = socket.read(buffer, sizeof buffer)) > 0) {
            stream.reads << n;
            stream.total += n;
            if (stream.kept.size() < keepBytes)
                stream.kept.append(buffer, qMin(n, keepBytes - stream.kept.size()));
            const qsizetype lineFeed = QByteArrayView(buffer, n).lastIndexOf('\n');
            stream.lastLineBytes = lineFeed < 0 ? stream.lastLineBytes + n : n - lineFeed - 1;
        }
    };
    QObject::connect(&socket, &QTcpSocket::readyRead, take);
    QObject::connect(&socket, &QTcpSocket::disconnected, [&] {
        take();
        stream.closed = true;
    });
    socket.write(request);
    (void)spinUntil([&] { return stream.closed || done(stream); });
    take();
    socket.disconnect(); // our own abort is not the server closing
    socket.abort();
    return stream;
}

RawStream readUntilClosed(quint16 port, const QByteArray& request, qint64 keepBytes)
{
    return readRaw(port, request, keepBytes, [](const RawStream&) { return false; });
}

QByteArray bodyOf(const QByteArray& response)
{
    return response.mid(response.indexOf("\r\n\r\n") + 4);
}

} // namespace

class TestDemoFaultStreams : public QObject, private DemoTestClient
{
    Q_OBJECT

private slots:
    void initTestCase() { quietRequestLog(); }
    void init() { start(); }
    void cleanup() { stop(); }

    void faultTruncatedChunked();
    void faultHugeLine();
    void faultTrickle();
    void faultEndless();
    void faultEndlessIsValidStream();
    void faultGarbage();
};

void TestDemoFaultStreams::faultTruncatedChunked()
{
    const RawStream stream = readUntilClosed(
        m_server->port(),
        rawChatRequest(chatBody(QStringLiteral("x")), "X-Demo-Fault: truncated-chunked\r\n"),
        1024 * 1024);
    QVERIFY(stream.closed);
    const QByteArray& data = stream.kept;
    QVERIFY(data.startsWith("HTTP/1.1 200 OK"));
    QVERIFY(data.contains("Transfer-Encoding: chunked\r\n"));
    // Walk the chunks: complete ones, then a header announcing more than arrived before the FIN.
    qsizetype pos = data.indexOf("\r\n\r\n") + 4;
    QByteArray body;
    qint64 announced = -1;
    qint64 arrived = -1;
    for (;;) {
        const qsizetype lineEnd = data.indexOf("\r\n", pos);
        QVERIFY2(lineEnd > 0, "no truncated chunk");
        bool ok = false;
        const qint64 size = data.mid(pos, lineEnd - pos).toLongLong(&ok, 16);
        QVERIFY(ok);
        QVERIFY(size > 0); // never the last chunk
        if (data.size() < lineEnd + 2 + size + 2) {
            announced = size;
            arrived = data.size() - (lineEnd + 2);
            break;
        }
        body += data.mid(lineEnd + 2, size);
        pos = lineEnd + 2 + size + 2;
    }
    QVERIFY2(arrived > 0 && arrived < announced,
             qPrintable(QStringLiteral("%1 of %2 bytes").arg(arrived).arg(announced)));
    const SseStream sse = parseSse(body);
    QCOMPARE(sse.contentChunks, DemoCompletionBuilder::tokensBeforeFault);
    QVERIFY(!sse.done);
}

void TestDemoFaultStreams::faultHugeLine()
{
    const qint64 peakBefore = procStatusKib("VmHWM");
    const RawStream stream = readUntilClosed(
        m_server->port(),
        rawChatRequest(chatBody(QStringLiteral("x")), "X-Demo-Fault: huge-line\r\n"), 64 * 1024);
    QVERIFY(stream.closed);
    QVERIFY(stream.kept.startsWith("HTTP/1.1 200 OK"));
    QVERIFY(stream.kept.contains("Content-Type: text/event-stream\r\n"));
    const QByteArray body = bodyOf(stream.kept);
    QCOMPARE(parseSse(body).contentChunks, DemoCompletionBuilder::tokensBeforeFault);
    QVERIFY(body.mid(body.lastIndexOf('\n') + 1).startsWith("data: {\"choices\""));
    QCOMPARE(stream.lastLineBytes, DemoCompletionBuilder::hugeLineBytes);
    QCOMPARE(DemoCompletionBuilder::hugeLineBytes, 64 * 1024 * 1024);
    // Server and reader share this process: neither may have held the line.
    const qint64 growthKib = procStatusKib("VmHWM") - peakBefore;
    qInfo("huge-line: %lld bytes, peak RSS +%lld KiB", stream.total, growthKib);
    QVERIFY2(growthKib < 32 * 1024, qPrintable(QString::number(growthKib)));
}

void TestDemoFaultStreams::faultTrickle()
{
    const QByteArray body = chatBody(QStringLiteral("drip"), "demo-chat", true, false, 3);
    QElapsedTimer clock;
    clock.start();
    const RawStream stream =
        readRaw(m_server->port(), rawChatRequest(body, "X-Demo-Fault: trickle\r\n"), 1024 * 1024,
                [](const RawStream& s) { return parseHttpResponse(s.kept).has_value(); });
    const qint64 elapsedMs = clock.elapsed();
    const auto response = parseHttpResponse(stream.kept);
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(!stream.closed); // kept alive, as without the fault
    const SseStream sse = parseSse(response->body);
    QVERIFY(sse.done);
    QCOMPARE(sse.content, streamChat(body).content);
    // Byte by byte: mostly one-byte reads, and no faster than the pace allows.
    const qsizetype single = stream.reads.count(1);
    qInfo("trickle: %lld bytes in %lld reads (%lld of one byte), %lld ms", stream.total,
          qint64(stream.reads.size()), qint64(single), elapsedMs);
    QVERIFY(stream.reads.size() >= stream.total / 10);
    QVERIFY(single >= 10);
    QVERIFY(elapsedMs >= stream.total * DemoFaultStream::trickleByteDelayMs / 2);
}

void TestDemoFaultStreams::faultEndless()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    constexpr qint64 enough = 128 * 1024 * 1024;
    const qint64 peakBefore = procStatusKib("VmHWM");
    const RawStream stream =
        readRaw(m_server->port(),
                rawChatRequest(chatBody(QStringLiteral("x")), "X-Demo-Fault: endless\r\n"),
                64 * 1024, [](const RawStream& s) { return s.total >= enough; });
    QVERIFY(!stream.closed);
    QVERIFY(stream.total >= enough);
    QVERIFY(stream.kept.startsWith("HTTP/1.1 200 OK"));
    const qint64 growthKib = procStatusKib("VmHWM") - peakBefore;
    qInfo("endless: %lld bytes read, peak RSS +%lld KiB", stream.total, growthKib);
    QVERIFY2(growthKib < 32 * 1024, qPrintable(QString::number(growthKib)));
    // The reader left: the server lets go of the answer and the connection.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(served.size(), 1, kTimeoutMs);
    QCOMPARE(m_server->inFlight(), 0);
}

void TestDemoFaultStreams::faultEndlessIsValidStream()
{
    // Through QNAM, which undoes the chunked framing: the first MiBs are valid content events.
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "endless"}});
    QByteArray received;
    connect(reply, &QNetworkReply::readyRead, this, [&] { received += reply->readAll(); });
    QVERIFY(spinUntil([&] { return received.size() >= 2 * 1024 * 1024 || reply->isFinished(); }));
    QVERIFY(!reply->isFinished());
    reply->abort();
    const SseStream sse = parseSse(received.left(received.lastIndexOf("\n\n") + 2));
    QVERIFY(sse.invalid.isEmpty());
    QVERIFY(!sse.done);
    QVERIFY(sse.contentChunks > 100);
    QVERIFY(sse.content.size() > 1024 * 1024);
    for (const QJsonObject& chunk : sse.chunks)
        QVERIFY(chunk["choices"][0]["finish_reason"].isNull());
}

void TestDemoFaultStreams::faultGarbage()
{
    const QByteArray request =
        rawChatRequest(chatBody(QStringLiteral("x")), "X-Demo-Fault: garbage\r\n");
    const RawStream first = readUntilClosed(m_server->port(), request, 16 * 1024 * 1024);
    QVERIFY(first.closed);
    const auto response = parseHttpResponse(first.kept, true);
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("content-type"), QByteArray("text/event-stream"));
    QVERIFY(response->header("content-length").isEmpty());
    QVERIFY(response->header("transfer-encoding").isEmpty());
    QCOMPARE(response->body.size(), DemoCompletionBuilder::garbageBytes);
    QList<bool> seen(256, false);
    for (const char c : response->body)
        seen[static_cast<unsigned char>(c)] = true;
    QCOMPARE(seen.count(true), 256);
    // Seeded: the same bytes again.
    const RawStream second = readUntilClosed(m_server->port(), request, 16 * 1024 * 1024);
    QCOMPARE(QCryptographicHash::hash(bodyOf(second.kept), QCryptographicHash::Sha256),
             QCryptographicHash::hash(response->body, QCryptographicHash::Sha256));
}

QTEST_GUILESS_MAIN(TestDemoFaultStreams)
#include "tst_demofaultstreams.moc"

// Arrival times of a stream's events: taken when the socket was seen readable, not when the
// client got round to each event. Two events in one TCP segment arrive together however long
// the first takes to handle; events the server sends 20 ms apart arrive 20 ms apart.
#include "HostileServer.h"
#include "ResponsePlan.h"
#include "net/ChatClient.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace adminchat;

class TestArrivalTimes : public QObject
{
    Q_OBJECT
private slots:
    void sameSegmentArrivesTogether();
    void separateWritesKeepTheirGap();

private:
    // Runs one request per URL; the first output event of each is held for holdMs in the
    // handler, as a busy client would.
    static QList<RequestTrace> run(const QList<QUrl>& baseUrls, int holdMs);
};

namespace {

// One HTTP/1.1 chunk: curl hands each to the client in a callback of its own.
QByteArray chunk(const QByteArray& payload)
{
    return QByteArray::number(payload.size(), 16) + "\r\n" + payload + "\r\n";
}

QByteArray sseEvent(const QString& content)
{
    return chunk("data: " + HostileResponse::contentChunk(content) + "\n\n");
}

const QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
const QByteArray tail = chunk("data: [DONE]\n\n") + "0\r\n\r\n";

double gapMs(const RequestTrace& trace, int index)
{
    return double(trace.outputEventNs.at(index + 1) - trace.outputEventNs.at(index)) / 1e6;
}

} // namespace

QList<RequestTrace> TestArrivalTimes::run(const QList<QUrl>& baseUrls, int holdMs)
{
    ChatClient client;
    QSet<quint64> held;
    // Direct: the hold happens inside curl's callback, between the chunks of one read.
    connect(&client, &ChatClient::outputReceived, &client, [&](quint64 id) {
        if (held.contains(id))
            return;
        held.insert(id);
        QElapsedTimer busy;
        busy.start();
        while (busy.elapsed() < holdMs) {
        }
    });
    QSignalSpy finished(&client, &ChatClient::requestFinished);
    for (const QUrl& url : baseUrls) {
        EndpointConfig endpoint;
        endpoint.baseUrl = url;
        ChatRequest request;
        request.model = QStringLiteral("hostile");
        request.messages.append({QStringLiteral("user"), QStringLiteral("hi")});
        client.start(ChatClient::nextRequestId(), endpoint, request);
    }
    while (finished.size() < baseUrls.size()) {
        if (!finished.wait(10000))
            return {};
    }
    QList<RequestTrace> traces;
    for (const QList<QVariant>& arguments : std::as_const(finished))
        traces.append(arguments.at(1).value<RequestTrace>());
    return traces;
}

void TestArrivalTimes::sameSegmentArrivesTogether()
{
    // Both events in one write: one segment, one read. The first is held 40 ms by its handler;
    // the second still arrived with it.
    HostileServer server(ResponsePlan(
        {HostileResponse().write(head).wait(50).write(sseEvent("a") + sseEvent("b")).write(tail)}));
    QVERIFY(server.isListening());
    const QList<RequestTrace> traces = run({server.baseUrl()}, 40);
    QCOMPARE(traces.size(), 1);
    const RequestTrace& trace = traces.first();
    QVERIFY2(trace.succeeded(), qPrintable(trace.error ? trace.error->message : QString()));
    QCOMPARE(trace.text, QStringLiteral("ab"));
    QCOMPARE(trace.outputEventNs.size(), size_t(2));
    QVERIFY2(gapMs(trace, 0) < 1.0, qPrintable(QString::number(gapMs(trace, 0))));
}

void TestArrivalTimes::separateWritesKeepTheirGap()
{
    HostileServer server(ResponsePlan({HostileResponse()
                                           .write(head)
                                           .wait(50)
                                           .write(sseEvent("a"))
                                           .wait(20)
                                           .write(sseEvent("b"))
                                           .wait(20)
                                           .write(sseEvent("c"))
                                           .write(tail)}));
    QVERIFY(server.isListening());
    const QList<RequestTrace> traces = run({server.baseUrl()}, 0);
    QCOMPARE(traces.size(), 1);
    const RequestTrace& trace = traces.first();
    QVERIFY(trace.succeeded());
    QCOMPARE(trace.outputEventNs.size(), size_t(3));
    // The server waits at least 20 ms; a late first read on a busy machine shortens a gap a
    // little, a late second one lengthens it.
    for (int i = 0; i < 2; ++i) {
        QVERIFY2(gapMs(trace, i) > 15.0, qPrintable(QString::number(gapMs(trace, i))));
        QVERIFY2(gapMs(trace, i) < 250.0, qPrintable(QString::number(gapMs(trace, i))));
    }
}

QTEST_GUILESS_MAIN(TestArrivalTimes)
#include "tst_arrivaltimes.moc"

// `/metrics` over real loopback HTTP from a real SQLite file: rows another connection stores
// between scrapes are counted once each; other paths, methods and oversized requests are
// refused; a client that stalls mid-request does not hold up a scraper.
#include "ExpositionTestReader.h"
#include "metrics/MetricsRecord.h"
#include "store/MetricsStore.h"
#include "telemetry/MetricsHttpServer.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

struct HttpAnswer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

// Sends request (with Connection: close) and reads until the server closes.
HttpAnswer exchange(quint16 port, const QByteArray& request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(request);
    QByteArray all;
    QSignalSpy closed(&socket, &QTcpSocket::disconnected);
    QSignalSpy ready(&socket, &QTcpSocket::readyRead);
    for (int i = 0; i < 100 && closed.isEmpty(); ++i) {
        closed.wait(100);
        all += socket.readAll();
    }
    all += socket.readAll();
    HttpAnswer answer;
    const qsizetype end = all.indexOf("\r\n\r\n");
    if (end < 0)
        return answer;
    answer.head = all.left(end);
    answer.body = all.mid(end + 4);
    answer.status = answer.head.mid(9, 3).toInt();
    return answer;
}

QByteArray get(const QByteArray& path, const QByteArray& accept = "*/*")
{
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: " + accept +
           "\r\nConnection: close\r\n\r\n";
}

std::vector<MetricsRecord> records(int n, const QString& model)
{
    std::vector<MetricsRecord> out;
    for (int i = 0; i < n; ++i) {
        MetricsRecord r;
        r.startedUtc = QDateTime::currentDateTimeUtc();
        r.endpoint = QStringLiteral("http://127.0.0.1:8000/v1");
        r.model = model;
        r.e2eMs = 100.0 + 10 * i;
        r.ttftMs = 50.0 + i;
        r.outputTokens = 5;
        out.push_back(r);
    }
    return out;
}

double requestsOf(const QByteArray& body, const QString& model)
{
    const Exposition e = readExposition(body);
    double total = 0;
    for (const ExpositionSample& s : e.samples) {
        if (s.name == "adminchat_requests_total" && s.labels.value("gen_ai_request_model") == model)
            total += s.value;
    }
    return total;
}

} // namespace

class TestMetricsHttpServer : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_path = m_dir->filePath(QStringLiteral("adminchat.sqlite"));
    }

    void countsNewRowsOnce()
    {
        MetricsStore writer(m_path); // another connection, as another process would have
        QVERIFY(writer.open());
        auto first = records(3, QStringLiteral("first"));
        QVERIFY(writer.insert(first));

        MetricsStore reader(m_path);
        QVERIFY(reader.open());
        MetricsHttpServer server(&reader);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));

        HttpAnswer answer = exchange(server.port(), get("/metrics"));
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.head.contains("text/plain; version=0.0.4"));
        QVERIFY2(readExposition(answer.body).error.isEmpty(),
                 qPrintable(readExposition(answer.body).error));
        QCOMPARE(requestsOf(answer.body, "first"), 3.0);

        auto second = records(5, QStringLiteral("second"));
        QVERIFY(writer.insert(second));
        auto more = records(2, QStringLiteral("first"));
        QVERIFY(writer.insert(more));
        answer = exchange(server.port(), get("/metrics", "application/openmetrics-text"));
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.head.contains("application/openmetrics-text; version=1.0.0"));
        QVERIFY(answer.body.endsWith("# EOF\n"));
        QCOMPARE(requestsOf(answer.body, "first"), 5.0);
        QCOMPARE(requestsOf(answer.body, "second"), 5.0);
        QCOMPARE(server.lastRowId(), writer.maxId());

        // Nothing new: the same counts again, nothing counted twice.
        answer = exchange(server.port(), get("/metrics"));
        QCOMPARE(requestsOf(answer.body, "first"), 5.0);
        QCOMPARE(server.registry().recordsAdded(), qint64(10));
    }

    void rowsAfterRetentionEmptiedTheTableCount()
    {
        MetricsStore writer(m_path);
        QVERIFY(writer.open());
        auto old = records(3, QStringLiteral("m"));
        QVERIFY(writer.insert(old));
        MetricsStore reader(m_path);
        QVERIFY(reader.open());
        MetricsHttpServer server(&reader);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QCOMPARE(requestsOf(exchange(server.port(), get("/metrics")).body, "m"), 3.0);

        // Retention deletes every row; SQLite then hands out ids from 1 again.
        const qint64 future = QDateTime::currentMSecsSinceEpoch() + 60'000;
        QCOMPARE(writer.pruneRows(future, 100), qint64(3));
        auto fresh = records(2, QStringLiteral("m"));
        QVERIFY(writer.insert(fresh));
        QVERIFY(fresh.front().id <= old.back().id);
        QCOMPARE(requestsOf(exchange(server.port(), get("/metrics")).body, "m"), 5.0);
        QCOMPARE(requestsOf(exchange(server.port(), get("/metrics")).body, "m"), 5.0);
    }

    void refusesWhatIsNotAScrape_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("other path") << get("/") << 404;
        QTest::newRow("near path") << get("/metricsx") << 404;
        QTest::newRow("post") << QByteArray("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                            "2\r\nConnection: close\r\n\r\n{}")
                              << 405;
        QTest::newRow("delete") << QByteArray("DELETE /metrics HTTP/1.1\r\nHost: x\r\n"
                                              "Connection: close\r\n\r\n")
                                << 405;
        QTest::newRow("huge head") << "GET /metrics HTTP/1.1\r\nX-Pad: " +
                                          QByteArray(MetricsHttpServer::maxRequestBytes + 10, 'a')
                                   << 431;
        QTest::newRow("garbage") << QByteArray("\x01\x02 nonsense\r\n\r\n") << 400;
    }
    void refusesWhatIsNotAScrape()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        MetricsStore store(m_path);
        QVERIFY(store.open());
        MetricsHttpServer server(&store);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const HttpAnswer answer = exchange(server.port(), request);
        QCOMPARE(answer.status, status);
        if (status == 405)
            QVERIFY(answer.head.contains("Allow: GET, HEAD"));
    }

    void aStalledClientDoesNotHoldUpAScrape()
    {
        MetricsStore store(m_path);
        QVERIFY(store.open());
        auto rows = records(4, QStringLiteral("m"));
        QVERIFY(store.insert(rows));
        MetricsHttpServer server(&store);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QTcpSocket stalled;
        stalled.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(stalled.waitForConnected(5000));
        stalled.write("GET /metr"); // and nothing more
        QVERIFY(stalled.waitForBytesWritten(5000));
        QElapsedTimer timer;
        timer.start();
        const HttpAnswer answer = exchange(server.port(), get("/metrics"));
        QCOMPARE(answer.status, 200);
        QCOMPARE(requestsOf(answer.body, "m"), 4.0);
        QVERIFY(timer.elapsed() < 5000);
        QCOMPARE(stalled.state(), QAbstractSocket::ConnectedState);
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

QTEST_GUILESS_MAIN(TestMetricsHttpServer)
#include "tst_metricshttpserver.moc"

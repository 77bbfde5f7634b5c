// ChatSession over a small loopback server that records each request body: what a
// conversation sends, and what it keeps when an answer fails or is stopped.
#include "chat/ChatSession.h"
#include "net/ChatClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace adminchat;

namespace {

// Answers every POST with the next canned response and records the JSON bodies it got.
class RecordingServer : public QObject
{
public:
    RecordingServer()
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        });
    }

    QUrl baseUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.serverPort()));
    }
    void enqueue(QByteArray response) { m_responses.append(std::move(response)); }
    QList<QJsonObject> bodies;

    static QByteArray stream(const QStringList& pieces)
    {
        QByteArray body;
        for (const QString& piece : pieces) {
            const QJsonObject chunk{
                {"choices", QJsonArray{QJsonObject{{"index", 0},
                                                   {"delta", QJsonObject{{"content", piece}}}}}}};
            body += "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n";
        }
        body += "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                "data: [DONE]\n\n";
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " +
               QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

private:
    void read(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QByteArray headers = buffer.left(headerEnd).toLower();
        const qsizetype at = headers.indexOf("content-length:");
        const qsizetype length =
            at < 0 ? 0 : headers.mid(at + 15).split('\r').first().trimmed().toLongLong();
        if (buffer.size() < headerEnd + 4 + length)
            return;
        bodies.append(QJsonDocument::fromJson(buffer.mid(headerEnd + 4, length)).object());
        buffer.remove(0, headerEnd + 4 + length);
        socket->write(m_responses.isEmpty() ? stream({"?"}) : m_responses.takeFirst());
    }

    QTcpServer m_server;
    QList<QByteArray> m_responses;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

QStringList roles(const QJsonObject& body)
{
    QStringList result;
    for (const QJsonValue& message : body.value("messages").toArray())
        result << message.toObject().value("role").toString() + QLatin1Char(':') +
                      message.toObject().value("content").toString();
    return result;
}

void connectTo(ChatSession& session, const RecordingServer& server, const QString& model)
{
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    session.setEndpoint(endpoint);
    session.setModel(model);
}

} // namespace

class TestChatSession : public QObject
{
    Q_OBJECT
private slots:
    void conversationCarriesHistory()
    {
        RecordingServer server;
        server.enqueue(RecordingServer::stream({"Hel", "lo!"}));
        server.enqueue(RecordingServer::stream({"Fine."}));
        ChatClient client;
        ChatSession session(&client);
        connectTo(session, server, QStringLiteral("m1"));
        session.setSystemPrompt(QStringLiteral("Be brief."));
        session.setMaxTokens(64);
        QSignalSpy completed(&session, &ChatSession::requestCompleted);
        QSignalSpy appended(&session, &ChatSession::entryAppended);

        QVERIFY(session.send(QStringLiteral("  Hi  ")));
        QVERIFY(session.isBusy());
        QVERIFY(!session.send(QStringLiteral("too early"))); // one answer at a time
        QCOMPARE(session.entries().size(), 2);
        QCOMPARE(session.entries().at(0).text, QStringLiteral("Hi"));
        QCOMPARE(session.entries().at(1).state, ChatEntry::State::Pending);
        QVERIFY(completed.wait(5000));
        QCOMPARE(appended.size(), 2); // one signal per delta, carrying only the delta
        QCOMPARE(appended.at(1).at(1).toString(), QStringLiteral("lo!"));
        QCOMPARE(session.entries().at(1).text, QStringLiteral("Hello!"));
        QCOMPARE(session.entries().at(1).state, ChatEntry::State::Done);
        QVERIFY(session.entries().at(1).metrics.has_value());

        QVERIFY(session.send(QStringLiteral("How are you?")));
        QVERIFY(completed.wait(5000));
        QCOMPARE(server.bodies.size(), 2);
        QCOMPARE(server.bodies.at(0).value("model").toString(), QStringLiteral("m1"));
        QCOMPARE(server.bodies.at(0).value("max_tokens").toInt(), 64);
        QCOMPARE(server.bodies.at(0).value("stream").toBool(), true);
        QCOMPARE(
            roles(server.bodies.at(1)),
            (QStringList{"system:Be brief.", "user:Hi", "assistant:Hello!", "user:How are you?"}));
    }

    void failedAnswerKeepsTextButIsNotResent()
    {
        RecordingServer server;
        // Two pieces, then the body ends without finish_reason or [DONE].
        const QByteArray cut = "data: {\"choices\":[{\"delta\":{\"content\":\"Par\"}}]}\n\n"
                               "data: {\"choices\":[{\"delta\":{\"content\":\"tial\"}}]}\n\n";
        server.enqueue("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " +
                       QByteArray::number(cut.size()) + "\r\n\r\n" + cut);
        server.enqueue(RecordingServer::stream({"Again."}));
        ChatClient client;
        ChatSession session(&client);
        connectTo(session, server, QStringLiteral("m"));
        QSignalSpy completed(&session, &ChatSession::requestCompleted);

        QVERIFY(session.send(QStringLiteral("first")));
        QVERIFY(completed.wait(5000));
        const ChatEntry& failed = session.entries().at(1);
        QCOMPARE(failed.state, ChatEntry::State::Failed);
        QCOMPARE(failed.text, QStringLiteral("Partial"));
        QCOMPARE(failed.error->kind, ApiError::Kind::CutOff);

        QVERIFY(session.send(QStringLiteral("second")));
        QVERIFY(completed.wait(5000));
        QCOMPARE(roles(server.bodies.at(1)), (QStringList{"user:first", "user:second"}));
    }

    void emptyMessageIsNotSent()
    {
        ChatClient client;
        ChatSession session(&client);
        QVERIFY(!session.send(QStringLiteral(" \n\t ")));
        QVERIFY(session.entries().isEmpty());
        QVERIFY(!session.isBusy());
    }
};

QTEST_GUILESS_MAIN(TestChatSession)
#include "tst_chatsession.moc"

// ChatSession over loopback: a small server that records each request body (what a
// conversation sends, and what it keeps when an answer fails), and the demo endpoint, whose
// answer is a known function of the whole history it received (edit-and-resend, regenerate,
// retry, rating, loading, two sessions sharing one client).
#include "HostileServer.h"
#include "ResponsePlan.h"
#include "chat/ChatSession.h"
#include "demo/DemoServer.h"
#include "demo/DemoTextGenerator.h"
#include "net/ChatClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace adminchat;

namespace {

// Answers every POST with the next canned response on a connection kept open, and records the
// JSON bodies it got.
class RecordingServer : public HostileServer
{
public:
    RecordingServer() : RecordingServer(ResponsePlan()) {}

    void enqueue(const QByteArray& response) { m_plan.append(answer(response)); }
    QList<QJsonObject> bodies() const
    {
        QList<QJsonObject> result;
        for (const QByteArray& body : HostileServer::bodies())
            result.append(QJsonDocument::fromJson(body).object());
        return result;
    }

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
    explicit RecordingServer(ResponsePlan plan) : HostileServer(plan), m_plan(plan)
    {
        m_plan.setFallback(answer(stream({"?"})));
    }
    static HostileResponse answer(const QByteArray& response)
    {
        return HostileResponse().write(response).keepAlive();
    }

    ResponsePlan m_plan;
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

constexpr int kWaitMs = 20000;

// The demo endpoint's answer to exactly this history.
QString demoAnswer(const QList<ChatMessage>& messages)
{
    const quint64 seed = DemoConfig().seed;
    return DemoTextGenerator::answer(
               DemoTextGenerator::promptHash(seed, QStringLiteral("demo-chat"), messages))
        .join(QString());
}

ChatMessage user(const QString& text)
{
    return {QStringLiteral("user"), text};
}
ChatMessage assistant(const QString& text)
{
    return {QStringLiteral("assistant"), text};
}

EndpointConfig demoEndpoint(const DemoServer& server, const QByteArray& fault = "none",
                            const QByteArray& latency = {})
{
    EndpointConfig endpoint;
    endpoint.baseUrl = server.baseUrl();
    endpoint.extraHeaders.append({"X-Demo-Fault", fault});
    if (!latency.isEmpty())
        endpoint.extraHeaders.append({"X-Demo-Latency", latency});
    return endpoint;
}

void useDemo(ChatSession& session, const DemoServer& server, const QByteArray& fault = "none",
             const QByteArray& latency = {})
{
    session.setEndpoint(demoEndpoint(server, fault, latency));
    session.setModel(QStringLiteral("demo-chat"));
}

// Sends and waits for the answer to end.
bool exchange(ChatSession& session, const QString& text)
{
    QSignalSpy completed(&session, &ChatSession::requestCompleted);
    return session.send(text) && completed.wait(kWaitMs);
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
        QCOMPARE(server.bodies().size(), 2);
        QCOMPARE(server.bodies().at(0).value("model").toString(), QStringLiteral("m1"));
        QCOMPARE(server.bodies().at(0).value("max_tokens").toInt(), 64);
        QCOMPARE(server.bodies().at(0).value("stream").toBool(), true);
        QCOMPARE(
            roles(server.bodies().at(1)),
            (QStringList{"system:Be brief.", "user:Hi", "assistant:Hello!", "user:How are you?"}));
    }

    void steeringShapesEachRequest()
    {
        RecordingServer elsewhere; // the variant's endpoint
        RecordingServer own;       // the conversation's
        ChatClient client;
        ChatSession session(&client);
        connectTo(session, own, QStringLiteral("m1"));
        session.setProfileName(QStringLiteral("Mine"));
        session.setSystemPrompt(QStringLiteral("Be brief."));
        session.setMaxTokens(64);
        session.setExperiment(QStringLiteral("ab"), QStringLiteral("B"));
        QStringList asked;
        bool steer = true;
        session.setSteeringProvider(
            [&](const ChatSession& s, const QString& uid) -> std::optional<RequestSteering> {
                asked << s.variant() + QLatin1Char(':') + uid;
                if (!steer)
                    return std::nullopt;
                RequestSteering steering;
                steering.experiment = s.experiment();
                steering.variant = s.variant();
                steering.profile = QStringLiteral("Other");
                EndpointConfig endpoint;
                endpoint.baseUrl = elsewhere.baseUrl();
                steering.endpoint = endpoint;
                steering.model = QStringLiteral("m2");
                steering.temperature = 0.25;
                steering.maxTokens = 5;
                steering.system = QStringLiteral("Answer in one word.");
                return steering;
            });

        QVERIFY(exchange(session, QStringLiteral("Hi")));
        QCOMPARE(own.bodies().size(), 0);
        QCOMPARE(elsewhere.bodies().size(), 1);
        const QJsonObject body = elsewhere.bodies().at(0);
        QCOMPARE(body.value("model").toString(), QStringLiteral("m2"));
        QCOMPARE(body.value("max_tokens").toInt(), 5);
        QCOMPARE(body.value("temperature").toDouble(), 0.25);
        QCOMPARE(roles(body), (QStringList{"system:Answer in one word.", "user:Hi"}));
        const ChatEntry& answer = session.entries().at(1);
        QCOMPARE(asked, QStringList{"B:" + answer.requestUid}); // asked with the answer's uid
        QCOMPARE(answer.experiment, QStringLiteral("ab"));
        QCOMPARE(answer.variant, QStringLiteral("B"));
        QCOMPARE(answer.profile, QStringLiteral("Other"));
        QCOMPARE(answer.model, QStringLiteral("m2"));
        QCOMPARE(answer.endpoint, EndpointConfig::displayUrl(elsewhere.baseUrl()));
        QCOMPARE(session.entryForRequest(answer.requestUid), &answer);

        // Not steered (the experiment stopped): the conversation's own choice, unlabelled.
        steer = false;
        QVERIFY(exchange(session, QStringLiteral("Again")));
        QCOMPARE(own.bodies().size(), 1);
        QCOMPARE(own.bodies().at(0).value("model").toString(), QStringLiteral("m1"));
        QCOMPARE(own.bodies().at(0).value("max_tokens").toInt(), 64);
        QCOMPARE(roles(own.bodies().at(0)).first(), QStringLiteral("system:Be brief."));
        QVERIFY(session.entries().at(3).variant.isEmpty());
        QCOMPARE(session.entries().at(3).profile, QStringLiteral("Mine"));
    }

    void regenerateAndEditSendThePreviousAnswerAsPrediction()
    {
        RecordingServer server;
        ChatClient client;
        ChatSession session(&client);
        connectTo(session, server, QStringLiteral("m1"));
        const auto prediction = [&server](int i) {
            return server.bodies().at(i).value("prediction").toObject();
        };

        QVERIFY(exchange(session, QStringLiteral("Hi")));
        QVERIFY(!server.bodies().at(0).contains("prediction"));
        const QString first = session.entries().at(1).text;
        QVERIFY(!first.isEmpty());
        QSignalSpy completed(&session, &ChatSession::requestCompleted);
        QVERIFY(session.regenerate(1));
        QVERIFY(completed.wait(kWaitMs));
        QVERIFY2(!server.bodies().at(1).contains("prediction"), "off unless the profile asks");

        EndpointConfig endpoint = session.endpoint();
        endpoint.sendPrediction = true;
        session.setEndpoint(endpoint);
        const QString second = session.entries().at(1).text;
        QVERIFY(session.regenerate(1));
        QVERIFY(completed.wait(kWaitMs));
        QCOMPARE(prediction(2).value("type").toString(), QStringLiteral("content"));
        QCOMPARE(prediction(2).value("content").toString(), second);

        const QString third = session.entries().at(1).text;
        QVERIFY(session.editAndResend(0, QStringLiteral("Hello")));
        QVERIFY(completed.wait(kWaitMs));
        QCOMPARE(prediction(3).value("content").toString(), third);

        // An explicit prediction wins, for one request only; a new message has none.
        session.setNextPrediction(QStringLiteral("given"));
        QVERIFY(exchange(session, QStringLiteral("More")));
        QCOMPARE(prediction(4).value("content").toString(), QStringLiteral("given"));
        QVERIFY(exchange(session, QStringLiteral("And more")));
        QVERIFY(!server.bodies().at(5).contains("prediction"));
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
        QCOMPARE(roles(server.bodies().at(1)), (QStringList{"user:first", "user:second"}));
    }

    void editAndResendSendsHistoryBeforeTheEdit()
    {
        RecordingServer server;
        server.enqueue(RecordingServer::stream({"A1"}));
        server.enqueue(RecordingServer::stream({"A2"}));
        server.enqueue(RecordingServer::stream({"A2b"}));
        ChatClient client;
        ChatSession session(&client);
        connectTo(session, server, QStringLiteral("m"));
        QSignalSpy completed(&session, &ChatSession::requestCompleted);
        QVERIFY(session.send(QStringLiteral("one")));
        QVERIFY(completed.wait(kWaitMs));
        QVERIFY(session.send(QStringLiteral("two")));
        QVERIFY(completed.wait(kWaitMs));

        QVERIFY(session.editAndResend(2, QStringLiteral("two, edited")));
        QVERIFY(completed.wait(kWaitMs));
        QCOMPARE(roles(server.bodies().at(2)),
                 (QStringList{"user:one", "assistant:A1", "user:two, edited"}));
        QCOMPARE(session.entries().size(), 4);
        QCOMPARE(session.entries().at(3).text, QStringLiteral("A2b"));
    }

    void editAndResendDropsLaterEntries()
    {
        DemoServer server(*DemoConfig::fromProfile(QStringLiteral("instant")));
        QVERIFY(server.listen());
        ChatClient client;
        ChatSession session(&client);
        useDemo(session, server);
        QVERIFY(exchange(session, QStringLiteral("first")));
        QVERIFY(exchange(session, QStringLiteral("second")));
        QVERIFY(exchange(session, QStringLiteral("third")));
        QCOMPARE(session.entries().size(), 6);
        const QString firstAnswer = session.entries().at(1).text;
        QCOMPARE(firstAnswer, demoAnswer({user("first")}));

        QVERIFY(!session.editAndResend(1, QStringLiteral("x")));  // an answer
        QVERIFY(!session.editAndResend(6, QStringLiteral("x")));  // out of range
        QVERIFY(!session.editAndResend(2, QStringLiteral("  "))); // empty

        QSignalSpy truncated(&session, &ChatSession::entriesTruncated);
        QSignalSpy added(&session, &ChatSession::entryAdded);
        QSignalSpy completed(&session, &ChatSession::requestCompleted);
        QVERIFY(session.editAndResend(2, QStringLiteral(" second, edited ")));
        QVERIFY(!session.editAndResend(0, QStringLiteral("busy"))); // one answer at a time
        QCOMPARE(truncated.size(), 1);
        QCOMPARE(truncated.at(0).at(0).toInt(), 2);
        QCOMPARE(added.size(), 2);
        QCOMPARE(added.at(0).at(0).toInt(), 2);
        QCOMPARE(added.at(1).at(0).toInt(), 3);
        QCOMPARE(session.entries().size(), 4);
        QCOMPARE(session.entries().at(2).text, QStringLiteral("second, edited"));
        QVERIFY(session.entries().at(2).createdUtc.isValid());
        QVERIFY(completed.wait(kWaitMs));

        // The answer is the demo's reply to exactly the history before the edit plus the edit.
        const ChatEntry& answer = session.entries().at(3);
        QCOMPARE(answer.state, ChatEntry::State::Done);
        QCOMPARE(answer.text,
                 demoAnswer({user("first"), assistant(firstAnswer), user("second, edited")}));
        QCOMPARE(answer.endpoint, EndpointConfig::displayUrl(server.baseUrl()));
        QCOMPARE(answer.model, QStringLiteral("demo-chat"));
        QVERIFY(answer.createdUtc.isValid());
        QCOMPARE(completed.at(0).at(2).toString(), answer.requestUid);

        // Editing the very first message starts the conversation over.
        QVERIFY(session.editAndResend(0, QStringLiteral("start over")));
        QVERIFY(completed.wait(kWaitMs));
        QCOMPARE(session.entries().size(), 2);
        QCOMPARE(session.entries().at(1).text, demoAnswer({user("start over")}));
    }

    void regenerateReplacesTheLastAnswer()
    {
        DemoServer server(*DemoConfig::fromProfile(QStringLiteral("instant")));
        QVERIFY(server.listen());
        ChatClient client;
        ChatSession session(&client);
        useDemo(session, server);
        QVERIFY(exchange(session, QStringLiteral("hello")));
        QVERIFY(exchange(session, QStringLiteral("more")));
        const QString firstAnswer = session.entries().at(1).text;
        const QString oldUid = session.entries().at(3).requestUid;
        QVERIFY(!oldUid.isEmpty());
        QVERIFY(!session.regenerate(2)); // a user entry
        QVERIFY(!session.regenerate(4));

        QSignalSpy truncated(&session, &ChatSession::entriesTruncated);
        QSignalSpy completed(&session, &ChatSession::requestCompleted);
        QVERIFY(session.regenerate(3));
        QCOMPARE(truncated.size(), 1);
        QCOMPARE(truncated.at(0).at(0).toInt(), 3);
        QCOMPARE(session.entries().size(), 4);
        QCOMPARE(session.entries().at(3).state, ChatEntry::State::Pending);
        QVERIFY(session.entries().at(3).text.isEmpty());
        QVERIFY(completed.wait(kWaitMs));
        const ChatEntry& answer = session.entries().at(3);
        QCOMPARE(answer.state, ChatEntry::State::Done);
        QVERIFY(answer.requestUid != oldUid); // a new request with its own metrics record
        QCOMPARE(answer.text, demoAnswer({user("hello"), assistant(firstAnswer), user("more")}));
    }

    void retryAfterFault_data()
    {
        QTest::addColumn<QByteArray>("fault");
        QTest::addColumn<QList<int>>("kinds");
        QTest::newRow("cut-off") << QByteArray("cut-off")
                                 << QList<int>{int(ApiError::Kind::CutOff)};
        QTest::newRow("error-after-200")
            << QByteArray("error-after-200") << QList<int>{int(ApiError::Kind::Stream)};
        // Qt reports a reset in the middle of a body either as an error or as a clean end.
        QTest::newRow("reset") << QByteArray("reset")
                               << QList<int>{int(ApiError::Kind::Connection),
                                             int(ApiError::Kind::CutOff)};
    }

    void retryAfterFault()
    {
        QFETCH(QByteArray, fault);
        QFETCH(QList<int>, kinds);
        DemoServer server(*DemoConfig::fromProfile(QStringLiteral("instant")));
        QVERIFY(server.listen());
        ChatClient client;
        ChatSession session(&client);
        useDemo(session, server, fault);
        QVERIFY(exchange(session, QStringLiteral("question")));
        QCOMPARE(session.entries().size(), 2);
        const ChatEntry failed = session.entries().at(1);
        QCOMPARE(failed.state, ChatEntry::State::Failed);
        QVERIFY(failed.error.has_value());
        QVERIFY(kinds.contains(int(failed.error->kind)));
        QVERIFY(!session.setRating(1, 1)); // only finished answers are rated

        useDemo(session, server); // the endpoint recovered
        QSignalSpy completed(&session, &ChatSession::requestCompleted);
        QVERIFY(session.regenerate(1));
        QVERIFY(completed.wait(kWaitMs));
        QCOMPARE(session.entries().size(), 2); // the failed answer was replaced, not kept
        const ChatEntry& answer = session.entries().at(1);
        QCOMPARE(answer.state, ChatEntry::State::Done);
        QVERIFY(!answer.error.has_value());
        QVERIFY(answer.requestUid != failed.requestUid);
        QCOMPARE(answer.text, demoAnswer({user("question")}));
    }

    void ratingOnlyOnFinishedAnswers()
    {
        DemoServer server(*DemoConfig::fromProfile(QStringLiteral("instant")));
        QVERIFY(server.listen());
        ChatClient client;
        ChatSession session(&client);
        useDemo(session, server);
        QSignalSpy rated(&session, &ChatSession::entryRated);
        QSignalSpy completed(&session, &ChatSession::requestCompleted);
        QVERIFY(session.send(QStringLiteral("rate me")));
        QVERIFY(!session.setRating(1, 1)); // still pending
        QVERIFY(completed.wait(kWaitMs));
        QVERIFY(!session.setRating(0, 1)); // the user's own message
        QVERIFY(!session.setRating(1, 2));
        QVERIFY(!session.setRating(2, 1));
        QCOMPARE(rated.size(), 0);

        QVERIFY(session.setRating(1, -1));
        QCOMPARE(session.entries().at(1).rating, std::optional<int>(-1));
        QVERIFY(session.setRating(1, -1)); // unchanged: no signal
        QVERIFY(session.setRating(1, std::nullopt));
        QVERIFY(!session.entries().at(1).rating.has_value());
        QCOMPARE(rated.size(), 2);
        QCOMPARE(rated.at(0).at(0).toInt(), 1);
    }

    void loadRestoresConversation()
    {
        DemoServer server(*DemoConfig::fromProfile(QStringLiteral("instant")));
        QVERIFY(server.listen());
        ChatClient client;
        ChatSession session(&client);
        useDemo(session, server);
        session.setConversationId(QStringLiteral("0190a1b2c3d4ab12"));
        ChatEntry question;
        question.text = QStringLiteral("saved question");
        ChatEntry answer;
        answer.role = ChatEntry::Role::Assistant;
        answer.text = QStringLiteral("saved answer");
        answer.requestId = 7;
        ChatEntry interrupted = answer;
        interrupted.text = QStringLiteral("half an");
        interrupted.state = ChatEntry::State::Streaming;
        QSignalSpy reset(&session, &ChatSession::entriesReset);
        QSignalSpy added(&session, &ChatSession::entryAdded);
        QVERIFY(session.load({question, answer, question, interrupted}));
        QCOMPARE(reset.size(), 1);
        QCOMPARE(added.size(), 0);
        QCOMPARE(session.conversationId(), QStringLiteral("0190a1b2c3d4ab12"));
        QCOMPARE(session.entries().size(), 4);
        QCOMPARE(session.entries().at(1).requestId, quint64(0));
        // Cut short by the app closing: shown as failed, so it can be retried.
        QCOMPARE(session.entries().at(3).state, ChatEntry::State::Failed);
        QCOMPARE(session.entries().at(3).error->kind, ApiError::Kind::CutOff);

        // The next message carries the loaded history; the interrupted answer is left out.
        QSignalSpy completed(&session, &ChatSession::requestCompleted);
        QVERIFY(session.send(QStringLiteral("and now?")));
        QVERIFY(!session.load({})); // busy
        QVERIFY(completed.wait(kWaitMs));
        QCOMPARE(session.entries().size(), 6);
        QCOMPARE(session.entries().at(5).text,
                 demoAnswer({user("saved question"), assistant("saved answer"),
                             user("saved question"), user("and now?")}));
    }

    void twoSessionsShareOneClient()
    {
        DemoServer server(*DemoConfig::fromProfile(QStringLiteral("instant")));
        QVERIFY(server.listen());
        ChatClient client;
        ChatSession first(&client);
        ChatSession second(&client);
        useDemo(first, server, "none", "ttft=20,itl=3");
        useDemo(second, server, "none", "ttft=20,itl=3");
        QString firstShown;
        QString secondShown;
        connect(&first, &ChatSession::entryAppended, this,
                [&](int, const QString& content) { firstShown += content; });
        connect(&second, &ChatSession::entryAppended, this,
                [&](int, const QString& content) { secondShown += content; });
        QSignalSpy firstCompleted(&first, &ChatSession::requestCompleted);
        QSignalSpy secondCompleted(&second, &ChatSession::requestCompleted);

        QVERIFY(first.send(QStringLiteral("alpha")));
        QVERIFY(second.send(QStringLiteral("beta")));
        QVERIFY(first.isBusy() && second.isBusy()); // both streaming at once
        QVERIFY(QTest::qWaitFor([&] { return !first.isBusy() && !second.isBusy(); }, kWaitMs));

        const QString alpha = demoAnswer({user("alpha")});
        const QString beta = demoAnswer({user("beta")});
        QVERIFY(alpha != beta);
        QCOMPARE(first.entries().at(1).text, alpha);
        QCOMPARE(second.entries().at(1).text, beta);
        QCOMPARE(firstShown, alpha);
        QCOMPARE(secondShown, beta);
        QCOMPARE(firstCompleted.size(), 1);
        QCOMPARE(secondCompleted.size(), 1);
        QCOMPARE(firstCompleted.at(0).at(2).toString(), first.entries().at(1).requestUid);
        QCOMPARE(secondCompleted.at(0).at(2).toString(), second.entries().at(1).requestUid);
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

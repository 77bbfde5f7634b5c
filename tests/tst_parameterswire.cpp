// A conversation's request parameters on the wire: a loopback server records each request body,
// which must carry exactly the parameters set (unset ones are not sent at all), the system
// prompt as the first message, and a change from the next request on.
#include "HostileServer.h"
#include "ResponsePlan.h"
#include "chat/ChatSession.h"
#include "net/ChatClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace adminchat;

namespace {

QByteArray streamAnswer(const QByteArray& finishReason)
{
    const QByteArray body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ok\"}}]}\n\n"
                            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" +
                            finishReason + "\"}]}\n\ndata: [DONE]\n\n";
    return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// Fields every streamed request has, whatever the parameters.
const QStringList fixedKeys{"messages", "model", "stream", "stream_options"};

QStringList sorted(QStringList keys)
{
    keys.sort();
    return keys;
}

constexpr int kWaitMs = 20000;

} // namespace

class TestParametersWire : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void everySetParameterIsSent();
    void unsetParametersAreNotSent();
    void changesApplyFromTheNextRequest();
    void cutAnswerIsMarked();

private:
    QJsonObject sendAndRecord(const QString& text);

    std::unique_ptr<HostileServer> m_server;
    std::unique_ptr<ChatClient> m_client;
    std::unique_ptr<ChatSession> m_session;
    ResponsePlan m_plan;
};

void TestParametersWire::init()
{
    m_plan = ResponsePlan();
    m_plan.setFallback(HostileResponse().write(streamAnswer("stop")).keepAlive());
    m_server = std::make_unique<HostileServer>(m_plan);
    QVERIFY(m_server->isListening());
    m_client = std::make_unique<ChatClient>();
    m_session = std::make_unique<ChatSession>(m_client.get());
    EndpointConfig endpoint;
    endpoint.baseUrl = m_server->baseUrl();
    m_session->setEndpoint(endpoint);
    m_session->setModel(QStringLiteral("scripted"));
}

QJsonObject TestParametersWire::sendAndRecord(const QString& text)
{
    QSignalSpy completed(m_session.get(), &ChatSession::requestCompleted);
    const qsizetype before = m_server->bodies().size();
    if (!m_session->send(text) || !completed.wait(kWaitMs) ||
        m_server->bodies().size() != before + 1)
        return {};
    return QJsonDocument::fromJson(m_server->bodies().last()).object();
}

void TestParametersWire::everySetParameterIsSent()
{
    RequestParameters p;
    p.system = QStringLiteral("Answer in one word.");
    p.temperature = 0.3;
    p.topP = 0.95;
    p.maxTokens = 256;
    p.stop = {QStringLiteral("\n\n"), QStringLiteral("END")};
    p.seed = 1234567890123LL;
    p.reasoningEffort = QStringLiteral("minimal");
    m_session->setParameters(QStringLiteral("Terse"), p);

    const QJsonObject body = sendAndRecord(QStringLiteral("Colour of the sky?"));
    QCOMPARE(sorted(body.keys()),
             sorted(fixedKeys + QStringList{"temperature", "top_p", "max_tokens", "stop", "seed",
                                            "reasoning_effort"}));
    QCOMPARE(body.value("temperature").toDouble(), 0.3);
    QCOMPARE(body.value("top_p").toDouble(), 0.95);
    QCOMPARE(body.value("max_tokens").toInt(), 256);
    QCOMPARE(body.value("stop").toArray(), (QJsonArray{"\n\n", "END"}));
    QCOMPARE(body.value("seed").toInteger(), 1234567890123LL);
    QCOMPARE(body.value("reasoning_effort").toString(), QStringLiteral("minimal"));
    const QJsonArray messages = body.value("messages").toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).toObject().value("role").toString(), QStringLiteral("system"));
    QCOMPARE(messages.at(0).toObject().value("content").toString(), p.system);
}

void TestParametersWire::unsetParametersAreNotSent()
{
    QCOMPARE(sorted(sendAndRecord(QStringLiteral("none set")).keys()), sorted(fixedKeys));

    RequestParameters onlyTopP;
    onlyTopP.topP = 0.5;
    m_session->setParameters({}, onlyTopP);
    const QJsonObject body = sendAndRecord(QStringLiteral("top_p only"));
    QCOMPARE(sorted(body.keys()), sorted(fixedKeys + QStringList{"top_p"}));
    // No system prompt set: no system message either.
    for (const QJsonValue message : body.value("messages").toArray())
        QVERIFY(message.toObject().value("role").toString() != QLatin1String("system"));
}

void TestParametersWire::changesApplyFromTheNextRequest()
{
    RequestParameters first;
    first.temperature = 1.5;
    first.seed = 7;
    m_session->setParameters({}, first);
    const QJsonObject one = sendAndRecord(QStringLiteral("one"));
    QCOMPARE(sorted(one.keys()), sorted(fixedKeys + QStringList{"seed", "temperature"}));

    RequestParameters second;
    second.maxTokens = 9;
    m_session->setParameters(QStringLiteral("Short"), second);
    const QJsonObject two = sendAndRecord(QStringLiteral("two"));
    QCOMPARE(sorted(two.keys()), sorted(fixedKeys + QStringList{"max_tokens"}));
    QCOMPARE(two.value("max_tokens").toInt(), 9);
    QCOMPARE(m_session->presetName(), QStringLiteral("Short"));
}

void TestParametersWire::cutAnswerIsMarked()
{
    m_plan.append(HostileResponse().write(streamAnswer("length")).keepAlive());
    RequestParameters p;
    p.maxTokens = 1;
    m_session->setParameters({}, p);
    QVERIFY(!sendAndRecord(QStringLiteral("long story please")).isEmpty());
    const ChatEntry& answer = m_session->entries().last();
    QCOMPARE(answer.finishReason, QStringLiteral("length"));
    QCOMPARE(answer.state, ChatEntry::State::Done);
    QVERIFY(sendAndRecord(QStringLiteral("again")).contains("max_tokens"));
    QCOMPARE(m_session->entries().last().finishReason, QStringLiteral("stop"));
}

QTEST_MAIN(TestParametersWire)
#include "tst_parameterswire.moc"

// A conversation's parameters and its answers' figures through the real parts: a ChatSession
// answered by the demo endpoint over loopback, saved by a SessionRecorder into a real SQLite
// file, read back by a second ConversationStore as a reopened window would; the exports and
// the chat entries made from what was read; and a database of the previous schema (6), which
// opens with its data unchanged and its answers' figures filled from the metrics rows it kept.
#include "chat/ChatSession.h"
#include "chat/SessionRecorder.h"
#include "demo/DemoServer.h"
#include "metrics/RequestMetrics.h"
#include "net/ChatClient.h"
#include "store/ConversationExporter.h"
#include "store/ConversationStore.h"
#include "store/DatabaseSchema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace adminchat;

namespace {

constexpr int kWaitMs = 20000;

// Runs statements on the file through a connection of its own, closed before returning.
bool runSql(const QString& path, const QStringList& statements)
{
    const QString name = QStringLiteral("tst_conversationparameters.raw");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        for (const QString& sql : statements) {
            QSqlQuery query(db);
            if (ok && !query.exec(sql)) {
                qWarning() << query.lastError().text() << sql;
                ok = false;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

class TestConversationParameters : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void reopenedKeepsParametersAndFigures();
    void exportsShowParametersAndFigures();
    void parametersChangedLater();
    void migratesFromSchemaSix();

private:
    // One exchange with the demo endpoint, saved as the window and `ask` save it.
    void converse(const RequestParameters& parameters, const QString& preset);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::unique_ptr<DemoServer> m_demo;
    QString m_id;
    std::optional<RequestMetrics> m_metrics; // as the session measured the answer
};

void TestConversationParameters::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("adminchat.db"));
    m_demo = std::make_unique<DemoServer>(*DemoConfig::fromProfile(QStringLiteral("instant")));
    QVERIFY(m_demo->listen());
    m_id.clear();
    m_metrics.reset();
}

void TestConversationParameters::converse(const RequestParameters& parameters,
                                          const QString& preset)
{
    ConversationStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    ChatClient client;
    ChatSession session(&client);
    EndpointConfig endpoint;
    endpoint.baseUrl = m_demo->baseUrl();
    using Header = std::pair<QByteArray, QByteArray>;
    endpoint.extraHeaders.append(Header("X-Demo-Fault", "none"));
    // Real, small delays: every figure has a value.
    endpoint.extraHeaders.append(Header("X-Demo-Latency", "ttft=30,itl=3"));
    session.setEndpoint(endpoint);
    session.setModel(QStringLiteral("demo-chat"));
    session.setProfileName(QStringLiteral("Demo"));
    session.setParameters(preset, parameters);
    session.setExperiment(QStringLiteral("tone"), QStringLiteral("B"));
    session.setSteeringProvider([](const ChatSession& s, const QString&) {
        RequestSteering steering;
        steering.experiment = s.experiment();
        steering.variant = s.variant();
        return std::optional<RequestSteering>(steering);
    });
    SessionRecorder recorder(&session);
    connect(&recorder, &SessionRecorder::conversationCreated, this,
            [&store](const ConversationRecord& c) {
                ConversationRecord record = c;
                QVERIFY(store.create(record));
            });
    connect(&recorder, &SessionRecorder::messageSaved, this,
            [&store](const MessageRecord& m) { QVERIFY(store.saveMessage(m)); });
    connect(&session, &ChatSession::requestCompleted, this,
            [this](const RequestTrace&, const RequestMetrics& metrics) { m_metrics = metrics; });
    QSignalSpy completed(&session, &ChatSession::requestCompleted);
    QVERIFY(session.send(QStringLiteral("Tell me a long story about the sea")));
    QVERIFY(completed.wait(kWaitMs));
    recorder.flush();
    m_id = session.conversationId();
}

void TestConversationParameters::reopenedKeepsParametersAndFigures()
{
    RequestParameters parameters;
    parameters.system = QStringLiteral("You are a sailor.");
    parameters.temperature = 0.4;
    parameters.maxTokens = 3; // the demo's answers are longer: cut
    parameters.seed = 11;
    converse(parameters, QStringLiteral("Short"));
    QVERIFY(m_metrics && m_metrics->ttftMs && m_metrics->e2eMs && m_metrics->tokensPerSecond);

    // A second store on the file: what a window opened later reads.
    ConversationStore reopened(m_path);
    QVERIFY(reopened.open());
    const std::optional<ConversationRecord> conversation = reopened.conversation(m_id);
    QVERIFY(conversation);
    QCOMPARE(conversation->preset, QStringLiteral("Short"));
    QCOMPARE(conversation->parameters, parameters);
    const QList<MessageRecord> messages = reopened.messages(m_id);
    QCOMPARE(messages.size(), 2);
    const MessageRecord& answer = messages.at(1);
    QCOMPARE(answer.ttftMs, m_metrics->ttftMs);
    QCOMPARE(answer.tokensPerSecond, m_metrics->tokensPerSecond);
    QCOMPARE(answer.e2eMs, m_metrics->e2eMs);
    QCOMPARE(answer.category, std::optional<LatencyCategory>(m_metrics->category));
    QCOMPARE(answer.variant, QStringLiteral("B"));
    QCOMPARE(answer.finishReason, QStringLiteral("length"));
    QVERIFY(answer.cutAtMaxTokens());
    QVERIFY(!messages.at(0).ttftMs && messages.at(0).finishReason.isEmpty());

    // The entry the view is given carries the same figures.
    const ChatEntry entry = SessionRecorder::toChatEntry(answer);
    QVERIFY(entry.metrics);
    QCOMPARE(entry.metrics->ttftMs, m_metrics->ttftMs);
    QCOMPARE(entry.metrics->tokensPerSecond, m_metrics->tokensPerSecond);
    QCOMPARE(entry.metrics->e2eMs, m_metrics->e2eMs);
    QCOMPARE(entry.metrics->category, m_metrics->category);
    QCOMPARE(entry.finishReason, QStringLiteral("length"));
    // And saved again from the entry, nothing is lost.
    QCOMPARE(SessionRecorder::toMessageRecord(entry, m_id, 1), answer);
}

void TestConversationParameters::exportsShowParametersAndFigures()
{
    RequestParameters parameters;
    parameters.temperature = 0.7;
    parameters.maxTokens = 4;
    parameters.stop = {QStringLiteral("THE END")};
    parameters.system = QStringLiteral("Speak like a pirate.");
    converse(parameters, QStringLiteral("Precise"));
    ConversationStore store(m_path);
    QVERIFY(store.open());
    const ConversationRecord conversation = *store.conversation(m_id);
    const QList<MessageRecord> messages = store.messages(m_id);

    const QString markdown = ConversationExporter::toMarkdown(conversation, messages);
    QVERIFY2(markdown.contains(
                 QStringLiteral("Parameters: temp 0.7 · max 4 · stop 1 · system prompt · preset "
                                "Precise")),
             qPrintable(markdown));
    QVERIFY(markdown.contains(QStringLiteral("Speak like a pirate.")));
    QVERIFY(markdown.contains(QStringLiteral("*(cut at max tokens)*")));
    const QString figures = ConversationExporter::figuresLine(messages.at(1));
    QVERIFY(figures.startsWith(QStringLiteral("TTFT ")));
    QVERIFY(figures.contains(categoryName(m_metrics->category)));
    QVERIFY(figures.endsWith(QStringLiteral("variant B")));
    QVERIFY(markdown.contains(QLatin1Char('*') + figures + QLatin1Char('*')));

    const QJsonObject json =
        QJsonDocument::fromJson(ConversationExporter::toJson(conversation, messages)).object();
    QCOMPARE(json.value("preset").toString(), QStringLiteral("Precise"));
    QCOMPARE(json.value("parameters").toObject(), parameters.toJson());
    const QJsonObject answer = json.value("messages").toArray().at(1).toObject();
    QCOMPARE(answer.value("finish_reason").toString(), QStringLiteral("length"));
    QVERIFY(answer.value("cut_at_max_tokens").toBool());
    QCOMPARE(answer.value("variant").toString(), QStringLiteral("B"));
    const QJsonObject numbers = answer.value("figures").toObject();
    // To the microsecond (0.001), as `ask --json` prints them.
    auto rounded = [](double value) {
        return std::round(value * 1000.0) / 1000.0;
    };
    QCOMPARE(numbers.value("ttft_ms").toDouble(), rounded(*m_metrics->ttftMs));
    QCOMPARE(numbers.value("e2e_ms").toDouble(), rounded(*m_metrics->e2eMs));
    QCOMPARE(numbers.value("tokens_per_s").toDouble(), rounded(*m_metrics->tokensPerSecond));
    QCOMPARE(numbers.value("category").toString(), categoryName(m_metrics->category));
}

void TestConversationParameters::parametersChangedLater()
{
    converse({}, {});
    ConversationStore store(m_path);
    QVERIFY(store.open());
    QVERIFY(store.conversation(m_id)->parameters.isEmpty());
    RequestParameters later;
    later.topP = 0.5;
    later.reasoningEffort = QStringLiteral("high");
    QVERIFY(store.setParameters(m_id, QStringLiteral("Deep"), later));
    ConversationStore again(m_path);
    QVERIFY(again.open());
    QCOMPARE(again.conversation(m_id)->parameters, later);
    QCOMPARE(again.conversation(m_id)->preset, QStringLiteral("Deep"));
    // An answer that ended normally is not marked.
    QCOMPARE(again.messages(m_id).at(1).finishReason, QStringLiteral("stop"));
    QVERIFY(!ConversationExporter::toMarkdown(*again.conversation(m_id), again.messages(m_id))
                 .contains(QStringLiteral("cut at max tokens")));
    QString error;
    QVERIFY(!again.setParameters(QStringLiteral("ffffffffffffffff"), {}, later, &error));
    QVERIFY2(error.contains(QStringLiteral("no conversation")), qPrintable(error));
}

void TestConversationParameters::migratesFromSchemaSix()
{
    // The previous schema is the shipped steps before this one, run as they were.
    QCOMPARE(DatabaseSchema::version, 8);
    QStringList statements;
    for (int step = 0; step < 6; ++step)
        statements += DatabaseSchema::steps().at(step);
    statements << QStringLiteral("PRAGMA user_version = 6")
               << QStringLiteral(
                      "INSERT INTO conversations (id, title, created_ms, updated_ms, profile, "
                      "model) VALUES ('0123456789ab0001', 'Old talk', 1714996800000, "
                      "1714996860000, 'Work', 'm1')")
               << QStringLiteral("INSERT INTO messages (conversation_id, seq, role, content, "
                                 "created_ms) VALUES ('0123456789ab0001', 0, 'user', 'Hi', "
                                 "1714996800000)")
               << QStringLiteral("INSERT INTO messages (conversation_id, seq, role, content, "
                                 "created_ms, request_uid, variant) VALUES ('0123456789ab0001', "
                                 "1, 'assistant', 'Hello', 1714996801000, 'uid-kept', 'A')")
               << QStringLiteral("INSERT INTO messages (conversation_id, seq, role, content, "
                                 "created_ms) VALUES ('0123456789ab0001', 2, 'user', 'More', "
                                 "1714996850000)")
               << QStringLiteral("INSERT INTO messages (conversation_id, seq, role, content, "
                                 "created_ms, request_uid) VALUES ('0123456789ab0001', 3, "
                                 "'assistant', 'Cut', 1714996851000, 'uid-pruned')")
               << QStringLiteral(
                      "INSERT INTO requests (started_ms, model, status, ttft_ms, e2e_ms, "
                      "tokens_per_s, category, request_uid) VALUES (1714996800500, 'm1', "
                      "'length', 412.5, 2100, 35.25, 'good', 'uid-kept')");
    QVERIFY(runSql(m_path, statements));

    ConversationStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    const std::optional<ConversationRecord> c =
        store.conversation(QStringLiteral("0123456789ab0001"));
    QVERIFY(c);
    QCOMPARE(c->title, QStringLiteral("Old talk"));
    QCOMPARE(c->profile, QStringLiteral("Work"));
    QCOMPARE(c->model, QStringLiteral("m1"));
    QCOMPARE(c->createdUtc.toMSecsSinceEpoch(), 1714996800000);
    QCOMPARE(c->updatedUtc.toMSecsSinceEpoch(), 1714996860000);
    QVERIFY(c->preset.isEmpty() && c->parameters.isEmpty());
    const QList<MessageRecord> messages = store.messages(c->id);
    QCOMPARE(messages.size(), 4);
    QCOMPARE(messages.at(0).content, QStringLiteral("Hi"));
    QCOMPARE(messages.at(1).content, QStringLiteral("Hello"));
    QCOMPARE(messages.at(1).variant, QStringLiteral("A"));
    // Its request row was still there: the figures come from it.
    QCOMPARE(messages.at(1).ttftMs, std::optional<double>(412.5));
    QCOMPARE(messages.at(1).e2eMs, std::optional<double>(2100));
    QCOMPARE(messages.at(1).tokensPerSecond, std::optional<double>(35.25));
    QCOMPARE(messages.at(1).category, std::optional<LatencyCategory>(LatencyCategory::Good));
    QVERIFY(messages.at(1).cutAtMaxTokens());
    // Its row was pruned: no figures, nothing invented.
    QCOMPARE(messages.at(3).content, QStringLiteral("Cut"));
    QVERIFY(!messages.at(3).ttftMs && !messages.at(3).category);
    QVERIFY(messages.at(3).finishReason.isEmpty());
    QVERIFY(!messages.at(0).ttftMs && messages.at(0).finishReason.isEmpty());
}

QTEST_MAIN(TestConversationParameters)
#include "tst_conversationparameters.moc"

// A conversation as Markdown and as JSON: every kind of message, parsed back where it can be.
#include "store/ConversationExporter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace adminchat;

namespace {

ConversationRecord conversation()
{
    ConversationRecord c;
    c.id = QStringLiteral("018f2a3b4c5d9e0f");
    c.title = QStringLiteral("Sorting in C++");
    c.createdUtc = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9, 250), Qt::UTC);
    c.updatedUtc = QDateTime(QDate(2024, 5, 6), QTime(7, 9, 0), Qt::UTC);
    c.profile = QStringLiteral("local");
    c.model = QStringLiteral("demo-model");
    return c;
}

QList<MessageRecord> messages()
{
    MessageRecord question;
    question.conversationId = QStringLiteral("018f2a3b4c5d9e0f");
    question.seq = 0;
    question.role = MessageRole::User;
    question.content = QStringLiteral("How do I sort?\n\n```cpp\nstd::vector<int> v;\n```");
    question.createdUtc = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 10), Qt::UTC);
    question.status = MessageStatus::Done;

    MessageRecord answer = question;
    answer.seq = 1;
    answer.role = MessageRole::Assistant;
    answer.content = QStringLiteral("Use `std::sort`.");
    answer.reasoning = QStringLiteral("The user wants the standard algorithm.");
    answer.toolCallsJson =
        QStringLiteral(R"([{"id":"call_1","name":"search","arguments":"{\"q\":\"sort\"}"}])");
    answer.model = QStringLiteral("demo-model");
    answer.endpoint = QStringLiteral("http://127.0.0.1:8000/v1");
    answer.requestUid = QStringLiteral("req-42");
    answer.rating = 1;

    MessageRecord failed = answer;
    failed.seq = 2;
    failed.content = QStringLiteral("Half an ans");
    failed.reasoning.clear();
    failed.toolCallsJson.clear();
    failed.status = MessageStatus::Failed;
    failed.error = QStringLiteral("no data for 30 s");
    failed.errorKind = ApiError::Kind::IdleTimeout;
    failed.requestUid.clear();
    failed.rating = -1;

    MessageRecord cancelled = failed;
    cancelled.seq = 3;
    cancelled.status = MessageStatus::Cancelled;
    cancelled.error.clear();
    cancelled.errorKind.reset();
    cancelled.rating.reset();
    return {question, answer, failed, cancelled};
}

} // namespace

class TestConversationExporter : public QObject
{
    Q_OBJECT
private slots:
    void markdown();
    void markdownOfUntitledEmptyConversation();
    void json();
    void jsonKeepsInvalidToolCallsAsText();
};

void TestConversationExporter::markdown()
{
    const QString md = ConversationExporter::toMarkdown(conversation(), messages());
    QVERIFY2(md.startsWith(QLatin1String("# Sorting in C++\n")), qPrintable(md));
    const QString meta = md.section(QLatin1Char('\n'), 2, 2);
    QVERIFY2(meta.contains(QLatin1String("018f2a3b4c5d9e0f")), qPrintable(meta));
    QVERIFY(meta.contains(QLatin1String("created 2024-05-06T07:08:09Z")));
    QVERIFY(meta.contains(QLatin1String("updated 2024-05-06T07:09:00Z")));
    QVERIFY(meta.contains(QLatin1String("profile local")));
    QVERIFY(meta.contains(QLatin1String("model demo-model")));

    QVERIFY(md.contains(
        QLatin1String("\n## User\n\nHow do I sort?\n\n```cpp\nstd::vector<int> v;\n```\n")));
    QCOMPARE(md.count(QStringLiteral("\n## Assistant · demo-model\n")), 3);
    QVERIFY(md.contains(QLatin1String("<details><summary>Reasoning</summary>\n\nThe user wants the "
                                      "standard algorithm.\n\n</details>")));
    QVERIFY(md.contains(QLatin1String("Use `std::sort`.")));
    QVERIFY(md.contains(QLatin1String("```json\n[\n    {\n")));
    QVERIFY(md.contains(QLatin1String("\"name\": \"search\"")));
    QVERIFY(md.contains(QLatin1String("Half an ans\n\n*(partial answer)*\n")));
    QVERIFY(md.contains(QLatin1String("> **Error (idle_timeout):** no data for 30 s")));
    QVERIFY(md.contains(QLatin1String("*(cancelled; partial answer)*")));
    QCOMPARE(md.count(QStringLiteral("\nRated: good answer\n")), 1);
    QCOMPARE(md.count(QStringLiteral("\nRated: bad answer\n")), 1);
    QVERIFY(!md.contains(QStringLiteral("👍"))); // words, readable without an emoji font
    // Reasoning comes before the answer it led to; sections in message order.
    QVERIFY(md.indexOf(QLatin1String("Reasoning")) < md.indexOf(QLatin1String("Use `std::sort`")));
    QVERIFY(md.indexOf(QLatin1String("How do I sort")) < md.indexOf(QLatin1String("Half an ans")));
    QVERIFY(!md.contains(QLatin1String("req-42"))); // a link for tools, not for readers
}

void TestConversationExporter::markdownOfUntitledEmptyConversation()
{
    ConversationRecord c = conversation();
    c.title.clear();
    c.profile.clear();
    const QString md = ConversationExporter::toMarkdown(c, {});
    QVERIFY(md.startsWith(QLatin1String("# Untitled conversation\n")));
    QVERIFY(!md.contains(QLatin1String("profile")));
    QVERIFY(!md.contains(QLatin1String("## ")));
}

void TestConversationExporter::json()
{
    const QByteArray bytes = ConversationExporter::toJson(conversation(), messages());
    QVERIFY(bytes.contains("\n    \"id\"")); // indented
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    QVERIFY2(document.isObject(), qPrintable(parseError.errorString()));
    const QJsonObject root = document.object();
    QCOMPARE(root.value("id").toString(), QStringLiteral("018f2a3b4c5d9e0f"));
    QCOMPARE(root.value("title").toString(), QStringLiteral("Sorting in C++"));
    QCOMPARE(root.value("created").toString(), QStringLiteral("2024-05-06T07:08:09.250Z"));
    QCOMPARE(root.value("updated").toString(), QStringLiteral("2024-05-06T07:09:00.000Z"));
    QCOMPARE(root.value("profile").toString(), QStringLiteral("local"));
    QCOMPARE(root.value("model").toString(), QStringLiteral("demo-model"));
    QVERIFY(root.contains("variant"));

    const QJsonArray list = root.value("messages").toArray();
    QCOMPARE(list.size(), 4);
    const QJsonObject question = list[0].toObject();
    QCOMPARE(question.value("seq").toInt(), 0);
    QCOMPARE(question.value("role").toString(), QStringLiteral("user"));
    QCOMPARE(question.value("content").toString(), messages()[0].content);
    QCOMPARE(question.value("status").toString(), QStringLiteral("done"));
    QCOMPARE(question.value("created").toString(), QStringLiteral("2024-05-06T07:08:10.000Z"));
    for (const char* absent :
         {"reasoning", "tool_calls", "error", "error_kind", "request_uid", "rating"})
        QVERIFY2(!question.contains(QLatin1String(absent)), absent);

    const QJsonObject answer = list[1].toObject();
    QCOMPARE(answer.value("reasoning").toString(), messages()[1].reasoning);
    const QJsonArray calls = answer.value("tool_calls").toArray();
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls[0].toObject().value("name").toString(), QStringLiteral("search"));
    QCOMPARE(answer.value("model").toString(), QStringLiteral("demo-model"));
    QCOMPARE(answer.value("endpoint").toString(), QStringLiteral("http://127.0.0.1:8000/v1"));
    QCOMPARE(answer.value("request_uid").toString(), QStringLiteral("req-42"));
    QCOMPARE(answer.value("rating").toInt(), 1);

    const QJsonObject failed = list[2].toObject();
    QCOMPARE(failed.value("status").toString(), QStringLiteral("failed"));
    QCOMPARE(failed.value("error").toString(), QStringLiteral("no data for 30 s"));
    QCOMPARE(failed.value("error_kind").toString(), QStringLiteral("idle_timeout"));
    QCOMPARE(failed.value("rating").toInt(), -1);
    QCOMPARE(list[3].toObject().value("status").toString(), QStringLiteral("cancelled"));
}

void TestConversationExporter::jsonKeepsInvalidToolCallsAsText()
{
    QList<MessageRecord> list = messages();
    list[1].toolCallsJson = QStringLiteral("[{broken");
    const QJsonObject root =
        QJsonDocument::fromJson(ConversationExporter::toJson(conversation(), list)).object();
    QCOMPARE(root.value("messages").toArray()[1].toObject().value("tool_calls").toString(),
             QStringLiteral("[{broken"));
}

QTEST_GUILESS_MAIN(TestConversationExporter)
#include "tst_conversationexporter.moc"

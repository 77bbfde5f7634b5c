// SessionRecorder: the conversion between chat entries and stored messages, which writes a
// conversation's events turn into (throttled while streaming, at once on a state change), and
// the whole path into a real SQLite file while the demo endpoint streams over loopback.
#include "chat/ChatSession.h"
#include "chat/SessionRecorder.h"
#include "demo/DemoServer.h"
#include "demo/DemoTextGenerator.h"
#include "net/ChatClient.h"
#include "store/ConversationStore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

constexpr int kWaitMs = 20000;

// A prompt whose demo answer has at least `tokens` tokens, so a stream has many deltas.
QString longPrompt(int tokens)
{
    for (int i = 0;; ++i) {
        const QString prompt = QStringLiteral("tell me more %1").arg(i);
        const quint64 hash = DemoTextGenerator::promptHash(
            DemoConfig().seed, QStringLiteral("demo-chat"), {{QStringLiteral("user"), prompt}});
        if (DemoTextGenerator::answer(hash).size() >= tokens)
            return prompt;
    }
}

// A demo server, a client and a session talking to it.
struct DemoChat
{
    DemoChat()
    {
        if (!server.listen())
            qFatal("demo server: %s", qPrintable(server.errorString()));
        session.setModel(QStringLiteral("demo-chat"));
        setHeaders("none", "ttft=0,itl=0");
    }
    void setHeaders(const QByteArray& fault, const QByteArray& latency)
    {
        EndpointConfig endpoint;
        endpoint.baseUrl = server.baseUrl();
        endpoint.extraHeaders = {{"X-Demo-Fault", fault}, {"X-Demo-Latency", latency}};
        session.setEndpoint(endpoint);
    }
    bool exchange(const QString& text)
    {
        QSignalSpy completed(&session, &ChatSession::requestCompleted);
        return session.send(text) && completed.wait(kWaitMs);
    }

    DemoServer server{*DemoConfig::fromProfile(QStringLiteral("instant"))};
    ChatClient client;
    ChatSession session{&client};
};

// Applies the recorder's writes to a store, as the command line does.
void connectStore(SessionRecorder& recorder, ConversationStore& store, QStringList* errors)
{
    QObject::connect(&recorder, &SessionRecorder::conversationCreated,
                     [&store, errors](ConversationRecord conversation) {
                         QString error;
                         if (!store.create(conversation, &error))
                             errors->append(error);
                     });
    QObject::connect(&recorder, &SessionRecorder::messageSaved,
                     [&store, errors](const MessageRecord& message) {
                         QString error;
                         if (!store.saveMessage(message, &error))
                             errors->append(error);
                     });
    QObject::connect(&recorder, &SessionRecorder::messagesTruncated,
                     [&store, errors](const QString& id, int fromSeq) {
                         QString error;
                         if (!store.truncate(id, fromSeq, &error))
                             errors->append(error);
                     });
    QObject::connect(
        &recorder, &SessionRecorder::ratingChanged,
        [&store, errors](const QString& id, int seq, int rating) {
            QString error;
            if (!store.setRating(id, seq, rating ? std::optional(rating) : std::nullopt, &error))
                errors->append(error);
        });
}

MessageRecord savedAt(const QSignalSpy& spy, qsizetype i)
{
    return spy.at(i).at(0).value<MessageRecord>();
}

} // namespace

class TestSessionRecorder : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qRegisterMetaType<MessageRecord>();
        qRegisterMetaType<ConversationRecord>();
    }

    void convertsBothWays()
    {
        ChatEntry entry;
        entry.role = ChatEntry::Role::Assistant;
        entry.state = ChatEntry::State::Failed;
        entry.text = QStringLiteral("Partial **answer**");
        entry.reasoning = QStringLiteral("thinking");
        entry.toolCalls = {ToolCall{0, "call_1", "function", "lookup", "{\"q\":\"x\"}"},
                           ToolCall{1, "call_2", "function", "now", "{}"}};
        entry.model = QStringLiteral("demo-chat");
        entry.endpoint = QStringLiteral("http://127.0.0.1:8000/v1");
        entry.createdUtc = QDateTime::currentDateTimeUtc();
        entry.requestUid = QStringLiteral("6f1d2c3b-0000-4000-8000-000000000001");
        entry.error = ApiError{ApiError::Kind::IdleTimeout, QStringLiteral("no data\nfor 60 s")};
        entry.rating = -1;
        entry.experiment = QStringLiteral("prompt-test");
        entry.variant = QStringLiteral("B");

        const MessageRecord message = SessionRecorder::toMessageRecord(entry, "c1", 3);
        QCOMPARE(message.conversationId, QStringLiteral("c1"));
        QCOMPARE(message.seq, 3);
        QCOMPARE(message.role, MessageRole::Assistant);
        QCOMPARE(message.status, MessageStatus::Failed);
        QCOMPARE(message.error, QStringLiteral("no data for 60 s")); // one line
        QCOMPARE(message.errorKind, std::optional(ApiError::Kind::IdleTimeout));
        QCOMPARE(message.toolCallsJson,
                 QStringLiteral("[{\"arguments\":\"{\\\"q\\\":\\\"x\\\"}\",\"id\":\"call_1\","
                                "\"name\":\"lookup\"},{\"arguments\":\"{}\",\"id\":\"call_2\","
                                "\"name\":\"now\"}]"));

        const ChatEntry back = SessionRecorder::toChatEntry(message);
        QCOMPARE(back.role, entry.role);
        QCOMPARE(back.state, entry.state);
        QCOMPARE(back.text, entry.text);
        QCOMPARE(back.reasoning, entry.reasoning);
        QCOMPARE(back.toolCalls.size(), 2);
        QCOMPARE(back.toolCalls.at(1).name, QStringLiteral("now"));
        QCOMPARE(back.toolCalls.at(0).arguments, entry.toolCalls.at(0).arguments);
        QCOMPARE(back.model, entry.model);
        QCOMPARE(back.endpoint, entry.endpoint);
        QCOMPARE(back.createdUtc, entry.createdUtc);
        QCOMPARE(back.requestUid, entry.requestUid);
        QCOMPARE(back.error->kind, ApiError::Kind::IdleTimeout);
        QCOMPARE(back.error->message, QStringLiteral("no data for 60 s"));
        QCOMPARE(back.rating, std::optional<int>(-1));
        QCOMPARE(back.experiment, QStringLiteral("prompt-test"));
        QCOMPARE(back.variant, QStringLiteral("B"));

        ChatEntry user;
        user.text = QStringLiteral("hi");
        const MessageRecord userMessage = SessionRecorder::toMessageRecord(user, "c1", 0);
        QCOMPARE(userMessage.role, MessageRole::User);
        QCOMPARE(userMessage.status, MessageStatus::Done);
        QVERIFY(userMessage.toolCallsJson.isEmpty());
        QVERIFY(!userMessage.errorKind);
        QVERIFY(!SessionRecorder::toChatEntry(userMessage).error.has_value());
    }

    void statusAndKindNames()
    {
        const QStringList statuses{"pending", "streaming", "done", "failed", "cancelled"};
        for (const QString& status : statuses) {
            const auto state = messageStatusFromName(status);
            QVERIFY2(state, qPrintable(status));
            QCOMPARE(messageStatusName(*state), status);
        }
        QVERIFY(!messageStatusFromName(QStringLiteral("finished")));
        for (const QString role : {"user", "assistant", "system"})
            QCOMPARE(roleName(*roleFromName(role)), role);
        QVERIFY(!roleFromName(QStringLiteral("tool")));
        for (int k = int(ApiError::Kind::Http); k <= int(ApiError::Kind::Cancelled); ++k) {
            const auto kind = ApiError::Kind(k);
            QCOMPARE(ApiError::kindFromName(ApiError::kindName(kind)), std::optional(kind));
        }
        QVERIFY(!ApiError::kindFromName(QStringLiteral("unknown")));
        // A kind written by a newer version reads as none; the error text still comes back.
        MessageRecord message;
        message.role = MessageRole::Assistant;
        message.status = MessageStatus::Failed;
        message.error = QStringLiteral("quota exceeded");
        message.errorKind = ApiError::kindFromName(QStringLiteral("quota"));
        QCOMPARE(SessionRecorder::toChatEntry(message).error->message, message.error);
    }

    void createsConversationBeforeFirstMessage()
    {
        DemoChat chat;
        chat.session.setProfileName(QStringLiteral("Local demo"));
        SessionRecorder recorder(&chat.session);
        QStringList order;
        ConversationRecord created;
        connect(&recorder, &SessionRecorder::conversationCreated, this,
                [&](const ConversationRecord& c) {
                    created = c;
                    order << QStringLiteral("conversation");
                });
        connect(&recorder, &SessionRecorder::messageSaved, this, [&](const MessageRecord& m) {
            order << roleName(m.role) + QLatin1Char(':') + messageStatusName(m.status);
        });

        const QString text = QStringLiteral("How do I   tune\nvLLM for latency?");
        QVERIFY(chat.exchange(text));
        QCOMPARE(order.mid(0, 3), (QStringList{"conversation", "user:done", "assistant:pending"}));
        QCOMPARE(order.last(), QStringLiteral("assistant:done"));
        QCOMPARE(order.count(QStringLiteral("conversation")), 1);
        QCOMPARE(created.id.size(), 16);
        QCOMPARE(chat.session.conversationId(), created.id);
        QCOMPARE(created.title, ConversationStore::titleFrom(text));
        QCOMPARE(created.profile, QStringLiteral("Local demo"));
        QCOMPARE(created.model, QStringLiteral("demo-chat"));
        QVERIFY(created.createdUtc.isValid());
        QVERIFY(recorder.isConversationStored());

        // A conversation opened from the store is not created again.
        DemoChat reopened;
        reopened.session.setConversationId(created.id);
        SessionRecorder again(&reopened.session);
        again.setConversationStored(true);
        QSignalSpy createdAgain(&again, &SessionRecorder::conversationCreated);
        QSignalSpy saved(&again, &SessionRecorder::messageSaved);
        QVERIFY(reopened.session.load(chat.session.entries()));
        QVERIFY(reopened.exchange(QStringLiteral("next")));
        QCOMPARE(createdAgain.size(), 0);
        QCOMPARE(savedAt(saved, 0).seq, 2);
        QCOMPARE(savedAt(saved, 0).conversationId, created.id);
    }

    void streamingSavesAreThrottled()
    {
        DemoChat chat;
        chat.setHeaders("none", "ttft=0,itl=8");
        SessionRecorder recorder(&chat.session);
        QSignalSpy saved(&recorder, &SessionRecorder::messageSaved);
        QSignalSpy appended(&chat.session, &ChatSession::entryAppended);
        // A state change is written before anyone else hears of it.
        QStringList stateMismatches;
        connect(&chat.session, &ChatSession::entryStateChanged, this, [&](int index) {
            const MessageRecord last = savedAt(saved, saved.size() - 1);
            const MessageStatus status = chat.session.entries()[index].state;
            if (last.seq != index || last.status != status)
                stateMismatches << messageStatusName(status);
        });

        QVERIFY(chat.exchange(longPrompt(150)));
        QVERIFY(stateMismatches.isEmpty());
        const QString shown = chat.session.entries().at(1).text;
        QVERIFY(appended.size() >= 150);
        QList<MessageRecord> answerSaves;
        for (qsizetype i = 0; i < saved.size(); ++i) {
            if (savedAt(saved, i).seq == 1)
                answerSaves << savedAt(saved, i);
        }
        // pending, streaming, a few periodic saves, done: far fewer than the deltas.
        QVERIFY2(answerSaves.size() * 5 < appended.size(),
                 qPrintable(QStringLiteral("%1 saves for %2 deltas")
                                .arg(answerSaves.size())
                                .arg(appended.size())));
        QCOMPARE(answerSaves.last().status, MessageStatus::Done);
        QCOMPARE(answerSaves.last().content, shown);
        int partial = 0;
        for (const MessageRecord& save : answerSaves) {
            QVERIFY(shown.startsWith(save.content));
            if (save.status == MessageStatus::Streaming && !save.content.isEmpty())
                ++partial;
        }
        QVERIFY(partial >= 1); // the timer saved text while it streamed

        // Nothing is left to write after the end.
        const qsizetype before = saved.size();
        recorder.flush();
        QCOMPARE(saved.size(), before);
    }

    void flushWritesPendingText()
    {
        DemoChat chat;
        chat.setHeaders("none", "ttft=0,itl=30");
        SessionRecorder recorder(&chat.session);
        QSignalSpy saved(&recorder, &SessionRecorder::messageSaved);
        QSignalSpy appended(&chat.session, &ChatSession::entryAppended);
        QVERIFY(chat.session.send(longPrompt(60)));
        QVERIFY(appended.wait(kWaitMs));
        const qsizetype before = saved.size();
        recorder.flush();
        QCOMPARE(saved.size(), before + 1);
        const MessageRecord flushed = savedAt(saved, saved.size() - 1);
        QCOMPARE(flushed.status, MessageStatus::Streaming);
        QCOMPARE(flushed.content, chat.session.entries().at(1).text);
        recorder.flush(); // nothing new since
        QCOMPARE(saved.size(), before + 1);
        chat.session.stop();
        QVERIFY(QTest::qWaitFor([&] { return !chat.session.isBusy(); }, kWaitMs));
        QCOMPARE(savedAt(saved, saved.size() - 1).status, MessageStatus::Cancelled);
    }

    void truncationAndRating()
    {
        DemoChat chat;
        SessionRecorder recorder(&chat.session);
        QSignalSpy truncated(&recorder, &SessionRecorder::messagesTruncated);
        QSignalSpy rated(&recorder, &SessionRecorder::ratingChanged);
        QSignalSpy saved(&recorder, &SessionRecorder::messageSaved);
        QVERIFY(chat.exchange(QStringLiteral("one")));
        QVERIFY(chat.exchange(QStringLiteral("two")));
        const QString id = chat.session.conversationId();

        QVERIFY(chat.session.setRating(3, 1));
        QVERIFY(chat.session.setRating(3, std::nullopt));
        QCOMPARE(rated.size(), 2);
        QCOMPARE(rated.at(0), (QVariantList{id, 3, 1}));
        QCOMPARE(rated.at(1), (QVariantList{id, 3, 0}));

        saved.clear();
        QSignalSpy completed(&chat.session, &ChatSession::requestCompleted);
        QVERIFY(chat.session.editAndResend(2, QStringLiteral("two, edited")));
        QCOMPARE(truncated.size(), 1);
        QCOMPARE(truncated.at(0), (QVariantList{id, 2}));
        QCOMPARE(savedAt(saved, 0).seq, 2);
        QCOMPARE(savedAt(saved, 0).content, QStringLiteral("two, edited"));
        QVERIFY(completed.wait(kWaitMs));

        QVERIFY(chat.session.regenerate(1));
        QCOMPARE(truncated.at(1), (QVariantList{id, 1}));
        QVERIFY(completed.wait(kWaitMs));
        QCOMPARE(savedAt(saved, saved.size() - 1).seq, 1);
        QCOMPARE(savedAt(saved, saved.size() - 1).status, MessageStatus::Done);
    }

    void storeSeesPartialTextWhileStreaming()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("chat.sqlite"));
        ConversationStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        ConversationStore reader(path); // another connection, as another process would have
        QVERIFY2(reader.open(&error), qPrintable(error));

        DemoChat chat;
        chat.setHeaders("none", "ttft=100,itl=25");
        SessionRecorder recorder(&chat.session);
        QStringList errors;
        connectStore(recorder, store, &errors);
        QSignalSpy completed(&chat.session, &ChatSession::requestCompleted);
        QVERIFY(chat.session.send(longPrompt(80)));
        const QString id = chat.session.conversationId();
        QVERIFY(!id.isEmpty());

        std::optional<MessageRecord> partial;
        bool busyThen = false;
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QList<MessageRecord> messages = reader.messages(id);
                if (messages.size() == 2 && messages[1].status == MessageStatus::Streaming &&
                    !messages[1].content.isEmpty()) {
                    partial = messages[1];
                    busyThen = chat.session.isBusy();
                    return true;
                }
                return false;
            },
            kWaitMs));
        QVERIFY(busyThen); // seen while the answer was still arriving
        QVERIFY(completed.wait(kWaitMs));
        const ChatEntry& shown = chat.session.entries().at(1);
        QVERIFY(partial->content.size() < shown.text.size());
        QVERIFY(shown.text.startsWith(partial->content));

        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        const QList<MessageRecord> stored = reader.messages(id);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[0].content, chat.session.entries().at(0).text);
        QCOMPARE(stored[1].content, shown.text);
        QCOMPARE(stored[1].status, MessageStatus::Done);
        QCOMPARE(stored[1].requestUid, shown.requestUid);
        QCOMPARE(stored[1].endpoint, EndpointConfig::displayUrl(chat.server.baseUrl()));
        QCOMPARE(stored[1].model, QStringLiteral("demo-chat"));
        const auto conversation = reader.conversation(id);
        QVERIFY(conversation);
        QCOMPARE(conversation->title,
                 ConversationStore::titleFrom(chat.session.entries().at(0).text));
    }

    void failedAnswerIsStoredAndRetried()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("chat.sqlite"));
        ConversationStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));

        DemoChat chat;
        chat.setHeaders("cut-off", "ttft=20,itl=5");
        SessionRecorder recorder(&chat.session);
        QStringList errors;
        connectStore(recorder, store, &errors);
        QVERIFY(chat.exchange(QStringLiteral("will this be cut?")));
        const QString id = chat.session.conversationId();
        const ChatEntry& failed = chat.session.entries().at(1);
        QCOMPARE(failed.state, ChatEntry::State::Failed);
        QVERIFY(!failed.text.isEmpty());

        QList<MessageRecord> stored = store.messages(id);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[1].status, MessageStatus::Failed);
        QCOMPARE(stored[1].content, failed.text);
        QCOMPARE(stored[1].errorKind, std::optional(ApiError::Kind::CutOff));
        QCOMPARE(stored[1].error, failed.error->message);
        QVERIFY(!stored[1].error.isEmpty());

        // Reopened from the store, the failed answer is retried in place.
        DemoChat reopened;
        reopened.session.setConversationId(id);
        SessionRecorder again(&reopened.session);
        again.setConversationStored(true);
        connectStore(again, store, &errors);
        QList<ChatEntry> entries;
        for (const MessageRecord& message : std::as_const(stored))
            entries << SessionRecorder::toChatEntry(message);
        QVERIFY(reopened.session.load(entries));
        QCOMPARE(reopened.session.entries().at(1).state, ChatEntry::State::Failed);
        QCOMPARE(reopened.session.entries().at(1).error->kind, ApiError::Kind::CutOff);
        QSignalSpy completed(&reopened.session, &ChatSession::requestCompleted);
        QVERIFY(reopened.session.regenerate(1));
        QVERIFY(completed.wait(kWaitMs));
        QVERIFY(reopened.session.setRating(1, 1));

        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        stored = store.messages(id);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[1].status, MessageStatus::Done);
        QCOMPARE(stored[1].content, reopened.session.entries().at(1).text);
        QVERIFY(stored[1].error.isEmpty());
        QCOMPARE(stored[1].rating, std::optional<int>(1));
    }
};

QTEST_GUILESS_MAIN(TestSessionRecorder)
#include "tst_sessionrecorder.moc"

// ConversationStore on a real SQLite file: listing, search, title rules, deletion, ratings.
#include "store/ConversationStore.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace adminchat;

class TestConversationStore : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void newIdIsSortableHex();
    void titleFrom_data();
    void titleFrom();
    void createAndList();
    void experimentAndVariantRoundTrip();
    void titleRules();
    void renameToEmptyGivesAutomaticTitleBack();
    void search();
    void searchTakesWildcardsLiterally();
    void markDeletedRestoreAndPurge();
    void removeTakesMessagesAlong();
    void saveToUnknownConversationFails();
    void truncate();
    void rating();
    void resolveId();
    void latest();
    void survivesReopening();

private:
    ConversationRecord make(const QString& id = {}, const QString& title = {});
    MessageRecord message(const QString& id, int seq, const QString& role, const QString& content);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ConversationStore> m_store;
};

void TestConversationStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<ConversationStore>(m_dir->filePath(QStringLiteral("a.sqlite")));
    QString error;
    QVERIFY2(m_store->open(&error), qPrintable(error));
}

void TestConversationStore::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

ConversationRecord TestConversationStore::make(const QString& id, const QString& title)
{
    ConversationRecord c;
    c.id = id;
    c.title = title;
    c.profile = QStringLiteral("local");
    c.model = QStringLiteral("demo-model");
    QString error;
    if (!m_store->create(c, &error))
        qWarning("%s", qPrintable(error));
    return c;
}

MessageRecord TestConversationStore::message(const QString& id, int seq, const QString& role,
                                             const QString& content)
{
    MessageRecord m;
    m.conversationId = id;
    m.seq = seq;
    m.role = *roleFromName(role);
    m.content = content;
    m.status = MessageStatus::Done;
    m.createdUtc = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + seq, Qt::UTC);
    return m;
}

void TestConversationStore::newIdIsSortableHex()
{
    const QString first = ConversationStore::newId();
    QTest::qWait(2);
    const QString second = ConversationStore::newId();
    const QRegularExpression hex(QStringLiteral("^[0-9a-f]{16}$"));
    QVERIFY2(hex.match(first).hasMatch(), qPrintable(first));
    QVERIFY2(hex.match(second).hasMatch(), qPrintable(second));
    QVERIFY(first.left(12) < second.left(12));
    const qint64 ms = first.left(12).toLongLong(nullptr, 16);
    QVERIFY(qAbs(ms - QDateTime::currentMSecsSinceEpoch()) < 60'000);
}

void TestConversationStore::titleFrom_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("title");
    QTest::newRow("short") << "Hello there"
                           << "Hello there";
    QTest::newRow("first line") << "\n  Why is  the sky\tblue?\nSecond line"
                                << "Why is the sky blue?";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("long, cut at a word")
        << "Explain in detail how a transformer model computes attention over long documents"
        << QStringLiteral("Explain in detail how a transformer model computes…");
    QTest::newRow("one long word")
        << QString(80, QLatin1Char('x')) << QString(59, QLatin1Char('x')) + QChar(0x2026);
}

void TestConversationStore::titleFrom()
{
    QFETCH(QString, text);
    QFETCH(QString, title);
    const QString got = ConversationStore::titleFrom(text);
    QCOMPARE(got, title);
    QVERIFY(got.size() <= 60);
}

void TestConversationStore::createAndList()
{
    const ConversationRecord a = make();
    const ConversationRecord b = make();
    QCOMPARE(a.id.size(), 16);
    QVERIFY(a.createdUtc.isValid());
    QVERIFY(m_store->saveMessage(message(a.id, 0, QStringLiteral("user"), QStringLiteral("Hi"))));
    QTest::qWait(2); // updated_ms must differ for the order to be defined
    QVERIFY(m_store->saveMessage(message(b.id, 0, QStringLiteral("user"), QStringLiteral("Yo"))));
    QVERIFY(
        m_store->saveMessage(message(b.id, 1, QStringLiteral("assistant"), QStringLiteral("Hey"))));

    QString error;
    QList<ConversationRecord> list = m_store->conversations({}, -1, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].id, b.id);
    QCOMPARE(list[0].messageCount, 2);
    QCOMPARE(list[0].title, QStringLiteral("Yo"));
    QCOMPARE(list[0].model, QStringLiteral("demo-model"));
    QCOMPARE(list[1].id, a.id);
    QCOMPARE(list[1].messageCount, 1);
    QVERIFY(list[0].updatedUtc >= list[0].createdUtc);

    QTest::qWait(2);
    QVERIFY(
        m_store->saveMessage(message(a.id, 1, QStringLiteral("assistant"), QStringLiteral("!"))));
    list = m_store->conversations();
    QCOMPARE(list[0].id, a.id); // the latest save moves it up
    QCOMPARE(m_store->conversations({}, 1).size(), 1);

    const auto one = m_store->conversation(b.id);
    QVERIFY(one);
    QCOMPARE(one->messageCount, 2);
    QVERIFY(!m_store->conversation(QStringLiteral("ffffffffffffffff")));
}

void TestConversationStore::experimentAndVariantRoundTrip()
{
    ConversationRecord c;
    c.id = QStringLiteral("00000000000000ab");
    c.experiment = QStringLiteral("prompt-test");
    c.variant = QStringLiteral("B");
    QString error;
    QVERIFY2(m_store->create(c, &error), qPrintable(error));
    const auto stored = m_store->conversation(c.id, &error);
    QVERIFY2(stored, qPrintable(error));
    QCOMPARE(stored->experiment, QStringLiteral("prompt-test"));
    QCOMPARE(stored->variant, QStringLiteral("B"));
    const QList<ConversationRecord> listed = m_store->conversations();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.front().experiment, QStringLiteral("prompt-test"));
}

void TestConversationStore::titleRules()
{
    const ConversationRecord c = make();
    ConversationStore::SaveOutcome outcome;
    QString error;
    QVERIFY(m_store->saveMessage(
        message(c.id, 0, QStringLiteral("system"), QStringLiteral("Be brief")), &error, outcome));
    QVERIFY(outcome.firstMessage);
    QVERIFY(!outcome.titleChanged);
    QCOMPARE(m_store->conversation(c.id)->title, QString());

    QVERIFY(m_store->saveMessage(message(c.id, 1, QStringLiteral("user"), QStringLiteral("First")),
                                 &error, outcome));
    QVERIFY(!outcome.firstMessage);
    QVERIFY(outcome.titleChanged);
    QCOMPARE(m_store->conversation(c.id)->title, QStringLiteral("First"));

    // Streaming saves of the answer and later questions leave the title alone.
    QVERIFY(m_store->saveMessage(
        message(c.id, 2, QStringLiteral("assistant"), QStringLiteral("Answer")), &error, outcome));
    QVERIFY(!outcome.titleChanged);
    QVERIFY(m_store->saveMessage(message(c.id, 3, QStringLiteral("user"), QStringLiteral("Second")),
                                 &error, outcome));
    QVERIFY(!outcome.titleChanged);
    QCOMPARE(m_store->conversation(c.id)->title, QStringLiteral("First"));

    // Editing the first question (same seq) retitles it.
    QVERIFY(m_store->saveMessage(
        message(c.id, 1, QStringLiteral("user"), QStringLiteral("First, edited")), &error,
        outcome));
    QVERIFY(outcome.titleChanged);
    QCOMPARE(m_store->conversation(c.id)->title, QStringLiteral("First, edited"));

    // Once the user renamed it, nothing overrides the name.
    QVERIFY(m_store->rename(c.id, QStringLiteral("  My  name "), &error));
    auto renamed = m_store->conversation(c.id);
    QCOMPARE(renamed->title, QStringLiteral("My name"));
    QVERIFY(renamed->titleEdited);
    QVERIFY(m_store->saveMessage(message(c.id, 1, QStringLiteral("user"), QStringLiteral("Again")),
                                 &error, outcome));
    QVERIFY(!outcome.titleChanged);
    QCOMPARE(m_store->conversation(c.id)->title, QStringLiteral("My name"));

    QVERIFY(!m_store->rename(QStringLiteral("0000000000000000"), QStringLiteral("x"), &error));
    QVERIFY2(error.contains(QLatin1String("no conversation \"0000000000000000\"")),
             qPrintable(error));

    QVERIFY(m_store->setProfileAndModel(c.id, QStringLiteral("remote"), QStringLiteral("m2")));
    QCOMPARE(m_store->conversation(c.id)->profile, QStringLiteral("remote"));
    QCOMPARE(m_store->conversation(c.id)->model, QStringLiteral("m2"));
}

void TestConversationStore::renameToEmptyGivesAutomaticTitleBack()
{
    const ConversationRecord c = make();
    QVERIFY(m_store->saveMessage(message(c.id, 0, QStringLiteral("user"), QStringLiteral("Auto"))));
    QVERIFY(m_store->rename(c.id, QStringLiteral("Manual")));
    QString error;
    QVERIFY2(m_store->rename(c.id, QString(), &error), qPrintable(error));
    const auto back = m_store->conversation(c.id);
    QCOMPARE(back->title, QStringLiteral("Auto"));
    QVERIFY(!back->titleEdited);
}

void TestConversationStore::search()
{
    const ConversationRecord a = make({}, QStringLiteral("Kubernetes notes"));
    const ConversationRecord b = make();
    const ConversationRecord c = make();
    QVERIFY(m_store->saveMessage(message(a.id, 0, QStringLiteral("user"), QStringLiteral("pods"))));
    QVERIFY(m_store->rename(a.id, QStringLiteral("Kubernetes notes")));
    QTest::qWait(2); // b is updated after a, so the order below is defined
    QVERIFY(
        m_store->saveMessage(message(b.id, 0, QStringLiteral("user"), QStringLiteral("Hello"))));
    const QString long_ = QStringLiteral(
        "This is a long answer with several words before the match\nand then the KUBERNETES "
        "word appears, followed by a lot of further text that goes on and on and on.");
    QVERIFY(m_store->saveMessage(message(b.id, 1, QStringLiteral("assistant"), long_)));
    QVERIFY(
        m_store->saveMessage(message(c.id, 0, QStringLiteral("user"), QStringLiteral("Other"))));

    const QList<ConversationRecord> hits = m_store->conversations(QStringLiteral("kubernetes"));
    QCOMPARE(hits.size(), 2);
    QCOMPARE(hits[0].id, b.id);
    QCOMPARE(hits[1].id, a.id);
    QCOMPARE(hits[1].snippet, QString()); // matched by title only
    const QString snippet = hits[0].snippet;
    QVERIFY2(snippet.contains(QLatin1String("KUBERNETES")), qPrintable(snippet));
    QVERIFY(!snippet.contains(QLatin1Char('\n')));
    QVERIFY(snippet.startsWith(QChar(0x2026)));
    QVERIFY(snippet.endsWith(QChar(0x2026)));
    QVERIFY(snippet.size() < long_.size());

    QCOMPARE(m_store->conversations(QStringLiteral("hello")).size(), 1);
    QCOMPARE(m_store->conversations(QStringLiteral("kubernetes"), 1).size(), 1);
    QVERIFY(m_store->conversations(QStringLiteral("nowhere")).isEmpty());
}

void TestConversationStore::searchTakesWildcardsLiterally()
{
    const ConversationRecord a = make();
    const ConversationRecord b = make();
    QVERIFY(
        m_store->saveMessage(message(a.id, 0, QStringLiteral("user"), QStringLiteral("50% off"))));
    QVERIFY(
        m_store->saveMessage(message(b.id, 0, QStringLiteral("user"), QStringLiteral("a_b c\\d"))));
    QCOMPARE(m_store->conversations(QStringLiteral("%")).size(), 1);
    QCOMPARE(m_store->conversations(QStringLiteral("_")).size(), 1);
    QCOMPARE(m_store->conversations(QStringLiteral("c\\d")).size(), 1);
    QCOMPARE(m_store->conversations(QStringLiteral("0%")).first().id, a.id);
}

void TestConversationStore::markDeletedRestoreAndPurge()
{
    const ConversationRecord a = make();
    const ConversationRecord b = make();
    QVERIFY(m_store->saveMessage(message(a.id, 0, QStringLiteral("user"), QStringLiteral("A"))));
    QString error;
    QVERIFY2(m_store->markDeleted(a.id, &error), qPrintable(error));
    QCOMPARE(m_store->conversations().size(), 1);
    QCOMPARE(m_store->conversations().first().id, b.id);
    QVERIFY(m_store->resolveId(a.id).isEmpty());
    QVERIFY(m_store->conversation(a.id)); // still there until purged

    QVERIFY(m_store->restore(a.id, &error));
    QCOMPARE(m_store->conversations().size(), 2);

    QVERIFY(m_store->markDeleted(a.id));
    // Purging what was marked before an earlier time keeps it; before now+1 removes it.
    QVERIFY(m_store->purgeDeleted(QDateTime::currentDateTimeUtc().addSecs(-60), &error));
    QVERIFY(m_store->conversation(a.id));
    QVERIFY(m_store->purgeDeleted(QDateTime::currentDateTimeUtc().addSecs(1), &error));
    QVERIFY(!m_store->conversation(a.id));
    QVERIFY(m_store->messages(a.id).isEmpty());
    QVERIFY(m_store->conversation(b.id)); // never marked

    QVERIFY(!m_store->markDeleted(a.id, &error));
    QVERIFY(error.contains(QLatin1String("no conversation")));
}

void TestConversationStore::removeTakesMessagesAlong()
{
    const ConversationRecord a = make();
    for (int seq = 0; seq < 3; ++seq)
        QVERIFY(
            m_store->saveMessage(message(a.id, seq, QStringLiteral("user"), QStringLiteral("x"))));
    QCOMPARE(m_store->messages(a.id).size(), 3);
    QString error;
    QVERIFY2(m_store->remove(a.id, &error), qPrintable(error));
    QVERIFY(!m_store->conversation(a.id));
    QVERIFY(m_store->messages(a.id).isEmpty());
    // A conversation made again with the same id starts empty: no orphan rows were left.
    make(a.id);
    QVERIFY(m_store->messages(a.id).isEmpty());
    QVERIFY(m_store->remove(a.id));
    QVERIFY(!m_store->remove(a.id, &error));
    QVERIFY2(error.contains(QLatin1String("no conversation")), qPrintable(error));
}

void TestConversationStore::saveToUnknownConversationFails()
{
    QString error;
    QVERIFY(!m_store->saveMessage(
        message(QStringLiteral("0123456789abcdef"), 0, QStringLiteral("user"), QStringLiteral("x")),
        &error));
    QVERIFY2(error.contains(QLatin1String("no conversation \"0123456789abcdef\"")),
             qPrintable(error));
    QVERIFY(m_store->conversations().isEmpty());
    // The failed save left no transaction open: the next write works.
    const ConversationRecord c = make();
    QVERIFY(m_store->saveMessage(message(c.id, 0, QStringLiteral("user"), QStringLiteral("x"))));
}

void TestConversationStore::truncate()
{
    const ConversationRecord c = make();
    for (int seq = 0; seq < 4; ++seq)
        QVERIFY(m_store->saveMessage(
            message(c.id, seq, seq % 2 ? QStringLiteral("assistant") : QStringLiteral("user"),
                    QString::number(seq))));
    QString error;
    QVERIFY2(m_store->truncate(c.id, 2, &error), qPrintable(error));
    const QList<MessageRecord> kept = m_store->messages(c.id);
    QCOMPARE(kept.size(), 2);
    QCOMPARE(kept[0].seq, 0);
    QCOMPARE(kept[1].seq, 1);
    QCOMPARE(m_store->conversation(c.id)->messageCount, 2);
    QVERIFY(!m_store->truncate(QStringLiteral("nope"), 0, &error));
}

void TestConversationStore::rating()
{
    const ConversationRecord c = make();
    QVERIFY(m_store->saveMessage(message(c.id, 0, QStringLiteral("user"), QStringLiteral("q"))));
    QVERIFY(
        m_store->saveMessage(message(c.id, 1, QStringLiteral("assistant"), QStringLiteral("a"))));
    QString error;
    QVERIFY2(m_store->setRating(c.id, 1, 1, &error), qPrintable(error));
    QCOMPARE(m_store->messages(c.id)[1].rating, std::optional<int>(1));
    QVERIFY(m_store->setRating(c.id, 1, -1));
    QCOMPARE(m_store->messages(c.id)[1].rating, std::optional<int>(-1));
    QVERIFY(m_store->setRating(c.id, 1, std::nullopt));
    QCOMPARE(m_store->messages(c.id)[1].rating, std::optional<int>());
    QVERIFY(!m_store->setRating(c.id, 1, 2, &error));
    QVERIFY2(error.contains(QLatin1String("rating must be -1 or +1")), qPrintable(error));
    QVERIFY(!m_store->setRating(c.id, 7, 1, &error));
    QVERIFY2(error.contains(QLatin1String("no such message")), qPrintable(error));
}

void TestConversationStore::resolveId()
{
    make(QStringLiteral("0190aaaa00001111"));
    make(QStringLiteral("0190aaaa00002222"));
    make(QStringLiteral("0190bbbb00003333"));
    make(QStringLiteral("0190bbbb0000")); // also a prefix of the one above
    QString error;
    QCOMPARE(m_store->resolveId(QStringLiteral("0190aaaa00001111"), &error),
             QStringLiteral("0190aaaa00001111"));
    QCOMPARE(m_store->resolveId(QStringLiteral("0190aaaa00002"), &error),
             QStringLiteral("0190aaaa00002222"));
    QCOMPARE(m_store->resolveId(QStringLiteral("0190AAAA00002"), &error),
             QStringLiteral("0190aaaa00002222"));
    QCOMPARE(m_store->resolveId(QStringLiteral("0190bbbb0000"), &error),
             QStringLiteral("0190bbbb0000"));

    QVERIFY(m_store->resolveId(QStringLiteral("0190aaaa"), &error).isEmpty());
    QVERIFY2(error.contains(QLatin1String("\"0190aaaa\" matches 2 conversations")),
             qPrintable(error));
    QVERIFY(m_store->resolveId(QStringLiteral("0190"), &error).isEmpty());
    QVERIFY2(error.contains(QLatin1String("matches 4 conversations")), qPrintable(error));
    QVERIFY(m_store->resolveId(QStringLiteral("ffff"), &error).isEmpty());
    QCOMPARE(error, QStringLiteral("no conversation \"ffff\""));
    QVERIFY(m_store->resolveId(QStringLiteral("%"), &error).isEmpty());
    QCOMPARE(error, QStringLiteral("no conversation \"%\""));
    QVERIFY(m_store->resolveId(QString(), &error).isEmpty());
    QVERIFY(!error.isEmpty());
}

void TestConversationStore::latest()
{
    QVERIFY(!m_store->latest());
    const ConversationRecord a = make();
    QTest::qWait(2);
    const ConversationRecord b = make();
    QCOMPARE(m_store->latest()->id, b.id);
    QTest::qWait(2);
    QVERIFY(m_store->saveMessage(message(a.id, 0, QStringLiteral("user"), QStringLiteral("x"))));
    QCOMPARE(m_store->latest()->id, a.id);
    QVERIFY(m_store->markDeleted(a.id));
    QCOMPARE(m_store->latest()->id, b.id);
}

void TestConversationStore::survivesReopening()
{
    const ConversationRecord c = make({}, QStringLiteral("kept"));
    MessageRecord full = message(c.id, 0, QStringLiteral("assistant"), QStringLiteral("body"));
    full.reasoning = QStringLiteral("thinking");
    full.toolCallsJson = QStringLiteral(R"([{"id":"t1","name":"f","arguments":"{}"}])");
    full.model = QStringLiteral("demo-model");
    full.endpoint = QStringLiteral("http://127.0.0.1:8000/v1");
    full.status = MessageStatus::Failed;
    full.error = QStringLiteral("stream stalled");
    full.errorKind = ApiError::Kind::IdleTimeout;
    full.requestUid = QStringLiteral("req-1");
    full.rating = -1;
    full.experiment = QStringLiteral("prompt-test");
    full.variant = QStringLiteral("B");
    QString error;
    QVERIFY2(m_store->saveMessage(full, &error), qPrintable(error));
    const QString path = m_store->path();
    m_store.reset();

    ConversationStore again(path);
    QVERIFY2(again.open(&error), qPrintable(error));
    const auto back = again.conversation(c.id);
    QVERIFY(back);
    QCOMPARE(back->title, QStringLiteral("kept"));
    QCOMPARE(back->createdUtc, c.createdUtc);
    QCOMPARE(back->profile, QStringLiteral("local"));
    const QList<MessageRecord> messages = again.messages(c.id);
    QCOMPARE(messages.size(), 1);
    QVERIFY(messages.first() == full);
}

QTEST_GUILESS_MAIN(TestConversationStore)
#include "tst_conversationstore.moc"

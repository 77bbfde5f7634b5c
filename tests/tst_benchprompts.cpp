#include "bench/BenchPrompts.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace adminchat;

class TestBenchPrompts : public QObject
{
    Q_OBJECT
private slots:
    void oneText()
    {
        const BenchPrompts prompts = BenchPrompts::fromText(QStringLiteral("Hello"));
        QCOMPARE(prompts.size(), 1);
        QCOMPARE(prompts.messagesFor(7).size(), 1);
        QCOMPARE(prompts.messagesFor(7).front().role, QStringLiteral("user"));
        QCOMPARE(prompts.messagesFor(7).front().content, QStringLiteral("Hello"));
    }

    void jsonlCyclesThroughLines()
    {
        QString error;
        const auto prompts = BenchPrompts::fromJsonl(
            "{\"prompt\": \"first\"}\n\n"
            "{\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"},"
            " {\"role\": \"user\", \"content\": \"second\"}]}\r\n"
            "{\"prompt\": \"third\"}",
            QStringLiteral("p.jsonl"), &error);
        QVERIFY2(prompts, qPrintable(error));
        QCOMPARE(prompts->size(), 3);
        QCOMPARE(prompts->messagesFor(0).front().content, QStringLiteral("first"));
        QCOMPARE(prompts->messagesFor(1).size(), 2);
        QCOMPARE(prompts->messagesFor(1).at(0).role, QStringLiteral("system"));
        QCOMPARE(prompts->messagesFor(1).at(1).content, QStringLiteral("second"));
        QCOMPARE(prompts->messagesFor(2).front().content, QStringLiteral("third"));
        QCOMPARE(prompts->messagesFor(3).front().content, QStringLiteral("first")); // wraps
        QCOMPARE(prompts->messagesFor(302).front().content, QStringLiteral("third"));
    }

    void errorsNameFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("{\"prompt\": \"a\"}\n{\"prompt\": }")
                                  << QStringLiteral("p.jsonl:2: not JSON (");
        QTest::newRow("array") << QByteArray("[1]")
                               << QStringLiteral("p.jsonl:1: not a JSON object");
        QTest::newRow("no prompt")
            << QByteArray("{\"text\": \"a\"}") << QStringLiteral("p.jsonl:1: needs \"prompt\"");
        QTest::newRow("empty prompt") << QByteArray("\n\n{\"prompt\": \"\"}")
                                      << QStringLiteral("p.jsonl:3: \"prompt\" must be");
        QTest::newRow("bad message") << QByteArray("{\"messages\": [{\"role\": \"user\"}]}")
                                     << QStringLiteral("p.jsonl:1: messages[0] needs");
        QTest::newRow("empty") << QByteArray("\n  \n")
                               << QStringLiteral("p.jsonl holds no prompts");
    }

    void errorsNameFileAndLine()
    {
        QFETCH(QByteArray, data);
        QFETCH(QString, error);
        QString message;
        QVERIFY(!BenchPrompts::fromJsonl(data, QStringLiteral("p.jsonl"), &message));
        QVERIFY2(message.startsWith(error), qPrintable(message));
        QVERIFY(!message.contains(QLatin1Char('\n')));
    }

    void readsFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("prompts.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"prompt\": \"from a file\"}\n");
        file.close();
        QString error;
        const auto prompts = BenchPrompts::fromJsonlFile(path, &error);
        QVERIFY2(prompts, qPrintable(error));
        QCOMPARE(prompts->messagesFor(0).front().content, QStringLiteral("from a file"));

        QVERIFY(
            !BenchPrompts::fromJsonlFile(dir.filePath(QStringLiteral("missing.jsonl")), &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot read ")), qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("missing.jsonl")));
    }
};

QTEST_GUILESS_MAIN(TestBenchPrompts)
#include "tst_benchprompts.moc"

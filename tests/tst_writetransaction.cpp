// WriteTransaction on real SQLite files: what an early return leaves behind, what a commit keeps,
// and what a second process's writer sees while one is open.
#include "store/Database.h"
#include "store/WriteTransaction.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestWriteTransaction : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void leftWithoutCommitRollsBack();
    void commitKeepsTheWrites();
    void aSecondWriterWaitsAndFailsInOneLine();

private:
    int rows(Database& database);

    QTemporaryDir m_dir;
    QString m_path;
};

void TestWriteTransaction::init()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("tx-%1.sqlite").arg(QTest::currentTestFunction()));
    Database database(m_path);
    QString error;
    QVERIFY2(database.open(&error), qPrintable(error));
    QVERIFY(!database.run(QStringLiteral("CREATE TABLE t (v INTEGER)")).isValid());
}

int TestWriteTransaction::rows(Database& database)
{
    QSqlQuery query(database.connection());
    if (!query.exec(QStringLiteral("SELECT count(*) FROM t")) || !query.next())
        return -1;
    return query.value(0).toInt();
}

void TestWriteTransaction::leftWithoutCommitRollsBack()
{
    Database database(m_path);
    QVERIFY(database.open());
    {
        WriteTransaction transaction(database);
        QString error;
        QVERIFY2(transaction.begin(&error, QStringLiteral("cannot write")), qPrintable(error));
        QVERIFY(!database.run(QStringLiteral("INSERT INTO t VALUES (1)")).isValid());
        QCOMPARE(rows(database), 1); // seen inside
    }                                // an early return: no commit
    QCOMPARE(rows(database), 0);
    // The connection is usable again: a new transaction can begin.
    WriteTransaction next(database);
    QVERIFY(next.begin(nullptr, QStringLiteral("cannot write")));
}

void TestWriteTransaction::commitKeepsTheWrites()
{
    {
        Database database(m_path);
        QVERIFY(database.open());
        WriteTransaction transaction(database);
        QVERIFY(transaction.begin(nullptr, QStringLiteral("cannot write")));
        QVERIFY(!database.run(QStringLiteral("INSERT INTO t VALUES (1), (2)")).isValid());
        QString error;
        QVERIFY2(transaction.commit(&error, QStringLiteral("cannot commit")), qPrintable(error));
    }
    Database reopened(m_path);
    QVERIFY(reopened.open());
    QCOMPARE(rows(reopened), 2);
}

void TestWriteTransaction::aSecondWriterWaitsAndFailsInOneLine()
{
    // Two connections, as two processes have: IMMEDIATE takes the write lock at BEGIN, so the
    // second writer is refused at its own BEGIN (after the busy timeout), not half-way through.
    Database first(m_path, QStringLiteral("first"));
    Database second(m_path, QStringLiteral("second"));
    QVERIFY(first.open());
    QVERIFY(second.open());
    WriteTransaction holding(first);
    QVERIFY(holding.begin(nullptr, QStringLiteral("cannot write")));
    QVERIFY(!first.run(QStringLiteral("INSERT INTO t VALUES (1)")).isValid());

    WriteTransaction waiting(second);
    QString error;
    QVERIFY(!waiting.begin(&error, QStringLiteral("cannot save")));
    QVERIFY2(
        error.startsWith(QStringLiteral("second ") + m_path + QStringLiteral(": cannot save: ")),
        qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("locked")), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));

    QVERIFY(holding.commit(nullptr, QStringLiteral("cannot commit")));
    QVERIFY(waiting.begin(&error, QStringLiteral("cannot save"))); // free again
    QCOMPARE(rows(second), 1);
}

QTEST_GUILESS_MAIN(TestWriteTransaction)
#include "tst_writetransaction.moc"

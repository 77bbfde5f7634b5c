// `adminchat ask --predict-file` end to end: a real `serve-demo`, the summary `ask --json`
// prints, the metrics record in the real database read back through `metrics export --csv -`,
// and the one-line errors for files that cannot be read.
#include "AppProcess.h"
#include "CsvTestReader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

class TestPredictionCommand : public QObject
{
    Q_OBJECT
private slots:
    void cleanup();
    void askWithPredictFile();
    void unreadableFiles_data();
    void unreadableFiles();

private:
    QString startDemo();
    AppRun run(const QStringList& arguments);
    QString writeFile(const QString& name, const QByteArray& bytes);
    // Column values of the exported requests, oldest first.
    QList<QStringList> exportColumns(const QStringList& columns);

    std::vector<std::unique_ptr<QProcess>> m_servers;
    QTemporaryDir m_home;
};

QString TestPredictionCommand::startDemo()
{
    m_servers.push_back(std::make_unique<QProcess>());
    return startDemoServer(*m_servers.back(), {"--profile", "instant"});
}

AppRun TestPredictionCommand::run(const QStringList& arguments)
{
    QProcessEnvironment env = appEnvironment(m_home.path());
    env.remove(QStringLiteral("OPENAI_BASE_URL"));
    env.remove(QStringLiteral("OPENAI_API_KEY"));
    return runApp(arguments, env);
}

QString TestPredictionCommand::writeFile(const QString& name, const QByteArray& bytes)
{
    const QString path = m_home.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

QList<QStringList> TestPredictionCommand::exportColumns(const QStringList& columns)
{
    const AppRun exported = run({"metrics", "export", "--csv", "-"});
    const auto rows = csvtest::parse(QString::fromUtf8(exported.out));
    if (exported.exitCode != 0 || !rows || rows->isEmpty())
        return {};
    QList<qsizetype> indexes;
    for (const QString& column : columns)
        indexes << rows->first().indexOf(column);
    QList<QStringList> values;
    for (qsizetype r = 1; r < rows->size(); ++r) {
        QStringList row;
        for (const qsizetype index : indexes)
            row << (index < 0 ? QStringLiteral("<no column>") : rows->at(r).value(index));
        values << row;
    }
    return values;
}

void TestPredictionCommand::cleanup()
{
    for (auto& server : m_servers) {
        server->terminate();
        server->waitForFinished(5000);
    }
    m_servers.clear();
}

void TestPredictionCommand::askWithPredictFile()
{
    QVERIFY(m_home.isValid());
    const QString base = startDemo();
    QVERIFY(!base.isEmpty());
    const QStringList ask{"ask", "--base-url", base, "--json", "--no-save"};
    const QString prompt = QStringLiteral("Refactor this function");

    // Without a prediction: no counts anywhere.
    const AppRun first = run(ask + QStringList{prompt});
    QCOMPARE(first.exitCode, 0);
    const QJsonObject plain = first.json();
    const QString answer = plain.value("text").toString();
    QVERIFY2(!answer.isEmpty(), first.all().constData());
    QVERIFY(plain.contains("accepted_prediction_tokens"));
    QVERIFY(plain.value("accepted_prediction_tokens").isNull());
    QVERIFY(plain.value("rejected_prediction_tokens").isNull());
    QVERIFY(!plain.value("usage").toObject().contains("completion_tokens_details"));

    // The previous answer as the prediction, plus a last sentence of its own (three words).
    const QString file = writeFile("previous.md", (answer + " Ship it now.").toUtf8());
    QVERIFY(!file.isEmpty());
    const AppRun second = run(ask + QStringList{"--predict-file", file, prompt});
    QCOMPARE(second.exitCode, 0);
    const QJsonObject predicted = second.json();
    QCOMPARE(predicted.value("text").toString(), answer);
    const qint64 tokens = predicted.value("usage")["completion_tokens"].toInteger();
    QVERIFY(tokens >= 40);
    const QJsonObject details = predicted.value("usage")["completion_tokens_details"].toObject();
    QCOMPARE(details.value("accepted_prediction_tokens").toInteger(-1), tokens);
    QCOMPARE(details.value("rejected_prediction_tokens").toInteger(-1), 3);
    QCOMPARE(predicted.value("accepted_prediction_tokens").toInteger(-1), tokens);
    QCOMPARE(predicted.value("rejected_prediction_tokens").toInteger(-1), 3);

    // Not streamed: the same counts from the one JSON answer.
    const AppRun whole = run(ask + QStringList{"--no-stream", "--predict-file", file, prompt});
    QCOMPARE(whole.exitCode, 0);
    QCOMPARE(whole.json().value("accepted_prediction_tokens").toInteger(-1), tokens);
    QCOMPARE(whole.json().value("rejected_prediction_tokens").toInteger(-1), 3);

    // The stored metrics records carry them too (empty when there were none).
    const QList<QStringList> stored =
        exportColumns({"accepted_prediction_tokens", "rejected_prediction_tokens"});
    QCOMPARE(stored.size(), 3);
    QCOMPARE(stored[0], (QStringList{QString(), QString()}));
    QCOMPARE(stored[1], (QStringList{QString::number(tokens), QStringLiteral("3")}));
    QCOMPARE(stored[2], (QStringList{QString::number(tokens), QStringLiteral("3")}));
}

void TestPredictionCommand::unreadableFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("contents"); // empty: not created
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing") << "missing.txt" << QByteArray() << "no such file";
    QTest::newRow("directory") << "." << QByteArray() << "it is a directory";
    QTest::newRow("not UTF-8") << "latin1.txt" << QByteArray("caf\xe9\n") << "it is not UTF-8 text";
}

void TestPredictionCommand::unreadableFiles()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, contents);
    QFETCH(QString, reason);
    const QString path = contents.isEmpty() ? m_home.filePath(name) : writeFile(name, contents);
    QVERIFY(!path.isEmpty());
    const AppRun r = run({"ask", "--base-url", "http://127.0.0.1:9", "--predict-file", path, "hi"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(("cannot read --predict-file \"" + path + "\": " + reason).toUtf8()),
             r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(r.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestPredictionCommand)
#include "tst_predictioncommand.moc"

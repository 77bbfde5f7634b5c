#include "openai/ModelListParser.h"

#include <QTest>

using namespace adminchat;

class TestModelListParser : public QObject
{
    Q_OBJECT
private slots:
    void parse_data();
    void parse();
    void nullErrorPointer();
};

void TestModelListParser::parse_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("errorPrefix"); // empty: no error expected

    QTest::newRow("openai")
        << QByteArray(
               R"({"object":"list","data":[)"
               R"({"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},)"
               R"({"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]})")
        << QStringList{"gpt-4o-mini", "gpt-4o"} << QString();
    QTest::newRow("vllm")
        << QByteArray(R"({"object":"list","data":[{"id":"Qwen/Qwen3-8B","object":"model",)"
                      R"("owned_by":"vllm","root":"Qwen/Qwen3-8B","parent":null,)"
                      R"("max_model_len":32768,"permission":[{"id":"modelperm-1"}]}]})")
        << QStringList{"Qwen/Qwen3-8B"} << QString();
    QTest::newRow("openrouter")
        << QByteArray(R"({"data":[{"id":"openai/gpt-4o","name":"OpenAI: GPT-4o",)"
                      R"("pricing":{"prompt":"0.0000025"}},{"id":"qwen/qwen3-32b:free",)"
                      R"j("name":"Qwen: Qwen3 32B (free)"}]})j")
        << QStringList{"openai/gpt-4o", "qwen/qwen3-32b:free"} << QString();
    QTest::newRow("llama.cpp data and models")
        << QByteArray(R"({"models":[{"name":"ignored.gguf","model":"ignored.gguf"}],)"
                      R"("object":"list","data":[{"id":"gemma-3-4b-it-Q4_K_M.gguf",)"
                      R"("object":"model","owned_by":"llamacpp","meta":{"n_ctx_train":131072}}]})")
        << QStringList{"gemma-3-4b-it-Q4_K_M.gguf"} << QString();
    QTest::newRow("models with name")
        << QByteArray(R"({"models":[{"name":"a.gguf"},{"name":"b.gguf"}]})")
        << QStringList{"a.gguf", "b.gguf"} << QString();
    QTest::newRow("ollama tags")
        << QByteArray(R"({"models":[{"name":"llama3.2:latest","model":"llama3.2:latest",)"
                      R"("size":2019393189},{"name":"qwen3:8b","model":"qwen3:8b"}]})")
        << QStringList{"llama3.2:latest", "qwen3:8b"} << QString();
    QTest::newRow("model preferred over a display name")
        << QByteArray(R"({"models":[{"name":"Gemma 3 4B","model":"gemma-3-4b.gguf"}]})")
        << QStringList{"gemma-3-4b.gguf"} << QString();
    QTest::newRow("models with id")
        << QByteArray(R"({"models":[{"id":"x"}]})") << QStringList{"x"} << QString();
    QTest::newRow("bare array of strings")
        << QByteArray(R"(["m1","m2"])") << QStringList{"m1", "m2"} << QString();
    QTest::newRow("bare array of objects")
        << QByteArray(R"([{"id":"m1"},{"name":"m2"},{"model":"m3"}])")
        << QStringList{"m1", "m2", "m3"} << QString();
    QTest::newRow("items without id skipped, duplicates once")
        << QByteArray(R"({"data":[{"id":"a"},{"object":"model"},42,null,{"id":""},{"id":"a"},)"
                      R"({"id":"b"}]})")
        << QStringList{"a", "b"} << QString();
    QTest::newRow("empty data") << QByteArray(R"({"object":"list","data":[]})") << QStringList{}
                                << QString();
    QTest::newRow("whitespace around")
        << QByteArray(" \n{\"data\":[{\"id\":\"m\"}]}\n") << QStringList{"m"} << QString();

    QTest::newRow("not json") << QByteArray("<html>502</html>") << QStringList{}
                              << "models list is not valid JSON: ";
    QTest::newRow("truncated json") << QByteArray(R"({"data":[{"id":"m")") << QStringList{}
                                    << "models list is not valid JSON: ";
    QTest::newRow("empty body") << QByteArray() << QStringList{}
                                << "models list is not valid JSON: ";
    QTest::newRow("no data array") << QByteArray(R"({"error":{"message":"Unauthorized"}})")
                                   << QStringList{} << "models list has no data array";
    QTest::newRow("data not an array")
        << QByteArray(R"({"data":{"id":"m"}})") << QStringList{} << "models list has no data array";
}

void TestModelListParser::parse()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, expected);
    QFETCH(QString, errorPrefix);

    QString error = QStringLiteral("stale error from a previous call");
    const QStringList ids = ModelListParser::parse(body, &error);
    QCOMPARE(ids, expected);
    if (errorPrefix.isEmpty()) {
        QCOMPARE(error, QString());
    } else {
        QVERIFY2(error.startsWith(errorPrefix), qPrintable(error));
        QVERIFY(!error.contains(u'\n'));
        if (errorPrefix.endsWith(u' ')) // the parser's reason follows the prefix
            QVERIFY2(error.size() > errorPrefix.size(), qPrintable(error));
        else
            QCOMPARE(error, errorPrefix);
    }
}

void TestModelListParser::nullErrorPointer()
{
    QCOMPARE(ModelListParser::parse("nonsense"), QStringList());
    QCOMPARE(ModelListParser::parse(R"({"data":[{"id":"m"}]})"), QStringList{"m"});
}

QTEST_GUILESS_MAIN(TestModelListParser)
#include "tst_modellistparser.moc"

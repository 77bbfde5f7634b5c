// Experiment files: what is accepted, what each mistake is reported as, and the round trip.
#include "experiments/ExperimentDefinition.h"

#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

const QByteArray fullExample = R"({
  "name": "short-system-prompt",
  "unit": "request",
  "variants": [
    {"name": "A", "weight": 50},
    {"name": "B", "weight": 30.5, "profile": "vllm-local", "model": "qwen2.5-7b",
     "params": {"temperature": 0.2, "max_tokens": 256, "system": "Answer briefly."}},
    {"name": "C", "weight": 0, "params": {"temperature": 0}}
  ]
})";

QString errorOf(const QByteArray& json)
{
    QString error;
    const auto definition = ExperimentDefinition::fromJson(json, &error);
    return definition ? QStringLiteral("<accepted>") : error;
}

} // namespace

class TestExperimentDefinition : public QObject
{
    Q_OBJECT
private slots:
    void parsesEveryField()
    {
        QString error;
        const auto d = ExperimentDefinition::fromJson(fullExample, &error);
        QVERIFY2(d, qPrintable(error));
        QCOMPARE(d->name, QStringLiteral("short-system-prompt"));
        QCOMPARE(d->unit, ExperimentUnit::Request);
        QCOMPARE(d->variants.size(), 3);

        const ExperimentVariant& a = d->variants.at(0);
        QCOMPARE(a.name, QStringLiteral("A"));
        QCOMPARE(a.weight, 50.0);
        QVERIFY(a.profile.isEmpty());
        QVERIFY(a.model.isEmpty());
        QVERIFY(a.params.isEmpty());

        const ExperimentVariant& b = d->variants.at(1);
        QCOMPARE(b.weight, 30.5);
        QCOMPARE(b.profile, QStringLiteral("vllm-local"));
        QCOMPARE(b.model, QStringLiteral("qwen2.5-7b"));
        QCOMPARE(b.params.temperature, std::optional<double>(0.2));
        QCOMPARE(b.params.maxTokens, std::optional<int>(256));
        QCOMPARE(b.params.system, QStringLiteral("Answer briefly."));

        const ExperimentVariant& c = d->variants.at(2);
        QCOMPARE(c.weight, 0.0);
        QCOMPARE(c.params.temperature, std::optional<double>(0.0));
        QVERIFY(!c.params.maxTokens);

        QCOMPARE(d->indexOf(QStringLiteral("B")), 1);
        QCOMPARE(d->indexOf(QStringLiteral("C")), 2);
        QCOMPARE(d->indexOf(QStringLiteral("b")), -1);
        QCOMPARE(d->totalWeight(), 80.5);
    }

    void unitDefaultsToConversation()
    {
        const auto d = ExperimentDefinition::fromJson(
            R"({"name": "x", "variants": [{"name": "A", "weight": 1}, {"name": "B", "weight": 1}]})",
            nullptr);
        QVERIFY(d);
        QCOMPARE(d->unit, ExperimentUnit::Conversation);
    }

    void unitNames()
    {
        QCOMPARE(ExperimentDefinition::unitName(ExperimentUnit::Conversation),
                 QStringLiteral("conversation"));
        QCOMPARE(ExperimentDefinition::unitName(ExperimentUnit::Request),
                 QStringLiteral("request"));
        QCOMPARE(ExperimentDefinition::unitFromName(QStringLiteral("request")),
                 std::optional(ExperimentUnit::Request));
        QVERIFY(!ExperimentDefinition::unitFromName(QStringLiteral("Request")));
    }

    void roundTrips()
    {
        const auto d = ExperimentDefinition::fromJson(fullExample, nullptr);
        QVERIFY(d);
        QString error;
        const auto again = ExperimentDefinition::fromJson(d->toJson(), &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(*again, *d);
        // Absent values stay absent rather than turning into empty strings or nulls.
        QVERIFY(!d->toJson().contains("null"));
        QVERIFY(!d->toJson().contains("\"profile\": \"\""));
    }

    void rejectsMistakes_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");

        const QByteArray b = R"({"name": "B", "weight": 1})";
        auto two = [&](const QByteArray& first) {
            return QByteArray(R"({"name": "x", "variants": [)") + first + ", " + b + "]}";
        };

        QTest::newRow("syntax") << QByteArray(R"({"name": "x",, })")
                                << QStringLiteral(
                                       "JSON syntax error at offset 14: unterminated object");
        QTest::newRow("not an object")
            << QByteArray("[1, 2]") << QStringLiteral("the experiment must be a JSON object");
        QTest::newRow("no name") << QByteArray(R"({"variants": []})")
                                 << QStringLiteral("name must be a non-empty string");
        QTest::newRow("blank name")
            << QByteArray(R"({"name": "  "})") << QStringLiteral("name must be a non-empty string");
        QTest::newRow("unknown root key")
            << QByteArray(R"({"name": "x", "varients": []})")
            << QStringLiteral("unknown key \"varients\" at the top level (expected name, unit, "
                              "variants)");
        QTest::newRow("bad unit") << QByteArray(R"({"name": "x", "unit": "user"})")
                                  << QStringLiteral("unit must be \"conversation\" or \"request\"");
        QTest::newRow("one variant")
            << QByteArray(R"({"name": "x", "variants": [{"name": "A", "weight": 1}]})")
            << QStringLiteral("variants must be an array of at least 2 variants");
        QTest::newRow("variants not array")
            << QByteArray(R"({"name": "x", "variants": {"A": 1}})")
            << QStringLiteral("variants must be an array of at least 2 variants");
        QTest::newRow("variant not object")
            << two("7") << QStringLiteral("variants[0] must be an object");
        QTest::newRow("typo in weight")
            << two(R"({"name": "A", "wieght": 1})")
            << QStringLiteral("unknown key \"wieght\" in variants[0] (expected name, weight, "
                              "profile, model, params)");
        QTest::newRow("missing weight")
            << two(R"({"name": "A"})")
            << QStringLiteral("variants[0].weight must be a number >= 0");
        QTest::newRow("negative weight")
            << QByteArray(R"({"name": "x", "variants": [{"name": "A", "weight": 1},)"
                          R"( {"name": "B", "weight": -1}]})")
            << QStringLiteral("variants[1].weight must be a number >= 0");
        QTest::newRow("string weight")
            << two(R"({"name": "A", "weight": "50"})")
            << QStringLiteral("variants[0].weight must be a number >= 0");
        QTest::newRow("missing variant name")
            << two(R"({"weight": 1})")
            << QStringLiteral("variants[0].name must be a non-empty string");
        QTest::newRow("duplicate name")
            << two(R"({"name": "B", "weight": 1})")
            << QStringLiteral("variants[1].name \"B\" is used by an earlier variant");
        QTest::newRow("all weights zero")
            << QByteArray(R"({"name": "x", "variants": [{"name": "A", "weight": 0},)"
                          R"( {"name": "B", "weight": 0}]})")
            << QStringLiteral("the variants' total weight must be > 0 and finite");
        QTest::newRow("profile not string")
            << two(R"({"name": "A", "weight": 1, "profile": 3})")
            << QStringLiteral("variants[0].profile must be a string");
        QTest::newRow("params not object")
            << two(R"({"name": "A", "weight": 1, "params": []})")
            << QStringLiteral("variants[0].params must be an object");
        QTest::newRow("unknown param")
            << two(R"({"name": "A", "weight": 1, "params": {"top_p": 0.9}})")
            << QStringLiteral("unknown key \"top_p\" in variants[0].params (expected temperature, "
                              "max_tokens, system)");
        QTest::newRow("temperature too high")
            << two(R"({"name": "A", "weight": 1, "params": {"temperature": 2.5}})")
            << QStringLiteral("variants[0].params.temperature must be a number from 0 to 2");
        QTest::newRow("max_tokens fraction")
            << two(R"({"name": "A", "weight": 1, "params": {"max_tokens": 10.5}})")
            << QStringLiteral("variants[0].params.max_tokens must be a positive integer");
        QTest::newRow("max_tokens zero")
            << two(R"({"name": "A", "weight": 1, "params": {"max_tokens": 0}})")
            << QStringLiteral("variants[0].params.max_tokens must be a positive integer");
        QTest::newRow("system not string")
            << two(R"({"name": "A", "weight": 1, "params": {"system": false}})")
            << QStringLiteral("variants[0].params.system must be a string");
    }

    void rejectsMistakes()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QCOMPARE(errorOf(json), error);
    }

    void fromFileNamesTheFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString good = dir.filePath(QStringLiteral("good.json"));
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        for (const auto& [path, content] :
             {std::pair{good, fullExample},
              std::pair{bad, QByteArray(R"({"name": "x", "variants": 3})")}}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        }

        QString error;
        const auto d = ExperimentDefinition::fromFile(good, &error);
        QVERIFY2(d, qPrintable(error));
        QCOMPARE(d->name, QStringLiteral("short-system-prompt"));

        QVERIFY(!ExperimentDefinition::fromFile(bad, &error));
        QCOMPARE(error, bad + QStringLiteral(": variants must be an array of at least 2 variants"));

        const QString missing = dir.filePath(QStringLiteral("missing.json"));
        QVERIFY(!ExperimentDefinition::fromFile(missing, &error));
        QVERIFY2(error.startsWith(missing + QStringLiteral(": ")), qPrintable(error));
        QVERIFY(error.size() > missing.size() + 2);
    }
};

QTEST_GUILESS_MAIN(TestExperimentDefinition)
#include "tst_experimentdefinition.moc"

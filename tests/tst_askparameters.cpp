// `adminchat ask` with request parameters, as a user runs it: presets saved where the window
// keeps them, the options for single parameters over them, against the demo endpoint
// (serve-demo) over loopback; what `history show` and `history export` then say; one-line
// errors naming the field for invalid values.
#include "AppProcess.h"
#include "endpoints/PresetStore.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace adminchat;

class TestAskParameters : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void presetIsSentAndShown();
    void optionsOverrideThePreset();
    void defaultPresetAndContinuing();
    void invalidValuesNameTheField_data();
    void invalidValuesNameTheField();
    void helpListsTheOptions();

private:
    AppRun run(const QStringList& arguments);
    QJsonObject exported(const QString& id);
    void savePreset(const QString& name, const RequestParameters& parameters,
                    bool isDefault = false);

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QProcess> m_server;
    QString m_base;
};

void TestAskParameters::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(ADMINCHAT_BIN)));
}

void TestAskParameters::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    m_server = std::make_unique<QProcess>();
    m_base = startDemoServer(*m_server, {"--profile", "instant"},
                             appEnvironmentWithoutEndpoint(m_home->path()));
    QVERIFY(!m_base.isEmpty());
}

void TestAskParameters::cleanup()
{
    if (m_server) {
        m_server->terminate();
        m_server->waitForFinished(5000);
        m_server.reset();
    }
}

AppRun TestAskParameters::run(const QStringList& arguments)
{
    return runApp(arguments, appEnvironmentWithoutEndpoint(m_home->path()));
}

QJsonObject TestAskParameters::exported(const QString& id)
{
    const AppRun r = run({"history", "export", id, "--format", "json"});
    if (r.exitCode != 0)
        qWarning() << r.err;
    return r.json();
}

void TestAskParameters::savePreset(const QString& name, const RequestParameters& parameters,
                                   bool isDefault)
{
    // Where the app reads its settings: $XDG_CONFIG_HOME/AdminChat/adminchat.conf.
    PresetStore store(m_home->filePath(QStringLiteral("config/AdminChat/adminchat.conf")));
    ParameterPreset preset;
    preset.name = name;
    preset.isDefault = isDefault;
    preset.parameters = parameters;
    QString error;
    QVERIFY2(store.save(preset, &error), qPrintable(error));
}

void TestAskParameters::presetIsSentAndShown()
{
    RequestParameters shortAnswers;
    shortAnswers.system = QStringLiteral("Be brief.");
    shortAnswers.temperature = 0.5;
    shortAnswers.maxTokens = 3;
    savePreset(QStringLiteral("Short"), shortAnswers);

    const AppRun r = run({"ask", "--base-url", m_base, "--model", "demo-chat", "--json", "--preset",
                          "short", "Tell me about ships"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject answer = r.json();
    // The demo endpoint honoured max_tokens from the preset: cut, with that many tokens.
    QCOMPARE(answer.value("finish_reason").toString(), QStringLiteral("length"));
    QCOMPARE(answer.value("usage").toObject().value("completion_tokens").toInt(),
             *shortAnswers.maxTokens);
    const QString id = answer.value("conversation_id").toString();
    QVERIFY(!id.isEmpty());

    const AppRun show = run({"history", "show", id});
    QCOMPARE(show.exitCode, 0);
    const QString transcript = QString::fromUtf8(show.out);
    QVERIFY2(transcript.contains(
                 QStringLiteral("Parameters: temp 0.5 · max 3 · system prompt · preset Short")),
             qPrintable(transcript));
    QVERIFY(transcript.contains(QStringLiteral("Be brief.")));
    QVERIFY(transcript.contains(QStringLiteral("cut at max tokens")));
    QVERIFY(transcript.contains(QStringLiteral("*TTFT ")));

    const QJsonObject json = exported(id);
    QCOMPARE(json.value("preset").toString(), QStringLiteral("Short"));
    QCOMPARE(json.value("parameters").toObject(), shortAnswers.toJson());
    const QJsonObject saved = json.value("messages").toArray().at(1).toObject();
    QCOMPARE(saved.value("finish_reason").toString(), QStringLiteral("length"));
    const QJsonObject figures = saved.value("figures").toObject();
    QCOMPARE(jsonNumber(figures, "ttft_ms"), jsonNumber(answer, "ttft_ms"));
    QCOMPARE(jsonNumber(figures, "e2e_ms"), jsonNumber(answer, "e2e_ms"));
    QCOMPARE(figures.value("category").toString(), answer.value("category").toString());
}

void TestAskParameters::optionsOverrideThePreset()
{
    RequestParameters preset;
    preset.temperature = 0.5;
    preset.maxTokens = 3;
    savePreset(QStringLiteral("Short"), preset);
    const AppRun r = run({"ask",
                          "--base-url",
                          m_base,
                          "--model",
                          "demo-chat",
                          "--json",
                          "--preset",
                          "Short",
                          "--max-tokens",
                          "4",
                          "--seed",
                          "-12",
                          "--top-p",
                          "0.8",
                          "--stop",
                          "END",
                          "--stop",
                          "###",
                          "--reasoning-effort",
                          "low",
                          "Tell me about ships"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.json().value("usage").toObject().value("completion_tokens").toInt(), 4);
    const QJsonObject parameters =
        exported(r.json().value("conversation_id").toString()).value("parameters").toObject();
    QCOMPARE(parameters.value("temperature").toDouble(), 0.5); // the preset's
    QCOMPARE(parameters.value("max_tokens").toInt(), 4);       // the option's
    QCOMPARE(parameters.value("seed").toInteger(), -12);
    QCOMPARE(parameters.value("top_p").toDouble(), 0.8);
    QCOMPARE(parameters.value("stop").toArray(), (QJsonArray{"END", "###"}));
    QCOMPARE(parameters.value("reasoning_effort").toString(), QStringLiteral("low"));
}

void TestAskParameters::defaultPresetAndContinuing()
{
    RequestParameters tiny;
    tiny.maxTokens = 2;
    savePreset(QStringLiteral("Tiny"), tiny, true);
    const AppRun first =
        run({"ask", "--base-url", m_base, "--model", "demo-chat", "--json", "Tell me about ships"});
    QVERIFY2(first.exitCode == 0, first.err.constData());
    QCOMPARE(first.json().value("finish_reason").toString(), QStringLiteral("length"));
    const QString id = first.json().value("conversation_id").toString();
    QCOMPARE(exported(id).value("preset").toString(), QStringLiteral("Tiny"));

    // Continuing keeps the conversation's parameters; an option given then is kept too.
    const AppRun second =
        run({"ask", "--base-url", m_base, "--json", "--continue", "--temperature", "1.2", "more"});
    QVERIFY2(second.exitCode == 0, second.err.constData());
    QCOMPARE(second.json().value("usage").toObject().value("completion_tokens").toInt(), 2);
    const QJsonObject parameters = exported(id).value("parameters").toObject();
    QCOMPARE(parameters.value("max_tokens").toInt(), 2);
    QCOMPARE(parameters.value("temperature").toDouble(), 1.2);

    // A new conversation takes the default preset; an option overrides its field.
    const AppRun none = run({"ask", "--base-url", m_base, "--model", "demo-chat", "--json",
                             "--no-save", "--max-tokens", "500", "Tell me about ships"});
    QCOMPARE(none.exitCode, 0);
    QCOMPARE(none.json().value("finish_reason").toString(), QStringLiteral("stop"));
}

void TestAskParameters::invalidValuesNameTheField_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("temperature") << QStringList{"--temperature", "3"}
                                 << "--temperature needs a number from 0 to 2, got \"3\"";
    QTest::newRow("top_p") << QStringList{"--top-p", "1.5"}
                           << "--top-p needs a number from 0 to 1, got \"1.5\"";
    QTest::newRow("max tokens") << QStringList{"--max-tokens", "0"}
                                << "--max-tokens needs a positive integer, got \"0\"";
    QTest::newRow("seed") << QStringList{"--seed", "1.5"} << "--seed needs an integer, got \"1.5\"";
    QTest::newRow("effort") << QStringList{"--reasoning-effort", "huge"}
                            << "--reasoning-effort needs one of";
    QTest::newRow("stop") << QStringList{"--stop", ""} << "--stop needs a non-empty sequence";
    QTest::newRow("preset") << QStringList{"--preset", "Nowhere"} << "no preset \"Nowhere\"";
}

void TestAskParameters::invalidValuesNameTheField()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const AppRun r = run(QStringList{"ask", "--base-url", m_base, "--model", "demo-chat"} +
                         arguments + QStringList{"hi"});
    QCOMPARE(r.exitCode, 2);
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.startsWith(QStringLiteral("adminchat ask: ") + message), qPrintable(err));
    QCOMPARE(err.count(QLatin1Char('\n')), 1);
    QVERIFY(r.out.isEmpty());
}

void TestAskParameters::helpListsTheOptions()
{
    const AppRun r = run({"ask", "--help"});
    QCOMPARE(r.exitCode, 0);
    for (const char* option : {"--preset", "--system", "--temperature", "--top-p", "--max-tokens",
                               "--stop", "--seed", "--reasoning-effort"})
        QVERIFY2(r.out.contains(option), option);
}

QTEST_GUILESS_MAIN(TestAskParameters)
#include "tst_askparameters.moc"

// A hostile server's text on its way to a terminal and a spreadsheet, through the real binary:
// `ask`, `history show`, `metrics summary`, `profile list`, `bench` never write a control
// sequence; `--json` and exports stay exact; CSV cells that a spreadsheet would run as formulas
// are guarded.
#include "AppProcess.h"
#include "CsvTestReader.h"
#include "HostileServer.h"

#include <QTemporaryDir>
#include <QTest>

namespace {

// Window title, clear screen, a clipboard write (OSC 52), a C1 CSI, a lone CR and a BEL.
const QString hostileText = QStringLiteral("Hi\x1b]0;pwned\x07 \x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07") +
                            QChar(0x9b) + QStringLiteral("31mred\rover");
// The same in JSON, as a model name the server reports (the chunk helper escapes content only).
const QByteArray hostileModel = R"(evil\u001b]0;title\u0007model)";
const QByteArray formulaModel = R"(=HYPERLINK(\"http://evil.example\",\"click\"))";

// What must never reach a terminal: ESC, BEL, CR on its own and C1 controls (UTF-8 C2 80..9F).
bool hasControl(const QByteArray& bytes)
{
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c == 0x1b || c == 0x07 || c == 0x7f)
            return true;
        if (c == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n'))
            return true;
        if (c == 0xc2 && i + 1 < bytes.size() && static_cast<unsigned char>(bytes[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(bytes[i + 1]) <= 0x9f)
            return true;
    }
    return false;
}

HostileResponse answer(const HostileRequest& request)
{
    if (request.target.endsWith("/models"))
        return HostileResponse::status(200, R"({"object":"list","data":[{"id":")" + hostileModel +
                                                R"("}]})");
    const QByteArray model = request.body.contains("formula") ? formulaModel : hostileModel;
    if (request.body.contains("fail"))
        return HostileResponse::status(
            400, R"({"error":{"message":"bad\u001b]0;owned\u0007 request","type":"x"}})");
    return HostileResponse::eventStream(
        {HostileResponse::contentChunk(hostileText, "null", model),
         HostileResponse::contentChunk(QString(), "\"stop\"", model)});
}

} // namespace

class TestTerminalOutput : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        m_env = appEnvironmentWithoutEndpoint(m_home->path());
    }

    void askShowsControlsVisibly()
    {
        HostileServer server(answer);
        const AppRun run = app({"ask", "--base-url", base(server), "--model", "m", "hello"});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(!hasControl(run.out), run.out.constData());
        QVERIFY2(run.out.contains("Hi^[]0;pwned^G ^[[2J^[]52;c;cm0gLXJmIH4=^G<U+009B>31mred^Mover"),
                 run.out.constData());
    }

    void jsonStaysExact()
    {
        HostileServer server(answer);
        const AppRun run =
            app({"ask", "--json", "--base-url", base(server), "--model", "m", "hello"});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.json().value(QStringLiteral("text")).toString(), hostileText);
        QCOMPARE(run.json().value(QStringLiteral("model")).toString(),
                 QStringLiteral("evil\x1b]0;title\x07model"));
    }

    void errorLineIsSafe()
    {
        HostileServer server(answer);
        const AppRun run = app({"ask", "--base-url", base(server), "--model", "m", "fail"});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(!hasControl(run.err), run.err.constData());
        // The error formatter already drops what a one-line message cannot hold.
        QVERIFY2(run.err.contains("bad ]0;owned request"), run.err.constData());
    }

    void historyShowIsSafeAndExportExact()
    {
        HostileServer server(answer);
        const AppRun asked =
            app({"ask", "--json", "--base-url", base(server), "--model", "m", "hello"});
        const QString id = asked.json().value(QStringLiteral("conversation_id")).toString();
        QVERIFY(!id.isEmpty());

        const AppRun shown = app({"history", "show", id});
        QCOMPARE(shown.exitCode, 0);
        QVERIFY2(!hasControl(shown.out), shown.out.constData());
        QVERIFY(shown.out.contains("^[[2J"));

        const AppRun exported = app({"history", "export", id, "--format", "json"});
        QCOMPARE(exported.exitCode, 0);
        QVERIFY(exported.out.contains("\\u001b[2J")); // JSON escapes it: exact, and safe
    }

    void summaryAndProfilesAreSafe()
    {
        HostileServer server(answer);
        QCOMPARE(app({"ask", "--base-url", base(server), "--model", "m", "hello"}).exitCode, 0);
        const AppRun summary = app({"metrics", "summary"});
        QCOMPARE(summary.exitCode, 0);
        QVERIFY2(!hasControl(summary.out), summary.out.constData());
        QVERIFY2(summary.out.contains("evil^[]0;title^Gmodel"), summary.out.constData());

        const AppRun added = app({"profile", "add", "p1", "--base-url", base(server), "--model",
                                  QStringLiteral("m\x1b[2Jx")});
        QCOMPARE(added.exitCode, 0);
        QVERIFY2(!hasControl(added.out + added.err), added.all().constData());
        const AppRun listed = app({"profile", "list"});
        QCOMPARE(listed.exitCode, 0);
        QVERIFY2(!hasControl(listed.out), listed.out.constData());
        QVERIFY2(listed.out.contains("m^[[2Jx"), listed.out.constData());
    }

    void benchOutputIsSafe()
    {
        HostileServer server(answer);
        // No --model: bench takes the first one the server lists, and names it.
        const AppRun run = app({"bench", "--base-url", base(server), "--requests", "3",
                                "--concurrency", "1", "--tag", "plain"});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(!hasControl(run.out + run.err), run.all().constData());
        QVERIFY2(run.all().contains("evil^[]0;title^Gmodel"), run.all().constData());
    }

    // Cells from the server (model) and from the user (tag) that start like a formula.
    void csvCellsAreGuarded()
    {
        HostileServer server(answer);
        QCOMPARE(app({"bench", "--base-url", base(server), "--model", "m", "--requests", "2",
                      "--concurrency", "1", "--prompt", "formula please", "--tag", "=1+2"})
                     .exitCode,
                 0);
        for (const QStringList& extra : {QStringList{}, QStringList{"--summary"}}) {
            const AppRun exported = app(QStringList{"metrics", "export", "--csv", "-"} + extra);
            QCOMPARE(exported.exitCode, 0);
            const auto rows = csvtest::parse(QString::fromUtf8(exported.out));
            QVERIFY(rows.has_value());
            QVERIFY(rows->size() >= 2);
            const QStringList header = rows->first();
            const qsizetype model = header.indexOf(QStringLiteral("model"));
            QVERIFY(model >= 0);
            const QString row = rows->at(1).at(model);
            QCOMPARE(row, QStringLiteral("'=HYPERLINK(\"http://evil.example\",\"click\")"));
            if (extra.isEmpty()) {
                const qsizetype tag = header.indexOf(QStringLiteral("tag"));
                QCOMPARE(rows->at(1).at(tag), QStringLiteral("'=1+2"));
                // Numbers stay numbers.
                const qsizetype ttft = header.indexOf(QStringLiteral("ttft_ms"));
                bool isNumber = false;
                rows->at(1).at(ttft).toDouble(&isNumber);
                QVERIFY(isNumber);
            }
        }
    }

    // Output that cannot be written (a full disk) is an error, not a silent exit 0.
    void lostOutputFails_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("metrics summary") << QStringList{"metrics", "summary"};
        QTest::newRow("metrics summary --json") << QStringList{"metrics", "summary", "--json"};
        QTest::newRow("profile list") << QStringList{"profile", "list"};
        QTest::newRow("history list --json") << QStringList{"history", "list", "--json"};
    }
    void lostOutputFails()
    {
        QFETCH(QStringList, arguments);
        QProcess process;
        process.setProcessEnvironment(m_env);
        process.setStandardOutputFile(QStringLiteral("/dev/full"));
        process.start(QStringLiteral(ADMINCHAT_BIN), arguments);
        QVERIFY(process.waitForFinished(30000));
        const QByteArray err = process.readAllStandardError();
        QCOMPARE(process.exitCode(), 1);
        QVERIFY2(err.contains("cannot write the output: No space left on device"), err.constData());
    }

private:
    static QString base(const HostileServer& server) { return server.baseUrl().toString(); }
    AppRun app(const QStringList& arguments) { return runApp(arguments, m_env); }

    std::unique_ptr<QTemporaryDir> m_home;
    QProcessEnvironment m_env;
};

QTEST_GUILESS_MAIN(TestTerminalOutput)
#include "tst_terminaloutput.moc"

// One percentile definition through the real binary: two `adminchat ask` requests to one
// scripted endpoint (HostileServer) whose first token comes after 182 ms and after 403 ms, then
// `metrics summary` (JSON and table) and `metrics export --summary` must give P95 and P99 between
// the two (linear interpolation between closest ranks), never the smaller one, never above max.
#include "AppProcess.h"
#include "CsvTestReader.h"
#include "HostileServer.h"

#include <QTemporaryDir>
#include <QTest>
#include <atomic>

class TestHonestNumbers : public QObject
{
    Q_OBJECT
private slots:
    void twoRequests();

private:
    AppRun adminchat(const QStringList& arguments);
    QTemporaryDir m_home;
};

AppRun TestHonestNumbers::adminchat(const QStringList& arguments)
{
    QProcessEnvironment env = appEnvironment(m_home.path());
    env.remove(QStringLiteral("OPENAI_BASE_URL"));
    env.remove(QStringLiteral("OPENAI_API_KEY"));
    return runApp(arguments, env);
}

void TestHonestNumbers::twoRequests()
{
    std::atomic<int> served{0};
    HostileServer server([&served](const HostileRequest&) {
        const int delayMs = served++ == 0 ? 182 : 403;
        HostileResponse response;
        response.write(HostileResponse::eventStreamHead())
            .wait(delayMs)
            .write("data: " + HostileResponse::contentChunk(QStringLiteral("Hello")) + "\n\n")
            .write("data: " + HostileResponse::contentChunk(QStringLiteral(" there"), "\"stop\"") +
                   "\n\ndata: [DONE]\n\n");
        return response;
    });
    QVERIFY(server.isListening());
    const QString base = server.baseUrl().toString();

    std::vector<double> ttfts;
    for (int i = 0; i < 2; ++i) {
        const AppRun run = adminchat({"ask", "--base-url", base, "--model", "hostile", "--json",
                                      "--max-retries", "0", "hi"});
        QCOMPARE(run.exitCode, 0);
        const std::optional<double> ttft = jsonNumber(run.json(), QStringLiteral("ttft_ms"));
        QVERIFY2(ttft, run.out.constData());
        ttfts.push_back(*ttft);
    }
    QVERIFY2(ttfts[0] >= 182 && ttfts[0] < 300, qPrintable(QString::number(ttfts[0])));
    QVERIFY2(ttfts[1] >= 403 && ttfts[1] < 520, qPrintable(QString::number(ttfts[1])));
    // numpy's default: rank q * (n - 1) between the sorted samples.
    const auto expected = [&](double q) {
        return ttfts[0] + (ttfts[1] - ttfts[0]) * q;
    };
    // ask --json rounds to the microsecond; the summary has the stored values.
    const double slack = 0.002;

    const AppRun summary = adminchat({"metrics", "summary", "--json"});
    QCOMPARE(summary.exitCode, 0);
    const QJsonObject ttft = summary.json().value("total").toObject().value("ttft_ms").toObject();
    QCOMPARE(jsonNumber(ttft, QStringLiteral("count")), std::optional<double>(2));
    for (const auto& [key, q] : {std::pair{"p50", 0.5}, {"p95", 0.95}, {"p99", 0.99}}) {
        const std::optional<double> value = jsonNumber(ttft, QLatin1String(key));
        QVERIFY2(value, key);
        QVERIFY2(
            std::abs(*value - expected(q)) <= slack,
            qPrintable(QStringLiteral("%1 %2, expected %3").arg(key).arg(*value).arg(expected(q))));
    }
    const std::optional<double> max = jsonNumber(ttft, QStringLiteral("max"));
    QVERIFY(max && std::abs(*max - ttfts[1]) <= slack);

    // The CSV summary of the one (endpoint, model) group.
    const AppRun csv = adminchat({"metrics", "export", "--summary", "--csv", "-"});
    QCOMPARE(csv.exitCode, 0);
    const auto rows = csvtest::parse(QString::fromUtf8(csv.out));
    QVERIFY(rows && rows->size() == 2);
    const QStringList& header = rows->at(0);
    const QStringList& cells = rows->at(1);
    for (const auto& [column, q] :
         {std::pair{"ttft_p50_ms", 0.5}, {"ttft_p95_ms", 0.95}, {"ttft_p99_ms", 0.99}}) {
        const qsizetype at = header.indexOf(QLatin1String(column));
        QVERIFY2(at >= 0, column);
        QVERIFY2(
            std::abs(cells.at(at).toDouble() - expected(q)) <= slack,
            qPrintable(
                QStringLiteral("%1 %2, expected %3").arg(column, cells.at(at)).arg(expected(q))));
    }

    // The table: endpoint, model, requests, ttft50, ttft95, ttft99 (whole ms above 100).
    const AppRun table = adminchat({"metrics", "summary"});
    QCOMPARE(table.exitCode, 0);
    QString row;
    for (const QString& line : QString::fromUtf8(table.out).split(QLatin1Char('\n')))
        if (line.contains(QStringLiteral("hostile")))
            row = line;
    const QStringList fields = row.simplified().split(QLatin1Char(' '));
    QVERIFY2(fields.size() >= 6, qPrintable(row));
    QVERIFY2(std::abs(fields.at(4).toDouble() - expected(0.95)) <= 0.5, qPrintable(row));
    QVERIFY2(std::abs(fields.at(5).toDouble() - expected(0.99)) <= 0.5, qPrintable(row));
}

QTEST_GUILESS_MAIN(TestHonestNumbers)
#include "tst_honestnumbers.moc"

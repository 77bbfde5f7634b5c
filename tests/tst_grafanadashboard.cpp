// packaging/adminchat-grafana.json, the Grafana dashboard: its shape (schema version, the
// Prometheus data source variable, profile and source variables, every panel on it), every
// PromQL expression it holds checked by Debian's promtool (`promtool check rules`, the Grafana
// variables substituted), and every metric name it uses one that AdminChat exports (read from
// a real exposition of records with every figure set) or one of vLLM's. Fails when promtool is
// missing (package prometheus; packaging/install-deps.sh installs it).
#include "ExpositionTestReader.h"
#include "ProcessRunner.h"
#include "metrics/MetricsRecord.h"
#include "metrics/RequestMetrics.h"
#include "telemetry/PrometheusExposition.h"
#include "telemetry/TelemetryRegistry.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

// What Grafana puts in for its variables when it runs a query.
QString substituted(QString expression)
{
    static const std::pair<const char*, const char*> variables[] = {
        {"$__rate_interval", "1m"}, {"$__interval", "1m"}, {"$__range", "1h"},
        {"$profile", ".*"},         {"$source", ".*"},     {"$vllm_model", ".*"},
        {"${profile}", ".*"},       {"${source}", ".*"},   {"${vllm_model}", ".*"}};
    for (const auto& [name, value] : variables)
        expression.replace(QLatin1String(name), QLatin1String(value));
    return expression;
}

// Every panel, those inside rows included.
void collectPanels(const QJsonArray& panels, QList<QJsonObject>* out)
{
    for (const QJsonValue& value : panels) {
        const QJsonObject panel = value.toObject();
        out->append(panel);
        collectPanels(panel.value(QStringLiteral("panels")).toArray(), out);
    }
}

// The series names of an exposition of records that set every figure AdminChat exports.
QSet<QString> exportedNames()
{
    TelemetryRegistry registry;
    MetricsRecord ok;
    ok.endpoint = QStringLiteral("http://127.0.0.1:8000/v1");
    ok.profile = QStringLiteral("p");
    ok.model = QStringLiteral("m");
    ok.status = RequestStatus::Ok;
    ok.ttftMs = 120;
    ok.ttfatMs = 130;
    ok.e2eMs = 900;
    ok.tpotMs = 9;
    ok.outputTokens = 40;
    ok.promptTokens = 12;
    ok.retries = 1;
    ok.itlSketch = RequestMetrics::itlSketchOf({5, 6, 7});
    registry.add(ok);
    MetricsRecord probe = ok;
    probe.tag = QStringLiteral("probe");
    probe.status = RequestStatus::Error;
    probe.errorKind = ApiError::Kind::IdleTimeout;
    registry.add(probe);
    const Exposition exposition = readExposition(
        PrometheusExposition::render(registry, PrometheusExposition::Format::Text004, 0));
    QSet<QString> names;
    for (const ExpositionSample& sample : exposition.samples)
        names.insert(QString::fromUtf8(sample.name));
    return names;
}

} // namespace

class TestGrafanaDashboard : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void shape();
    void promtoolAcceptsEveryExpression();
    void everyMetricIsExported();

private:
    QJsonObject m_dashboard;
    QList<QJsonObject> m_panels;
    QStringList m_expressions; // every target's, as written
    QString m_promtool;
};

void TestGrafanaDashboard::initTestCase()
{
    m_promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    QVERIFY2(!m_promtool.isEmpty(), "promtool is needed (Debian package prometheus; "
                                    "packaging/install-deps.sh installs it)");
    QFile file(QStringLiteral(ADMINCHAT_GRAFANA_DASHBOARD));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    m_dashboard = document.object();
    collectPanels(m_dashboard.value(QStringLiteral("panels")).toArray(), &m_panels);
    for (const QJsonObject& panel : std::as_const(m_panels)) {
        for (const QJsonValue& target : panel.value(QStringLiteral("targets")).toArray())
            m_expressions << target.toObject().value(QStringLiteral("expr")).toString();
    }
    QVERIFY(m_expressions.size() >= 20);
}

void TestGrafanaDashboard::shape()
{
    const int schema = m_dashboard.value(QStringLiteral("schemaVersion")).toInt();
    QVERIFY2(schema >= 36 && schema <= 39, qPrintable(QString::number(schema)));
    QVERIFY(!m_dashboard.value(QStringLiteral("uid")).toString().isEmpty());

    QMap<QString, QJsonObject> variables;
    for (const QJsonValue& value :
         m_dashboard.value(QStringLiteral("templating"))[QStringLiteral("list")].toArray())
        variables.insert(value[QStringLiteral("name")].toString(), value.toObject());
    QCOMPARE(variables.value(QStringLiteral("datasource"))[QStringLiteral("type")].toString(),
             QStringLiteral("datasource"));
    QCOMPARE(variables.value(QStringLiteral("datasource"))[QStringLiteral("query")].toString(),
             QStringLiteral("prometheus"));
    for (const char* name : {"profile", "source"}) {
        const QJsonObject variable = variables.value(QLatin1String(name));
        QCOMPARE(variable.value(QStringLiteral("type")).toString(), QStringLiteral("query"));
        QVERIFY(variable.value(QStringLiteral("definition"))
                    .toString()
                    .startsWith(QStringLiteral("label_values(")));
    }

    // Every panel reads through the data source variable; every query one has an expression.
    QStringList titles;
    for (const QJsonObject& panel : std::as_const(m_panels)) {
        titles << panel.value(QStringLiteral("title")).toString();
        if (panel.value(QStringLiteral("type")).toString() == QLatin1String("row"))
            continue;
        QCOMPARE(panel.value(QStringLiteral("datasource"))[QStringLiteral("uid")].toString(),
                 QStringLiteral("${datasource}"));
        const QJsonArray targets = panel.value(QStringLiteral("targets")).toArray();
        QVERIFY2(!targets.isEmpty(), qPrintable(titles.last()));
        for (const QJsonValue& target : targets)
            QVERIFY2(!target[QStringLiteral("expr")].toString().isEmpty(),
                     qPrintable(titles.last()));
    }
    // What the dashboard is for: client TTFT, E2E and ITL at three quantiles, errors, uptime,
    // and vLLM's histograms beside the client's.
    for (const char* metric :
         {"time_to_first_chunk", "operation_duration", "time_per_output_chunk"})
        for (const char* q : {"0.5", "0.95", "0.99"})
            QVERIFY2(m_expressions.filter(QLatin1String(metric))
                             .filter(QStringLiteral("histogram_quantile(%1,").arg(QLatin1String(q)))
                             .size() > 0,
                     metric);
    QVERIFY(!m_expressions.filter(QStringLiteral("adminchat_errors_total")).isEmpty());
    QVERIFY(!titles.filter(QStringLiteral("Uptime")).isEmpty());
    for (const char* vllm : {"vllm:time_to_first_token_seconds", "vllm:inter_token_latency_seconds",
                             "vllm:e2e_request_latency_seconds"})
        QVERIFY2(!m_expressions.filter(QLatin1String(vllm)).isEmpty(), vllm);
}

void TestGrafanaDashboard::promtoolAcceptsEveryExpression()
{
    // As recording rules: `promtool check rules` parses each expression with Prometheus's own
    // PromQL parser. JSON strings are YAML double-quoted scalars.
    QByteArray rules = "groups:\n  - name: adminchat_grafana\n    rules:\n";
    for (qsizetype i = 0; i < m_expressions.size(); ++i) {
        const QString expression = substituted(m_expressions.at(i));
        QVERIFY2(!expression.contains(QLatin1Char('$')), qPrintable(expression));
        rules +=
            QStringLiteral("      - record: adminchat_grafana:panel_%1\n        expr: ")
                .arg(i)
                .toUtf8() +
            QJsonDocument(QJsonArray{expression}).toJson(QJsonDocument::Compact).mid(1).chopped(1) +
            '\n';
    }
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(QStringLiteral("dashboard-rules.yml")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(rules);
    file.close();
    ProcessRunner runner;
    const ProcessResult result =
        runner.run(m_promtool, {QStringLiteral("check"), QStringLiteral("rules"), file.fileName()});
    QVERIFY2(result.exitCode == 0, (result.all() + "\n" + rules).constData());
    QVERIFY2(result.all().contains(
                 QStringLiteral("SUCCESS: %1 rules found").arg(m_expressions.size()).toUtf8()),
             result.all().constData());

    // promtool does refuse a broken one: the check is not vacuous.
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("groups:\n  - name: broken\n    rules:\n      - record: a:b\n        expr: "
               "\"histogram_quantile(0.95, sum by (le) (rate(x_bucket[1m]))\"\n");
    file.close();
    QVERIFY(
        runner.run(m_promtool, {QStringLiteral("check"), QStringLiteral("rules"), file.fileName()})
            .exitCode != 0);
}

void TestGrafanaDashboard::everyMetricIsExported()
{
    const QSet<QString> exported = exportedNames();
    QVERIFY(exported.contains(QStringLiteral("adminchat_requests_total")));
    QStringList sources = m_expressions;
    for (const QJsonValue& value :
         m_dashboard.value(QStringLiteral("templating"))[QStringLiteral("list")].toArray())
        sources << value[QStringLiteral("definition")].toString();
    // Metric names: ours and the conventions' by prefix, vLLM's by its namespace; not label
    // names (gen_ai_token_type="output"), which a matcher follows.
    static const QRegularExpression name(QStringLiteral(
        "\\b(?:gen_ai_|adminchat_)[a-z0-9_]++(?!\\s*[=!])|\\bvllm:[a-z0-9_:]++(?!\\s*[=!])"));
    // Nor the label names of a grouping clause.
    static const QRegularExpression grouping(QStringLiteral("\\b(?:by|without)\\s*\\([^)]*\\)"));
    int checked = 0;
    for (QString source : std::as_const(sources)) {
        source.remove(grouping);
        for (auto it = name.globalMatch(source); it.hasNext();) {
            const QString metric = it.next().captured(0);
            if (metric.startsWith(QLatin1String("adminchat_grafana:")))
                continue;
            ++checked;
            if (metric.startsWith(QLatin1String("vllm:")))
                continue;
            QVERIFY2(exported.contains(metric),
                     qPrintable(metric + QStringLiteral(" in ") + source));
        }
    }
    QVERIFY(checked >= m_expressions.size());
}

QTEST_GUILESS_MAIN(TestGrafanaDashboard)
#include "tst_grafanadashboard.moc"

// Endpoint identity in the metrics: the built-in Demo endpoint is one endpoint whatever port it
// got, profiles sharing a URL stay apart, a profile keeps its id when saved again, and a database
// written before records had ids opens with its content unchanged and its Demo rows together.
// Real processes, real loopback servers, real SQLite files.
#include "AppProcess.h"
#include "endpoints/ProfileStore.h"
#include "metrics/MetricsAggregator.h"
#include "net/EndpointIdentity.h"
#include "store/DatabaseSchema.h"
#include "store/MetricsStore.h"

#include <QMap>
#include <QSet>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <memory>

using namespace adminchat;

namespace {

// Every row of requests, every column but endpoint_id and requested_model, as text: what "content
// unchanged" means.
QStringList requestRows(const QString& path)
{
    QStringList rows;
    const QString name = QStringLiteral("tst_endpointidentity.raw");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(QStringLiteral("SELECT * FROM requests ORDER BY id"), db);
            while (query.next()) {
                QStringList fields;
                const QSqlRecord record = query.record();
                for (int i = 0; i < record.count(); ++i) {
                    // Columns later steps add (with their defaults) are not the old data.
                    if (record.fieldName(i) != QLatin1String("endpoint_id") &&
                        record.fieldName(i) != QLatin1String("requested_model"))
                        fields << record.fieldName(i) + QLatin1Char('=') +
                                      query.value(i).toString();
                }
                rows << fields.join(QLatin1Char(';'));
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return rows;
}

bool runSql(const QString& path, const QStringList& statements)
{
    const QString name = QStringLiteral("tst_endpointidentity.write");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        for (const QString& sql : statements) {
            QSqlQuery query(db);
            if (ok && !query.exec(sql)) {
                qWarning().noquote() << query.lastError().text() << sql;
                ok = false;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

class TestEndpointIdentity : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void demoInTwoProcessesIsOneEndpoint();
    void profilesSharingAUrlStayApart();
    void profileKeepsItsId();
    void databaseOfThePreviousReleaseOpensUnchanged();

private:
    AppRun run(const QStringList& arguments, int timeoutMs = 60000);

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QProcess> m_server;
};

void TestEndpointIdentity::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

void TestEndpointIdentity::cleanup()
{
    if (m_server) {
        m_server->terminate();
        m_server->waitForFinished(5000);
        m_server.reset();
    }
}

AppRun TestEndpointIdentity::run(const QStringList& arguments, int timeoutMs)
{
    return runApp(arguments, appEnvironmentWithoutEndpoint(m_home->path()), {}, timeoutMs);
}

void TestEndpointIdentity::demoInTwoProcessesIsOneEndpoint()
{
    // Each `ask --profile Demo` starts its own demo endpoint on a free port.
    for (int i = 0; i < 2; ++i) {
        const AppRun ask =
            run({"ask", "--profile", "Demo", "--no-save", "--max-tokens", "8", "hello"});
        QVERIFY2(ask.exitCode == 0, ask.all().constData());
    }
    const AppRun csv = run({"metrics", "export", "--csv", "-"});
    QVERIFY2(csv.exitCode == 0, csv.all().constData());
    const QList<QByteArray> lines = csv.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3); // header and two requests
    const QList<QByteArray> header = lines[0].trimmed().split(',');
    const qsizetype urlColumn = header.indexOf("endpoint");
    const qsizetype idColumn = header.indexOf("endpoint_id");
    QVERIFY(urlColumn >= 0 && idColumn >= 0);
    const QList<QByteArray> first = lines[1].trimmed().split(',');
    const QList<QByteArray> second = lines[2].trimmed().split(',');
    QVERIFY2(first[urlColumn] != second[urlColumn], "two launches, two ports");
    QCOMPARE(first[idColumn], QByteArray("demo"));
    QCOMPARE(second[idColumn], QByteArray("demo"));

    const AppRun summary = run({"metrics", "summary", "--json"});
    QVERIFY2(summary.exitCode == 0, summary.all().constData());
    const QJsonArray endpoints = summary.json().value("by_endpoint").toArray();
    QCOMPARE(endpoints.size(), 1);
    QCOMPARE(endpoints[0].toObject().value("endpoint").toString(), QStringLiteral("Demo"));
    QCOMPARE(endpoints[0].toObject().value("endpoint_id").toString(), QStringLiteral("demo"));
    QCOMPARE(endpoints[0].toObject().value("requests").toInt(), 2);

    const AppRun table = run({"metrics", "summary"});
    QVERIFY2(table.exitCode == 0, table.all().constData());
    QVERIFY2(table.out.contains("\nDemo "), table.out.constData());
    QVERIFY2(!table.out.contains("127.0.0.1"), table.out.constData());
}

void TestEndpointIdentity::profilesSharingAUrlStayApart()
{
    m_server = std::make_unique<QProcess>();
    const QString base = startDemoServer(*m_server, {"--profile", "instant"},
                                         appEnvironmentWithoutEndpoint(m_home->path()));
    QVERIFY(!base.isEmpty());
    for (const char* name : {"alpha", "beta"}) {
        const AppRun added = run({"profile", "add", name, "--base-url", base});
        QVERIFY2(added.exitCode == 0, added.all().constData());
    }
    for (const char* name : {"alpha", "beta", "alpha"}) {
        const AppRun ask = run({"ask", "--profile", name, "--no-save", "hello"});
        QVERIFY2(ask.exitCode == 0, ask.all().constData());
    }
    const AppRun summary = run({"metrics", "summary", "--json"});
    QVERIFY2(summary.exitCode == 0, summary.all().constData());
    const QJsonArray endpoints = summary.json().value("by_endpoint").toArray();
    QCOMPARE(endpoints.size(), 2);
    QMap<QString, int> requests;
    QSet<QString> ids;
    for (const QJsonValue& endpoint : endpoints) {
        const QJsonObject group = endpoint.toObject();
        requests.insert(group.value("endpoint").toString(), group.value("requests").toInt());
        ids.insert(group.value("endpoint_id").toString());
        QCOMPARE(group.value("endpoint_url").toString(), base);
    }
    QCOMPARE(requests, (QMap<QString, int>{{"alpha", 2}, {"beta", 1}}));
    QCOMPARE(ids.size(), 2);

    // A profile's name picks its records, though the URL is shared.
    const AppRun beta = run({"metrics", "summary", "--json", "--endpoint", "beta"});
    QVERIFY2(beta.exitCode == 0, beta.all().constData());
    QCOMPARE(beta.json().value("total").toObject().value("requests").toInt(), 1);
    const AppRun byUrl = run({"metrics", "summary", "--json", "--endpoint", base});
    QCOMPARE(byUrl.json().value("total").toObject().value("requests").toInt(), 3);
}

void TestEndpointIdentity::profileKeepsItsId()
{
    const QString ini = m_home->filePath(QStringLiteral("profiles.ini"));
    {
        QSettings legacy(ini, QSettings::IniFormat); // as an older version wrote it: no id
        legacy.setValue(QStringLiteral("profiles/old/name"), QStringLiteral("old"));
        legacy.setValue(QStringLiteral("profiles/old/baseUrl"),
                        QStringLiteral("http://127.0.0.1:9/v1"));
    }
    ProfileStore store(ini);
    const std::optional<EndpointProfile> old = store.profile(QStringLiteral("old"));
    QVERIFY(old);
    QCOMPARE(old->id, EndpointIdentity::legacyProfileId(QStringLiteral("old")));
    QCOMPARE(old->toConfig({}).endpointId, old->id);
    QVERIFY(store.save(*old));
    QCOMPARE(store.profile(QStringLiteral("old"))->id, old->id);

    EndpointProfile fresh;
    fresh.name = QStringLiteral("fresh");
    fresh.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v1"));
    QVERIFY(store.save(fresh));
    const QString id = store.profile(QStringLiteral("fresh"))->id;
    QVERIFY(!QUuid::fromString(id).isNull());
    fresh.defaultModel = QStringLiteral("m"); // saved again, as `profile add` over it does
    QVERIFY(store.save(fresh));
    QCOMPARE(store.profile(QStringLiteral("fresh"))->id, id);
    QVERIFY(id != old->id);
}

void TestEndpointIdentity::databaseOfThePreviousReleaseOpensUnchanged()
{
    // The schema as the previous release wrote it: the first four steps, then its rows.
    const QString path = m_home->filePath(QStringLiteral("adminchat.sqlite"));
    QStringList statements;
    for (int step = 0; step < 4; ++step)
        statements << DatabaseSchema::steps()[std::size_t(step)];
    const QString insert = QStringLiteral(
        "INSERT INTO requests (started_utc, started_ms, endpoint, profile, model, status, "
        "http_status, ttft_ms, e2e_ms, rating, prompt_hash, request_uid, itl_sketch) VALUES "
        "('2026-11-01T10:00:0%1.000Z', %2, '%3', '%4', 'm', 'ok', 200, %5, %6, NULL, 'h%1', "
        "'u%1', x'0102')");
    const struct
    {
        const char* url;
        const char* profile;
    } rows[] = {{"http://127.0.0.1:40049/v1", "Demo"},       {"http://127.0.0.1:34995/v1", "Demo"},
                {"https://gw.example/v1", "work"},           {"https://gw.example/v1", "home"},
                {"http://10.0.0.5:8000/v1/", "Environment"}, {"http://10.0.0.6:8000/v1", ""}};
    int i = 0;
    for (const auto& row : rows) {
        statements << insert.arg(i)
                          .arg(1761991200000LL + i * 1000)
                          .arg(QLatin1String(row.url), QLatin1String(row.profile))
                          .arg(100 + i * 10)
                          .arg(500 + i * 10);
        ++i;
    }
    statements << QStringLiteral("PRAGMA user_version = 4");
    QVERIFY(runSql(path, statements));
    const QStringList before = requestRows(path);
    QCOMPARE(before.size(), 6);

    MetricsStore store(path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(store.movedAsidePath().isEmpty());
    const std::vector<MetricsRecord> records =
        store.records(MetricsFilter{}, QDateTime::currentDateTimeUtc(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(requestRows(path), before);

    QStringList ids;
    for (const MetricsRecord& record : records)
        ids << record.endpointId;
    QCOMPARE(ids, (QStringList{"demo", "demo", "name:work", "name:home",
                               "env:http://10.0.0.5:8000/v1", ""}));

    const AggregateReport report =
        MetricsAggregator::aggregate(records, MetricsFilter{}, QDateTime::currentDateTimeUtc());
    QStringList labels;
    for (const GroupStats& group : report.byEndpoint)
        labels << group.endpoint + QLatin1Char('=') + QString::number(group.started);
    labels.sort();
    QCOMPARE(labels, (QStringList{"Demo=2", "Environment (http://10.0.0.5:8000/v1/)=1", "home=1",
                                  "http://10.0.0.6:8000/v1=1", "work=1"}));
    // The newest labels name the group: the Demo endpoint on its last port.
    for (const GroupStats& group : report.byEndpoint) {
        if (group.endpointId == EndpointIdentity::demoId)
            QCOMPARE(group.endpointUrl, QStringLiteral("http://127.0.0.1:34995/v1"));
    }

    MetricsFilter demo;
    demo.endpoint = EndpointIdentity::demoId;
    QCOMPARE(store.records(demo, QDateTime::currentDateTimeUtc()).size(), std::size_t(2));
    demo.endpoint = QStringLiteral("http://127.0.0.1:40049/v1/");
    QCOMPARE(store.records(demo, QDateTime::currentDateTimeUtc()).size(), std::size_t(1));
}

QTEST_GUILESS_MAIN(TestEndpointIdentity)
#include "tst_endpointidentity.moc"

// ProfileStore over a throwaway INI file: round trips, odd names, replacing, removing, refusals,
// and no key ever in the file.
#include "endpoints/ProfileStore.h"
#include "settings/AppSettings.h"

#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestProfileStore : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip();
    void defaultsForMissingValues();
    void headersRoundTrip_data();
    void headersRoundTrip();
    void oddNames_data();
    void oddNames();
    void sortedCaseInsensitively();
    void replaceAndRemove();
    void refusals_data();
    void refusals();
    void caseOnlyDifferenceRefused();
    void sendStreamOptionsRemembered();
    void sendPredictionRoundTrip();
    void providerNameRoundTrip();
    void neverStoresAKey();
    void defaultFileIsTheAppSettingsFile();

private:
    static EndpointProfile sample(const QString& name);
    QString iniPath() const { return m_dir.filePath(QStringLiteral("settings.ini")); }
    QByteArray fileBytes() const;

    QTemporaryDir m_dir;
};

EndpointProfile TestProfileStore::sample(const QString& name)
{
    EndpointProfile profile;
    profile.name = name;
    profile.baseUrl = QUrl(QStringLiteral("https://gpu.example:8443/v1"));
    profile.defaultModel = QStringLiteral("llama-3.1-8b");
    profile.extraHeaders = {{"X-Org", "acme, inc"}, {"X-Route", "a:b"}};
    profile.connectTimeoutMs = 4000;
    profile.idleTimeoutMs = 90000;
    profile.totalTimeoutMs = 600000;
    profile.maxRetries = 5;
    profile.caFile = QStringLiteral("/etc/ssl/lab ca.pem");
    profile.sendStreamOptions = false;
    profile.sendPrediction = true;
    profile.hasKey = true;
    return profile;
}

QByteArray TestProfileStore::fileBytes() const
{
    QFile file(iniPath());
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void TestProfileStore::roundTrip()
{
    QFile::remove(iniPath());
    const EndpointProfile saved = sample(QStringLiteral("Lab"));
    {
        ProfileStore store(iniPath());
        QString error;
        QVERIFY2(store.save(saved, &error), qPrintable(error));
        QCOMPARE(store.fileName(), iniPath());
    }
    const ProfileStore store(iniPath());
    QVERIFY(store.contains(QStringLiteral("Lab")));
    QVERIFY(!store.contains(QStringLiteral("Other")));
    const auto read = store.profile(QStringLiteral("Lab"));
    QVERIFY(read);
    QCOMPARE(read->kind, EndpointProfile::Kind::Saved);
    QCOMPARE(read->name, saved.name);
    QCOMPARE(read->baseUrl, saved.baseUrl);
    QCOMPARE(read->defaultModel, saved.defaultModel);
    QCOMPARE(read->extraHeaders, saved.extraHeaders);
    QCOMPARE(read->connectTimeoutMs, saved.connectTimeoutMs);
    QCOMPARE(read->idleTimeoutMs, saved.idleTimeoutMs);
    QCOMPARE(read->totalTimeoutMs, saved.totalTimeoutMs);
    QCOMPARE(read->maxRetries, 5);
    QCOMPARE(read->caFile, saved.caFile);
    QCOMPARE(read->sendStreamOptions, false);
    QCOMPARE(read->sendPrediction, true);
    QCOMPARE(read->hasKey, true);
    QCOMPARE(store.profiles().size(), 1);

    const QByteArray ini = fileBytes();
    QVERIFY(ini.contains("[profiles]"));
    QVERIFY(ini.contains("X-Org: acme, inc")); // headers as "K: V"
    QVERIFY(ini.contains("Lab\\name=Lab"));
}

void TestProfileStore::defaultsForMissingValues()
{
    QFile::remove(iniPath());
    {
        QSettings settings(iniPath(), QSettings::IniFormat);
        settings.setValue(QStringLiteral("profiles/Bare/name"), QStringLiteral("Bare"));
        settings.setValue(QStringLiteral("profiles/Bare/baseUrl"),
                          QStringLiteral("http://127.0.0.1:8000/v1"));
        settings.setValue(QStringLiteral("profiles/Bare/idleTimeoutMs"), QStringLiteral("junk"));
        settings.setValue(QStringLiteral("profiles/Bare/maxRetries"), QStringLiteral("-3"));
    }
    const ProfileStore store(iniPath());
    const auto profile = store.profile(QStringLiteral("Bare"));
    QVERIFY(profile);
    const EndpointProfile defaults;
    QCOMPARE(profile->connectTimeoutMs, defaults.connectTimeoutMs);
    QCOMPARE(profile->idleTimeoutMs, defaults.idleTimeoutMs);
    QCOMPARE(profile->totalTimeoutMs, 0);
    QCOMPARE(profile->maxRetries, 2); // the SDKs' default, also for an unusable stored value
    QVERIFY(profile->sendStreamOptions);
    QVERIFY(!profile->sendPrediction); // off unless turned on
    QVERIFY(!profile->hasKey);
    QVERIFY(profile->extraHeaders.isEmpty());
}

void TestProfileStore::headersRoundTrip_data()
{
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    QTest::addColumn<Headers>("headers");
    QTest::newRow("none") << Headers{};
    QTest::newRow("one with a comma") << Headers{{"X-Org", "acme, inc"}};
    QTest::newRow("quotes and backslashes") << Headers{{"X-A", R"("q", 1 \ \n)"}};
    QTest::newRow("looks like a QVariant")
        << Headers{{"X-B", "@Invalid()"}, {"X-C", "@ByteArray(x)"}};
    QTest::newRow("empty value") << Headers{{"X-Empty", ""}};
    QTest::newRow("utf-8") << Headers{{"X-Name", QStringLiteral("Jürgen 東京").toUtf8()}};
    QTest::newRow("order kept") << Headers{{"X-2", "b"}, {"X-1", "a"}, {"X-3", "c"}};
}

void TestProfileStore::headersRoundTrip()
{
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    QFETCH(Headers, headers);
    QFile::remove(iniPath());
    EndpointProfile profile = sample(QStringLiteral("H"));
    profile.extraHeaders = headers;
    QVERIFY(ProfileStore(iniPath()).save(profile));
    const auto read = ProfileStore(iniPath()).profile(QStringLiteral("H"));
    QVERIFY(read);
    QCOMPARE(read->extraHeaders, headers);
    QVERIFY(!fileBytes().contains("@Invalid()") || !headers.isEmpty());
}

void TestProfileStore::oddNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("spaces") << "My Local vLLM";
    QTest::newRow("unicode") << QStringLiteral("Büro ☃ 東京 🚀");
    QTest::newRow("percent") << "100% real";
    QTest::newRow("underscores and hex lookalike") << "a_2Fb";
    QTest::newRow("ini specials") << "a=b;c#d[e],f\"g'";
    QTest::newRow("dots") << "..";
    QTest::newRow("group lookalike") << "profiles";
}

void TestProfileStore::oddNames()
{
    QFETCH(QString, name);
    QFile::remove(iniPath());
    {
        ProfileStore store(iniPath());
        QString error;
        QVERIFY2(store.save(sample(name), &error), qPrintable(error));
        // A neighbour whose encoded key could collide with a naive encoding.
        QVERIFY(store.save(sample(QStringLiteral("a/b").replace('/', '_')), &error));
    }
    const ProfileStore store(iniPath());
    QVERIFY(store.contains(name));
    QCOMPARE(store.profile(name)->name, name);
    QStringList names;
    for (const EndpointProfile& profile : store.profiles())
        names << profile.name;
    QVERIFY2(names.contains(name), qPrintable(names.join(", ")));
    QCOMPARE(names.size(), 2);
}

void TestProfileStore::sortedCaseInsensitively()
{
    QFile::remove(iniPath());
    ProfileStore store(iniPath());
    for (const char* name : {"beta", "Alpha", "gamma", "Delta"})
        QVERIFY(store.save(sample(QString::fromLatin1(name))));
    QStringList names;
    for (const EndpointProfile& profile : store.profiles())
        names << profile.name;
    QCOMPARE(names, (QStringList{"Alpha", "beta", "Delta", "gamma"}));
}

void TestProfileStore::replaceAndRemove()
{
    QFile::remove(iniPath());
    ProfileStore store(iniPath());
    QVERIFY(store.save(sample(QStringLiteral("Lab"))));
    EndpointProfile changed;
    changed.name = QStringLiteral("Lab");
    changed.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9000/v1"));
    QVERIFY(store.save(changed));
    const auto read = store.profile(QStringLiteral("Lab"));
    QVERIFY(read);
    QCOMPARE(read->baseUrl, changed.baseUrl);
    QVERIFY(read->extraHeaders.isEmpty()); // nothing left over from the replaced version
    QCOMPARE(read->caFile, QString());
    QVERIFY(!read->hasKey);
    QCOMPARE(store.profiles().size(), 1);

    QVERIFY(store.remove(QStringLiteral("Lab")));
    QVERIFY(!store.contains(QStringLiteral("Lab")));
    QVERIFY(!store.remove(QStringLiteral("Lab")));
    QVERIFY(store.profiles().isEmpty());
    QVERIFY(!ProfileStore(iniPath()).contains(QStringLiteral("Lab")));
}

void TestProfileStore::refusals_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("reason");
    QTest::newRow("reserved name") << "Demo"
                                   << "http://127.0.0.1/v1"
                                   << "built-in";
    QTest::newRow("slash") << "a/b"
                           << "http://127.0.0.1/v1"
                           << "'/'";
    QTest::newRow("no URL") << "Lab"
                            << ""
                            << "invalid base URL: it is empty";
    QTest::newRow("ftp") << "Lab"
                         << "ftp://example.com/v1"
                         << "invalid base URL: unsupported scheme \"ftp\"";
    QTest::newRow("password in URL") << "Lab"
                                     << "https://user:sk-secret@example.com/v1"
                                     << "user name or password";
    QTest::newRow("key in query") << "Lab"
                                  << "https://example.com/v1?api_key=sk-secret"
                                  << "query";
}

void TestProfileStore::refusals()
{
    QFETCH(QString, name);
    QFETCH(QString, url);
    QFETCH(QString, reason);
    QFile::remove(iniPath());
    ProfileStore store(iniPath());
    EndpointProfile profile = sample(name);
    profile.baseUrl = QUrl(url);
    QString error;
    QVERIFY(!store.save(profile, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!error.contains(QStringLiteral("sk-secret")));
    QCOMPARE(store.validationError(profile), error);
    QVERIFY(store.profiles().isEmpty());
    QVERIFY(!fileBytes().contains("sk-secret"));
}

void TestProfileStore::caseOnlyDifferenceRefused()
{
    QFile::remove(iniPath());
    ProfileStore store(iniPath());
    QVERIFY(store.save(sample(QStringLiteral("Work"))));
    QString error;
    QVERIFY(!store.save(sample(QStringLiteral("work")), &error));
    QVERIFY2(error.contains(QStringLiteral("\"Work\" already exists")), qPrintable(error));
    QVERIFY(store.save(sample(QStringLiteral("Work")), &error)); // replacing itself is fine
}

void TestProfileStore::sendStreamOptionsRemembered()
{
    QFile::remove(iniPath());
    ProfileStore store(iniPath());
    EndpointProfile profile = sample(QStringLiteral("Lab"));
    profile.sendStreamOptions = true;
    QVERIFY(store.save(profile));
    store.setSendStreamOptions(QStringLiteral("Lab"), false);
    QCOMPARE(ProfileStore(iniPath()).profile(QStringLiteral("Lab"))->sendStreamOptions, false);
    store.setSendStreamOptions(QStringLiteral("Nobody"), false); // no profile appears
    QVERIFY(!store.contains(QStringLiteral("Nobody")));
}

void TestProfileStore::sendPredictionRoundTrip()
{
    QFile::remove(iniPath());
    ProfileStore store(iniPath());
    EndpointProfile profile = sample(QStringLiteral("Lab"));
    profile.sendPrediction = true;
    QVERIFY(store.save(profile));
    QVERIFY(fileBytes().contains("Lab\\sendPrediction=true"));
    const auto on = ProfileStore(iniPath()).profile(QStringLiteral("Lab"));
    QVERIFY(on);
    QCOMPARE(on->sendPrediction, true);
    QCOMPARE(on->toConfig(QString()).sendPrediction, true);

    profile.sendPrediction = false;
    QVERIFY(store.save(profile));
    QVERIFY(fileBytes().contains("Lab\\sendPrediction=false"));
    QCOMPARE(ProfileStore(iniPath()).profile(QStringLiteral("Lab"))->sendPrediction, false);
}

void TestProfileStore::providerNameRoundTrip()
{
    QFile::remove(iniPath());
    ProfileStore store(iniPath());
    EndpointProfile profile = sample(QStringLiteral("Azure"));
    profile.providerName = QStringLiteral("azure.ai.openai");
    QVERIFY(store.save(profile));
    QVERIFY(store.save(sample(QStringLiteral("Plain"))));
    QVERIFY(fileBytes().contains("Azure\\providerName=azure.ai.openai"));
    QCOMPARE(ProfileStore(iniPath()).profile(QStringLiteral("Azure"))->providerName,
             QStringLiteral("azure.ai.openai"));
    const QHash<QString, QString> names = ProfileStore(iniPath()).providerNames();
    QCOMPARE(names.size(), 1); // "Plain" is openai, the default
    QCOMPARE(names.value(QStringLiteral("Azure")), QStringLiteral("azure.ai.openai"));

    profile.providerName = QStringLiteral("Azure OpenAI"); // not a telemetry name
    QString error;
    QVERIFY(!store.save(profile, &error));
    QVERIFY2(error.startsWith("the provider name must be"), qPrintable(error));
    profile.providerName.clear();
    QVERIFY(store.save(profile));
    QVERIFY(!fileBytes().contains("providerName"));
}

void TestProfileStore::neverStoresAKey()
{
    QFile::remove(iniPath());
    ProfileStore store(iniPath());
    EndpointProfile profile = sample(QStringLiteral("Keyed"));
    QVERIFY(store.save(profile));
    // The config made from a profile carries the key in memory only.
    QCOMPARE(profile.toConfig(QStringLiteral("sk-never-on-disk")).apiKey,
             QStringLiteral("sk-never-on-disk"));
    QVERIFY(store.save(profile));
    store.sync();
    const QByteArray ini = fileBytes();
    QVERIFY(!ini.isEmpty());
    QVERIFY(!ini.contains("sk-never-on-disk"));
    QVERIFY(ini.contains("hasKey=true"));
    QVERIFY(!ini.toLower().contains("apikey"));
}

void TestProfileStore::defaultFileIsTheAppSettingsFile()
{
    QTemporaryDir config;
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(config.path()));
    QCoreApplication::setOrganizationName(QStringLiteral("AdminChat"));
    QCoreApplication::setApplicationName(QStringLiteral("adminchat"));
    const QString expected = AppSettings().fileName();
    QVERIFY(expected.startsWith(config.path()));
    QCOMPARE(AppSettings::defaultFileName(), expected);
    ProfileStore store;
    QCOMPARE(store.fileName(), expected);
    QVERIFY(store.save(sample(QStringLiteral("Shared"))));
    {
        // Both read the same file: settings written by one are seen by the other.
        AppSettings settings;
        settings.setDashboardWindow(MetricsFilter::Window::All);
    }
    QCOMPARE(AppSettings().dashboardWindow(), MetricsFilter::Window::All);
    QVERIFY(ProfileStore().contains(QStringLiteral("Shared")));
    QFile file(expected);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.contains("Shared"));
    QVERIFY(bytes.contains("dashboard"));
}

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profilestore.moc"

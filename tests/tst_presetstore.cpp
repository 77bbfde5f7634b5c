// Parameter presets in a real settings file: saved and read back by a second store on the same
// file, the default per scope, invalid values refused naming the field, nothing else in the
// file disturbed (the profiles live there too).
#include "endpoints/PresetStore.h"
#include "endpoints/ProfileStore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

ParameterPreset preset(const QString& name, double temperature, bool isDefault = false,
                       const QString& profile = {}, const QString& model = {})
{
    ParameterPreset p;
    p.name = name;
    p.profile = profile;
    p.model = model;
    p.isDefault = isDefault;
    p.parameters.temperature = temperature;
    return p;
}

} // namespace

class TestPresetStore : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void savedAndReadBack();
    void replacedByName();
    void defaultPerScope();
    void invalidValuesAreRefused();
    void profilesStayUntouched();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_file;
};

void TestPresetStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_file = m_dir->filePath(QStringLiteral("adminchat.conf"));
}

void TestPresetStore::savedAndReadBack()
{
    ParameterPreset precise = preset(QStringLiteral("Precise"), 0.2);
    precise.parameters.maxTokens = 1024;
    precise.parameters.stop = {QStringLiteral("###"), QStringLiteral("END")};
    precise.parameters.seed = -3;
    precise.parameters.system = QStringLiteral("Answer precisely.\nCite sources.");
    precise.parameters.reasoningEffort = QStringLiteral("high");
    {
        PresetStore store(m_file);
        QString error;
        QVERIFY2(store.save(precise, &error), qPrintable(error));
        QVERIFY(store.save(preset(QStringLiteral("creative"), 1.3), &error));
    }
    QVERIFY(QFile::exists(m_file));
    PresetStore again(m_file);
    const QList<ParameterPreset> all = again.presets();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(0).name, QStringLiteral("creative")); // case-insensitive order
    QCOMPARE(all.at(1), precise);
    QCOMPARE(again.find(QStringLiteral("precise"))->name, QStringLiteral("Precise"));
    QVERIFY(!again.find(QStringLiteral("Balanced")));
    QVERIFY(again.remove(QStringLiteral("creative")));
    QVERIFY(!again.remove(QStringLiteral("creative")));
    QCOMPARE(PresetStore(m_file).presets().size(), 1);
}

void TestPresetStore::replacedByName()
{
    PresetStore store(m_file);
    QVERIFY(store.save(preset(QStringLiteral("Fast"), 0.5)));
    QVERIFY(store.save(preset(QStringLiteral("Fast"), 0.9)));
    QCOMPARE(store.presets().size(), 1);
    QCOMPARE(store.presets().at(0).parameters.temperature, std::optional<double>(0.9));
}

void TestPresetStore::defaultPerScope()
{
    PresetStore store(m_file);
    QVERIFY(!store.defaultFor(QStringLiteral("Work"), QStringLiteral("gpt")));
    QVERIFY(store.save(preset(QStringLiteral("Any"), 0.1, true)));
    QVERIFY(store.save(preset(QStringLiteral("Work"), 0.2, true, QStringLiteral("Work"))));
    QVERIFY(store.save(preset(QStringLiteral("Work gpt"), 0.3, true, QStringLiteral("Work"),
                              QStringLiteral("gpt"))));
    QVERIFY(store.save(preset(QStringLiteral("Reasoner"), 0.4, true, {}, QStringLiteral("r1"))));

    QCOMPARE(store.defaultFor(QStringLiteral("Home"), QStringLiteral("gpt"))->name, "Any");
    QCOMPARE(store.defaultFor(QStringLiteral("Work"), QStringLiteral("llama"))->name, "Work");
    QCOMPARE(store.defaultFor(QStringLiteral("Work"), QStringLiteral("gpt"))->name, "Work gpt");
    QCOMPARE(store.defaultFor(QStringLiteral("Work"), QStringLiteral("r1"))->name, "Reasoner");

    // A new default for the same scope takes the mark; other scopes keep theirs.
    QVERIFY(store.save(preset(QStringLiteral("Any 2"), 0.5, true)));
    QCOMPARE(store.defaultFor(QStringLiteral("Home"), QStringLiteral("gpt"))->name, "Any 2");
    QVERIFY(!store.find(QStringLiteral("Any"))->isDefault);
    QVERIFY(store.find(QStringLiteral("Work"))->isDefault);
}

void TestPresetStore::invalidValuesAreRefused()
{
    PresetStore store(m_file);
    QString error;
    QVERIFY(!store.save(preset(QStringLiteral("Hot"), 2.5), &error));
    QVERIFY2(error.startsWith(QStringLiteral("temperature ")), qPrintable(error));
    ParameterPreset noName = preset(QStringLiteral("  "), 1);
    QVERIFY(!store.save(noName, &error));
    QVERIFY2(error.contains(QStringLiteral("name")), qPrintable(error));
    ParameterPreset badTop = preset(QStringLiteral("Top"), 1);
    badTop.parameters.topP = -1;
    QVERIFY(!store.save(badTop, &error));
    QVERIFY2(error.startsWith(QStringLiteral("top_p ")), qPrintable(error));
    QVERIFY(store.presets().isEmpty());

    // A preset edited by hand into a bad value is left out when read, the others still read.
    QVERIFY(store.save(preset(QStringLiteral("Good"), 1)));
    {
        QSettings raw(m_file, QSettings::IniFormat);
        raw.beginWriteArray(QStringLiteral("presets"));
        raw.setArrayIndex(1);
        raw.setValue(QStringLiteral("name"), QStringLiteral("Broken"));
        raw.setValue(QStringLiteral("parameters"), QStringLiteral("{\"top_p\": 3}"));
        raw.endArray();
    }
    const QList<ParameterPreset> read = PresetStore(m_file).presets();
    QCOMPARE(read.size(), 1);
    QCOMPARE(read.at(0).name, QStringLiteral("Good"));
}

void TestPresetStore::profilesStayUntouched()
{
    ProfileStore profiles(m_file);
    EndpointProfile work;
    work.name = QStringLiteral("Work");
    work.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8000/v1"));
    QString error;
    QVERIFY2(profiles.save(work, &error), qPrintable(error));
    PresetStore store(m_file);
    QVERIFY(store.save(preset(QStringLiteral("P"), 1, true, QStringLiteral("Work"))));
    QVERIFY(store.remove(QStringLiteral("P")));
    QVERIFY(store.save(preset(QStringLiteral("Q"), 1)));
    QCOMPARE(ProfileStore(m_file).profile(QStringLiteral("Work"))->baseUrl, work.baseUrl);
    // No secret in the file: presets have none, and the profile's key is not there either.
    QFile file(m_file);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("[presets]"));
    QVERIFY(!text.contains("apiKey"));
}

QTEST_APPLESS_MAIN(TestPresetStore)
#include "tst_presetstore.moc"

// The experiment builder in the main window, offscreen, with the in-process demo endpoint and a
// throwaway settings file: a definition built in the dialog is saved as the JSON the command line
// reads and read back equal; problems show in the dialog as they are typed; a start that fails
// leaves its reason in the dialog; one that works closes it and runs the experiment.
#include "ExperimentBuilderDialog.h"
#include "ExperimentController.h"
#include "MainWindow.h"
#include "NamedChild.h"
#include "WindowTestHelpers.h"
#include "chat/ExperimentSteering.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestExperimentBuilder : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void builtDefinitionRoundTripsThroughTheFile();
    void problemsShowAsTyped();
    void failedStartStaysInTheDialog();
    void startRunsTheExperiment();

private:
    ExperimentBuilderDialog* openBuilder();
    template <typename T> T* child(const char* name) const
    {
        return namedChild<T>(m_builder, name);
    }
    QTableWidget* table() const { return child<QTableWidget>("variantTable"); }
    void setCell(int row, int column, const QString& text);
    void setProfile(int row, const QString& profile);
    QString problem() const { return child<QLabel>("experimentProblem")->text(); }
    // Two variants of the demo endpoint, as a user would type them.
    void fillDemoExperiment();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
    QPointer<ExperimentBuilderDialog> m_builder;
};

void TestExperimentBuilder::init()
{
    qunsetenv("OPENAI_BASE_URL");
    m_dir = std::make_unique<QTemporaryDir>();
    m_window = windowtest::openWindow(*m_dir, QStringLiteral("instant"));
    QVERIFY(m_window);
    m_builder = openBuilder();
    QVERIFY(m_builder);
}

void TestExperimentBuilder::cleanup()
{
    m_window.reset();
    m_dir.reset();
}

ExperimentBuilderDialog* TestExperimentBuilder::openBuilder()
{
    // Through the menu action, as the user opens it.
    auto* action = m_window->findChild<QAction*>(QStringLiteral("startExperimentAction"));
    if (!action)
        return nullptr;
    action->trigger();
    auto* builder =
        m_window->findChild<ExperimentBuilderDialog*>(QStringLiteral("experimentBuilder"));
    return builder && builder->isVisible() ? builder : nullptr;
}

void TestExperimentBuilder::setCell(int row, int column, const QString& text)
{
    QTableWidgetItem* item = table()->item(row, column);
    QVERIFY(item);
    item->setText(text);
}

void TestExperimentBuilder::setProfile(int row, const QString& profile)
{
    auto* box =
        qobject_cast<QComboBox*>(table()->cellWidget(row, ExperimentBuilderDialog::ProfileColumn));
    QVERIFY(box);
    box->setCurrentText(profile);
}

void TestExperimentBuilder::fillDemoExperiment()
{
    child<QLineEdit>("experimentName")->setText(QStringLiteral("brevity"));
    QCOMPARE(table()->rowCount(), 2); // the draft: A and B on the window's endpoint
    setCell(0, ExperimentBuilderDialog::WeightColumn, QStringLiteral("70"));
    setProfile(0, QStringLiteral("Demo"));
    setCell(0, ExperimentBuilderDialog::ModelColumn, QStringLiteral("demo-reasoner"));
    setCell(1, ExperimentBuilderDialog::NameColumn, QStringLiteral("short"));
    setCell(1, ExperimentBuilderDialog::WeightColumn, QStringLiteral("30"));
    setProfile(1, QStringLiteral("Demo"));
    setCell(1, ExperimentBuilderDialog::ModelColumn, QStringLiteral("demo-chat"));
    setCell(1, ExperimentBuilderDialog::TemperatureColumn, QStringLiteral("0.3"));
    setCell(1, ExperimentBuilderDialog::MaxTokensColumn, QStringLiteral("64"));
    setCell(1, ExperimentBuilderDialog::SystemColumn, QStringLiteral("Answer briefly."));
}

void TestExperimentBuilder::builtDefinitionRoundTripsThroughTheFile()
{
    fillDemoExperiment();
    auto* unit = child<QComboBox>("experimentUnit");
    unit->setCurrentIndex(unit->findData(int(ExperimentUnit::Request)));
    QString error;
    const std::optional<ExperimentDefinition> built = m_builder->definition(&error);
    QVERIFY2(built, qPrintable(error));
    QCOMPARE(built->name, QStringLiteral("brevity"));
    QCOMPARE(built->unit, ExperimentUnit::Request);
    QCOMPARE(built->variants.size(), 2);
    QCOMPARE(built->variants[0].weight, 70.0);
    QCOMPARE(built->variants[1].name, QStringLiteral("short"));
    QCOMPARE(built->variants[1].params.temperature, std::optional<double>(0.3));
    QCOMPARE(built->variants[1].params.maxTokens, std::optional<int>(64));
    QCOMPARE(built->variants[1].params.system, QStringLiteral("Answer briefly."));

    // Saved as the CLI reads it, and read back by the same parser to the same definition.
    const QString path = m_dir->filePath(QStringLiteral("brevity.json"));
    QVERIFY(m_builder->saveTo(path));
    const std::optional<ExperimentDefinition> read = ExperimentDefinition::fromFile(path, &error);
    QVERIFY2(read, qPrintable(error));
    QCOMPARE(*read, *built);

    // And opened into a fresh dialog, the fields say the same.
    m_builder->close();
    QTRY_VERIFY(!m_builder);
    m_builder = openBuilder();
    QVERIFY(m_builder);
    QVERIFY(m_builder->load(path));
    QCOMPARE(m_builder->definition(), read);
    QCOMPARE(table()->item(1, ExperimentBuilderDialog::TemperatureColumn)->text(),
             QStringLiteral("0.3"));
}

void TestExperimentBuilder::problemsShowAsTyped()
{
    fillDemoExperiment();
    auto* start = child<QPushButton>("startExperimentButton");
    auto* save = child<QPushButton>("saveExperimentButton");
    QVERIFY(start->isEnabled());
    QVERIFY(problem().isEmpty());

    setCell(1, ExperimentBuilderDialog::NameColumn, QStringLiteral("A"));
    QVERIFY2(problem().startsWith(QStringLiteral("row 2: name")), qPrintable(problem()));
    QVERIFY(problem().contains(QStringLiteral("earlier variant")));
    QVERIFY(!start->isEnabled());
    QVERIFY(!save->isEnabled());

    setCell(1, ExperimentBuilderDialog::NameColumn, QStringLiteral("short"));
    setCell(1, ExperimentBuilderDialog::TemperatureColumn, QStringLiteral("7"));
    QVERIFY2(problem().contains(QStringLiteral("row 2: params.temperature")),
             qPrintable(problem()));
    setCell(1, ExperimentBuilderDialog::TemperatureColumn, QStringLiteral("warm"));
    QVERIFY2(problem().startsWith(QStringLiteral("row 2: temperature")), qPrintable(problem()));
    setCell(1, ExperimentBuilderDialog::TemperatureColumn, QString());

    child<QPushButton>("removeVariantButton")->click();
    QVERIFY2(problem().contains(QStringLiteral("at least 2")), qPrintable(problem()));
    child<QPushButton>("addVariantButton")->click();
    QVERIFY(problem().isEmpty());
    QVERIFY(start->isEnabled());

    child<QLineEdit>("experimentName")->clear();
    QVERIFY2(problem().startsWith(QStringLiteral("name")), qPrintable(problem()));
    QVERIFY(!start->isEnabled());
}

void TestExperimentBuilder::failedStartStaysInTheDialog()
{
    fillDemoExperiment();
    setProfile(1, QStringLiteral("Nowhere")); // no such saved profile
    QSignalSpy failed(m_window->experiments(), &ExperimentController::failed);
    child<QPushButton>("startExperimentButton")->click();
    QVERIFY(failed.wait(10000));
    QVERIFY(m_builder && m_builder->isVisible());
    QVERIFY2(problem().contains(QStringLiteral("Nowhere")), qPrintable(problem()));
    QVERIFY(!m_window->experiments()->active());
    // Not a passing status message: still there later, until the next edit.
    QTest::qWait(200);
    QVERIFY(problem().contains(QStringLiteral("Nowhere")));
    QVERIFY(child<QPushButton>("startExperimentButton")->isEnabled());
}

void TestExperimentBuilder::startRunsTheExperiment()
{
    fillDemoExperiment();
    QSignalSpy started(m_window->experiments(), &ExperimentController::started);
    child<QPushButton>("startExperimentButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!started.isEmpty(), 10000);
    QTRY_VERIFY(!m_builder || !m_builder->isVisible());
    const ExperimentSteering* active = m_window->experiments()->active();
    QVERIFY(active);
    QCOMPARE(active->name(), QStringLiteral("brevity"));
    QCOMPARE(active->definition().variants.at(1).params.maxTokens, std::optional<int>(64));
}

QTEST_MAIN(TestExperimentBuilder)
#include "tst_experimentbuilder.moc"

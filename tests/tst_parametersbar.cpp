// The parameters bar in the main window, offscreen, against the in-process demo endpoint: a new
// conversation starts with the default preset, the editor refuses an invalid value naming the
// field and applies a valid one, the answer cut at max tokens is marked, and after a restart the
// reopened conversation shows its parameters and its answer's figures again.
#include "ChatView.h"
#include "ConversationController.h"
#include "MainWindow.h"
#include "ParametersBar.h"
#include "ParametersDialog.h"
#include "PresetsDialog.h"
#include "WindowTestHelpers.h"
#include "endpoints/PresetStore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>

using namespace adminchat;

class TestParametersBar : public QObject
{
    Q_OBJECT
private slots:
    void init() { qunsetenv("OPENAI_BASE_URL"); }
    void editSendAndReopen();
    void presetSavedFromTheEditor();
};

namespace {

QString barText(MainWindow* window)
{
    return window->findChild<QLabel*>(QStringLiteral("parametersLine"))->text();
}

} // namespace

void TestParametersBar::editSendAndReopen()
{
    QTemporaryDir dir;
    ParameterPreset preset;
    preset.name = QStringLiteral("Short");
    preset.isDefault = true;
    preset.parameters.temperature = 0.5;
    preset.parameters.maxTokens = 3;
    QVERIFY(PresetStore(dir.filePath(QStringLiteral("settings.ini"))).save(preset));

    auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
    QVERIFY(window);
    QCOMPARE(barText(window.get()), QStringLiteral("temp 0.5 · max 3 · preset Short"));

    // The editor: an invalid temperature is refused with a line naming the field.
    QTest::mouseClick(window->findChild<QToolButton*>(QStringLiteral("parametersButton")),
                      Qt::LeftButton);
    auto* dialog = window->findChild<ParametersDialog*>(QStringLiteral("parametersDialog"));
    QVERIFY(dialog && dialog->isVisible());
    auto* temperature = dialog->findChild<QLineEdit*>(QStringLiteral("temperatureField"));
    QCOMPARE(temperature->text(), QStringLiteral("0.5"));
    temperature->selectAll();
    QTest::keyClicks(temperature, QStringLiteral("3"));
    QPushButton* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    ok->click();
    auto* error = dialog->findChild<QLabel*>(QStringLiteral("parametersError"));
    QVERIFY(dialog->isVisible() && error->isVisible());
    QVERIFY2(error->text().startsWith(QStringLiteral("Temperature needs a number from 0 to 2")),
             qPrintable(error->text()));
    QCOMPARE(barText(window.get()), QStringLiteral("temp 0.5 · max 3 · preset Short"));

    temperature->selectAll();
    QTest::keyClicks(temperature, QStringLiteral("0.9"));
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("seedField")),
                     QStringLiteral("5"));
    ok->click();
    QVERIFY(!dialog->isVisible());
    // Changed by hand: no longer the preset's values, so no preset named.
    const QString edited = QStringLiteral("temp 0.9 · max 3 · seed 5");
    QCOMPARE(barText(window.get()), edited);

    windowtest::sendText(window.get(), QStringLiteral("Tell me about ships"));
    QVERIFY(windowtest::waitForAnswer(window.get()));
    const ChatEntry answer = window->session()->entries().last();
    QCOMPARE(answer.finishReason, QStringLiteral("length"));
    QVERIFY(answer.metrics && answer.metrics->ttftMs);
    QVERIFY(window->chatView()->toPlainText().contains(QStringLiteral("cut at max tokens")));
    const QString id = window->conversations()->currentId();

    // A restart, then the conversation opened again from the history.
    window.reset();
    window = windowtest::openWindow(dir, QStringLiteral("instant"));
    QVERIFY(window);
    QCOMPARE(barText(window.get()), QStringLiteral("temp 0.5 · max 3 · preset Short"));
    window->conversations()->open(id);
    QTRY_COMPARE(window->conversations()->currentId(), id);
    QCOMPARE(barText(window.get()), edited);
    const ChatEntry reopened = window->session()->entries().last();
    QVERIFY(reopened.metrics);
    QCOMPARE(reopened.metrics->ttftMs, answer.metrics->ttftMs);
    QCOMPARE(reopened.metrics->tokensPerSecond, answer.metrics->tokensPerSecond);
    QCOMPARE(reopened.metrics->e2eMs, answer.metrics->e2eMs);
    const QString shown = window->chatView()->toPlainText();
    QVERIFY2(shown.contains(QStringLiteral("TTFT ")), qPrintable(shown));
    QVERIFY(shown.contains(categoryName(answer.metrics->category)));
    QVERIFY(shown.contains(QStringLiteral("cut at max tokens")));
}

void TestParametersBar::presetSavedFromTheEditor()
{
    QTemporaryDir dir;
    auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
    QVERIFY(window);
    QCOMPARE(barText(window.get()), QStringLiteral("server defaults"));
    QTest::mouseClick(window->findChild<QToolButton*>(QStringLiteral("parametersButton")),
                      Qt::LeftButton);
    auto* editor = window->findChild<ParametersDialog*>(QStringLiteral("parametersDialog"));
    QVERIFY(editor && editor->isVisible());
    QTest::keyClicks(editor->findChild<QLineEdit*>(QStringLiteral("temperatureField")),
                     QStringLiteral("1.1"));

    // Presets…: a new preset starts from the editor's values, for this profile and model.
    editor->findChild<QPushButton*>(QStringLiteral("managePresets"))->click();
    auto* presets = window->findChild<PresetsDialog*>(QStringLiteral("presetsDialog"));
    QVERIFY(presets && presets->isVisible());
    QCOMPARE(presets->findChild<QLineEdit*>(QStringLiteral("temperatureField"))->text(),
             QStringLiteral("1.1"));
    QCOMPARE(presets->findChild<QLineEdit*>(QStringLiteral("presetModel"))->text(),
             QStringLiteral("demo-chat"));
    QTest::keyClicks(presets->findChild<QLineEdit*>(QStringLiteral("presetName")),
                     QStringLiteral("Warm"));
    presets->findChild<QCheckBox*>(QStringLiteral("presetDefault"))->setChecked(true);
    presets->findChild<QPushButton*>(QStringLiteral("savePreset"))->click();
    QVERIFY(!presets->findChild<QLabel*>(QStringLiteral("presetError"))->isVisible());

    const std::optional<ParameterPreset> saved =
        PresetStore(dir.filePath(QStringLiteral("settings.ini"))).find(QStringLiteral("Warm"));
    QVERIFY(saved);
    QVERIFY(saved->isDefault);
    QCOMPARE(saved->model, QStringLiteral("demo-chat"));
    QCOMPARE(saved->parameters.temperature, std::optional<double>(1.1));

    // The editor lists it at once; choosing it and applying names it in the header.
    auto* choice = editor->findChild<QComboBox*>(QStringLiteral("presetChoice"));
    const int index = choice->findData(QStringLiteral("Warm"));
    QVERIFY(index > 0);
    QCOMPARE(choice->itemText(index), QStringLiteral("Warm (default)"));
    choice->setCurrentIndex(index);
    emit choice->activated(index);
    editor->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(barText(window.get()), QStringLiteral("temp 1.1 · preset Warm"));
}

QTEST_MAIN(TestParametersBar)
#include "tst_parametersbar.moc"

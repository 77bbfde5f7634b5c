// A/B experiments in the main window, offscreen, through the real parts: the in-process demo
// endpoint, the history and metrics databases on their threads, the settings file. Starts an
// experiment from a file, checks each new conversation's variant, what its request really used,
// the labels on messages and metrics records, ratings in the comparison, the dashboard panel,
// stopping, and the experiment surviving a restart.
#include "ChatView.h"
#include "ComposerEdit.h"
#include "ConversationController.h"
#include "DashboardWidget.h"
#include "EndpointPicker.h"
#include "ExperimentController.h"
#include "ExperimentPanel.h"
#include "MainWindow.h"
#include "WindowTestHelpers.h"
#include "chat/ChatSession.h"
#include "experiments/VariantAssigner.h"
#include "settings/AppSettings.h"
#include "store/ConversationStore.h"
#include "store/MetricsStore.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

namespace {

// A: the reasoning model as it comes; B: the chat model, cut at 5 tokens, with a system prompt.
const QByteArray experimentJson = R"({"name": "prompt-test", "variants": [
    {"name": "A", "weight": 50, "profile": "Demo", "model": "demo-reasoner"},
    {"name": "B", "weight": 50, "profile": "Demo", "model": "demo-chat",
     "params": {"max_tokens": 5, "temperature": 0.3, "system": "Answer briefly."}}]})";
const QString systemPrompt = QStringLiteral("Answer briefly.");

} // namespace

class TestExperimentFlow : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void brokenFileChangesNothing();
    void variantsSteerLabelAndCompare();
    void experimentSurvivesARestart();
    void storedExperimentThatCannotStartCanBeStopped();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;

    void open();
    QString writeFile(const QString& name, const QByteArray& bytes) const;
    void startExperiment();
    void sendText(const QString& text);
    bool waitForAnswer();
    std::optional<MetricsRecord> recordOf(const QString& requestUid) const;
    QString dbPath() const { return m_dir->filePath(QStringLiteral("adminchat.sqlite")); }
    QLabel* indicator() const
    {
        return m_window->findChild<QLabel*>(QStringLiteral("experimentIndicator"));
    }
};

void TestExperimentFlow::init()
{
    qunsetenv("OPENAI_BASE_URL");
    m_window.reset();
    m_dir = std::make_unique<QTemporaryDir>();
}

void TestExperimentFlow::open()
{
    m_window = windowtest::openWindow(*m_dir, QStringLiteral("instant"));
    QVERIFY(m_window);
}

QString TestExperimentFlow::writeFile(const QString& name, const QByteArray& bytes) const
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestExperimentFlow::startExperiment()
{
    QSignalSpy started(m_window->experiments(), &ExperimentController::started);
    QVERIFY(m_window->experiments()->startFromFile(
        writeFile(QStringLiteral("experiment.json"), experimentJson)));
    if (started.isEmpty())
        QVERIFY(started.wait(5000));
    QCOMPARE(started.first().at(0).toString(), QStringLiteral("prompt-test"));
}

void TestExperimentFlow::sendText(const QString& text)
{
    windowtest::sendText(m_window.get(), text);
}

bool TestExperimentFlow::waitForAnswer()
{
    return windowtest::waitForAnswer(m_window.get());
}

std::optional<MetricsRecord> TestExperimentFlow::recordOf(const QString& requestUid) const
{
    MetricsStore metrics(dbPath());
    if (!metrics.open())
        return std::nullopt;
    for (const MetricsRecord& r : metrics.records({}, QDateTime::currentDateTimeUtc())) {
        if (r.requestUid == requestUid)
            return r;
    }
    return std::nullopt;
}

void TestExperimentFlow::brokenFileChangesNothing()
{
    open();
    const QString path = writeFile(QStringLiteral("broken.json"),
                                   R"({"name": "x", "variants": [{"name": "A", "weight": -1},
                                       {"name": "B", "weight": 1}]})");
    QVERIFY(!m_window->experiments()->startFromFile(path));
    const QString message = m_window->statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("variants[0].weight")), qPrintable(message));
    QVERIFY(!message.contains(QLatin1Char('\n')));
    QVERIFY(!m_window->experiments()->active());
    QVERIFY(indicator()->isHidden());
    QVERIFY(m_window->session()->experiment().isEmpty());
}

void TestExperimentFlow::variantsSteerLabelAndCompare()
{
    open();
    startExperiment();
    QVERIFY(indicator()->isVisible());
    QCOMPARE(indicator()->text(), QStringLiteral("Experiment prompt-test: A 50 % · B 50 %"));
    const VariantAssigner assigner(*ExperimentDefinition::fromJson(experimentJson, nullptr));

    // New conversations until each variant has two; each gets the variant the assigner predicts.
    QHash<QString, int> perVariant;
    QHash<QString, QString> uidOf; // conversation id -> its answer's request uid
    QHash<QString, QString> variantOf;
    for (int i = 0; i < 24 && (perVariant.value("A") < 2 || perVariant.value("B") < 2); ++i) {
        m_window->conversations()->newConversation();
        const QString id = m_window->conversations()->currentId();
        const QString expected = assigner.variantFor(id).name;
        QCOMPARE(m_window->session()->experiment(), QStringLiteral("prompt-test"));
        QCOMPARE(m_window->session()->variant(), expected);
        // The picker shows what the variant sets, and says so.
        const QString model = expected == QLatin1String("A") ? "demo-reasoner" : "demo-chat";
        QTRY_COMPARE(m_window->endpointPicker()->model(), model);
        QVERIFY(m_window->endpointPicker()->experimentNote().contains("variant " + expected));

        const QString question = QStringLiteral("Question number %1 about latency").arg(i);
        sendText(question);
        QVERIFY(waitForAnswer());
        const ChatEntry& answer = m_window->session()->entries().at(1);
        QCOMPARE(answer.state, ChatEntry::State::Done);
        QCOMPARE(answer.variant, expected);
        QCOMPARE(answer.model, model); // as the endpoint answered
        QVERIFY(answer.metrics);
        if (expected == QLatin1String("B"))
            QCOMPARE(answer.metrics->outputTokens, 5); // max_tokens of B
        else
            QVERIFY(answer.metrics->outputTokens > 5);
        QVERIFY(m_window->chatView()->toPlainText().contains("variant " + expected));
        uidOf.insert(id, answer.requestUid);
        variantOf.insert(id, expected);
        ++perVariant[expected];
    }
    QVERIFY(perVariant.value("A") >= 2 && perVariant.value("B") >= 2);

    // Stored: the conversations with their variant, the records with experiment and variant,
    // and what each request really sent (B's system prompt, B's cut).
    QTRY_VERIFY([&] {
        ConversationStore store(dbPath());
        return store.open() && store.conversations().size() == variantOf.size();
    }());
    ConversationStore store(dbPath());
    QVERIFY(store.open());
    for (auto it = variantOf.constBegin(); it != variantOf.constEnd(); ++it) {
        const auto conversation = store.conversation(it.key());
        QVERIFY(conversation);
        QCOMPARE(conversation->experiment, QStringLiteral("prompt-test"));
        QCOMPARE(conversation->variant, it.value());
        const QString question = store.messages(it.key()).at(0).content;
        std::optional<MetricsRecord> record;
        QTRY_VERIFY((record = recordOf(uidOf.value(it.key()))).has_value());
        QCOMPARE(record->experiment, QStringLiteral("prompt-test"));
        QCOMPARE(record->variant, it.value());
        QCOMPARE(record->profile, QStringLiteral("Demo"));
        const bool b = it.value() == QLatin1String("B");
        QCOMPARE(record->model, b ? QStringLiteral("demo-chat") : QStringLiteral("demo-reasoner"));
        QCOMPARE(record->status, b ? RequestStatus::Length : RequestStatus::Ok);
        QCOMPARE(record->promptChars, question.size() + (b ? systemPrompt.size() : 0));
    }

    // A 👍 on the last answer counts as satisfaction of its variant.
    const QString lastVariant = m_window->session()->variant();
    ChatView* view = m_window->chatView();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->actionRect(1, ChatView::Action::RateUp).center());
    QCOMPARE(m_window->session()->entries().at(1).rating, std::optional<int>(1));

    // The dashboard's panel: one row per variant with its requests, and the satisfaction.
    m_window->showDashboard();
    m_window->dashboard()->showExperimentPanel();
    auto* table = m_window->dashboard()->findChild<QTableWidget*>("experimentTable");
    QVERIFY(table);
    QTRY_VERIFY(table->isVisible()); // once a snapshot with the experiment arrived
    const int ratedRow = lastVariant == QLatin1String("A") ? 0 : 1;
    QTRY_COMPARE(table->item(ratedRow, ExperimentPanel::SatisfactionColumn)->text(),
                 QStringLiteral("100 % (1 rated)"));
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, ExperimentPanel::VariantColumn)->text(), QStringLiteral("A (control)"));
    QCOMPARE(table->item(1, ExperimentPanel::VariantColumn)->text(), QStringLiteral("B"));
    QCOMPARE(table->item(0, ExperimentPanel::RequestsColumn)->text(),
             QString::number(perVariant.value("A")));
    QCOMPARE(table->item(1, ExperimentPanel::RequestsColumn)->text(),
             QString::number(perVariant.value("B")));
    QCOMPARE(table->item(1 - ratedRow, ExperimentPanel::SatisfactionColumn)->text(),
             QStringLiteral("– (0 rated)"));
    QCOMPARE(table->item(1, ExperimentPanel::CompletionRateColumn)->text(),
             QStringLiteral("100 %")); // "length" is a completed answer
    auto* comparisons = m_window->dashboard()->findChild<QListWidget*>("experimentComparisons");
    QCOMPARE(comparisons->count(), 6); // B against A on six metrics
    for (int i = 0; i < comparisons->count(); ++i)
        QCOMPARE(comparisons->item(i)->data(Qt::UserRole).toString(),
                 QStringLiteral("not_enough_data"));
    QVERIFY(m_window->dashboard()
                ->findChild<QLabel*>("experimentVerdictNote")
                ->text()
                .startsWith(QStringLiteral("Not enough data yet")));
    auto* box = m_window->dashboard()->findChild<QComboBox*>("experimentBox");
    QCOMPARE(box->currentText(), QStringLiteral("prompt-test"));

    // Stopped: new conversations and requests are neither steered nor labelled.
    m_window->experiments()->stop();
    QVERIFY(!m_window->experiments()->active());
    QVERIFY(indicator()->isHidden());
    m_window->conversations()->newConversation();
    QVERIFY(m_window->session()->experiment().isEmpty());
    QVERIFY(m_window->endpointPicker()->experimentNote().isEmpty());
    sendText(QStringLiteral("After the experiment"));
    QVERIFY(waitForAnswer());
    const ChatEntry after = m_window->session()->entries().at(1);
    QVERIFY(after.variant.isEmpty());
    QVERIFY(!m_window->chatView()->toPlainText().contains(QStringLiteral("variant ")));
    std::optional<MetricsRecord> record;
    QTRY_VERIFY((record = recordOf(after.requestUid)).has_value());
    QVERIFY(record->experiment.isEmpty());
    QVERIFY(record->variant.isEmpty());
    // The stopped experiment stays in the panel, from its records.
    QTRY_VERIFY(m_window->dashboard()
                    ->findChild<QLabel*>("experimentState")
                    ->text()
                    .startsWith(QStringLiteral("not running")));
    QCOMPARE(table->item(0, ExperimentPanel::RequestsColumn)->text(),
             QString::number(perVariant.value("A")));
}

void TestExperimentFlow::experimentSurvivesARestart()
{
    open();
    startExperiment();
    sendText(QStringLiteral("Before the restart"));
    QVERIFY(waitForAnswer());
    const QString id = m_window->conversations()->currentId();
    const QString variant = m_window->session()->variant();
    QVERIFY(!variant.isEmpty());
    m_window.reset();
    // The definition is in the settings, not just the file's path.
    QVERIFY(QFile::remove(m_dir->filePath(QStringLiteral("experiment.json"))));

    open();
    QTRY_VERIFY(m_window->experiments()->active());
    QCOMPARE(indicator()->text(), QStringLiteral("Experiment prompt-test: A 50 % · B 50 %"));
    QCOMPARE(m_window->session()->experiment(), QStringLiteral("prompt-test"));

    // The stored conversation comes back with its variant on its answer, and stays in it.
    m_window->conversations()->open(id);
    QTRY_COMPARE(m_window->conversations()->currentId(), id);
    QCOMPARE(m_window->session()->variant(), variant);
    QVERIFY(m_window->chatView()->toPlainText().contains("variant " + variant));
    sendText(QStringLiteral("And after it"));
    QVERIFY(waitForAnswer());
    QCOMPARE(m_window->session()->entries().at(3).variant, variant);

    // Stopped, it stays stopped after the next restart.
    m_window->experiments()->stop();
    m_window.reset();
    open();
    QVERIFY(!m_window->experiments()->active());
    QVERIFY(indicator()->isHidden());
}

void TestExperimentFlow::storedExperimentThatCannotStartCanBeStopped()
{
    // Its profile was deleted since it was started: it cannot run, but must not be stuck.
    QString error;
    auto definition = ExperimentDefinition::fromJson(experimentJson, &error);
    QVERIFY2(definition, qPrintable(error));
    definition->variants[1].profile = QStringLiteral("Deleted");
    {
        AppSettings settings(m_dir->filePath(QStringLiteral("settings.ini")));
        settings.setExperiment(*definition);
        settings.sync();
    }
    open();
    QTRY_VERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("Deleted")));
    QVERIFY(!m_window->experiments()->active());
    auto* stop = m_window->findChild<QAction*>(QStringLiteral("stopExperimentAction"));
    QVERIFY(stop);
    QVERIFY(stop->isEnabled());
    stop->trigger();
    QVERIFY(!stop->isEnabled());
    QVERIFY(!AppSettings(m_dir->filePath(QStringLiteral("settings.ini"))).experiment());
}

QTEST_MAIN(TestExperimentFlow)
#include "tst_experimentflow.moc"

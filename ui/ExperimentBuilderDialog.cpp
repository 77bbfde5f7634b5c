#include "ExperimentBuilderDialog.h"

#include "ToneLabel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTableWidget>
#include <QVBoxLayout>

namespace adminchat {

namespace {

// The parser's "variants[1].weight must ..." as the table shows it: "row 2: weight must ...".
QString forTable(QString error)
{
    static const QRegularExpression variant(QStringLiteral("variants\\[(\\d+)\\]\\.?"));
    const QRegularExpressionMatch match = variant.match(error);
    if (match.hasMatch())
        error.replace(match.capturedStart(), match.capturedLength(),
                      QStringLiteral("row %1: ").arg(match.captured(1).toInt() + 1));
    return error;
}

QString number(double value)
{
    return QString::number(value, 'g', 10);
}

} // namespace

ExperimentBuilderDialog::ExperimentBuilderDialog(const QStringList& profiles,
                                                 const ExportFolder& folder, QWidget* parent)
    : QDialog(parent), m_profiles(profiles), m_folder(folder), m_name(new QLineEdit(this)),
      m_unit(new QComboBox(this)), m_variants(new QTableWidget(0, ColumnCount, this)),
      m_addButton(new QPushButton(tr("Add variant"), this)),
      m_removeButton(new QPushButton(tr("Remove variant"), this)), m_problem(new ToneLabel(this)),
      m_openButton(new QPushButton(tr("Open…"), this)),
      m_saveButton(new QPushButton(tr("Save as…"), this)),
      m_startButton(new QPushButton(tr("Start"), this))
{
    setWindowTitle(tr("A/B experiment"));
    m_name->setObjectName(QStringLiteral("experimentName"));
    m_name->setPlaceholderText(tr("e.g. short-answers"));
    m_unit->setObjectName(QStringLiteral("experimentUnit"));
    m_unit->addItem(tr("Each conversation"), int(ExperimentUnit::Conversation));
    m_unit->addItem(tr("Each request"), int(ExperimentUnit::Request));
    m_unit->setToolTip(tr("What gets one variant: every request of a conversation the same, or "
                          "each request on its own"));
    m_variants->setObjectName(QStringLiteral("variantTable"));
    m_variants->setHorizontalHeaderLabels({tr("Variant"), tr("Weight"), tr("Profile"), tr("Model"),
                                           tr("Temperature"), tr("Max tokens"),
                                           tr("System prompt")});
    m_variants->horizontalHeader()->setSectionResizeMode(SystemColumn, QHeaderView::Stretch);
    m_variants->verticalHeader()->setVisible(true); // row numbers, as the errors name them
    m_variants->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_variants->setToolTip(tr("Weights are relative shares. Empty profile, model or parameter: "
                              "what the window uses."));
    m_addButton->setObjectName(QStringLiteral("addVariantButton"));
    m_removeButton->setObjectName(QStringLiteral("removeVariantButton"));
    m_problem->setObjectName(QStringLiteral("experimentProblem"));
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Two lines kept for it: a message appearing does not move the buttons.
    m_problem->setMinimumHeight(m_problem->fontMetrics().lineSpacing() * 2);
    m_openButton->setObjectName(QStringLiteral("openExperimentButton"));
    m_openButton->setToolTip(tr("Fill the dialog from an experiment file"));
    m_saveButton->setObjectName(QStringLiteral("saveExperimentButton"));
    m_saveButton->setToolTip(tr("Save as an experiment file, as `adminchat` reads it"));
    m_startButton->setObjectName(QStringLiteral("startExperimentButton"));
    m_startButton->setDefault(true);

    auto* top = new QFormLayout;
    top->addRow(tr("&Name:"), m_name);
    top->addRow(tr("&Assign:"), m_unit);
    auto* rowButtons = new QHBoxLayout;
    rowButtons->addWidget(m_addButton);
    rowButtons->addWidget(m_removeButton);
    rowButtons->addStretch();
    auto* close = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_openButton);
    actions->addWidget(m_saveButton);
    actions->addStretch();
    actions->addWidget(m_startButton);
    actions->addWidget(close);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_variants, 1);
    layout->addLayout(rowButtons);
    layout->addWidget(m_problem);
    layout->addLayout(actions);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &ExperimentBuilderDialog::validate);
    connect(m_unit, &QComboBox::currentIndexChanged, this, &ExperimentBuilderDialog::validate);
    connect(m_variants, &QTableWidget::itemChanged, this, &ExperimentBuilderDialog::validate);
    connect(m_addButton, &QPushButton::clicked, this, [this] {
        ExperimentVariant variant;
        variant.name = QString(QChar(u'A' + std::min(m_variants->rowCount(), 25)));
        variant.weight = 50;
        addVariant(variant);
        validate();
    });
    connect(m_removeButton, &QPushButton::clicked, this, [this] {
        const int row = m_variants->currentRow();
        m_variants->removeRow(row >= 0 ? row : m_variants->rowCount() - 1);
        validate();
    });
    connect(m_openButton, &QPushButton::clicked, this, &ExperimentBuilderDialog::chooseFileToOpen);
    connect(m_saveButton, &QPushButton::clicked, this, &ExperimentBuilderDialog::chooseFileToSave);
    connect(m_startButton, &QPushButton::clicked, this, [this] {
        if (const std::optional<ExperimentDefinition> definition = this->definition())
            emit startRequested(*definition);
    });
    resize(900, 420);
    validate();
}

void ExperimentBuilderDialog::setDefinition(const ExperimentDefinition& definition)
{
    m_filling = true;
    m_name->setText(definition.name);
    m_unit->setCurrentIndex(m_unit->findData(int(definition.unit)));
    m_variants->setRowCount(0);
    for (const ExperimentVariant& variant : definition.variants)
        addVariant(variant);
    m_filling = false;
    validate();
}

void ExperimentBuilderDialog::addVariant(const ExperimentVariant& variant)
{
    const bool filling = std::exchange(m_filling, true);
    const int row = m_variants->rowCount();
    m_variants->insertRow(row);
    const ExperimentParams& params = variant.params;
    const QStringList texts{
        variant.name,
        number(variant.weight),
        QString(),
        variant.model,
        params.temperature ? number(*params.temperature) : QString(),
        params.maxTokens ? QString::number(*params.maxTokens) : QString(),
        params.system,
    };
    for (int column = 0; column < ColumnCount; ++column)
        m_variants->setItem(row, column, new QTableWidgetItem(texts.at(column)));
    auto* profile = new QComboBox(m_variants);
    profile->setObjectName(QStringLiteral("variantProfile"));
    profile->setEditable(true);
    profile->addItem(QString());
    profile->addItems(m_profiles);
    profile->setCurrentText(variant.profile);
    profile->setToolTip(tr("Empty: the endpoint chosen in the window"));
    connect(profile, &QComboBox::currentTextChanged, this, &ExperimentBuilderDialog::validate);
    m_variants->setCellWidget(row, ProfileColumn, profile);
    m_filling = filling;
}

QString ExperimentBuilderDialog::cell(int row, int column) const
{
    if (column == ProfileColumn) {
        const auto* box = qobject_cast<const QComboBox*>(m_variants->cellWidget(row, column));
        return box ? box->currentText().trimmed() : QString();
    }
    const QTableWidgetItem* item = m_variants->item(row, column);
    return item ? item->text().trimmed() : QString();
}

std::optional<ExperimentDefinition> ExperimentBuilderDialog::definition(QString* error) const
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    ExperimentDefinition definition;
    definition.name = m_name->text().trimmed();
    definition.unit = ExperimentUnit(m_unit->currentData().toInt());
    for (int row = 0; row < m_variants->rowCount(); ++row) {
        ExperimentVariant variant;
        variant.name = cell(row, NameColumn);
        variant.profile = cell(row, ProfileColumn);
        variant.model = cell(row, ModelColumn);
        variant.params.system = m_variants->item(row, SystemColumn)
                                    ? m_variants->item(row, SystemColumn)->text()
                                    : QString();
        bool ok = false;
        variant.weight = cell(row, WeightColumn).toDouble(&ok);
        if (!ok)
            return fail(tr("row %1: weight must be a number >= 0").arg(row + 1));
        if (const QString text = cell(row, TemperatureColumn); !text.isEmpty()) {
            variant.params.temperature = text.toDouble(&ok);
            if (!ok)
                return fail(tr("row %1: temperature must be a number from 0 to 2").arg(row + 1));
        }
        if (const QString text = cell(row, MaxTokensColumn); !text.isEmpty()) {
            variant.params.maxTokens = text.toInt(&ok);
            if (!ok)
                return fail(tr("row %1: max tokens must be a positive integer").arg(row + 1));
        }
        definition.variants << variant;
    }
    // The rest is checked by the parser the command line uses, on the JSON it would read.
    QString problem;
    std::optional<ExperimentDefinition> parsed =
        ExperimentDefinition::fromJson(definition.toJson(), &problem);
    if (!parsed)
        return fail(forTable(problem));
    return parsed;
}

void ExperimentBuilderDialog::validate()
{
    if (m_filling)
        return;
    QString problem;
    const bool valid = definition(&problem).has_value();
    m_saveButton->setEnabled(valid);
    m_startButton->setEnabled(valid && !m_starting);
    m_removeButton->setEnabled(m_variants->rowCount() > 0);
    showProblem(valid ? QString() : problem, true);
}

void ExperimentBuilderDialog::showProblem(const QString& problem, bool error)
{
    m_problem->setTone(error ? ToneLabel::Tone::Error : ToneLabel::Tone::Normal);
    m_problem->setText(problem);
}

void ExperimentBuilderDialog::showStartError(const QString& error)
{
    setStarting(false);
    showProblem(error, true);
}

void ExperimentBuilderDialog::setStarting(bool starting)
{
    m_starting = starting;
    m_startButton->setEnabled(!starting && definition().has_value());
    if (starting)
        showProblem(tr("Starting… (reading the variants' keys)"), false);
}

bool ExperimentBuilderDialog::load(const QString& path)
{
    QString error;
    const std::optional<ExperimentDefinition> loaded = ExperimentDefinition::fromFile(path, &error);
    if (!loaded) {
        showProblem(error, true);
        return false;
    }
    setDefinition(*loaded);
    showProblem(tr("Opened %1").arg(path), false);
    return true;
}

bool ExperimentBuilderDialog::saveTo(const QString& path)
{
    QString error;
    const std::optional<ExperimentDefinition> current = definition(&error);
    if (!current) {
        showProblem(error, true);
        return false;
    }
    QSaveFile file(path);
    const QByteArray json = current->toJson();
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
        showProblem(tr("cannot save %1: %2").arg(path, file.errorString()), true);
        return false;
    }
    showProblem(tr("Saved %1").arg(path), false);
    return true;
}

void ExperimentBuilderDialog::chooseFileToOpen()
{
    // open(), not exec(): no nested event loop while answers stream in the window.
    auto* dialog = new QFileDialog(this, tr("Open experiment"), m_folder.startFolder(),
                                   tr("Experiment files (*.json);;All files (*)"));
    dialog->setObjectName(QStringLiteral("experimentOpenDialog"));
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, &ExperimentBuilderDialog::load);
    dialog->open();
}

void ExperimentBuilderDialog::chooseFileToSave()
{
    const QString name = m_name->text().trimmed();
    QFileDialog* dialog = m_folder.saveDialog(
        this, tr("Save experiment"),
        (name.isEmpty() ? QStringLiteral("experiment") : name) + QStringLiteral(".json"),
        tr("Experiment files (*.json)"), QStringLiteral("json"));
    dialog->setObjectName(QStringLiteral("experimentSaveDialog"));
    connect(dialog, &QFileDialog::fileSelected, this, &ExperimentBuilderDialog::saveTo);
    dialog->open();
}

} // namespace adminchat

#include "PresetsDialog.h"

#include "ParametersForm.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace adminchat {

PresetsDialog::PresetsDialog(PresetStore* store, QWidget* parent) : QDialog(parent), m_store(store)
{
    setObjectName(QStringLiteral("presetsDialog"));
    setWindowTitle(tr("Parameter Presets"));

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("presetList"));
    auto* newButton = new QPushButton(tr("New"), this);
    auto* deleteButton = new QPushButton(tr("Delete"), this);
    deleteButton->setObjectName(QStringLiteral("deletePreset"));
    auto* listButtons = new QHBoxLayout;
    listButtons->addWidget(newButton);
    listButtons->addWidget(deleteButton);
    auto* left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("presetName"));
    m_profile = new QLineEdit(this);
    m_profile->setObjectName(QStringLiteral("presetProfile"));
    m_profile->setPlaceholderText(tr("any profile"));
    m_model = new QLineEdit(this);
    m_model->setObjectName(QStringLiteral("presetModel"));
    m_model->setPlaceholderText(tr("any model"));
    m_default = new QCheckBox(tr("Default for new conversations in this scope"), this);
    m_default->setObjectName(QStringLiteral("presetDefault"));
    auto* scope = new QFormLayout;
    scope->addRow(tr("Name"), m_name);
    scope->addRow(tr("For profile"), m_profile);
    scope->addRow(tr("For model"), m_model);
    scope->addRow(QString(), m_default);
    m_form = new ParametersForm(this);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("presetError"));
    m_error->setWordWrap(true);
    m_error->hide();
    auto* saveButton = new QPushButton(tr("Save Preset"), this);
    saveButton->setObjectName(QStringLiteral("savePreset"));
    auto* right = new QVBoxLayout;
    right->addLayout(scope);
    right->addWidget(m_form);
    right->addWidget(m_error);
    right->addWidget(saveButton, 0, Qt::AlignRight);

    auto* columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 2);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(newButton, &QPushButton::clicked, this, [this] { startNew({}, {}, {}); });
    connect(deleteButton, &QPushButton::clicked, this, &PresetsDialog::removeCurrent);
    connect(saveButton, &QPushButton::clicked, this, &PresetsDialog::save);
    connect(m_list, &QListWidget::currentTextChanged, this, [this](const QString& name) {
        if (const auto preset = m_store->find(name))
            showPreset(*preset);
    });
    reload({});
}

void PresetsDialog::reload(const QString& select)
{
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (const ParameterPreset& preset : m_store->presets()) {
        auto* item = new QListWidgetItem(preset.name, m_list);
        if (preset.isDefault)
            item->setToolTip(tr("default"));
        if (preset.name == select)
            m_list->setCurrentItem(item);
    }
}

void PresetsDialog::showPreset(const ParameterPreset& preset)
{
    m_name->setText(preset.name);
    m_profile->setText(preset.profile);
    m_model->setText(preset.model);
    m_default->setChecked(preset.isDefault);
    m_form->setParameters(preset.parameters);
    m_error->hide();
}

void PresetsDialog::startNew(const RequestParameters& parameters, const QString& profile,
                             const QString& model)
{
    m_list->setCurrentItem(nullptr);
    ParameterPreset preset;
    preset.profile = profile;
    preset.model = model;
    preset.parameters = parameters;
    showPreset(preset);
    m_name->setFocus();
}

void PresetsDialog::selectPreset(const QString& name)
{
    reload(name);
    if (const auto preset = m_store->find(name))
        showPreset(*preset);
}

void PresetsDialog::save()
{
    QString error;
    ParameterPreset preset;
    preset.name = m_name->text().trimmed();
    preset.profile = m_profile->text().trimmed();
    preset.model = m_model->text().trimmed();
    preset.isDefault = m_default->isChecked();
    const std::optional<RequestParameters> parameters = m_form->parameters(&error);
    if (parameters)
        preset.parameters = *parameters;
    if (!parameters || !m_store->save(preset, &error)) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    m_error->hide();
    reload(preset.name);
    emit presetsChanged();
}

void PresetsDialog::removeCurrent()
{
    const QListWidgetItem* item = m_list->currentItem();
    if (!item || !m_store->remove(item->text()))
        return;
    reload({});
    startNew({}, {}, {});
    emit presetsChanged();
}

} // namespace adminchat

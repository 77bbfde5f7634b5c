#include "ParametersDialog.h"

#include "ParametersForm.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace adminchat {

ParametersDialog::ParametersDialog(PresetStore* store, QWidget* parent)
    : QDialog(parent), m_store(store)
{
    setObjectName(QStringLiteral("parametersDialog"));
    setWindowTitle(tr("Request Parameters"));
    m_presets = new QComboBox(this);
    m_presets->setObjectName(QStringLiteral("presetChoice"));
    auto* top = new QFormLayout;
    top->addRow(tr("Preset"), m_presets);
    m_form = new ParametersForm(this);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("parametersError"));
    m_error->setWordWrap(true);
    m_error->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton* manage = buttons->addButton(tr("Presets…"), QDialogButtonBox::ResetRole);
    manage->setObjectName(QStringLiteral("managePresets"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_presets, &QComboBox::activated, this, &ParametersDialog::choosePreset);
    // A field changed by hand makes the values the conversation's own.
    connect(m_form, &ParametersForm::edited, this, [this] { m_presets->setCurrentIndex(0); });
    connect(buttons, &QDialogButtonBox::accepted, this, &ParametersDialog::apply);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(manage, &QPushButton::clicked, this, [this] {
        QString error;
        emit managePresetsRequested(m_form->parameters(&error).value_or(RequestParameters()),
                                    m_profile, m_model);
    });
}

void ParametersDialog::reloadPresets()
{
    const QString selected = m_presets->currentData().toString();
    m_presets->clear();
    m_presets->addItem(tr("none (set by hand)"), QString());
    for (const ParameterPreset& preset : m_store->presets()) {
        if (!preset.appliesTo(m_profile, m_model))
            continue;
        m_presets->addItem(preset.isDefault ? tr("%1 (default)").arg(preset.name) : preset.name,
                           preset.name);
    }
    const int index = m_presets->findData(selected);
    m_presets->setCurrentIndex(index < 0 ? 0 : index);
}

void ParametersDialog::edit(const QString& preset, const RequestParameters& parameters,
                            const QString& profile, const QString& model)
{
    m_profile = profile;
    m_model = model;
    reloadPresets();
    const int index = m_presets->findData(preset);
    m_presets->setCurrentIndex(index < 0 ? 0 : index);
    m_form->setParameters(parameters);
    m_error->hide();
}

void ParametersDialog::choosePreset(int index)
{
    const QString name = m_presets->itemData(index).toString();
    if (name.isEmpty())
        return; // keeps the fields: "none" only makes them the conversation's own
    if (const auto preset = m_store->find(name))
        m_form->setParameters(preset->parameters);
}

void ParametersDialog::apply()
{
    QString error;
    const std::optional<RequestParameters> parameters = m_form->parameters(&error);
    if (!parameters) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    emit parametersChosen(m_presets->currentData().toString(), *parameters);
    accept();
}

} // namespace adminchat

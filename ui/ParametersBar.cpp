#include "ParametersBar.h"

#include "ConversationController.h"
#include "ParametersDialog.h"
#include "PresetsDialog.h"
#include "chat/ChatSession.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace adminchat {

ParametersBar::ParametersBar(const QString& settingsPath, QWidget* parent)
    : QWidget(parent), m_presets(settingsPath)
{
    setObjectName(QStringLiteral("parametersBar"));
    m_line = new QLabel(this);
    m_line->setObjectName(QStringLiteral("parametersLine"));
    m_line->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_button = new QToolButton(this);
    m_button->setObjectName(QStringLiteral("parametersButton"));
    m_button->setText(tr("Parameters…"));
    m_button->setToolTip(tr("System prompt, sampling parameters and presets"));
    m_button->setAutoRaise(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_line, 1);
    layout->addWidget(m_button);
    connect(m_button, &QToolButton::clicked, this, &ParametersBar::openEditor);
    showParameters({}, {});
}

ParametersBar::~ParametersBar() = default;

void ParametersBar::attach(ConversationController* controller)
{
    m_controller = controller;
    connect(controller, &ConversationController::parametersChanged, this,
            &ParametersBar::showParameters);
    controller->setDefaultPreset([this](const QString& profile, const QString& model) {
        return m_presets.defaultFor(profile, model);
    });
    if (const ChatSession* session = controller->current())
        showParameters(session->presetName(), session->parameters());
}

QString ParametersBar::text() const
{
    return m_line->text();
}

void ParametersBar::showParameters(const QString& preset, const RequestParameters& parameters)
{
    QString line = parameters.summary();
    if (!preset.isEmpty())
        line += (line.isEmpty() ? QString() : QStringLiteral(" · ")) + tr("preset %1").arg(preset);
    m_line->setText(line.isEmpty() ? tr("server defaults") : line);
    m_line->setToolTip(
        parameters.system.isEmpty() ? QString() : tr("System prompt: %1").arg(parameters.system));
}

void ParametersBar::openEditor()
{
    const ChatSession* session = m_controller ? m_controller->current() : nullptr;
    if (!session)
        return;
    if (!m_editor) {
        m_editor = new ParametersDialog(&m_presets, this);
        connect(m_editor, &ParametersDialog::parametersChosen, this,
                [this](const QString& preset, const RequestParameters& parameters) {
                    if (m_controller)
                        m_controller->setParameters(preset, parameters);
                });
        connect(m_editor, &ParametersDialog::managePresetsRequested, this,
                &ParametersBar::openPresets);
    }
    m_editor->edit(session->presetName(), session->parameters(), session->profileName(),
                   session->model());
    m_editor->open();
}

void ParametersBar::openPresets(const RequestParameters& startFrom, const QString& profile,
                                const QString& model)
{
    if (!m_presetsDialog) {
        // A child of the editor, which is modal to the window: it stays usable above it.
        QWidget* parent = m_editor ? static_cast<QWidget*>(m_editor.data()) : this;
        m_presetsDialog = new PresetsDialog(&m_presets, parent);
        connect(m_presetsDialog, &PresetsDialog::presetsChanged, this, [this] {
            if (m_editor)
                m_editor->reloadPresets();
        });
    }
    m_presetsDialog->startNew(startFrom, profile, model);
    m_presetsDialog->show();
    m_presetsDialog->raise();
}

} // namespace adminchat

#pragma once

#include "endpoints/PresetStore.h"
#include "openai/RequestParameters.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QToolButton;

namespace adminchat {

class ConversationController;
class ParametersDialog;
class PresetsDialog;

// The conversation's header line for its request parameters ("temp 0.7 · max 1024 · preset
// Precise") with a button that opens the editor. Follows the controller's current
// conversation, hands it the parameters chosen, and the default preset for new ones.
class ParametersBar : public QWidget
{
    Q_OBJECT
public:
    // settingsPath: the file the presets are kept in (the profiles' file).
    explicit ParametersBar(const QString& settingsPath, QWidget* parent = nullptr);
    ~ParametersBar() override;

    void attach(ConversationController* controller);
    QString text() const; // what the line shows
    PresetStore* presets() { return &m_presets; }

    void openEditor();
    void openPresets(const RequestParameters& startFrom, const QString& profile,
                     const QString& model);

private:
    void showParameters(const QString& preset, const RequestParameters& parameters);

    PresetStore m_presets;
    ConversationController* m_controller = nullptr;
    QLabel* m_line;
    QToolButton* m_button;
    QPointer<ParametersDialog> m_editor;
    QPointer<PresetsDialog> m_presetsDialog;
};

} // namespace adminchat

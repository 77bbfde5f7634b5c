#pragma once

#include "endpoints/PresetStore.h"

#include <QDialog>

class QComboBox;
class QLabel;

namespace adminchat {

class ParametersForm;

// Edits the current conversation's request parameters: start from a preset (or none), change
// any field, apply. The preset's name stays with the parameters only while they are the
// preset's own. Opened with open(), never exec(): the window keeps running.
class ParametersDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ParametersDialog(PresetStore* store, QWidget* parent = nullptr);

    // What the conversation has now, and where it runs (to list the presets that apply).
    void edit(const QString& preset, const RequestParameters& parameters, const QString& profile,
              const QString& model);
    void reloadPresets();

signals:
    void parametersChosen(const QString& preset, const adminchat::RequestParameters& parameters);
    void managePresetsRequested(const adminchat::RequestParameters& parameters,
                                const QString& profile, const QString& model);

private:
    void choosePreset(int index);
    void apply();

    PresetStore* m_store;
    QComboBox* m_presets; // item data: the preset's name, empty for none
    ParametersForm* m_form;
    QLabel* m_error;
    QString m_profile;
    QString m_model;
};

} // namespace adminchat

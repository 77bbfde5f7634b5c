#pragma once

#include "endpoints/PresetStore.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;

namespace adminchat {

class ParametersForm;

// Manages the parameter presets: a list on the left, the chosen one's name, scope (an endpoint
// profile, a model, or any), default mark and parameters on the right. Saves into the
// PresetStore it is given; not modal.
class PresetsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PresetsDialog(PresetStore* store, QWidget* parent = nullptr);

    // Starts a new preset filled with these values (the window's "Save as preset").
    void startNew(const RequestParameters& parameters, const QString& profile,
                  const QString& model);
    void selectPreset(const QString& name);

signals:
    void presetsChanged();

private:
    void reload(const QString& select);
    void showPreset(const ParameterPreset& preset);
    void save();
    void removeCurrent();

    PresetStore* m_store;
    QListWidget* m_list;
    QLineEdit* m_name;
    QLineEdit* m_profile;
    QLineEdit* m_model;
    QCheckBox* m_default;
    ParametersForm* m_form;
    QLabel* m_error;
};

} // namespace adminchat

#pragma once

#include "endpoints/ProbeSettings.h"

#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace adminchat {

class ToneLabel;

// A profile's watch settings (ProbeSettings), the Watch tab of the profile editor: whether the
// endpoint is watched, how often, with which prompts, models and content check, within which
// daily budget, and when it counts as slow or down. What `adminchat profile probe` sets.
class ProbeSettingsForm : public QWidget
{
    Q_OBJECT
public:
    explicit ProbeSettingsForm(QWidget* parent = nullptr);

    void setSettings(const ProbeSettings& settings);
    // The settings as typed, or std::nullopt and a one-line *error.
    std::optional<ProbeSettings> settings(QString* error = nullptr) const;
    QStringList fieldValues() const; // every field as shown, to tell an edit

signals:
    void edited();

private:
    void updateEnabled();
    void validate();

    ProbeSettings m_loaded; // what no field shows is kept as it was
    QCheckBox* m_enabled;
    QSpinBox* m_interval;
    QPlainTextEdit* m_prompts;
    QLineEdit* m_models;
    QSpinBox* m_maxTokens;
    QSpinBox* m_timeout;
    QComboBox* m_checkKind;
    QLineEdit* m_expect;
    QSpinBox* m_budget;
    QSpinBox* m_slowAbove;
    QSpinBox* m_failures;
    ToneLabel* m_error;
    QWidget* m_fields;
};

} // namespace adminchat

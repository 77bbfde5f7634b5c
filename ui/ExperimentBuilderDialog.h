#pragma once

#include "ExportFolder.h"
#include "experiments/ExperimentDefinition.h"

#include <QDialog>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace adminchat {

class ToneLabel;

// Builds an A/B experiment: its name and unit, and per variant a weight, profile, model and
// request parameters (temperature, max tokens, system prompt). Checked as it is typed by the
// parser the command line uses (ExperimentDefinition::fromJson), so what the dialog accepts the
// CLI reads; it saves the same JSON. Errors stay in the dialog until the next edit.
class ExperimentBuilderDialog : public QDialog
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        WeightColumn,
        ProfileColumn,
        ModelColumn,
        TemperatureColumn,
        MaxTokensColumn,
        SystemColumn,
        ColumnCount
    };

    // profiles: the names offered per variant (an empty choice keeps the window's endpoint).
    ExperimentBuilderDialog(const QStringList& profiles, const ExportFolder& folder,
                            QWidget* parent = nullptr);

    void setDefinition(const ExperimentDefinition& definition);
    // As typed, or std::nullopt and the first problem in one line.
    std::optional<ExperimentDefinition> definition(QString* error = nullptr) const;
    bool load(const QString& path);   // false: the reason is shown
    bool saveTo(const QString& path); // false: the reason is shown
    // The experiment could not start (a profile without its key, ...): shown until an edit.
    void showStartError(const QString& error);
    void setStarting(bool starting); // while the controller resolves the variants' endpoints
    bool isStarting() const { return m_starting; }

signals:
    void startRequested(const adminchat::ExperimentDefinition& definition);

private:
    void addVariant(const ExperimentVariant& variant);
    void validate();
    void showProblem(const QString& problem, bool error);
    void chooseFileToOpen();
    void chooseFileToSave();
    QString cell(int row, int column) const;

    QStringList m_profiles;
    ExportFolder m_folder;
    QLineEdit* m_name;
    QComboBox* m_unit;
    QTableWidget* m_variants;
    QPushButton* m_addButton;
    QPushButton* m_removeButton;
    ToneLabel* m_problem;
    QPushButton* m_openButton;
    QPushButton* m_saveButton;
    QPushButton* m_startButton;
    bool m_starting = false;
    bool m_filling = false; // setDefinition() is filling the fields: no validation per cell
};

} // namespace adminchat

#pragma once

#include "store/DashboardSnapshot.h"

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;
class QTableWidget;

namespace adminchat {

// The dashboard's A/B experiment view: per variant, its requests and latency, throughput, error,
// completion and satisfaction figures; below, each variant's comparisons with the control, one
// line each, coloured by verdict. Shows what the snapshot carries (computed on the metrics
// thread); picking another experiment asks for it with experimentChosen().
class ExperimentPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column
    {
        VariantColumn,
        RequestsColumn,
        TtftP50Column,
        TtftP95Column,
        E2eP50Column,
        E2eP95Column,
        TokensP50Column,
        TokensP95Column,
        ErrorRateColumn,
        CompletionRateColumn,
        SatisfactionColumn,
        ColumnCount
    };

    explicit ExperimentPanel(QWidget* parent = nullptr);

    void setSnapshot(const DashboardSnapshot& snapshot);
    QString shownExperiment() const { return m_shown; }

signals:
    void experimentChosen(const QString& name);

private:
    void showSummaries(const ExperimentComparison& comparison);
    void showComparisons(const ExperimentComparison& comparison);

    QString m_shown;
    QStringList m_listed;
    QComboBox* m_experimentBox;
    QLabel* m_state;
    QStackedWidget* m_pages;
    QLabel* m_empty;
    QTableWidget* m_table;
    QLabel* m_verdictNote;
    QListWidget* m_comparisons;
};

} // namespace adminchat

#pragma once

#include "metrics/AggregateReport.h"

#include <QAbstractTableModel>
#include <QList>

namespace adminchat {

// Rows of GroupStats (per model or per endpoint) for the dashboard tables. Display text is
// formatted ("312 ms", "0.8 %", "–"); SortRole gives the raw number so columns sort by value.
class DashboardGroupModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        EndpointColumn,
        ModelColumn,
        VariantColumn,
        RequestsColumn,
        TtftP50Column,
        TtftP95Column,
        TtftP99Column,
        E2eP95Column,
        ItlP50Column,
        TokensP50Column,
        ErrorsColumn,
        CompletionColumn,
        PredictionColumn, // Predicted Outputs: accepted share of predicted tokens
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit DashboardGroupModel(QObject* parent = nullptr);

    // Resets the model only when the number of groups changes; otherwise emits dataChanged.
    void setGroups(const QList<GroupStats>& groups);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant displayData(const GroupStats& group, int column) const;
    QVariant sortData(const GroupStats& group, int column) const;

    QList<GroupStats> m_groups;
};

} // namespace adminchat

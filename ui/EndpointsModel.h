#pragma once

#include "WatchController.h"

#include <QAbstractTableModel>

namespace adminchat {

// One row per watched endpoint and model, from the WatchController's overview: status, the
// uptime bars of a day and a week (SegmentsRole, painted by UptimeBarDelegate), uptime, the
// probes' P50/P95 over 72 h, the newest trouble and who watches it.
class EndpointsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        ProfileColumn,
        ModelColumn,
        StatusColumn,
        DayColumn,
        WeekColumn,
        MonthColumn,
        TtftColumn,
        E2eColumn,
        SpeedColumn,
        LastErrorColumn,
        IncidentColumn,
        HolderColumn,
        ColumnCount
    };
    enum Role
    {
        SegmentsRole = Qt::UserRole + 1, // QVariantList of WatchState as int, oldest first
        EndpointIdRole,
        ModelRole,
    };

    explicit EndpointsModel(WatchController* controller, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const WatchOverview::Row* rowAt(int row) const;
    int rowOf(const QString& endpointId, const QString& model) const;

private:
    QVariant display(const WatchOverview::Row& row, int column) const;
    QString toolTip(const WatchOverview::Row& row, int column) const;
    void reset();

    WatchController* m_controller;
    QList<WatchOverview::Row> m_rows;
};

} // namespace adminchat

#pragma once

#include "watch/Alert.h"

#include <QAbstractTableModel>

namespace adminchat {

// The alerts raised while the window runs, newest first, each until acknowledged (then shown
// quieter; a resolution comes acknowledged). Bounded: the oldest acknowledged ones go first past
// maxAlerts.
class AlertListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int maxAlerts = 500;
    enum Column
    {
        TimeColumn,
        EndpointColumn,
        RuleColumn,
        MessageColumn,
        ColumnCount
    };

    using QAbstractTableModel::QAbstractTableModel;

    void add(const Alert& alert);
    void acknowledge(int row);
    void acknowledgeAll();
    const Alert* alertAt(int row) const;
    int unacknowledged() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString ruleLabel(const QString& rule); // "down" -> "Endpoint down"

signals:
    void unacknowledgedChanged(int count);

private:
    struct Entry
    {
        Alert alert;
        bool acknowledged = false;
    };
    QList<Entry> m_entries; // newest first
};

} // namespace adminchat

#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/MetricsFilter.h"
#include "metrics/Suggestion.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QStringList>

namespace adminchat {

// What the dashboard shows at one moment: computed off the GUI thread, handed over whole.
struct DashboardSnapshot
{
    MetricsFilter filter;
    QDateTime computedAt;
    AggregateReport report;
    QList<Suggestion> suggestions;
    QStringList endpoints; // every endpoint and model seen, for the filter pickers
    QStringList models;
    qint64 totalRecords = 0; // in the database, whatever the filter
};

} // namespace adminchat

Q_DECLARE_METATYPE(adminchat::DashboardSnapshot)

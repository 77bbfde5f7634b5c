#pragma once

#include "experiments/ExperimentComparison.h"
#include "metrics/AggregateReport.h"
#include "metrics/MetricsFilter.h"
#include "metrics/Suggestion.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QStringList>
#include <optional>

namespace adminchat {

// What the dashboard shows at one moment: computed off the GUI thread, handed over whole.
struct DashboardSnapshot
{
    MetricsFilter filter;
    QDateTime computedAt;
    double computeMs = 0; // how long computing this snapshot took on the metrics thread
    AggregateReport report;
    QList<Suggestion> suggestions;
    // Every endpoint, model and tag seen, for the filter pickers: endpoints by key
    // (MetricsRecord::endpointKey, what MetricsFilter::endpoint takes), shown by their labels.
    QStringList endpoints;
    QStringList endpointLabels;
    QStringList models;
    QStringList tags;        // e.g. bench runs
    qint64 totalRecords = 0; // in the database, whatever the filter

    // A/B experiments, over all their records whatever the filter: the one shown (the running
    // one, the one picked, else the most recent seen), its variants compared, and every
    // experiment seen (most recent first) for the picker.
    QString activeExperiment; // running in the window; empty when none
    std::optional<ExperimentComparison> experiment;
    QStringList experiments;
};

} // namespace adminchat

Q_DECLARE_METATYPE(adminchat::DashboardSnapshot)

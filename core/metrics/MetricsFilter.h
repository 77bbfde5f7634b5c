#pragma once

#include <QDateTime>
#include <QString>

namespace adminchat {

struct MetricsRecord;

// Which records a view, an export or a summary covers. Empty strings match everything.
struct MetricsFilter
{
    enum class Window
    {
        Last5Minutes,
        LastHour,
        Last24Hours,
        All
    };

    Window window = Window::All;
    QDateTime since; // overrides window when valid (--since)
    // An endpoint's key (MetricsRecord::endpointKey), its profile's name or its URL.
    QString endpoint;
    QString model;
    QString experiment;
    QString variant;
    QString tag;
    qint64 afterId = 0; // only records stored after this row id (picking up other writers)
    QDateTime before;   // only records started before this time (a slice of a window)

    // Start of the covered interval at time now (invalid: no lower bound).
    QDateTime start(const QDateTime& now) const;
    bool matchesLabels(const MetricsRecord& record) const;

    // The same endpoint, model, experiment, variant and tag (time and row bounds aside).
    bool sameLabels(const MetricsFilter& other) const;
    static QString windowName(Window window);   // "5m", "1h", "24h", "all"
    static qint64 windowSeconds(Window window); // 0 for All
};

} // namespace adminchat

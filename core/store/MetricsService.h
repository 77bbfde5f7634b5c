#pragma once

#include "metrics/LatencyCategory.h"
#include "metrics/MetricsFilter.h"
#include "metrics/MetricsRecord.h"
#include "store/DashboardSnapshot.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace adminchat {

class MetricsStore;
class WindowReport;

// Owns the metrics database on the thread it lives in (MetricsThread): stores new records,
// recomputes the dashboard at most every 250 ms when something changed, rates answers, prunes
// old rows and writes CSV exports, so none of it runs on the GUI thread. The dashboard is read
// from the rollups (WindowReport), so a refresh costs what the window's buckets cost, however
// many records the database holds; the experiment comparison comes from the rollups too.
// A database whose rollups are incomplete (from an older release) has them built first, a slice
// per pass of the event loop, with progress. Call its slots with queued invocations from other
// threads.
class MetricsService : public QObject
{
    Q_OBJECT
public:
    static constexpr int minRefreshIntervalMs = 250;
    static constexpr int pollIntervalMs = 500; // other writers: `adminchat ask`, a second window
    static constexpr int defaultRetentionDays = 90;
    static constexpr int buildSliceRows = 5000; // rollups built per pass of the event loop
    static constexpr int buildSliceWeeks = 4;   // week buckets of older days, per pass
    static constexpr int pruneSliceRows = 2000; // rows deleted per transaction
    static constexpr int pruneIntervalMs = 3'600'000;
    // The suggestion rules look at whole minutes of 5 min, 1 h and 24 h: evaluated this often
    // (and when the filter changes) rather than on every refresh, which then costs only the
    // shown window.
    static constexpr int suggestIntervalMs = 5000;

    explicit MetricsService(QString databasePath, QObject* parent = nullptr);
    ~MetricsService() override;

    Q_INVOKABLE void open();
    Q_INVOKABLE void addRecord(const adminchat::MetricsRecord& record);
    Q_INVOKABLE void setFilter(const adminchat::MetricsFilter& filter);
    Q_INVOKABLE void setCategoryRule(const adminchat::CategoryRule& rule);
    Q_INVOKABLE void setRating(qint64 recordId, int rating); // +1, -1, 0 clears
    // Rates the record a chat message links to (MetricsRecord::requestUid).
    Q_INVOKABLE void setRequestRating(const QString& requestUid, int rating);
    // The experiment running in the window (empty name: none) and its variants in file order,
    // so its comparison lists every variant, even those without records yet.
    Q_INVOKABLE void setActiveExperiment(const QString& name, const QStringList& variants);
    // The experiment the dashboard's panel shows; empty: the running one, else the most recent.
    Q_INVOKABLE void setShownExperiment(const QString& name);
    // Writes what the current filter selects: one row per request, or one per group (summary).
    Q_INVOKABLE void exportCsv(const QString& path, bool summary);
    // Raw rows older than this many days are deleted (their rollups stay); 0 keeps every row.
    Q_INVOKABLE void setRetentionDays(int days);

signals:
    void opened(const QString& path, const QString& movedAsidePath);
    void failed(const QString& error);
    void recordStored(const adminchat::MetricsRecord& record);
    void snapshotReady(const adminchat::DashboardSnapshot& snapshot);
    void exportFinished(const QString& path, qint64 rows, const QString& error);
    // Building the rollups of an older database: done of total rows; snapshots follow when done.
    void rollupsProgressed(qint64 done, qint64 total);
    void rowsPruned(qint64 rows);

private:
    void buildRollups();
    void buildWeeks();
    void loadLabels();
    void scheduleRefresh();
    void pollOtherWriters();
    void keep(const MetricsRecord& record); // into the label sets
    void refresh();
    void updateSuggestions();
    void compareExperiments(DashboardSnapshot& snapshot);
    void rated(const std::vector<MetricsRecord>& records);
    void prune();
    void invalidate(qint64 ms);
    void forEachWindow(const std::function<void(WindowReport&)>& apply);

    QString m_databasePath;
    std::unique_ptr<MetricsStore> m_store;
    std::unique_ptr<WindowReport> m_window;
    // The suggestion rules' windows (5 min, 1 h, 24 h), from the start of their first minute so
    // they hold whole buckets.
    std::array<std::unique_ptr<WindowReport>, 3> m_ruleWindows;
    bool m_ready = false; // rollups complete: snapshots may be computed
    qint64 m_totalRecords = 0;
    int m_retentionDays = defaultRetentionDays;
    // The shown experiment over all time, per variant, without a timeline.
    std::unique_ptr<WindowReport> m_experimentWindow;
    // Every label seen, kept as records arrive rather than recounted over all records on each
    // refresh; endpoints by key (MetricsRecord::endpointKey) with the newest label.
    QHash<QString, QString> m_endpoints;
    QHash<QString, QDateTime> m_endpointSeen; // endpoint key -> start of the record it is named by
    QSet<QString> m_models;
    QSet<QString> m_tags;
    QHash<QString, QDateTime> m_experiments; // every experiment seen -> its newest record
    QString m_activeExperiment;
    QStringList m_activeVariants;
    QString m_shownExperiment;
    MetricsFilter m_filter;
    CategoryRule m_categoryRule;
    QTimer m_refreshTimer;
    QTimer m_pollTimer;
    QTimer m_pruneTimer;
    QTimer m_suggestTimer;
    QList<Suggestion> m_suggestions;
    MetricsFilter m_suggestionsFilter; // whose labels m_suggestions looked at
    qint64 m_pollWatermark = 0;        // highest row id seen by open() or a poll
    QSet<qint64> m_ownIdsUnpolled;     // ids we inserted above the watermark: not to be added twice
    QElapsedTimer m_sinceRefresh;
};

} // namespace adminchat

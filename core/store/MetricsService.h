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
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace adminchat {

class MetricsStore;

// Owns the metrics database and an in-memory copy of its records, on the thread it lives in
// (MetricsThread): stores new records, recomputes the dashboard at most every 250 ms when
// something changed, rates answers and writes CSV exports, so none of it runs on the GUI thread.
// Call its slots with queued invocations from other threads.
class MetricsService : public QObject
{
    Q_OBJECT
public:
    static constexpr int minRefreshIntervalMs = 250;
    static constexpr int pollIntervalMs = 500; // other writers: `adminchat ask`, a second window

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

signals:
    void opened(const QString& path, const QString& movedAsidePath);
    void failed(const QString& error);
    void recordStored(const adminchat::MetricsRecord& record);
    void snapshotReady(const adminchat::DashboardSnapshot& snapshot);
    void exportFinished(const QString& path, qint64 rows, const QString& error);

private:
    void scheduleRefresh();
    void pollOtherWriters();
    void keep(const MetricsRecord& record); // into m_records and the label sets
    void refresh();
    void compareExperiments(DashboardSnapshot& snapshot) const;
    void applyRating(const std::function<bool(const MetricsRecord&)>& matches,
                     std::optional<int> rating);

    QString m_databasePath;
    std::unique_ptr<MetricsStore> m_store;
    std::vector<MetricsRecord> m_records;
    // Every label seen, kept as records arrive rather than recounted over all records on each
    // refresh; endpoints by key (MetricsRecord::endpointKey) with the newest label.
    QHash<QString, QString> m_endpoints;
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
    qint64 m_pollWatermark = 0;    // highest row id seen by open() or a poll
    QSet<qint64> m_ownIdsUnpolled; // ids we inserted above the watermark: not to be added twice
    QElapsedTimer m_sinceRefresh;
};

} // namespace adminchat

#pragma once

#include "telemetry/OtlpConfig.h"
#include "telemetry/TelemetryRegistry.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <deque>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace adminchat {

struct MetricsRecord;

// Sends what AdminChat measures to an OTLP/HTTP receiver as JSON: each stored record becomes a
// span (POST {endpoint}/v1/traces) and points of the cumulative GenAI histograms (POST
// {endpoint}/v1/metrics, the whole registry each time, start time fixed for the process).
//
// Never blocks its thread: QNetworkAccessManager on the thread the exporter lives on. Spans wait
// in a bounded queue (the oldest dropped and counted when full, said once) and leave in batches
// every exportIntervalMs or as soon as batchSpans are waiting; one request per signal is in
// flight at a time. 429, 502, 503 and 504 are retried after the server's Retry-After (seconds or
// an HTTP date) or a capped backoff, at most maxAttempts times; anything else drops the batch
// with one log line. A partial success (rejected spans or points) is logged as one line. Header
// values never appear in a log line: a server's answer quoting one has it masked.
class OtlpExporter : public QObject
{
    Q_OBJECT
public:
    static constexpr int batchSpans = 512;
    static constexpr std::size_t maxQueuedSpans = 2048;
    static constexpr int defaultExportIntervalMs = 5'000;
    static constexpr int maxAttempts = 5;
    static constexpr int transferTimeoutMs = 10'000;

    explicit OtlpExporter(OtlpConfig config, QObject* parent = nullptr);
    ~OtlpExporter() override;

    const OtlpConfig& config() const { return m_config; }
    void setExportIntervalMs(int ms);

    // A finished request's record: a span, and its figures into the histograms.
    void addRecord(const MetricsRecord& record);
    // Sends what waits now instead of at the next interval.
    void flush();
    // Sends what waits and emits drained() once every request has been answered, or after
    // config().flushBoundMs at the latest (what is still unsent is then given up, and said).
    // Records added afterwards are still sent until the exporter is deleted.
    void shutdown();

    // Makes every record any MetricsStore of this process stores reach this exporter (on its
    // thread, queued when stored on another); nullptr stops that. The exporter unregisters
    // itself when deleted.
    static void receiveStoredRecords(OtlpExporter* exporter);

    qint64 spansSent() const { return m_spansSent; }
    qint64 spansDropped() const { return m_spansDropped; }
    qint64 metricsExports() const { return m_metricsExports; }
    qint64 retriesScheduled() const { return m_retries; }

signals:
    void drained();
    // One per answered or failed POST; status 0: no HTTP answer.
    void exportFinished(const QString& signal, int httpStatus);

private:
    struct Batch
    {
        QString signal; // "traces" or "metrics"
        QByteArray body;
        int spans = 0;
        int attempts = 0;
    };

    void send(Batch batch);
    void onFinished(QNetworkReply* reply, Batch batch);
    void retryLater(Batch batch, int delayMs);
    void sendNextTraces();
    void sendMetricsIfChanged();
    void checkDrained();
    QString masked(QString text) const;
    bool& inFlight(const QString& signal);

    OtlpConfig m_config;
    QNetworkAccessManager* m_network;
    QTimer m_interval;
    QTimer m_bound;
    TelemetryRegistry m_registry;
    qint64 m_startUnixNano = 0;
    std::deque<QJsonObject> m_spans;
    bool m_metricsChanged = false;
    bool m_tracesInFlight = false; // including a batch waiting to be retried
    bool m_metricsInFlight = false;
    bool m_shuttingDown = false;
    bool m_dropLogged = false;
    std::vector<QNetworkReply*> m_replies;
    qint64 m_spansSent = 0;
    qint64 m_spansDropped = 0;
    qint64 m_metricsExports = 0;
    qint64 m_retries = 0;
    int m_generation = 0; // bumped when the flush bound gives up what is in flight
};

} // namespace adminchat

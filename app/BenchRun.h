#pragma once

#include "BenchOptions.h"
#include "BenchSetup.h"
#include "bench/BenchResult.h"
#include "bench/LoadRunner.h"
#include "chat/RequestFinisher.h"
#include "experiments/VariantAssigner.h"
#include "metrics/LatencyCategory.h"
#include "metrics/MetricsRecord.h"

#include <QObject>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <memory>
#include <optional>
#include <vector>

namespace adminchat {

class BenchProgress;
class MetricsStore;
class TelemetryPush;

// One `adminchat bench`: sets the run up, sends its requests from a LoadRunner on a thread of
// its own, folds and stores each measured request as it ends (a metrics record tagged with
// the run, in batches), shows progress, and at the end prints the tables or the JSON object,
// writes the CSV and exits the event loop with the exit code.
class BenchRun : public QObject
{
public:
    explicit BenchRun(BenchOptions options, QObject* parent = nullptr);
    ~BenchRun() override;

    void start(); // call from the running event loop
    // Ctrl+C: the first stops sending and lets the requests in flight finish, the second
    // cancels them. Either way what was measured is printed and written.
    void interrupt();

private:
    void run(const BenchInputs& inputs);
    BenchRequest makeRequest(qint64 index) const; // on the runner's thread: reads only
    int targetOf(qint64 index) const;
    void onRequestFinished(qint64 index, bool warmup, const RequestTrace& trace,
                           const RequestMetrics& metrics);
    void onFinished(double seconds, int maxInFlight);
    void openStore();
    void flushRecords();
    bool writeCsv(); // false when --csv FILE could not be written (said on stderr)
    void printResult();
    void fail(const QString& message, int exitCode);
    void exitWhenPushed(int exitCode);

    BenchOptions m_options;
    BenchSetup m_setup; // owns the demo endpoint when one is used
    BenchInputs m_inputs;
    std::optional<VariantAssigner> m_assigner;
    CategoryRule m_rule;
    RequestFinisher m_finisher;
    QSet<QString> m_streamOptionsNoted; // profiles told to stop sending stream_options
    QThread m_thread;
    LoadRunner* m_runner = nullptr;
    BenchResult m_result;
    std::vector<BenchResult> m_variantResults; // by target, with an experiment
    std::vector<MetricsRecord> m_records;      // every measured request, for CSV and comparison
    std::vector<MetricsRecord> m_unsaved;      // kept until a write works
    QString m_storeError;                      // the first failed write
    std::unique_ptr<MetricsStore> m_store;
    std::unique_ptr<BenchProgress> m_progress;
    std::unique_ptr<TelemetryPush> m_push; // with --push-gateway or --push-import
    QSet<QString> m_pushErrors;            // said once each
    QTimer m_tick;                         // progress and batched saving
    int m_inFlight = 0;
    int m_interrupts = 0;
};

} // namespace adminchat

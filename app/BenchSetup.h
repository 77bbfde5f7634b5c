#pragma once

#include "BenchOptions.h"
#include "EndpointChooser.h"
#include "bench/BenchPrompts.h"
#include "experiments/ExperimentDefinition.h"

#include <QList>
#include <QObject>
#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace adminchat {

// Where the requests of one variant go (or of the whole run, without an experiment).
struct BenchTarget
{
    QString variant; // empty without an experiment
    QString profile;
    EndpointConfig endpoint;
    QString model;
    ExperimentParams params;
};

// Everything a load run needs, checked before the first request goes out.
struct BenchInputs
{
    BenchPrompts prompts;
    std::optional<ExperimentDefinition> experiment;
    QList<BenchTarget> targets; // one per variant in the experiment's order, else one
};

// Reads the prompts and the experiment file, resolves every endpoint (profiles, the demo,
// --base-url) and picks a model where none is given (the first one the endpoint lists). Owns
// the demo endpoint when a target uses it: keep it alive for the whole run.
class BenchSetup : public QObject
{
public:
    // On failure inputs is empty and error one line; exitCode 2 for bad usage, else 1.
    using Callback =
        std::function<void(std::optional<BenchInputs> inputs, const QString& error, int exitCode)>;

    explicit BenchSetup(QObject* parent = nullptr);
    ~BenchSetup() override;

    void start(const BenchOptions& options, Callback done);

private:
    void resolveNext();
    void onChosen(const std::optional<EndpointChooser::Choice>& choice, const QString& error,
                  int exitCode);
    QString errorPrefix() const; // names the variant being resolved
    void fail(const QString& error, int exitCode);

    BenchOptions m_options;
    Callback m_done;
    BenchInputs m_inputs;
    qsizetype m_next = 0; // target being resolved
    EndpointChooser m_chooser;
    QNetworkAccessManager* m_manager;
};

} // namespace adminchat

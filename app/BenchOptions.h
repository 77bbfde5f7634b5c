#pragma once

#include "OtlpOptions.h"
#include "PushOptions.h"
#include "bench/LoadPlan.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace adminchat {

// What `adminchat bench` was asked to do, parsed and checked.
struct BenchOptions
{
    QString profile; // a saved profile, "Environment" or "Demo"
    QString baseUrl; // when no profile: --base-url or $OPENAI_BASE_URL
    QString model;
    LoadPlan plan;
    QString prompt;      // --prompt, else the default prompt unless promptsFile is set
    QString promptsFile; // --prompts-file, JSONL
    std::optional<int> maxTokens;
    // --max-retries; 0 when absent, whatever the profile says: a load test counts every
    // failure. Retried requests keep their first send time, so their latency includes the waits.
    std::optional<int> maxRetries;
    QString experimentFile;
    QString tag; // defaults to bench-<UTC time>
    QString csvPath;
    bool json = false;
    OtlpOptions otlp;
    PushOptions push;

    static QString defaultPrompt();

    // Parses the arguments (program name first). nullopt with *error set for bad usage, or with
    // *help set to the help text for --help.
    static std::optional<BenchOptions> parse(const QStringList& arguments, QString* error,
                                             QString* help);
};

} // namespace adminchat

#pragma once

#include "OtlpOptions.h"
#include "openai/RequestParameters.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace adminchat {

// What `adminchat ask` was asked to do, parsed and checked.
struct AskOptions
{
    QString profile; // a saved profile, "Environment" or "Demo"
    QString baseUrl; // when no profile: --base-url or $OPENAI_BASE_URL
    QString model;
    QString preset; // --preset: a saved parameter preset, under the options below
    // --system, --temperature, --top-p, --max-tokens, --stop, --seed, --reasoning-effort: only
    // the fields given are set.
    RequestParameters parameters;
    std::optional<int> connectTimeoutMs;
    std::optional<int> idleTimeoutMs;
    std::optional<int> totalTimeoutMs;
    std::optional<int> maxRetries; // --max-retries, else the profile's
    bool stream = true;
    bool showReasoning = false;
    bool json = false;
    bool save = true;          // into the conversation history
    bool continueLast = false; // --continue
    QString conversation;      // --conversation ID (or unique prefix)
    // --predict-file: the file's text, sent as the request's prediction (Predicted Outputs).
    std::optional<QString> prediction;
    QString prompt;
    OtlpOptions otlp;

    // Parses the arguments (program name first). Returns nullopt with *error set for bad usage,
    // or with *help set to the help text for --help.
    static std::optional<AskOptions> parse(const QStringList& arguments, QString* error,
                                           QString* help);
};

} // namespace adminchat

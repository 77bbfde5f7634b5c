#pragma once

#include <QString>

namespace adminchat {

// One piece of advice or an alert, with the figures that justify it.
struct Suggestion
{
    enum class Severity { Info, Warning, Alert };

    QString rule; // stable id: "enable-streaming", "faster-model", "rate-limited",
                  // "error-spike", "ttft-degradation", "prompt-caching", "raise-max-tokens"
    Severity severity = Severity::Info;
    QString message;  // one sentence saying what to do
    QString evidence; // the figures behind it, e.g. "TTFT P95 4.2 s over 120 requests"
    QString endpoint; // what it is about, when it is about one endpoint or model
    QString model;

    static QString severityName(Severity severity); // "info", "warning", "alert"
};

} // namespace adminchat

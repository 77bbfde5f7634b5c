#pragma once

#include "settings/AlertThresholds.h"

#include <QString>
#include <QStringList>

class QSettings;

namespace adminchat {

// How an endpoint is watched: a small real chat request at an interval, its answer checked.
// Stored with its profile (ProfileStore), off by default. Nothing here is a secret.
struct ProbeSettings
{
    bool enabled = false;
    int intervalS = 60;            // mean time between two probes; each waits +-10% of it
    QStringList prompts;           // empty: defaultPrompt; several are sent in turn
    int maxTokens = 16;            // short answers: a probe measures latency, not throughput
    int timeoutS = 30;             // the whole request
    QString expect;                // empty: no content check
    bool expectRegex = false;      // expect is a regular expression, else a substring
    qint64 dailyTokenBudget = 0;   // prompt + output tokens per UTC day; 0: no limit
    QStringList models;            // empty: the profile's default model
    int latencyThresholdMs = 3000; // TTFT above it is slow (degraded)
    int failuresForDown = 3;       // consecutive failed probes before an endpoint is down
    AlertOverrides alerts;         // this profile's alert thresholds; unset: the app's

    static inline const QString defaultPrompt = QStringLiteral("Reply with the word OK.");
    static constexpr int minIntervalS = 1;
    static constexpr int maxIntervalS = 86'400;

    QStringList effectivePrompts() const;
    // Empty when the settings can be used, else one line (a bad regular expression, a value out
    // of range).
    QString validationError() const;
    // Whether text passes the content check (always, without one).
    bool contentMatches(const QString& text) const;

    // Keys "probe..." of the group settings is in; only what differs from the defaults is
    // written, so profiles never watched keep their files as they were.
    static ProbeSettings read(const QSettings& settings);
    void write(QSettings& settings) const;

    bool operator==(const ProbeSettings&) const = default;
};

} // namespace adminchat

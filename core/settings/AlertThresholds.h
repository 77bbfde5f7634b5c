#pragma once

#include <QString>
#include <optional>

class QSettings;

namespace adminchat {

// A profile's own values for some alert thresholds (ProbeSettings, `adminchat profile probe
// --alert-...`); the rest come from the application's settings. 0 turns a rule off.
struct AlertOverrides
{
    std::optional<int> degradedForMinutes;
    std::optional<int> ttftP95Ms;
    std::optional<int> ttftForMinutes;
    std::optional<int> e2eP95Ms;
    std::optional<int> e2eForMinutes;
    std::optional<int> errorRatePercent;
    std::optional<int> errorRateForMinutes;

    bool isEmpty() const { return *this == AlertOverrides(); }
    bool operator==(const AlertOverrides&) const = default;
};

// The thresholds of the watch's timed alert rules, with their defaults (the one place they are
// written). A value of 0 turns its rule off. Read from the settings group "alerts" globally
// (AppSettings) and overridden per profile (AlertOverrides).
struct AlertThresholds
{
    int degradedForMinutes = 10; // "degraded_for": degraded without a break this long
    int ttftP95Ms = 3000;        // "ttft_p95": TTFT P95 of the probes over the window
    int ttftForMinutes = 10;     //   ...whose length is this
    int e2eP95Ms = 10'000;       // "e2e_p95"
    int e2eForMinutes = 10;
    int errorRatePercent = 20;   // "error_rate": ErrorSpike's rate without a baseline
    int errorRateForMinutes = 5; //   ...over the suggestion's window
    int cooldownS = 15 * 60;     // one rule for one endpoint and model stays quiet after it spoke

    // A latency or error alert clears only below this share of its threshold, so a value
    // hovering at the threshold does not fire and clear in turn.
    static constexpr double clearRatio = 0.9;
    // Probes in a window before a latency or error-rate rule speaks.
    static constexpr int minSamples = 3;
    static constexpr int maxMinutes = 24 * 60;
    static constexpr int maxMs = 3'600'000;
    static constexpr int maxCooldownS = 30 * 86'400;

    AlertThresholds overriddenBy(const AlertOverrides& overrides) const;

    // Keys prefix + "degradedForMinutes", ... in settings' current group; out-of-range values
    // read as the default. Only what differs from the defaults is written.
    static AlertThresholds read(const QSettings& settings, const QString& prefix);
    void write(QSettings& settings, const QString& prefix) const;
    // The keys prefix + "DegradedForMinutes", ... of a profile; only those set are written.
    static AlertOverrides readOverrides(const QSettings& settings, const QString& prefix);
    static void writeOverrides(const AlertOverrides& overrides, QSettings& settings,
                               const QString& prefix);

    bool operator==(const AlertThresholds&) const = default;
};

} // namespace adminchat

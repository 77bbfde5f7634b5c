#pragma once

#include "watch/Alert.h"
#include "watch/ProbeResult.h"
#include "watch/StatusChange.h"

#include <QHash>
#include <optional>

namespace adminchat {

// Turns status changes and probes into alerts: an endpoint down, degraded or refusing its key
// (on the change), a failing content check (each probe, it may come within a degraded state),
// a used-up probe budget. The same rule for the same endpoint and model stays quiet for
// cooldownMs after it spoke, so a flapping endpoint does not flood anyone.
class AlertRules
{
public:
    static constexpr qint64 defaultCooldownMs = 15 * 60'000;

    explicit AlertRules(qint64 cooldownMs = defaultCooldownMs);

    std::optional<Alert> onStatusChange(const StatusChange& change);
    std::optional<Alert> onProbe(const ProbeResult& probe);
    std::optional<Alert> onBudgetUsedUp(const QString& profile, qint64 budget, qint64 atMs);

private:
    std::optional<Alert> raise(Alert alert);

    qint64 m_cooldownMs;
    QHash<QString, qint64> m_lastMs; // by rule, profile and model
};

} // namespace adminchat

#include "watch/AlertRules.h"

#include <QDateTime>

namespace adminchat {

QJsonObject Alert::toJson() const
{
    return {
        {QStringLiteral("type"), QStringLiteral("alert")},
        {QStringLiteral("rule"), rule},
        {QStringLiteral("profile"), profile},
        {QStringLiteral("model"), model},
        {QStringLiteral("message"), message},
        {QStringLiteral("at"),
         QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC).toString(Qt::ISODateWithMs)},
    };
}

AlertRules::AlertRules(qint64 cooldownMs) : m_cooldownMs(cooldownMs) {}

std::optional<Alert> AlertRules::raise(Alert alert)
{
    const QString key = alert.rule + QChar(0) + alert.profile + QChar(0) + alert.model;
    const auto last = m_lastMs.constFind(key);
    if (last != m_lastMs.cend() && alert.atMs - *last < m_cooldownMs)
        return std::nullopt;
    m_lastMs.insert(key, alert.atMs);
    return alert;
}

std::optional<Alert> AlertRules::onStatusChange(const StatusChange& change)
{
    const QString target = change.model.isEmpty()
                               ? change.profile
                               : QStringLiteral("%1 (%2)").arg(change.profile, change.model);
    switch (change.to) {
    case WatchState::Down:
        return raise({QStringLiteral("down"), change.profile, change.model,
                      QStringLiteral("%1 is down: %2").arg(target, change.cause), change.atMs});
    case WatchState::Degraded:
        return raise({QStringLiteral("degraded"), change.profile, change.model,
                      QStringLiteral("%1 is degraded: %2").arg(target, change.cause), change.atMs});
    case WatchState::KeyRejected:
        return raise({QStringLiteral("key_rejected"), change.profile, change.model,
                      QStringLiteral("%1: %2").arg(target, change.cause), change.atMs});
    case WatchState::Up:
    case WatchState::Unknown:
        break;
    }
    return std::nullopt;
}

std::optional<Alert> AlertRules::onProbe(const ProbeResult& probe)
{
    if (probe.outcome != ProbeOutcome::ContentMismatch)
        return std::nullopt;
    return raise({QStringLiteral("content_check"), probe.profile, probe.model,
                  QStringLiteral("%1 (%2): %3").arg(probe.profile, probe.model, probe.message),
                  probe.startedMs});
}

std::optional<Alert> AlertRules::onBudgetUsedUp(const QString& profile, qint64 budget, qint64 atMs)
{
    return raise({QStringLiteral("budget"), profile, QString(),
                  QStringLiteral("%1: the daily probe budget of %2 tokens is used up; probing "
                                 "pauses until 00:00 UTC")
                      .arg(profile)
                      .arg(budget),
                  atMs});
}

} // namespace adminchat

#pragma once

#include "store/Database.h"
#include "watch/StatusChange.h"
#include "watch/WatchState.h"

#include <QJsonArray>
#include <QList>
#include <QString>
#include <optional>

namespace adminchat {

// The watch's tables in the app database (schema step 9): watch_targets, one row per watched
// endpoint and model (its status, first and last probe, fingerprint, the day's probe tokens),
// and incidents. Each process (`adminchat watch`, the window) opens its own connection, like the
// other stores, so one can show what another stores.
class IncidentStore
{
public:
    struct Target
    {
        QString endpointId;
        QString model;
        QString profile;
        WatchState status = WatchState::Unknown;
        QString cause;
        qint64 sinceMs = 0;
        qint64 firstProbeMs = 0;
        qint64 lastProbeMs = 0;
        QString fingerprint;
        qint64 budgetDay = 0; // UTC day number (ms / 86,400,000) budgetTokens counts
        qint64 budgetTokens = 0;
    };
    struct Incident
    {
        qint64 id = 0;
        QString endpointId;
        QString model;
        QString profile;
        WatchState status = WatchState::Down;
        QString cause;
        qint64 startedMs = 0;
        std::optional<qint64> endedMs; // none while open
        QJsonArray evidence;           // ProbeResult::toEvidenceJson of the streak
    };

    explicit IncidentStore(const QString& path);

    bool open(QString* error = nullptr);
    QString path() const { return m_database.path(); }

    std::optional<Target> target(const QString& endpointId, const QString& model,
                                 QString* error = nullptr);
    QList<Target> targets(QString* error = nullptr);
    // A probe happened: its target's first and last probe times, fingerprint and the day's
    // tokens (budgetDay, budgetTokens: the scheduler's count after it). Creates the row.
    bool recordProbe(const ProbeResult& probe, qint64 budgetDay, qint64 budgetTokens,
                     QString* error = nullptr);
    // In one transaction: the target's status, the open incident closed (at the new incident's
    // start when one follows, else at the change), a new one opened for Degraded, Down and
    // KeyRejected. Returns the new incident's id (0 when none was opened), -1 on failure.
    qint64 recordChange(const StatusChange& change, QString* error = nullptr);

    // Incidents of one target (or of all, endpointId empty) that were open at some time from
    // sinceMs on, oldest first.
    QList<Incident> incidents(const QString& endpointId, const QString& model, qint64 sinceMs,
                              QString* error = nullptr);
    // Share of [fromMs, toMs) the target was available, from its incidents: down and key
    // rejected count as unavailable, degraded as available. Time before its first probe does
    // not count; std::nullopt when it was never probed in the window.
    std::optional<double> uptime(const QString& endpointId, const QString& model, qint64 fromMs,
                                 qint64 toMs, QString* error = nullptr);

private:
    bool ensureTarget(const ProbeResult& probe, QString* error);

    Database m_database;
};

} // namespace adminchat

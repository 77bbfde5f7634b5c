#include "watch/IncidentStore.h"

#include "store/WriteTransaction.h"
#include "watch/WatchLog.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <algorithm>

namespace adminchat {

namespace {

IncidentStore::Target readTarget(const QSqlQuery& query)
{
    IncidentStore::Target target;
    target.endpointId = query.value(0).toString();
    target.model = query.value(1).toString();
    target.profile = query.value(2).toString();
    target.status = watchStateFromName(query.value(3).toString()).value_or(WatchState::Unknown);
    target.cause = query.value(4).toString();
    target.sinceMs = query.value(5).toLongLong();
    target.firstProbeMs = query.value(6).toLongLong();
    target.lastProbeMs = query.value(7).toLongLong();
    target.fingerprint = query.value(8).toString();
    target.budgetDay = query.value(9).toLongLong();
    target.budgetTokens = query.value(10).toLongLong();
    return target;
}

// SQLite stores a null QString as NULL: every text column is NOT NULL.
QString text(const QString& value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

const QString targetColumns =
    QStringLiteral("endpoint_id, model, profile, status, cause, since_ms, first_probe_ms, "
                   "last_probe_ms, fingerprint, budget_day, budget_tokens");

} // namespace

IncidentStore::IncidentStore(const QString& path) : m_database(path) {}

bool IncidentStore::open(QString* error)
{
    return m_database.open(error);
}

std::optional<IncidentStore::Target> IncidentStore::target(const QString& endpointId,
                                                           const QString& model, QString* error)
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT %1 FROM watch_targets WHERE endpoint_id = ? AND model = ?")
                      .arg(targetColumns));
    query.addBindValue(text(endpointId));
    query.addBindValue(text(model));
    if (!query.exec()) {
        m_database.fail(error, QStringLiteral("reading a watch status"),
                        Database::describe(query.lastError()));
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return readTarget(query);
}

QList<IncidentStore::Target> IncidentStore::targets(QString* error)
{
    QList<Target> result;
    QSqlQuery query(m_database.connection());
    if (!query.exec(QStringLiteral("SELECT %1 FROM watch_targets ORDER BY profile, model")
                        .arg(targetColumns))) {
        m_database.fail(error, QStringLiteral("reading the watch statuses"),
                        Database::describe(query.lastError()));
        return result;
    }
    while (query.next())
        result.append(readTarget(query));
    return result;
}

bool IncidentStore::ensureTarget(const ProbeResult& probe, QString* error)
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral(
        "INSERT INTO watch_targets (endpoint_id, model, profile, status, cause, since_ms, "
        "first_probe_ms, last_probe_ms, fingerprint, budget_day, budget_tokens) "
        "VALUES (?, ?, ?, 'unknown', '', ?, ?, ?, '', 0, 0) "
        "ON CONFLICT (endpoint_id, model) DO NOTHING"));
    query.addBindValue(text(probe.endpointId));
    query.addBindValue(text(probe.model));
    query.addBindValue(text(probe.profile));
    query.addBindValue(probe.startedMs);
    query.addBindValue(probe.startedMs);
    query.addBindValue(probe.startedMs);
    if (!query.exec())
        return m_database.fail(error, QStringLiteral("adding a watched endpoint"),
                               Database::describe(query.lastError()));
    return true;
}

bool IncidentStore::recordProbe(const ProbeResult& probe, qint64 budgetDay, qint64 budgetTokens,
                                QString* error)
{
    if (!ensureTarget(probe, error))
        return false;
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral(
        "UPDATE watch_targets SET profile = ?, last_probe_ms = max(last_probe_ms, ?), "
        "fingerprint = CASE WHEN ? = '' THEN fingerprint ELSE ? END, budget_day = ?, "
        "budget_tokens = ? WHERE endpoint_id = ? AND model = ?"));
    query.addBindValue(text(probe.profile));
    query.addBindValue(probe.startedMs);
    query.addBindValue(text(probe.systemFingerprint));
    query.addBindValue(text(probe.systemFingerprint));
    query.addBindValue(budgetDay);
    query.addBindValue(budgetTokens);
    query.addBindValue(text(probe.endpointId));
    query.addBindValue(text(probe.model));
    if (!query.exec())
        return m_database.fail(error, QStringLiteral("recording a probe"),
                               Database::describe(query.lastError()));
    return true;
}

qint64 IncidentStore::recordChange(const StatusChange& change, QString* error)
{
    QSqlDatabase& db = m_database.connection();
    WriteTransaction transaction(m_database);
    if (!transaction.begin(error, QStringLiteral("starting a transaction")))
        return -1;
    const auto failed = [&](const QSqlQuery& query, const QString& what) {
        m_database.fail(error, what, Database::describe(query.lastError()));
        return qint64(-1);
    };
    const bool opens = isIncidentState(change.to);
    const qint64 startMs = opens ? std::min(change.sinceMs, change.atMs) : change.atMs;

    QSqlQuery close(db);
    close.prepare(QStringLiteral("UPDATE incidents SET ended_ms = max(started_ms, ?) "
                                 "WHERE endpoint_id = ? AND model = ? AND ended_ms IS NULL"));
    close.addBindValue(startMs);
    close.addBindValue(text(change.endpointId));
    close.addBindValue(text(change.model));
    if (!close.exec())
        return failed(close, QStringLiteral("closing an incident"));

    qint64 id = 0;
    if (opens) {
        QJsonArray evidence;
        for (const ProbeResult& probe : change.evidence)
            evidence.append(probe.toEvidenceJson());
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral(
            "INSERT INTO incidents (endpoint_id, model, profile, status, cause, started_ms, "
            "ended_ms, evidence) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)"));
        insert.addBindValue(text(change.endpointId));
        insert.addBindValue(text(change.model));
        insert.addBindValue(text(change.profile));
        insert.addBindValue(watchStateName(change.to));
        insert.addBindValue(text(change.cause));
        insert.addBindValue(startMs);
        insert.addBindValue(
            QString::fromUtf8(QJsonDocument(evidence).toJson(QJsonDocument::Compact)));
        if (!insert.exec())
            return failed(insert, QStringLiteral("opening an incident"));
        id = insert.lastInsertId().toLongLong();
    }

    QSqlQuery status(db);
    status.prepare(QStringLiteral(
        "INSERT INTO watch_targets (endpoint_id, model, profile, status, cause, since_ms, "
        "first_probe_ms, last_probe_ms, fingerprint, budget_day, budget_tokens) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 0, 0) ON CONFLICT (endpoint_id, model) DO UPDATE "
        "SET profile = excluded.profile, status = excluded.status, cause = excluded.cause, "
        "since_ms = excluded.since_ms"));
    status.addBindValue(text(change.endpointId));
    status.addBindValue(text(change.model));
    status.addBindValue(text(change.profile));
    status.addBindValue(watchStateName(change.to));
    status.addBindValue(text(change.cause));
    status.addBindValue(startMs);
    status.addBindValue(change.sinceMs);
    status.addBindValue(change.atMs);
    if (!status.exec())
        return failed(status, QStringLiteral("recording a watch status"));
    if (!transaction.commit(error, QStringLiteral("committing an incident")))
        return -1;
    qCDebug(lcWatch).noquote() << "status of" << change.profile << change.model << "now"
                               << watchStateName(change.to) << "incident" << id;
    return id;
}

QList<IncidentStore::Incident> IncidentStore::incidents(const QString& endpointId,
                                                        const QString& model, qint64 sinceMs,
                                                        QString* error)
{
    QList<Incident> result;
    QSqlQuery query(m_database.connection());
    QString sql = QStringLiteral("SELECT id, endpoint_id, model, profile, status, cause, "
                                 "started_ms, ended_ms, evidence FROM incidents "
                                 "WHERE (ended_ms IS NULL OR ended_ms >= ?)");
    if (!endpointId.isEmpty())
        sql += QStringLiteral(" AND endpoint_id = ? AND model = ?");
    query.prepare(sql + QStringLiteral(" ORDER BY started_ms, id"));
    query.addBindValue(sinceMs);
    if (!endpointId.isEmpty()) {
        query.addBindValue(text(endpointId));
        query.addBindValue(text(model));
    }
    if (!query.exec()) {
        m_database.fail(error, QStringLiteral("reading incidents"),
                        Database::describe(query.lastError()));
        return result;
    }
    while (query.next()) {
        Incident incident;
        incident.id = query.value(0).toLongLong();
        incident.endpointId = query.value(1).toString();
        incident.model = query.value(2).toString();
        incident.profile = query.value(3).toString();
        incident.status = watchStateFromName(query.value(4).toString()).value_or(WatchState::Down);
        incident.cause = query.value(5).toString();
        incident.startedMs = query.value(6).toLongLong();
        if (!query.value(7).isNull())
            incident.endedMs = query.value(7).toLongLong();
        incident.evidence = QJsonDocument::fromJson(query.value(8).toString().toUtf8()).array();
        result.append(incident);
    }
    return result;
}

std::optional<double> IncidentStore::uptime(const QString& endpointId, const QString& model,
                                            qint64 fromMs, qint64 toMs, QString* error)
{
    const std::optional<Target> watched = target(endpointId, model, error);
    if (!watched)
        return std::nullopt;
    const qint64 start = std::max(fromMs, watched->firstProbeMs);
    if (start >= toMs)
        return std::nullopt;
    // The target's incidents that overlap the window, by the index on (endpoint, model, start).
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral(
        "SELECT coalesce(sum(min(coalesce(ended_ms, ?), ?) - max(started_ms, ?)), 0) "
        "FROM incidents WHERE endpoint_id = ? AND model = ? AND started_ms < ? "
        "AND coalesce(ended_ms, ?) > ? AND status IN ('down', 'key_rejected')"));
    query.addBindValue(toMs);
    query.addBindValue(toMs);
    query.addBindValue(start);
    query.addBindValue(text(endpointId));
    query.addBindValue(text(model));
    query.addBindValue(toMs);
    query.addBindValue(toMs);
    query.addBindValue(start);
    if (!query.exec() || !query.next()) {
        m_database.fail(error, QStringLiteral("computing uptime"),
                        Database::describe(query.lastError()));
        return std::nullopt;
    }
    const double unavailable = double(query.value(0).toLongLong());
    return std::clamp(1.0 - unavailable / double(toMs - start), 0.0, 1.0);
}

} // namespace adminchat

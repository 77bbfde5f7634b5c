#include "store/RollupStore.h"

#include "metrics/MetricsRecord.h"
#include "store/Database.h"
#include "store/WriteTransaction.h"

#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace adminchat {

namespace {

constexpr const char* keyCondition = "resolution_ms = ? AND bucket_ms = ? AND endpoint_key = ? AND "
                                     "model = ? AND variant = ? AND experiment = ? AND tag = ?";

QVariant text(const QString& value) // the columns are NOT NULL: '' for a null QString
{
    return value.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(value);
}

void bindKey(QSqlQuery& query, const RollupKey& key, int& i)
{
    query.bindValue(i++, qint64(key.resolution));
    query.bindValue(i++, key.bucketMs);
    for (const QString* label :
         {&key.endpointKey, &key.model, &key.variant, &key.experiment, &key.tag})
        query.bindValue(i++, text(*label));
}

void takeLabels(RollupStore::StoredCell& cell, const MetricsRecord& record)
{
    const qint64 ms = record.startedUtc.toMSecsSinceEpoch();
    if (ms < cell.newestMs)
        return;
    cell.newestMs = ms;
    cell.endpointId = record.endpointId;
    cell.endpoint = record.endpoint;
    cell.profile = record.profile;
}

} // namespace

RollupStore::RollupStore(Database& database) : m_database(database) {}

RollupStore::~RollupStore() = default;

bool RollupStore::load(const RollupKey& key, StoredCell& into, bool& found, QString* error)
{
    if (!m_select) {
        m_select = std::make_unique<QSqlQuery>(m_database.connection());
        if (!m_select->prepare(QStringLiteral("SELECT endpoint_id, endpoint, profile, newest_ms, "
                                              "cell FROM rollups WHERE %1")
                                   .arg(QLatin1String(keyCondition)))) {
            const QString detail = Database::describe(m_select->lastError());
            m_select.reset();
            return m_database.fail(error, QStringLiteral("cannot prepare rollup read"), detail);
        }
    }
    int i = 0;
    bindKey(*m_select, key, i);
    if (!m_select->exec())
        return m_database.fail(error, QStringLiteral("cannot read rollup"),
                               Database::describe(m_select->lastError()));
    found = m_select->next();
    if (found) {
        into.endpointId = m_select->value(0).toString();
        into.endpoint = m_select->value(1).toString();
        into.profile = m_select->value(2).toString();
        into.newestMs = m_select->value(3).toLongLong();
        std::optional<RollupCell> cell = RollupCell::fromBytes(m_select->value(4).toByteArray());
        if (!cell) {
            m_select->finish();
            return m_database.fail(error, QStringLiteral("cannot read rollup"),
                                   QStringLiteral("a stored bucket does not decode"));
        }
        into.cell = std::move(*cell);
    }
    m_select->finish();
    return true;
}

bool RollupStore::save(const StoredCell& cell, QString* error)
{
    if (!m_save) {
        m_save = std::make_unique<QSqlQuery>(m_database.connection());
        if (!m_save->prepare(QStringLiteral(
                "INSERT OR REPLACE INTO rollups (resolution_ms, bucket_ms, endpoint_key, model, "
                "variant, experiment, tag, endpoint_id, endpoint, profile, newest_ms, cell) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"))) {
            const QString detail = Database::describe(m_save->lastError());
            m_save.reset();
            return m_database.fail(error, QStringLiteral("cannot prepare rollup write"), detail);
        }
    }
    int i = 0;
    bindKey(*m_save, cell.key, i);
    m_save->bindValue(i++, text(cell.endpointId));
    m_save->bindValue(i++, text(cell.endpoint));
    m_save->bindValue(i++, text(cell.profile));
    m_save->bindValue(i++, cell.newestMs);
    m_save->bindValue(i++, cell.cell.toBytes());
    const bool ok = m_save->exec();
    const QString detail = ok ? QString() : Database::describe(m_save->lastError());
    m_save->finish();
    return ok || m_database.fail(error, QStringLiteral("cannot write rollup"), detail);
}

bool RollupStore::fold(const std::vector<MetricsRecord>& records, QString* error)
{
    // One read and one write per bucket touched, however many records it gets.
    QHash<RollupKey, StoredCell> pending;
    for (const MetricsRecord& record : records) {
        if (!record.startedUtc.isValid())
            continue;
        for (RollupKey::Resolution resolution : RollupKey::resolutions) {
            const RollupKey key = RollupKey::of(record, resolution);
            StoredCell& cell = pending[key];
            cell.key = key;
            cell.cell.add(record);
            takeLabels(cell, record);
        }
    }
    for (const StoredCell& add : std::as_const(pending)) {
        StoredCell stored;
        stored.key = add.key;
        bool found = false;
        if (!load(add.key, stored, found, error))
            return false;
        stored.cell.merge(add.cell);
        if (!found || add.newestMs >= stored.newestMs) {
            stored.newestMs = add.newestMs;
            stored.endpointId = add.endpointId;
            stored.endpoint = add.endpoint;
            stored.profile = add.profile;
        }
        if (!save(stored, error))
            return false;
    }
    return true;
}

bool RollupStore::changeRating(const MetricsRecord& record, std::optional<int> from,
                               std::optional<int> to, QString* error)
{
    if (!record.startedUtc.isValid() || from == to)
        return true;
    for (RollupKey::Resolution resolution : RollupKey::resolutions) {
        StoredCell stored;
        stored.key = RollupKey::of(record, resolution);
        bool found = false;
        if (!load(stored.key, stored, found, error))
            return false;
        if (!found) // pruned, or not built yet: nothing to correct
            continue;
        stored.cell.changeRating(from, to);
        if (!save(stored, error))
            return false;
    }
    return true;
}

qint64 RollupStore::minutesKeptSince(qint64 nowMs)
{
    return RollupKey::bucketStart(nowMs - minuteRetentionMs, RollupKey::Resolution::Hour);
}

RollupPlan::Kept RollupStore::kept(qint64 nowMs) const
{
    RollupPlan::Kept kept;
    kept.minuteSinceMs = minutesKeptSince(nowMs);
    kept.weeks = weeksReady();
    return kept;
}

bool RollupStore::weeksReady() const
{
    if (m_weeksReady)
        return true;
    QSqlQuery query(m_database.connection());
    m_weeksReady =
        query.exec(QStringLiteral("SELECT weeks_built_ms >= weeks_until_ms FROM rollup_state")) &&
        query.next() && query.value(0).toBool();
    return m_weeksReady;
}

std::optional<bool> RollupStore::buildWeeks(int maxWeeks, QString* error)
{
    if (weeksReady())
        return true;
    const QString what = QStringLiteral("cannot build week rollups");
    WriteTransaction transaction(m_database);
    if (!transaction.begin(error, what))
        return std::nullopt;
    const auto failed = [&](const QString& detail) -> std::optional<bool> {
        m_database.fail(error, what, detail);
        return std::nullopt;
    };
    QSqlQuery state(m_database.connection());
    if (!state.exec(QStringLiteral("SELECT weeks_built_ms, weeks_until_ms FROM rollup_state")) ||
        !state.next())
        return failed(Database::describe(state.lastError()));
    const qint64 fromMs =
        RollupKey::bucketStart(state.value(0).toLongLong(), RollupKey::Resolution::Week);
    const qint64 untilMs = state.value(1).toLongLong();
    state.finish();
    const qint64 toMs =
        fromMs + qint64(std::max(maxWeeks, 1)) * qint64(RollupKey::Resolution::Week);

    // Written whole rather than merged into: a week may already hold records stored since,
    // and its days hold them too.
    QHash<RollupKey, StoredCell> weeks;
    QString readError;
    const bool read = forEachCell(
        RollupKey::Resolution::Day, fromMs, toMs,
        [&weeks](const StoredCell& day) {
            RollupKey key = day.key;
            key.resolution = RollupKey::Resolution::Week;
            key.bucketMs = RollupKey::bucketStart(key.bucketMs, RollupKey::Resolution::Week);
            StoredCell& week = weeks[key];
            week.key = key;
            week.cell.merge(day.cell);
            if (day.newestMs >= week.newestMs) {
                week.newestMs = day.newestMs;
                week.endpointId = day.endpointId;
                week.endpoint = day.endpoint;
                week.profile = day.profile;
            }
        },
        &readError);
    if (!read)
        return failed(readError);
    for (const StoredCell& week : std::as_const(weeks)) {
        QString saveError;
        if (!save(week, &saveError))
            return failed(saveError);
    }
    QSqlQuery update(m_database.connection());
    update.prepare(QStringLiteral("UPDATE rollup_state SET weeks_built_ms = ?"));
    update.bindValue(0, toMs);
    if (!update.exec())
        return failed(Database::describe(update.lastError()));
    if (!transaction.commit(error, what))
        return std::nullopt;
    m_weeksReady = toMs >= untilMs;
    return m_weeksReady;
}

qint64 RollupStore::pruneMinutes(qint64 nowMs, qint64 sliceMs, QString* error)
{
    const qint64 before = minutesKeptSince(nowMs);
    const std::optional<qint64> oldest = firstBucketMs(RollupKey::Resolution::Minute);
    if (!oldest || *oldest >= before)
        return 0;
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("DELETE FROM rollups WHERE resolution_ms = ? AND bucket_ms >= ? "
                                 "AND bucket_ms < ?"));
    query.bindValue(0, qint64(RollupKey::Resolution::Minute));
    query.bindValue(1, *oldest);
    query.bindValue(2, std::min(before, *oldest + sliceMs));
    if (!query.exec()) {
        m_database.fail(error, QStringLiteral("cannot prune rollups"),
                        Database::describe(query.lastError()));
        return -1;
    }
    return std::max(1, query.numRowsAffected()); // a slice was pruned; more may be left
}

MetricsRecord RollupStore::StoredCell::labels() const
{
    MetricsRecord labels;
    labels.endpoint = endpoint;
    labels.endpointId = endpointId;
    labels.profile = profile;
    labels.model = key.model;
    labels.variant = key.variant;
    labels.experiment = key.experiment;
    labels.tag = key.tag;
    return labels;
}

std::optional<qint64> RollupStore::firstBucketMs(RollupKey::Resolution resolution,
                                                 qint64 sinceMs) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral(
        "SELECT min(bucket_ms) FROM rollups WHERE resolution_ms = ? AND bucket_ms >= ?"));
    query.bindValue(0, qint64(resolution));
    query.bindValue(1, sinceMs);
    if (!query.exec() || !query.next() || query.value(0).isNull())
        return std::nullopt;
    return query.value(0).toLongLong();
}

void RollupStore::readLabels(const QSqlQuery& query, StoredCell& into)
{
    into.key.bucketMs = query.value(0).toLongLong();
    into.key.endpointKey = query.value(1).toString();
    into.key.model = query.value(2).toString();
    into.key.variant = query.value(3).toString();
    into.key.experiment = query.value(4).toString();
    into.key.tag = query.value(5).toString();
    into.endpointId = query.value(6).toString();
    into.endpoint = query.value(7).toString();
    into.profile = query.value(8).toString();
    into.newestMs = query.value(9).toLongLong();
}

bool RollupStore::forEachCell(RollupKey::Resolution resolution, qint64 fromMs, qint64 toMs,
                              const std::function<void(const StoredCell&)>& visit, QString* error,
                              const MetricsFilter* labels) const
{
    // Labels are left to SQLite, so the cells of other groups are neither copied nor decoded.
    // The endpoint is MetricsFilter::matchesLabels' test (an id, a profile name, or the URL
    // without its trailing slashes): with many endpoints, reading every group's labels to drop
    // most of them made one endpoint's read cost as much as all of theirs.
    QString sql = QStringLiteral(
        "SELECT bucket_ms, endpoint_key, model, variant, experiment, tag, endpoint_id, "
        "endpoint, profile, newest_ms, cell FROM rollups WHERE resolution_ms = ? AND "
        "bucket_ms >= ? AND bucket_ms < ?");
    QStringList values;
    if (labels) {
        for (const auto& [column, value] : {std::pair{"model", &labels->model},
                                            {"variant", &labels->variant},
                                            {"experiment", &labels->experiment},
                                            {"tag", &labels->tag}}) {
            if (!value->isEmpty()) {
                sql += QStringLiteral(" AND %1 = ?").arg(QLatin1String(column));
                values << *value;
            }
        }
        if (!labels->endpoint.isEmpty()) {
            sql += QStringLiteral(" AND (endpoint_id = ? OR profile = ? OR "
                                  "rtrim(endpoint, '/') = rtrim(?, '/'))");
            values << labels->endpoint << labels->endpoint << labels->endpoint;
        }
    }
    sql += QStringLiteral(" ORDER BY bucket_ms");
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return m_database.fail(error, QStringLiteral("cannot prepare rollup read"),
                               Database::describe(query.lastError()));
    query.bindValue(0, qint64(resolution));
    query.bindValue(1, fromMs);
    query.bindValue(2, toMs);
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(3 + i, values[i]);
    if (!query.exec())
        return m_database.fail(error, QStringLiteral("cannot read rollups"),
                               Database::describe(query.lastError()));
    StoredCell stored;
    stored.key.resolution = resolution;
    while (query.next()) {
        readLabels(query, stored);
        if (labels && !labels->endpoint.isEmpty() && !labels->matchesLabels(stored.labels()))
            continue;
        std::optional<RollupCell> cell = RollupCell::fromBytes(query.value(10).toByteArray());
        if (!cell)
            return m_database.fail(error, QStringLiteral("cannot read rollups"),
                                   QStringLiteral("a stored bucket does not decode"));
        stored.cell = std::move(*cell);
        visit(stored);
    }
    return true;
}

bool RollupStore::forEachCount(RollupKey::Resolution resolution,
                               const std::function<void(const StoredCell&, quint64)>& visit,
                               QString* error) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    if (!query.prepare(QStringLiteral(
            "SELECT bucket_ms, endpoint_key, model, variant, experiment, tag, endpoint_id, "
            "endpoint, profile, newest_ms, cell FROM rollups WHERE resolution_ms = ?")))
        return m_database.fail(error, QStringLiteral("cannot prepare rollup read"),
                               Database::describe(query.lastError()));
    query.bindValue(0, qint64(resolution));
    if (!query.exec())
        return m_database.fail(error, QStringLiteral("cannot read rollups"),
                               Database::describe(query.lastError()));
    StoredCell stored;
    stored.key.resolution = resolution;
    while (query.next()) {
        readLabels(query, stored);
        const std::optional<quint64> started =
            RollupCell::startedFromBytes(query.value(10).toByteArray());
        if (!started)
            return m_database.fail(error, QStringLiteral("cannot read rollups"),
                                   QStringLiteral("a stored bucket does not decode"));
        visit(stored, *started);
    }
    return true;
}

} // namespace adminchat

#include "store/MetricsStore.h"

#include "store/StoreLog.h"
#include "store/WriteTransaction.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStringList>
#include <QVariant>
#include <atomic>
#include <utility>

namespace adminchat {

namespace {

std::atomic<MetricsStore::StoredRecordObserver> storedRecordObserver{nullptr};

// Column order shared by INSERT (bind index) and SELECT (value index, after id).
constexpr const char* columnList =
    "started_utc,started_ms,endpoint,profile,model,variant,tag,streamed,status,http_status,"
    "error_kind,ttft_ms,ttfat_ms,e2e_ms,mean_itl_ms,itl_p50_ms,itl_p95_ms,itl_max_ms,tpot_ms,"
    "output_tokens,output_tokens_estimated,prompt_tokens,tokens_per_s,retries,category,rating,"
    "prompt_hash,prompt_chars,itl_sketch,request_uid,experiment,accepted_prediction_tokens,"
    "rejected_prediction_tokens,display_lag_p95_ms,endpoint_id,requested_model";
constexpr int columnCount = 36;

// Qt binds a null QString as SQL NULL; the label columns are NOT NULL, so send '' instead.
QVariant text(const QString& value)
{
    return value.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(value);
}

template <typename T> QVariant nullable(const std::optional<T>& value)
{
    return value ? QVariant::fromValue(*value) : QVariant();
}

template <typename T> std::optional<T> optionalValue(const QVariant& value)
{
    return value.isNull() ? std::nullopt : std::optional<T>(value.value<T>());
}

void bindRecord(QSqlQuery& query, const MetricsRecord& r)
{
    const bool hasStart = r.startedUtc.isValid();
    const QDateTime start = r.startedUtc.toUTC();
    int i = 0;
    query.bindValue(i++, hasStart ? QVariant(start.toString(Qt::ISODateWithMs)) : QVariant());
    query.bindValue(i++, hasStart ? QVariant(start.toMSecsSinceEpoch()) : QVariant());
    query.bindValue(i++, text(r.endpoint));
    query.bindValue(i++, text(r.profile));
    query.bindValue(i++, text(r.model));
    query.bindValue(i++, text(r.variant));
    query.bindValue(i++, text(r.tag));
    query.bindValue(i++, int(r.streamed));
    query.bindValue(i++, statusName(r.status));
    query.bindValue(i++, r.httpStatus);
    query.bindValue(i++, text(r.errorKind ? ApiError::kindName(*r.errorKind) : QString()));
    query.bindValue(i++, nullable(r.ttftMs));
    query.bindValue(i++, nullable(r.ttfatMs));
    query.bindValue(i++, nullable(r.e2eMs));
    query.bindValue(i++, nullable(r.meanItlMs));
    query.bindValue(i++, nullable(r.itlP50Ms));
    query.bindValue(i++, nullable(r.itlP95Ms));
    query.bindValue(i++, nullable(r.itlMaxMs));
    query.bindValue(i++, nullable(r.tpotMs));
    query.bindValue(i++, r.outputTokens);
    query.bindValue(i++, int(r.outputTokensEstimated));
    query.bindValue(i++, nullable(r.promptTokens));
    query.bindValue(i++, nullable(r.tokensPerSecond));
    query.bindValue(i++, r.retries);
    query.bindValue(i++, text(r.category ? categoryName(*r.category) : QString()));
    query.bindValue(i++, nullable(r.rating));
    query.bindValue(i++, text(r.promptHash));
    query.bindValue(i++, r.promptChars);
    query.bindValue(i++, r.itlSketch.isEmpty() ? QVariant() : QVariant(r.itlSketch));
    query.bindValue(i++, text(r.requestUid));
    query.bindValue(i++, text(r.experiment));
    query.bindValue(i++, nullable(r.acceptedPredictionTokens));
    query.bindValue(i++, nullable(r.rejectedPredictionTokens));
    query.bindValue(i++, nullable(r.displayLagP95Ms));
    query.bindValue(i++, text(r.endpointId));
    query.bindValue(i++, text(r.requestedModel));
    Q_ASSERT(i == columnCount);
}

MetricsRecord readRecord(const QSqlQuery& query)
{
    MetricsRecord r;
    int i = 0;
    r.id = query.value(i++).toLongLong();
    ++i; // started_utc: the text form of started_ms, for people and sqlite3 sessions
    const QVariant startedMs = query.value(i++);
    if (!startedMs.isNull())
        r.startedUtc = QDateTime::fromMSecsSinceEpoch(startedMs.toLongLong(), Qt::UTC);
    r.endpoint = query.value(i++).toString();
    r.profile = query.value(i++).toString();
    r.model = query.value(i++).toString();
    r.variant = query.value(i++).toString();
    r.tag = query.value(i++).toString();
    r.streamed = query.value(i++).toInt() != 0;
    // A name this build does not know (a newer one wrote it) reads as the plainest outcome.
    r.status = statusFromName(query.value(i++).toString()).value_or(RequestStatus::Ok);
    r.httpStatus = query.value(i++).toInt();
    r.errorKind = ApiError::kindFromName(query.value(i++).toString());
    r.ttftMs = optionalValue<double>(query.value(i++));
    r.ttfatMs = optionalValue<double>(query.value(i++));
    r.e2eMs = optionalValue<double>(query.value(i++));
    r.meanItlMs = optionalValue<double>(query.value(i++));
    r.itlP50Ms = optionalValue<double>(query.value(i++));
    r.itlP95Ms = optionalValue<double>(query.value(i++));
    r.itlMaxMs = optionalValue<double>(query.value(i++));
    r.tpotMs = optionalValue<double>(query.value(i++));
    r.outputTokens = query.value(i++).toLongLong();
    r.outputTokensEstimated = query.value(i++).toInt() != 0;
    r.promptTokens = optionalValue<qint64>(query.value(i++));
    r.tokensPerSecond = optionalValue<double>(query.value(i++));
    r.retries = query.value(i++).toInt();
    r.category = categoryFromName(query.value(i++).toString());
    r.rating = optionalValue<int>(query.value(i++));
    r.promptHash = query.value(i++).toString();
    r.promptChars = query.value(i++).toLongLong();
    r.itlSketch = query.value(i++).toByteArray();
    r.requestUid = query.value(i++).toString();
    r.experiment = query.value(i++).toString();
    r.acceptedPredictionTokens = optionalValue<qint64>(query.value(i++));
    r.rejectedPredictionTokens = optionalValue<qint64>(query.value(i++));
    r.displayLagP95Ms = optionalValue<double>(query.value(i++));
    r.endpointId = query.value(i++).toString();
    r.requestedModel = query.value(i++).toString();
    return r;
}

} // namespace

MetricsStore::MetricsStore(QString path)
    : m_database(std::move(path), QStringLiteral("metrics database"))
{}

MetricsStore::~MetricsStore()
{
    m_insert.reset(); // a live statement would keep the connection from closing
}

bool MetricsStore::isOpen() const
{
    return m_database.isOpen();
}

bool MetricsStore::fail(QString* error, const QString& what, const QString& detail) const
{
    return m_database.fail(error, what, detail);
}

bool MetricsStore::open(QString* error)
{
    return m_database.isOpen() || m_database.open(error);
}

bool MetricsStore::insert(MetricsRecord& record, QString* error)
{
    std::vector<MetricsRecord> one{record};
    if (!insert(one, error))
        return false;
    record.id = one.front().id;
    return true;
}

bool MetricsStore::insert(std::vector<MetricsRecord>& records, QString* error)
{
    if (!isOpen())
        return fail(error, QStringLiteral("cannot insert"), QStringLiteral("not open"));
    if (records.empty())
        return true;
    if (!m_insert) {
        auto query = std::make_unique<QSqlQuery>(m_database.connection());
        QStringList marks;
        for (int i = 0; i < columnCount; ++i)
            marks << QStringLiteral("?");
        const QString sql = QStringLiteral("INSERT INTO requests (%1) VALUES (%2)")
                                .arg(QLatin1String(columnList), marks.join(QLatin1Char(',')));
        if (!query->prepare(sql))
            return fail(error, QStringLiteral("cannot prepare insert"),
                        Database::describe(query->lastError()));
        m_insert = std::move(query);
    }

    WriteTransaction transaction(m_database);
    if (!transaction.begin(error, QStringLiteral("cannot start insert")))
        return false;
    // Ids are handed out only after COMMIT: a rolled-back batch must not look stored.
    std::vector<qint64> ids;
    ids.reserve(records.size());
    for (const MetricsRecord& record : records) {
        bindRecord(*m_insert, record);
        if (!m_insert->exec()) {
            const QString detail = Database::describe(m_insert->lastError());
            m_insert->finish();
            return fail(error, QStringLiteral("cannot insert"), detail);
        }
        ids.push_back(m_insert->lastInsertId().toLongLong());
    }
    m_insert->finish();
    QString rollupError;
    if (!m_rollups.fold(records, &rollupError)) {
        if (error)
            *error = rollupError;
        return false;
    }
    if (!transaction.commit(error, QStringLiteral("cannot commit insert")))
        return false;
    for (std::size_t i = 0; i < records.size(); ++i)
        records[i].id = ids[i];
    if (const StoredRecordObserver observer = storedRecordObserver.load()) {
        for (const MetricsRecord& record : records)
            observer(record);
    }
    return true;
}

void MetricsStore::setStoredRecordObserver(StoredRecordObserver observer)
{
    storedRecordObserver.store(observer);
}

std::vector<MetricsRecord> MetricsStore::records(const MetricsFilter& filter, const QDateTime& now,
                                                 QString* error) const
{
    std::vector<MetricsRecord> result;
    if (!forEachRecord(
            filter, now,
            [&result](const MetricsRecord& record) {
                result.push_back(record);
                return true;
            },
            error))
        result.clear();
    return result;
}

bool MetricsStore::forEachRecord(const MetricsFilter& filter, const QDateTime& now,
                                 const std::function<bool(const MetricsRecord&)>& visit,
                                 QString* error) const
{
    if (!isOpen())
        return fail(error, QStringLiteral("cannot read"), QStringLiteral("not open"));
    QStringList conditions;
    QVariantList values;
    const QDateTime start = filter.start(now);
    if (start.isValid()) {
        conditions << QStringLiteral("started_ms >= ?");
        values << start.toMSecsSinceEpoch();
    }
    if (filter.afterId > 0) {
        conditions << QStringLiteral("id > ?");
        values << filter.afterId;
    }
    if (filter.before.isValid()) {
        conditions << QStringLiteral("started_ms < ?");
        values << filter.before.toMSecsSinceEpoch();
    }
    if (!filter.endpoint.isEmpty()) {
        // Same rule as MetricsFilter::matchesLabels: the endpoint's id, its profile's name or
        // its URL (trailing slashes ignored; written as a range so the (endpoint, model,
        // variant) index applies: every string that is e followed by slashes sorts in
        // [e, e + "0"), as '0' follows '/').
        QString base = filter.endpoint;
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        conditions << QStringLiteral("(endpoint_id = ? OR profile = ? OR (endpoint >= ? AND "
                                     "endpoint < ? AND rtrim(endpoint, '/') = ?))");
        values << filter.endpoint << filter.endpoint << text(base) << base + QLatin1Char('0')
               << text(base);
    }
    const std::pair<const char*, const QString*> labels[] = {{"model = ?", &filter.model},
                                                             {"experiment = ?", &filter.experiment},
                                                             {"variant = ?", &filter.variant},
                                                             {"tag = ?", &filter.tag}};
    for (const auto& [condition, value] : labels) {
        if (!value->isEmpty()) {
            conditions << QString::fromLatin1(condition);
            values << *value;
        }
    }

    QString sql = QStringLiteral("SELECT id,%1 FROM requests").arg(QLatin1String(columnList));
    if (!conditions.isEmpty())
        sql += QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY started_ms, id");

    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true); // no client-side row cache: rows are read once, in order
    if (!query.prepare(sql))
        return fail(error, QStringLiteral("cannot prepare read"),
                    Database::describe(query.lastError()));
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values[i]);
    if (!query.exec())
        return fail(error, QStringLiteral("cannot read"), Database::describe(query.lastError()));
    while (query.next()) {
        if (!visit(readRecord(query)))
            return true;
    }
    if (query.lastError().isValid())
        return fail(error, QStringLiteral("cannot read"), Database::describe(query.lastError()));
    return true;
}

qint64 MetricsStore::count() const
{
    if (!isOpen())
        return -1;
    QSqlQuery query(m_database.connection());
    if (!query.exec(QStringLiteral("SELECT count(*) FROM requests")) || !query.next()) {
        qCWarning(lcStore).noquote() << QStringLiteral("metrics database %1: cannot count: %2")
                                            .arg(QDir::toNativeSeparators(m_database.path()),
                                                 Database::describe(query.lastError()));
        return -1;
    }
    return query.value(0).toLongLong();
}

qint64 MetricsStore::maxId() const
{
    QSqlQuery query(m_database.connection());
    if (!query.exec(QStringLiteral("SELECT max(id) FROM requests")) || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

bool MetricsStore::setRating(qint64 id, std::optional<int> rating, QString* error,
                             std::vector<MetricsRecord>* rated)
{
    return updateRating(QStringLiteral("id"), id, rating, error, rated);
}

bool MetricsStore::setRatingForRequest(const QString& requestUid, std::optional<int> rating,
                                       QString* error, std::vector<MetricsRecord>* rated)
{
    if (requestUid.isEmpty())
        return fail(error, QStringLiteral("cannot set rating"), QStringLiteral("no request uid"));
    return updateRating(QStringLiteral("request_uid"), requestUid, rating, error, rated);
}

bool MetricsStore::updateRating(const QString& column, const QVariant& key,
                                std::optional<int> rating, QString* error,
                                std::vector<MetricsRecord>* ratedOut)
{
    if (rating && *rating != 1 && *rating != -1)
        return fail(error, QStringLiteral("cannot set rating"),
                    QStringLiteral("rating must be -1 or +1, not %1").arg(*rating));
    if (!isOpen())
        return fail(error, QStringLiteral("cannot set rating"), QStringLiteral("not open"));
    const QString what = QStringLiteral("cannot set rating");
    WriteTransaction transaction(m_database);
    if (!transaction.begin(error, what))
        return false;
    const auto failed = [&](const QString& detail) {
        return fail(error, what, detail);
    };
    // The records first, for the buckets whose rating counts change with them.
    std::vector<MetricsRecord> rated;
    {
        QSqlQuery select(m_database.connection());
        select.setForwardOnly(true);
        // column is one of our two literals, never user input.
        if (!select.prepare(QStringLiteral("SELECT id,%1 FROM requests WHERE %2 = ?")
                                .arg(QLatin1String(columnList), column)))
            return failed(Database::describe(select.lastError()));
        select.bindValue(0, key);
        if (!select.exec())
            return failed(Database::describe(select.lastError()));
        while (select.next())
            rated.push_back(readRecord(select));
    }
    if (rated.empty())
        return failed(QStringLiteral("no request with %1 %2").arg(column, key.toString()));
    QSqlQuery query(m_database.connection());
    if (!query.prepare(QStringLiteral("UPDATE requests SET rating = ? WHERE %1 = ?").arg(column)))
        return failed(Database::describe(query.lastError()));
    query.bindValue(0, nullable(rating));
    query.bindValue(1, key);
    if (!query.exec())
        return failed(Database::describe(query.lastError()));
    for (const MetricsRecord& record : rated) {
        QString rollupError;
        if (!m_rollups.changeRating(record, record.rating, rating, &rollupError)) {
            if (error)
                *error = rollupError;
            return false;
        }
    }
    if (!transaction.commit(error, what))
        return false;
    if (ratedOut)
        *ratedOut = std::move(rated);
    return true;
}

qint64 MetricsStore::pruneRows(qint64 beforeMs, int maxRows, QString* error)
{
    if (!isOpen()) {
        fail(error, QStringLiteral("cannot prune"), QStringLiteral("not open"));
        return -1;
    }
    // The started_ms index finds them; one statement is its own short transaction, so a writer
    // waits at most for one slice.
    QSqlQuery query(m_database.connection());
    if (!query.prepare(QStringLiteral("DELETE FROM requests WHERE id IN (SELECT id FROM requests "
                                      "WHERE started_ms < ? ORDER BY started_ms LIMIT ?)"))) {
        fail(error, QStringLiteral("cannot prune"), Database::describe(query.lastError()));
        return -1;
    }
    query.bindValue(0, beforeMs);
    query.bindValue(1, maxRows);
    if (!query.exec()) {
        fail(error, QStringLiteral("cannot prune"), Database::describe(query.lastError()));
        return -1;
    }
    return query.numRowsAffected();
}

std::optional<MetricsStore::RollupProgress> MetricsStore::buildRollups(int maxRows, QString* error)
{
    const QString what = QStringLiteral("cannot build rollups");
    if (!isOpen()) {
        fail(error, what, QStringLiteral("not open"));
        return std::nullopt;
    }
    {
        // Nothing to build (nearly always): said without the write lock, so readers of a
        // read-only database get their answer too.
        QSqlQuery state(m_database.connection());
        if (state.exec(QStringLiteral("SELECT built_through_id >= build_until_id FROM "
                                      "rollup_state")) &&
            state.next() && state.value(0).toBool())
            return RollupProgress{}; // complete; no count needed
    }
    WriteTransaction transaction(m_database);
    if (!transaction.begin(error, what))
        return std::nullopt;
    const auto failed = [&](const QString& detail) -> std::optional<RollupProgress> {
        fail(error, what, detail);
        return std::nullopt;
    };
    QSqlQuery state(m_database.connection());
    if (!state.exec(QStringLiteral("SELECT built_through_id, build_until_id FROM rollup_state")) ||
        !state.next())
        return failed(Database::describe(state.lastError()));
    const qint64 builtThrough = state.value(0).toLongLong();
    const qint64 until = state.value(1).toLongLong();
    state.finish();

    std::vector<MetricsRecord> rows;
    QSqlQuery select(m_database.connection());
    select.setForwardOnly(true);
    if (!select.prepare(QStringLiteral("SELECT id,%1 FROM requests WHERE id > ? AND id <= ? "
                                       "ORDER BY id LIMIT ?")
                            .arg(QLatin1String(columnList))))
        return failed(Database::describe(select.lastError()));
    select.bindValue(0, builtThrough);
    select.bindValue(1, until);
    select.bindValue(2, std::max(maxRows, 1));
    if (!select.exec())
        return failed(Database::describe(select.lastError()));
    while (select.next())
        rows.push_back(readRecord(select));
    select.finish();

    QString rollupError;
    if (!m_rollups.fold(rows, &rollupError)) {
        if (error)
            *error = rollupError;
        return std::nullopt;
    }
    // No row left below until (deleted ones included): the build is done.
    const qint64 reached = rows.empty() ? until : rows.back().id;
    QSqlQuery update(m_database.connection());
    if (!update.prepare(QStringLiteral("UPDATE rollup_state SET built_through_id = ?")))
        return failed(Database::describe(update.lastError()));
    update.bindValue(0, reached);
    if (!update.exec())
        return failed(Database::describe(update.lastError()));
    QSqlQuery counts(m_database.connection());
    if (!counts.exec(QStringLiteral("SELECT count(*) FROM requests WHERE id <= %1").arg(reached)) ||
        !counts.next())
        return failed(Database::describe(counts.lastError()));
    RollupProgress progress;
    progress.done = counts.value(0).toLongLong();
    counts.finish();
    if (!counts.exec(QStringLiteral("SELECT count(*) FROM requests WHERE id <= %1").arg(until)) ||
        !counts.next())
        return failed(Database::describe(counts.lastError()));
    progress.total = counts.value(0).toLongLong();
    counts.finish();
    if (!transaction.commit(error, what))
        return std::nullopt;
    return progress;
}

} // namespace adminchat

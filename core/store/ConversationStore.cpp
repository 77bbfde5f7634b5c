#include "store/ConversationStore.h"

#include "store/ConversationRows.h"
#include "store/ConversationText.h"
#include "store/WriteTransaction.h"

#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>
#include <utility>

namespace adminchat {

namespace {

using Rows = ConversationRows;

QVariant text(const QString& value)
{
    return Rows::text(value);
}

QDateTime utc(const QVariant& ms)
{
    return Rows::utc(ms);
}

qint64 msOrNow(const QDateTime& time, qint64 now)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : now;
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool prepareAndExec(QSqlQuery& query, const QString& sql, const QVariantList& values)
{
    if (!query.prepare(sql))
        return false;
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values[i]);
    return query.exec();
}

QString noConversation(const QString& id)
{
    return QStringLiteral("no conversation \"%1\"").arg(id);
}

} // namespace

ConversationStore::ConversationStore(QString path)
    : m_database(std::move(path), QStringLiteral("conversation database"))
{}

ConversationStore::~ConversationStore() = default;

QString ConversationStore::newId()
{
    const quint64 ms = quint64(QDateTime::currentMSecsSinceEpoch()) & 0xffff'ffff'ffffULL;
    const quint32 random = QRandomGenerator::global()->bounded(0x10000);
    return QStringLiteral("%1%2")
        .arg(ms, 12, 16, QLatin1Char('0'))
        .arg(random, 4, 16, QLatin1Char('0'));
}

bool ConversationStore::open(QString* error)
{
    return m_database.isOpen() || m_database.open(error);
}

bool ConversationStore::isOpen() const
{
    return m_database.isOpen();
}

bool ConversationStore::fail(QString* error, const QString& what, const QString& detail) const
{
    return m_database.fail(error, what, detail);
}

bool ConversationStore::begin(WriteTransaction& transaction, QString* error, const QString& what)
{
    if (!isOpen())
        return fail(error, what, QStringLiteral("not open"));
    return transaction.begin(error, what);
}

bool ConversationStore::write(const QString& sql, const QVariantList& values, const QString& what,
                              const QString& id, QString* error)
{
    if (!isOpen())
        return fail(error, what, QStringLiteral("not open"));
    QSqlQuery query(m_database.connection());
    if (!prepareAndExec(query, sql, values))
        return fail(error, what, Database::describe(query.lastError()));
    if (!id.isEmpty() && query.numRowsAffected() < 1)
        return fail(error, what, noConversation(id));
    return true;
}

bool ConversationStore::create(ConversationRecord& conversation, QString* error)
{
    ConversationRecord c = conversation;
    if (c.id.isEmpty())
        c.id = newId();
    const qint64 now = nowMs();
    c.createdUtc = utc(msOrNow(c.createdUtc, now));
    c.updatedUtc = utc(msOrNow(c.updatedUtc, c.createdUtc.toMSecsSinceEpoch()));
    const QString sql = QStringLiteral(
        "INSERT INTO conversations (id,title,title_edited,created_ms,updated_ms,profile,model,"
        "experiment,variant,preset,parameters) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!write(sql,
               {c.id, text(c.title), int(c.titleEdited), c.createdUtc.toMSecsSinceEpoch(),
                c.updatedUtc.toMSecsSinceEpoch(), text(c.profile), text(c.model),
                text(c.experiment), text(c.variant), text(c.preset), text(c.parameters.toText())},
               QStringLiteral("cannot create conversation %1").arg(c.id), {}, error))
        return false;
    c.messageCount = 0;
    conversation = c;
    return true;
}

std::optional<ConversationRecord> ConversationStore::conversation(const QString& id,
                                                                  QString* error) const
{
    if (!isOpen()) {
        fail(error, QStringLiteral("cannot read conversation"), QStringLiteral("not open"));
        return std::nullopt;
    }
    QSqlQuery query(m_database.connection());
    const QString sql = QStringLiteral("SELECT %1 FROM conversations c WHERE c.id = ?")
                            .arg(QLatin1String(Rows::conversationColumns()));
    if (!prepareAndExec(query, sql, {id})) {
        fail(error, QStringLiteral("cannot read conversation"),
             Database::describe(query.lastError()));
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return Rows::readConversation(query);
}

QList<ConversationRecord> ConversationStore::conversations(const QString& search, int limit,
                                                           QString* error) const
{
    QList<ConversationRecord> result;
    if (!isOpen()) {
        fail(error, QStringLiteral("cannot list conversations"), QStringLiteral("not open"));
        return result;
    }
    // The first matching message's text, for the snippet; NULL when only the title matched.
    QString sql = QStringLiteral("SELECT %1").arg(QLatin1String(Rows::conversationColumns()));
    QVariantList values;
    if (!search.isEmpty()) {
        const QString pattern = ConversationText::likeContaining(search);
        sql += QStringLiteral(
            R"(, (SELECT m.content FROM messages m WHERE m.conversation_id = c.id
                 AND m.content LIKE ? ESCAPE '\' ORDER BY m.seq LIMIT 1) AS hit
               FROM conversations c WHERE c.deleted_ms IS NULL
               AND (c.title LIKE ? ESCAPE '\' OR EXISTS (SELECT 1 FROM messages m
                    WHERE m.conversation_id = c.id AND m.content LIKE ? ESCAPE '\')))");
        values << pattern << pattern << pattern;
    } else {
        sql += QStringLiteral(" FROM conversations c WHERE c.deleted_ms IS NULL");
    }
    sql += QStringLiteral(" ORDER BY c.updated_ms DESC, c.id DESC");
    if (limit >= 0) {
        sql += QStringLiteral(" LIMIT ?");
        values << limit;
    }
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    if (!prepareAndExec(query, sql, values)) {
        fail(error, QStringLiteral("cannot list conversations"),
             Database::describe(query.lastError()));
        return result;
    }
    while (query.next()) {
        ConversationRecord c = Rows::readConversation(query);
        if (!search.isEmpty() && !query.value(Rows::conversationColumnCount).isNull())
            c.snippet = ConversationText::snippet(
                query.value(Rows::conversationColumnCount).toString(), search);
        result << c;
    }
    if (query.lastError().isValid()) {
        fail(error, QStringLiteral("cannot list conversations"),
             Database::describe(query.lastError()));
        result.clear();
    }
    return result;
}

std::optional<ConversationRecord> ConversationStore::latest(QString* error) const
{
    const QList<ConversationRecord> newest = conversations({}, 1, error);
    return newest.isEmpty() ? std::nullopt : std::optional(newest.first());
}

QString ConversationStore::resolveId(const QString& idOrPrefix, QString* error) const
{
    const QString wanted = idOrPrefix.trimmed();
    if (wanted.isEmpty()) {
        if (error)
            *error = QStringLiteral("no conversation id given");
        return {};
    }
    if (!isOpen()) {
        fail(error, QStringLiteral("cannot look up conversation"), QStringLiteral("not open"));
        return {};
    }
    QSqlQuery query(m_database.connection());
    // An exact id wins even when it is also the prefix of a longer one.
    const QString sql = QStringLiteral(
        R"(SELECT id FROM conversations WHERE deleted_ms IS NULL AND id LIKE ? ESCAPE '\'
           ORDER BY id = ? DESC, id)");
    if (!prepareAndExec(query, sql, {ConversationText::likePrefix(wanted), wanted})) {
        fail(error, QStringLiteral("cannot look up conversation"),
             Database::describe(query.lastError()));
        return {};
    }
    QStringList ids;
    while (query.next())
        ids << query.value(0).toString();
    if (!ids.isEmpty() && (ids.size() == 1 || ids.first() == wanted))
        return ids.first();
    if (error && ids.isEmpty())
        *error = noConversation(wanted);
    else if (error)
        *error = QStringLiteral("\"%1\" matches %2 conversations (%3%4); type more of the id")
                     .arg(wanted)
                     .arg(ids.size())
                     .arg(ids.mid(0, 2).join(QStringLiteral(", ")),
                          ids.size() > 2 ? QStringLiteral(", ...") : QString());
    return {};
}

bool ConversationStore::rename(const QString& id, const QString& title, QString* error)
{
    const QString what = QStringLiteral("cannot rename conversation %1").arg(id);
    const QString trimmed = title.simplified();
    if (!trimmed.isEmpty())
        // updated_ms stays: a new name is not news, only new messages move it up the list.
        return write(QStringLiteral("UPDATE conversations SET title = ?, title_edited = 1 "
                                    "WHERE id = ?"),
                     {trimmed, id}, what, id, error);
    WriteTransaction transaction(m_database);
    if (!begin(transaction, error, what))
        return false;
    // Back to the automatic title: the first user message's, or none yet.
    QSqlQuery query(m_database.connection());
    prepareAndExec(query,
                   QStringLiteral("SELECT content FROM messages WHERE conversation_id = ? AND "
                                  "role = 'user' ORDER BY seq LIMIT 1"),
                   {id});
    const QString automatic = query.next() ? titleFrom(query.value(0).toString()) : QString();
    query.finish();
    if (!write(QStringLiteral("UPDATE conversations SET title = ?, title_edited = 0 "
                              "WHERE id = ?"),
               {text(automatic), id}, what, id, error))
        return false;
    return transaction.commit(error, what);
}

bool ConversationStore::setProfileAndModel(const QString& id, const QString& profile,
                                           const QString& model, QString* error)
{
    return write(QStringLiteral("UPDATE conversations SET profile = ?, model = ? WHERE id = ?"),
                 {text(profile), text(model), id},
                 QStringLiteral("cannot set profile and model of conversation %1").arg(id), id,
                 error);
}

bool ConversationStore::setParameters(const QString& id, const QString& preset,
                                      const RequestParameters& parameters, QString* error)
{
    return write(QStringLiteral("UPDATE conversations SET preset = ?, parameters = ? WHERE id = ?"),
                 {text(preset), text(parameters.toText()), id},
                 QStringLiteral("cannot set the parameters of conversation %1").arg(id), id, error);
}

bool ConversationStore::markDeleted(const QString& id, QString* error)
{
    // coalesce: marking twice keeps the first time, so a purge is not put off.
    return write(QStringLiteral("UPDATE conversations SET deleted_ms = coalesce(deleted_ms, ?) "
                                "WHERE id = ?"),
                 {nowMs(), id}, QStringLiteral("cannot delete conversation %1").arg(id), id, error);
}

bool ConversationStore::restore(const QString& id, QString* error)
{
    return write(QStringLiteral("UPDATE conversations SET deleted_ms = NULL WHERE id = ?"), {id},
                 QStringLiteral("cannot restore conversation %1").arg(id), id, error);
}

bool ConversationStore::purgeDeleted(const QDateTime& markedBefore, QString* error)
{
    // Messages go with them: ON DELETE CASCADE, foreign keys are on (Database::configure).
    return write(QStringLiteral("DELETE FROM conversations WHERE deleted_ms IS NOT NULL AND "
                                "deleted_ms < ?"),
                 {markedBefore.toMSecsSinceEpoch()},
                 QStringLiteral("cannot purge deleted conversations"), {}, error);
}

bool ConversationStore::remove(const QString& id, QString* error)
{
    return write(QStringLiteral("DELETE FROM conversations WHERE id = ?"), {id},
                 QStringLiteral("cannot remove conversation %1").arg(id), id, error);
}

QList<MessageRecord> ConversationStore::messages(const QString& conversationId,
                                                 QString* error) const
{
    QList<MessageRecord> result;
    if (!isOpen()) {
        fail(error, QStringLiteral("cannot read messages"), QStringLiteral("not open"));
        return result;
    }
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    const QString sql =
        QStringLiteral("SELECT %1 FROM messages WHERE conversation_id = ? ORDER BY seq")
            .arg(QLatin1String(Rows::messageColumns()));
    if (!prepareAndExec(query, sql, {conversationId})) {
        fail(error, QStringLiteral("cannot read messages of conversation %1").arg(conversationId),
             Database::describe(query.lastError()));
        return result;
    }
    while (query.next())
        result << Rows::readMessage(query);
    return result;
}

bool ConversationStore::saveMessage(const MessageRecord& message, QString* error)
{
    SaveOutcome outcome;
    return saveMessage(message, error, outcome);
}

bool ConversationStore::saveMessage(const MessageRecord& message, QString* error,
                                    SaveOutcome& outcome)
{
    outcome = {};
    const QString& id = message.conversationId;
    const QString what =
        QStringLiteral("cannot save message %1 of conversation %2").arg(message.seq).arg(id);
    WriteTransaction transaction(m_database);
    if (!begin(transaction, error, what))
        return false;
    auto failed = [&](const QString& detail) {
        return fail(error, what, detail);
    };

    QSqlQuery query(m_database.connection());
    // Checked here rather than left to the foreign key, whose error does not say which id.
    if (!prepareAndExec(query,
                        QStringLiteral("SELECT title, title_edited, (SELECT count(*) FROM "
                                       "messages WHERE conversation_id = ?), (SELECT count(*) "
                                       "FROM messages WHERE conversation_id = ? AND seq = ?) "
                                       "FROM conversations WHERE id = ?"),
                        {id, id, message.seq, id}))
        return failed(Database::describe(query.lastError()));
    if (!query.next())
        return failed(noConversation(id));
    const QString oldTitle = query.value(0).toString();
    const bool titleEdited = query.value(1).toInt() != 0;
    outcome.firstMessage = query.value(2).toInt() == 0;
    outcome.newMessage = query.value(3).toInt() == 0;
    query.finish();

    const qint64 now = nowMs();
    const QString upsert = QStringLiteral("INSERT INTO messages (%1) VALUES (%2) ON CONFLICT "
                                          "(conversation_id, seq) DO UPDATE SET %3")
                               .arg(QLatin1String(Rows::messageColumns()),
                                    Rows::messagePlaceholders(), Rows::messageUpdates());
    MessageRecord row = message;
    row.conversationId = id;
    const QVariantList values = Rows::messageValues(row, now);
    if (!prepareAndExec(query, upsert, values))
        return failed(Database::describe(query.lastError()));

    QString title = oldTitle;
    if (!titleEdited && message.role == MessageRole::User) {
        if (!prepareAndExec(query,
                            QStringLiteral("SELECT min(seq) FROM messages WHERE "
                                           "conversation_id = ? AND role = 'user'"),
                            {id}) ||
            !query.next())
            return failed(Database::describe(query.lastError()));
        if (query.value(0).toInt() == message.seq)
            title = titleFrom(message.content);
        query.finish();
    }
    if (!prepareAndExec(query,
                        QStringLiteral("UPDATE conversations SET title = ?, updated_ms = ? "
                                       "WHERE id = ?"),
                        {text(title), now, id}))
        return failed(Database::describe(query.lastError()));
    if (!transaction.commit(error, what))
        return false;
    outcome.titleChanged = title != oldTitle;
    return true;
}

bool ConversationStore::truncate(const QString& conversationId, int fromSeq, QString* error)
{
    const QString what = QStringLiteral("cannot truncate conversation %1").arg(conversationId);
    WriteTransaction transaction(m_database);
    if (!begin(transaction, error, what))
        return false;
    if (!write(QStringLiteral("DELETE FROM messages WHERE conversation_id = ? AND seq >= ?"),
               {conversationId, fromSeq}, what, {}, error) ||
        !write(QStringLiteral("UPDATE conversations SET updated_ms = ? WHERE id = ?"),
               {nowMs(), conversationId}, what, conversationId, error))
        return false;
    return transaction.commit(error, what);
}

bool ConversationStore::setRating(const QString& conversationId, int seq, std::optional<int> rating,
                                  QString* error)
{
    const QString what =
        QStringLiteral("cannot rate message %1 of conversation %2").arg(seq).arg(conversationId);
    if (rating && *rating != 1 && *rating != -1)
        return fail(error, what, QStringLiteral("rating must be -1 or +1, not %1").arg(*rating));
    if (!isOpen())
        return fail(error, what, QStringLiteral("not open"));
    QSqlQuery query(m_database.connection());
    if (!prepareAndExec(query,
                        QStringLiteral("UPDATE messages SET rating = ? WHERE conversation_id = ? "
                                       "AND seq = ?"),
                        {rating ? QVariant(*rating) : QVariant(), conversationId, seq}))
        return fail(error, what, Database::describe(query.lastError()));
    if (query.numRowsAffected() < 1)
        return fail(error, what, QStringLiteral("no such message"));
    return true;
}

QString ConversationStore::titleFrom(const QString& text)
{
    return ConversationText::titleFrom(text);
}

} // namespace adminchat

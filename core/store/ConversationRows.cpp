#include "store/ConversationRows.h"

#include <QSqlQuery>
#include <QStringList>

namespace adminchat {

namespace {

QVariant optionalReal(const std::optional<double>& value)
{
    return value ? QVariant(*value) : QVariant();
}

std::optional<double> readReal(const QVariant& value)
{
    return value.isNull() ? std::nullopt : std::optional<double>(value.toDouble());
}

} // namespace

const char* ConversationRows::conversationColumns()
{
    return "c.id,c.title,c.title_edited,c.created_ms,c.updated_ms,c.profile,c.model,c.experiment,"
           "c.variant,c.preset,c.parameters,"
           "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)";
}

const char* ConversationRows::messageColumns()
{
    return "conversation_id,seq,role,content,reasoning,tool_calls,model,endpoint,created_ms,status,"
           "error,error_kind,request_uid,rating,experiment,variant,ttft_ms,tokens_per_s,e2e_ms,"
           "category,finish_reason";
}

QString ConversationRows::messagePlaceholders()
{
    const qsizetype count = QString::fromLatin1(messageColumns()).count(QLatin1Char(',')) + 1;
    QStringList marks;
    marks.fill(QStringLiteral("?"), count);
    return marks.join(QLatin1Char(','));
}

QString ConversationRows::messageUpdates()
{
    QStringList updates;
    const QStringList columns = QString::fromLatin1(messageColumns()).split(QLatin1Char(','));
    for (const QString& column : columns) {
        if (column != QLatin1String("conversation_id") && column != QLatin1String("seq"))
            updates << QStringLiteral("%1 = excluded.%1").arg(column);
    }
    return updates.join(QStringLiteral(", "));
}

QVariant ConversationRows::text(const QString& value)
{
    return value.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(value);
}

QDateTime ConversationRows::utc(const QVariant& ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), Qt::UTC);
}

ConversationRecord ConversationRows::readConversation(const QSqlQuery& query)
{
    ConversationRecord c;
    int i = 0;
    c.id = query.value(i++).toString();
    c.title = query.value(i++).toString();
    c.titleEdited = query.value(i++).toInt() != 0;
    c.createdUtc = utc(query.value(i++));
    c.updatedUtc = utc(query.value(i++));
    c.profile = query.value(i++).toString();
    c.model = query.value(i++).toString();
    c.experiment = query.value(i++).toString();
    c.variant = query.value(i++).toString();
    c.preset = query.value(i++).toString();
    c.parameters = RequestParameters::fromText(query.value(i++).toString());
    c.messageCount = query.value(i++).toInt();
    return c;
}

MessageRecord ConversationRows::readMessage(const QSqlQuery& query)
{
    MessageRecord m;
    int i = 0;
    m.conversationId = query.value(i++).toString();
    m.seq = query.value(i++).toInt();
    // Names this build does not know read as the plainest: a user's message, finished.
    m.role = roleFromName(query.value(i++).toString()).value_or(MessageRole::User);
    m.content = query.value(i++).toString();
    m.reasoning = query.value(i++).toString();
    m.toolCallsJson = query.value(i++).toString();
    m.model = query.value(i++).toString();
    m.endpoint = query.value(i++).toString();
    m.createdUtc = utc(query.value(i++));
    m.status = messageStatusFromName(query.value(i++).toString()).value_or(MessageStatus::Done);
    m.error = query.value(i++).toString();
    m.errorKind = ApiError::kindFromName(query.value(i++).toString());
    m.requestUid = query.value(i++).toString();
    const QVariant rating = query.value(i++);
    if (!rating.isNull())
        m.rating = rating.toInt();
    m.experiment = query.value(i++).toString();
    m.variant = query.value(i++).toString();
    m.ttftMs = readReal(query.value(i++));
    m.tokensPerSecond = readReal(query.value(i++));
    m.e2eMs = readReal(query.value(i++));
    m.category = categoryFromName(query.value(i++).toString());
    m.finishReason = query.value(i++).toString();
    return m;
}

QVariantList ConversationRows::messageValues(const MessageRecord& message, qint64 nowMs)
{
    return {
        message.conversationId,
        message.seq,
        roleName(message.role),
        text(message.content),
        text(message.reasoning),
        text(message.toolCallsJson),
        text(message.model),
        text(message.endpoint),
        message.createdUtc.isValid() ? message.createdUtc.toMSecsSinceEpoch() : nowMs,
        messageStatusName(message.status),
        text(message.error),
        text(message.errorKind ? ApiError::kindName(*message.errorKind) : QString()),
        text(message.requestUid),
        message.rating ? QVariant(*message.rating) : QVariant(),
        text(message.experiment),
        text(message.variant),
        optionalReal(message.ttftMs),
        optionalReal(message.tokensPerSecond),
        optionalReal(message.e2eMs),
        text(message.category ? categoryName(*message.category) : QString()),
        text(message.finishReason),
    };
}

} // namespace adminchat

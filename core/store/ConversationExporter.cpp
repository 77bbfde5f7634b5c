#include "store/ConversationExporter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <algorithm>
#include <cmath>

namespace adminchat {

namespace {

QString isoUtc(const QDateTime& time, Qt::DateFormat format = Qt::ISODate)
{
    return time.isValid() ? time.toUTC().toString(format) : QString();
}

QString heading(const MessageRecord& message)
{
    if (message.role == MessageRole::Assistant)
        return message.model.isEmpty() ? QStringLiteral("Assistant")
                                       : QStringLiteral("Assistant · %1").arg(message.model);
    const QString role = roleName(message.role);
    return role.left(1).toUpper() + role.mid(1);
}

// A fence longer than any backtick run inside, so the block cannot end early.
QString fenced(const QString& body, const QString& language)
{
    int longest = 0;
    int run = 0;
    for (const QChar c : body) {
        run = c == QLatin1Char('`') ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const QString fence(std::max(3, longest + 1), QLatin1Char('`'));
    return fence + language + QLatin1Char('\n') + body + QLatin1Char('\n') + fence +
           QLatin1Char('\n');
}

QString duration(double ms)
{
    return ms < 1000 ? QStringLiteral("%1 ms").arg(qRound(ms))
                     : QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
}

// Milliseconds to the microsecond, as `ask --json` prints them.
QJsonValue optionalNumber(const std::optional<double>& value)
{
    return value ? QJsonValue(std::round(*value * 1000.0) / 1000.0) : QJsonValue();
}

QString prettyToolCalls(const QString& json)
{
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8());
    return document.isNull()
               ? json
               : QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
}

} // namespace

QString ConversationExporter::parametersLine(const ConversationRecord& conversation)
{
    QString line = conversation.parameters.summary();
    if (!conversation.preset.isEmpty())
        line += (line.isEmpty() ? QString() : QStringLiteral(" · ")) +
                QStringLiteral("preset %1").arg(conversation.preset);
    return line;
}

QString ConversationExporter::figuresLine(const MessageRecord& message)
{
    QStringList parts;
    if (message.ttftMs)
        parts << QStringLiteral("TTFT ") + duration(*message.ttftMs);
    if (message.tokensPerSecond)
        parts << QStringLiteral("%1 tok/s").arg(*message.tokensPerSecond, 0, 'f', 1);
    if (message.e2eMs)
        parts << QStringLiteral("E2E ") + duration(*message.e2eMs);
    if (message.category)
        parts << categoryName(*message.category);
    if (!message.variant.isEmpty())
        parts << QStringLiteral("variant %1").arg(message.variant);
    return parts.join(QStringLiteral(" · "));
}

QString ConversationExporter::toMarkdown(const ConversationRecord& conversation,
                                         const QList<MessageRecord>& messages)
{
    QString out;
    out += QStringLiteral("# %1\n\n")
               .arg(conversation.title.isEmpty() ? QStringLiteral("Untitled conversation")
                                                 : conversation.title);
    QStringList meta{QStringLiteral("id `%1`").arg(conversation.id),
                     QStringLiteral("created %1").arg(isoUtc(conversation.createdUtc)),
                     QStringLiteral("updated %1").arg(isoUtc(conversation.updatedUtc))};
    if (!conversation.profile.isEmpty())
        meta << QStringLiteral("profile %1").arg(conversation.profile);
    if (!conversation.model.isEmpty())
        meta << QStringLiteral("model %1").arg(conversation.model);
    if (!conversation.variant.isEmpty())
        meta << QStringLiteral("experiment %1, variant %2")
                    .arg(conversation.experiment, conversation.variant);
    out += meta.join(QStringLiteral(" · ")) + QStringLiteral("\n");
    if (const QString line = parametersLine(conversation); !line.isEmpty())
        out += QStringLiteral("\nParameters: %1\n").arg(line);
    if (!conversation.parameters.system.isEmpty())
        out += QStringLiteral("\n**System prompt:**\n\n") +
               fenced(conversation.parameters.system, QStringLiteral("text"));

    for (const MessageRecord& m : messages) {
        out += QStringLiteral("\n## %1\n\n").arg(heading(m));
        if (!m.reasoning.isEmpty())
            out += QStringLiteral("<details><summary>Reasoning</summary>\n\n%1\n\n</details>\n\n")
                       .arg(m.reasoning);
        if (!m.content.isEmpty())
            out += m.content +
                   (m.content.endsWith(QLatin1Char('\n')) ? QString() : QStringLiteral("\n"));
        if (!m.toolCallsJson.isEmpty())
            out += QStringLiteral("\n**Tool calls:**\n\n") +
                   fenced(prettyToolCalls(m.toolCallsJson), QStringLiteral("json"));
        // An answer that did not finish says so, next to what arrived of it.
        if (m.status == MessageStatus::Cancelled)
            out += QStringLiteral("\n*(cancelled; partial answer)*\n");
        else if (m.status == MessageStatus::Failed || m.status == MessageStatus::Streaming ||
                 m.status == MessageStatus::Pending)
            out += m.content.isEmpty() ? QStringLiteral("\n*(no answer)*\n")
                                       : QStringLiteral("\n*(partial answer)*\n");
        if (!m.error.isEmpty() || m.status == MessageStatus::Failed) {
            const QString kind = m.errorKind
                                     ? QStringLiteral(" (%1)").arg(ApiError::kindName(*m.errorKind))
                                     : QString();
            out += QStringLiteral("\n> **Error%1:** %2\n")
                       .arg(kind, m.error.isEmpty() ? QStringLiteral("failed") : m.error);
        }
        if (m.cutAtMaxTokens())
            out += QStringLiteral("\n*(cut at max tokens)*\n");
        if (const QString figures = figuresLine(m); !figures.isEmpty())
            out += QStringLiteral("\n*%1*\n").arg(figures);
        if (m.rating)
            out += *m.rating > 0 ? QStringLiteral("\nRated: good answer\n")
                                 : QStringLiteral("\nRated: bad answer\n");
    }
    return out;
}

QByteArray ConversationExporter::toJson(const ConversationRecord& conversation,
                                        const QList<MessageRecord>& messages)
{
    QJsonArray list;
    for (const MessageRecord& m : messages) {
        QJsonObject o{
            {QStringLiteral("seq"), m.seq},
            {QStringLiteral("role"), roleName(m.role)},
            {QStringLiteral("content"), m.content},
            {QStringLiteral("model"), m.model},
            {QStringLiteral("endpoint"), m.endpoint},
            {QStringLiteral("created"), isoUtc(m.createdUtc, Qt::ISODateWithMs)},
            {QStringLiteral("status"), messageStatusName(m.status)},
        };
        if (!m.reasoning.isEmpty())
            o.insert(QStringLiteral("reasoning"), m.reasoning);
        if (!m.toolCallsJson.isEmpty()) {
            const QJsonDocument calls = QJsonDocument::fromJson(m.toolCallsJson.toUtf8());
            // Kept as text if it is not valid JSON: an export never drops what was stored.
            o.insert(QStringLiteral("tool_calls"),
                     calls.isArray() ? QJsonValue(calls.array()) : QJsonValue(m.toolCallsJson));
        }
        if (!m.error.isEmpty())
            o.insert(QStringLiteral("error"), m.error);
        if (m.errorKind)
            o.insert(QStringLiteral("error_kind"), ApiError::kindName(*m.errorKind));
        if (!m.requestUid.isEmpty())
            o.insert(QStringLiteral("request_uid"), m.requestUid);
        if (m.rating)
            o.insert(QStringLiteral("rating"), *m.rating);
        if (!m.experiment.isEmpty())
            o.insert(QStringLiteral("experiment"), m.experiment);
        if (!m.variant.isEmpty())
            o.insert(QStringLiteral("variant"), m.variant);
        if (m.ttftMs || m.tokensPerSecond || m.e2eMs || m.category)
            o.insert(
                QStringLiteral("figures"),
                QJsonObject{{QStringLiteral("ttft_ms"), optionalNumber(m.ttftMs)},
                            {QStringLiteral("tokens_per_s"), optionalNumber(m.tokensPerSecond)},
                            {QStringLiteral("e2e_ms"), optionalNumber(m.e2eMs)},
                            {QStringLiteral("category"),
                             m.category ? QJsonValue(categoryName(*m.category)) : QJsonValue()}});
        if (!m.finishReason.isEmpty())
            o.insert(QStringLiteral("finish_reason"), m.finishReason);
        if (m.cutAtMaxTokens())
            o.insert(QStringLiteral("cut_at_max_tokens"), true);
        list.append(o);
    }
    const QJsonObject root{
        {QStringLiteral("id"), conversation.id},
        {QStringLiteral("title"), conversation.title},
        {QStringLiteral("created"), isoUtc(conversation.createdUtc, Qt::ISODateWithMs)},
        {QStringLiteral("updated"), isoUtc(conversation.updatedUtc, Qt::ISODateWithMs)},
        {QStringLiteral("profile"), conversation.profile},
        {QStringLiteral("model"), conversation.model},
        {QStringLiteral("experiment"), conversation.experiment},
        {QStringLiteral("variant"), conversation.variant},
        {QStringLiteral("preset"), conversation.preset},
        {QStringLiteral("parameters"), conversation.parameters.toJson()},
        {QStringLiteral("messages"), list},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace adminchat

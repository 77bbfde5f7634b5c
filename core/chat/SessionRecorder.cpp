#include "chat/SessionRecorder.h"

#include "chat/ChatSession.h"
#include "store/ConversationStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace adminchat {

SessionRecorder::SessionRecorder(ChatSession* session, QObject* parent)
    : QObject(parent), m_session(session)
{
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(saveIntervalMs);
    connect(&m_saveTimer, &QTimer::timeout, this, &SessionRecorder::flush);
    connect(session, &ChatSession::entryAdded, this, &SessionRecorder::onEntryAdded);
    connect(session, &ChatSession::entryAppended, this,
            [this](int index) { onEntryAppended(index); });
    connect(session, &ChatSession::entryStateChanged, this, &SessionRecorder::onEntryStateChanged);
    connect(session, &ChatSession::entriesTruncated, this, &SessionRecorder::onEntriesTruncated);
    connect(session, &ChatSession::entryRated, this, &SessionRecorder::onEntryRated);
    connect(session, &ChatSession::entriesReset, this, &SessionRecorder::onEntriesReset);
}

void SessionRecorder::flush()
{
    m_saveTimer.stop();
    const QList<int> dirty = m_dirty.keys();
    m_dirty.clear();
    for (int index : dirty)
        save(index);
}

void SessionRecorder::onEntryAdded(int index)
{
    ensureConversation();
    m_dirty.remove(index);
    save(index);
}

void SessionRecorder::onEntryAppended(int index)
{
    m_dirty.insert(index, true);
    // Started once per interval, never restarted: a fast stream must not postpone every save.
    if (!m_saveTimer.isActive())
        m_saveTimer.start();
}

void SessionRecorder::onEntryStateChanged(int index)
{
    m_dirty.remove(index);
    if (m_dirty.isEmpty())
        m_saveTimer.stop();
    save(index);
}

void SessionRecorder::onEntriesTruncated(int fromIndex)
{
    for (auto it = m_dirty.begin(); it != m_dirty.end();) {
        if (it.key() >= fromIndex)
            it = m_dirty.erase(it);
        else
            ++it;
    }
    if (m_dirty.isEmpty())
        m_saveTimer.stop();
    if (m_conversationStored)
        emit messagesTruncated(m_session->conversationId(), fromIndex);
}

void SessionRecorder::onEntryRated(int index)
{
    if (!m_conversationStored || index < 0 || index >= m_session->entries().size())
        return;
    emit ratingChanged(m_session->conversationId(), index,
                       m_session->entries().at(index).rating.value_or(0));
}

void SessionRecorder::onEntriesReset()
{
    // A loaded conversation is already in the store as it was read.
    m_dirty.clear();
    m_saveTimer.stop();
}

void SessionRecorder::ensureConversation()
{
    if (m_conversationStored)
        return;
    if (m_session->conversationId().isEmpty())
        m_session->setConversationId(ConversationStore::newId());
    ConversationRecord conversation;
    conversation.id = m_session->conversationId();
    for (const ChatEntry& entry : m_session->entries()) {
        if (entry.role == ChatEntry::Role::User) {
            conversation.title = ConversationStore::titleFrom(entry.text);
            break;
        }
    }
    conversation.profile = m_session->profileName();
    conversation.model = m_session->model();
    conversation.experiment = m_session->experiment();
    conversation.variant = m_session->variant();
    conversation.preset = m_session->presetName();
    conversation.parameters = m_session->parameters();
    conversation.createdUtc = QDateTime::currentDateTimeUtc();
    conversation.updatedUtc = conversation.createdUtc;
    m_conversationStored = true;
    emit conversationCreated(conversation);
}

void SessionRecorder::save(int index)
{
    if (index < 0 || index >= m_session->entries().size())
        return;
    ensureConversation();
    emit messageSaved(
        toMessageRecord(m_session->entries().at(index), m_session->conversationId(), index));
}

MessageRecord SessionRecorder::toMessageRecord(const ChatEntry& entry,
                                               const QString& conversationId, int seq)
{
    MessageRecord message;
    message.conversationId = conversationId;
    message.seq = seq;
    message.role = entry.role == ChatEntry::Role::User ? MessageRole::User : MessageRole::Assistant;
    message.content = entry.text;
    message.reasoning = entry.reasoning;
    message.toolCallsJson = toolCallsToJson(entry.toolCalls);
    message.model = entry.model;
    message.endpoint = entry.endpoint;
    message.createdUtc = entry.createdUtc;
    message.status = entry.state;
    if (entry.error) {
        // One line, as the store and the history view show it.
        message.error = entry.error->message.simplified();
        message.errorKind = entry.error->kind;
    }
    message.requestUid = entry.requestUid;
    message.rating = entry.rating;
    message.experiment = entry.experiment;
    message.variant = entry.variant;
    if (entry.metrics && entry.role == ChatEntry::Role::Assistant) {
        message.ttftMs = entry.metrics->ttftMs;
        message.tokensPerSecond = entry.metrics->tokensPerSecond;
        message.e2eMs = entry.metrics->e2eMs;
        message.category = entry.metrics->category;
    }
    message.finishReason = entry.finishReason;
    return message;
}

ChatEntry SessionRecorder::toChatEntry(const MessageRecord& message)
{
    ChatEntry entry;
    // A stored system message has no entry role of its own; it is shown as the user's.
    entry.role =
        message.role == MessageRole::Assistant ? ChatEntry::Role::Assistant : ChatEntry::Role::User;
    entry.state = message.status;
    entry.text = message.content;
    entry.reasoning = message.reasoning;
    entry.toolCalls = toolCallsFromJson(message.toolCallsJson);
    entry.model = message.model;
    entry.endpoint = message.endpoint;
    entry.createdUtc = message.createdUtc;
    entry.requestUid = message.requestUid;
    if (!message.error.isEmpty() || message.errorKind)
        entry.error = ApiError{message.errorKind.value_or(ApiError::Kind::Protocol), message.error};
    entry.rating = message.rating;
    entry.experiment = message.experiment;
    entry.variant = message.variant;
    entry.finishReason = message.finishReason;
    // The figures kept with the answer; an answer saved before they were kept has none.
    if (message.ttftMs || message.tokensPerSecond || message.e2eMs || message.category) {
        RequestMetrics metrics;
        metrics.ttftMs = message.ttftMs;
        metrics.tokensPerSecond = message.tokensPerSecond;
        metrics.e2eMs = message.e2eMs;
        metrics.category = message.category.value_or(LatencyCategory::Error);
        entry.metrics = metrics;
    }
    return entry;
}

QString SessionRecorder::toolCallsToJson(const QList<ToolCall>& toolCalls)
{
    if (toolCalls.isEmpty())
        return {};
    QJsonArray array;
    for (const ToolCall& call : toolCalls) {
        array.append(QJsonObject{{QStringLiteral("id"), call.id},
                                 {QStringLiteral("name"), call.name},
                                 {QStringLiteral("arguments"), call.arguments}});
    }
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<ToolCall> SessionRecorder::toolCallsFromJson(const QString& json)
{
    QList<ToolCall> toolCalls;
    if (json.isEmpty())
        return toolCalls;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject object = array[i].toObject();
        ToolCall call;
        call.index = int(i);
        call.id = object.value(QLatin1String("id")).toString();
        call.name = object.value(QLatin1String("name")).toString();
        call.arguments = object.value(QLatin1String("arguments")).toString();
        toolCalls.append(call);
    }
    return toolCalls;
}

} // namespace adminchat

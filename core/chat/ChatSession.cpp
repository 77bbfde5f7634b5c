#include "chat/ChatSession.h"

#include "net/ChatClient.h"

namespace adminchat {

ChatSession::ChatSession(ChatClient* client, QObject* parent) : QObject(parent), m_client(client)
{
    connect(m_client, &ChatClient::outputReceived, this, &ChatSession::onOutputReceived);
    connect(m_client, &ChatClient::requestFinished, this, &ChatSession::onRequestFinished);
}

bool ChatSession::send(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || isBusy())
        return false;

    ChatRequest request;
    request.model = m_model;
    request.maxTokens = m_maxTokens;
    request.temperature = m_temperature;
    if (!m_systemPrompt.isEmpty())
        request.messages.append({QStringLiteral("system"), m_systemPrompt});
    for (const ChatEntry& entry : std::as_const(m_entries)) {
        // Failed and cancelled answers are shown, but the model never said them in full.
        if (entry.role == ChatEntry::Role::User)
            request.messages.append({QStringLiteral("user"), entry.text});
        else if (entry.state == ChatEntry::State::Done)
            request.messages.append({QStringLiteral("assistant"), entry.text});
    }
    request.messages.append({QStringLiteral("user"), trimmed});

    ChatEntry user;
    user.role = ChatEntry::Role::User;
    user.text = trimmed;
    m_entries.append(user);
    emit entryAdded(int(m_entries.size() - 1));

    ChatEntry answer;
    answer.role = ChatEntry::Role::Assistant;
    answer.state = ChatEntry::State::Pending;
    answer.model = m_model;
    answer.requestId = ChatClient::nextRequestId();
    m_entries.append(answer);
    m_activeRequest = answer.requestId;
    emit entryAdded(int(m_entries.size() - 1));
    emit busyChanged(true);

    QMetaObject::invokeMethod(
        m_client,
        [client = m_client, id = answer.requestId, endpoint = m_endpoint, request] {
            client->start(id, endpoint, request);
        },
        Qt::QueuedConnection);
    return true;
}

void ChatSession::stop()
{
    if (!m_activeRequest)
        return;
    QMetaObject::invokeMethod(
        m_client, [client = m_client, id = m_activeRequest] { client->cancel(id); },
        Qt::QueuedConnection);
}

int ChatSession::indexOfRequest(quint64 id) const
{
    // The answer being streamed is nearly always the last entry.
    for (qsizetype i = m_entries.size() - 1; i >= 0; --i) {
        if (m_entries[i].requestId == id)
            return int(i);
    }
    return -1;
}

void ChatSession::onOutputReceived(quint64 id, const ChunkUpdate& update)
{
    const int index = indexOfRequest(id);
    if (index < 0)
        return;
    ChatEntry& entry = m_entries[index];
    QString content = update.content;
    if (!update.refusal.isEmpty())
        content += update.refusal;
    entry.text += content;
    entry.reasoning += update.reasoning;
    if (entry.state == ChatEntry::State::Pending) {
        entry.state = ChatEntry::State::Streaming;
        emit entryStateChanged(index);
    }
    if (!content.isEmpty() || !update.reasoning.isEmpty())
        emit entryAppended(index, content, update.reasoning);
}

void ChatSession::onRequestFinished(quint64 id, const RequestTrace& trace)
{
    if (id == m_activeRequest) {
        m_activeRequest = 0;
        emit busyChanged(false);
    }
    const RequestMetrics metrics = RequestMetrics::fromTrace(trace, m_categoryRule);
    const int index = indexOfRequest(id);
    if (index >= 0) {
        ChatEntry& entry = m_entries[index];
        // The trace holds the whole answer; pieces not shown yet (a non-streamed body, tool
        // calls) are appended now so the view ends with exactly what arrived.
        const QString fullText = trace.text + trace.refusal;
        if (fullText.size() > entry.text.size() && fullText.startsWith(entry.text)) {
            const QString rest = fullText.mid(entry.text.size());
            entry.text = fullText;
            emit entryAppended(index, rest, QString());
        }
        entry.model = trace.model;
        entry.error = trace.error;
        entry.metrics = metrics;
        if (!trace.error)
            entry.state = ChatEntry::State::Done;
        else if (trace.error->kind == ApiError::Kind::Cancelled)
            entry.state = ChatEntry::State::Cancelled;
        else
            entry.state = ChatEntry::State::Failed;
        emit entryStateChanged(index);
    }
    emit requestCompleted(trace, metrics, index >= 0 ? m_entries[index].requestUid : QString());
}

} // namespace adminchat

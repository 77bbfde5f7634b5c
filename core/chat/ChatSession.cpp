#include "chat/ChatSession.h"

#include "chat/RequestMeter.h"
#include "net/ChatClient.h"

#include <QUuid>
#include <utility>

namespace adminchat {

ChatSession::ChatSession(ChatClient* client, QObject* parent)
    : QObject(parent), m_client(client), m_meter(new RequestMeter(client))
{
    connect(m_client, &ChatClient::outputReceived, this, &ChatSession::onOutputReceived);
    connect(m_meter, &RequestMeter::measured, this, &ChatSession::onRequestMeasured);
}

ChatSession::~ChatSession()
{
    RequestMeter::dispose(m_meter);
}

void ChatSession::setExperiment(const QString& experiment, const QString& variant)
{
    m_experiment = experiment;
    m_variant = experiment.isEmpty() ? QString() : variant;
}

void ChatSession::setParameters(const QString& preset, const RequestParameters& parameters)
{
    m_preset = preset;
    m_parameters = parameters;
}

const ChatEntry* ChatSession::entryForRequest(const QString& requestUid) const
{
    if (requestUid.isEmpty())
        return nullptr;
    for (qsizetype i = m_entries.size() - 1; i >= 0; --i) {
        if (m_entries[i].requestUid == requestUid)
            return &m_entries[i];
    }
    return nullptr;
}

bool ChatSession::load(const QList<ChatEntry>& entries)
{
    if (isBusy())
        return false;
    m_entries = entries;
    for (ChatEntry& entry : m_entries) {
        // Request ids belong to the run that started them; a stored one could match a new id.
        entry.requestId = 0;
        if (entry.role == ChatEntry::Role::Assistant &&
            (entry.state == ChatEntry::State::Pending ||
             entry.state == ChatEntry::State::Streaming)) {
            entry.state = ChatEntry::State::Failed;
            entry.error = ApiError{ApiError::Kind::CutOff,
                                   QStringLiteral("The answer was interrupted when the app "
                                                  "closed while it was streaming")};
        }
    }
    emit entriesReset();
    return true;
}

bool ChatSession::send(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || isBusy())
        return false;
    QList<ChatMessage> messages = historyBefore(int(m_entries.size()));
    messages.append({QStringLiteral("user"), trimmed});
    appendUser(trimmed);
    startAnswer(std::move(messages));
    return true;
}

bool ChatSession::editAndResend(int index, const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || isBusy() || index < 0 || index >= m_entries.size() ||
        m_entries[index].role != ChatEntry::Role::User)
        return false;
    QList<ChatMessage> messages = historyBefore(index);
    messages.append({QStringLiteral("user"), trimmed});
    const QString previousAnswer =
        index + 1 < m_entries.size() && m_entries[index + 1].role == ChatEntry::Role::Assistant
            ? m_entries[index + 1].text
            : QString();
    m_entries.resize(index);
    emit entriesTruncated(index);
    appendUser(trimmed);
    startAnswer(std::move(messages), previousAnswer);
    return true;
}

bool ChatSession::regenerate(int index)
{
    if (isBusy() || index < 0 || index >= m_entries.size() ||
        m_entries[index].role != ChatEntry::Role::Assistant)
        return false;
    QList<ChatMessage> messages = historyBefore(index);
    const QString previousAnswer = m_entries[index].text;
    m_entries.resize(index);
    emit entriesTruncated(index);
    startAnswer(std::move(messages), previousAnswer);
    return true;
}

bool ChatSession::setRating(int index, std::optional<int> rating)
{
    if (index < 0 || index >= m_entries.size() || (rating && *rating != 1 && *rating != -1))
        return false;
    ChatEntry& entry = m_entries[index];
    if (entry.role != ChatEntry::Role::Assistant || entry.state != ChatEntry::State::Done)
        return false;
    if (entry.rating != rating) {
        entry.rating = rating;
        emit entryRated(index);
    }
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

QList<ChatMessage> ChatSession::historyBefore(int end) const
{
    QList<ChatMessage> messages;
    if (!m_parameters.system.isEmpty())
        messages.append({QStringLiteral("system"), m_parameters.system});
    for (int i = 0; i < end && i < m_entries.size(); ++i) {
        const ChatEntry& entry = m_entries[i];
        // Failed and cancelled answers are shown, but the model never said them in full.
        if (entry.role == ChatEntry::Role::User)
            messages.append({QStringLiteral("user"), entry.text});
        else if (entry.state == ChatEntry::State::Done)
            messages.append({QStringLiteral("assistant"), entry.text});
    }
    return messages;
}

void ChatSession::appendUser(const QString& text)
{
    ChatEntry user;
    user.role = ChatEntry::Role::User;
    user.text = text;
    user.createdUtc = QDateTime::currentDateTimeUtc();
    m_entries.append(user);
    emit entryAdded(int(m_entries.size() - 1));
}

void ChatSession::startAnswer(QList<ChatMessage> messages, const QString& previousAnswer)
{
    ChatRequest request;
    request.model = m_model;
    m_parameters.applyTo(request);
    request.stream = m_stream;

    ChatEntry answer;
    answer.role = ChatEntry::Role::Assistant;
    answer.state = ChatEntry::State::Pending;
    answer.createdUtc = QDateTime::currentDateTimeUtc();
    answer.requestId = ChatClient::nextRequestId();
    answer.requestUid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    answer.profile = m_profileName;
    EndpointConfig endpoint = m_endpoint;
    if (const std::optional<RequestSteering> steering =
            m_steering ? m_steering(*this, answer.requestUid) : std::nullopt) {
        answer.experiment = steering->experiment;
        answer.variant = steering->variant;
        if (steering->endpoint) {
            endpoint = *steering->endpoint;
            answer.profile = steering->profile;
        }
        if (!steering->model.isEmpty())
            request.model = steering->model;
        if (steering->temperature)
            request.temperature = steering->temperature;
        if (steering->maxTokens)
            request.maxTokens = steering->maxTokens;
        if (!steering->system.isEmpty()) {
            // The variant's system prompt takes the place of the conversation's, first.
            if (!messages.isEmpty() && messages.first().role == QLatin1String("system"))
                messages.first().content = steering->system;
            else
                messages.prepend({QStringLiteral("system"), steering->system});
        }
    }
    request.prediction = std::exchange(m_nextPrediction, std::nullopt);
    if (!request.prediction && endpoint.sendPrediction && !previousAnswer.isEmpty())
        request.prediction = previousAnswer;
    request.messages = std::move(messages);
    answer.model = request.model;
    answer.endpoint = EndpointConfig::displayUrl(endpoint.baseUrl);
    m_entries.append(answer);
    m_activeRequest = answer.requestId;
    emit entryAdded(int(m_entries.size() - 1));
    emit busyChanged(true);

    // Through the meter, which measures the request on the client's thread when it ends; with
    // the meter as context, a request whose session is gone is not sent.
    QMetaObject::invokeMethod(
        m_meter,
        [meter = m_meter, id = answer.requestId, endpoint, request, rule = m_categoryRule] {
            meter->start(id, endpoint, request, rule);
        },
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
    // The client may serve other sessions too; only this session's running request counts.
    if (id == 0 || id != m_activeRequest)
        return;
    const int index = indexOfRequest(id);
    if (index < 0)
        return;
    ChatEntry& entry = m_entries[index];
    // The state first, then the text: a view refreshed on the state change must not show the
    // text it is about to be given as a delta.
    if (entry.state == ChatEntry::State::Pending) {
        entry.state = ChatEntry::State::Streaming;
        emit entryStateChanged(index);
    }
    QString content = update.content;
    if (!update.refusal.isEmpty())
        content += update.refusal;
    entry.text += content; // entries are not resized while a request runs
    entry.reasoning += update.reasoning;
    if (!content.isEmpty() || !update.reasoning.isEmpty())
        emit entryAppended(index, content, update.reasoning, update.arrivalNs);
}

void ChatSession::onRequestMeasured(quint64 id, const RequestTrace& trace,
                                    const RequestMetrics& metrics)
{
    if (id == 0 || id != m_activeRequest)
        return;
    const int index = indexOfRequest(id);
    QString requestUid;
    if (index >= 0) {
        ChatEntry& entry = m_entries[index];
        // The trace holds the whole answer; pieces not shown yet (a non-streamed body) are
        // appended now so the view ends with exactly what arrived.
        // The sizes first: a streamed answer is complete, and joining it would copy it whole.
        if (trace.text.size() + trace.refusal.size() > entry.text.size()) {
            const QString fullText = trace.text + trace.refusal;
            if (fullText.startsWith(entry.text)) {
                const QString rest = fullText.mid(entry.text.size());
                entry.text = fullText;
                emit entryAppended(index, rest, QString(), -1);
            }
        }
        if (trace.reasoning.size() > entry.reasoning.size() &&
            trace.reasoning.startsWith(entry.reasoning)) {
            const QString rest = trace.reasoning.mid(entry.reasoning.size());
            entry.reasoning = trace.reasoning;
            emit entryAppended(index, QString(), rest, -1);
        }
        emit answerEnded(index);
        entry.toolCalls = trace.toolCalls;
        if (!trace.model.isEmpty())
            entry.model = trace.model;
        if (!trace.endpoint.isEmpty())
            entry.endpoint = trace.endpoint;
        entry.error = trace.error;
        entry.metrics = metrics;
        entry.finishReason = trace.finishReason;
        if (!trace.error)
            entry.state = ChatEntry::State::Done;
        else if (trace.error->kind == ApiError::Kind::Cancelled)
            entry.state = ChatEntry::State::Cancelled;
        else
            entry.state = ChatEntry::State::Failed;
        requestUid = entry.requestUid;
    }
    // Idle before the state change, so a handler of entryStateChanged may send or regenerate.
    m_activeRequest = 0;
    emit busyChanged(false);
    if (index >= 0)
        emit entryStateChanged(index);
    emit requestCompleted(trace, metrics, requestUid);
}

} // namespace adminchat

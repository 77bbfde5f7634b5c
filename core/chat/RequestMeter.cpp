#include "chat/RequestMeter.h"

#include "net/ChatClient.h"

#include <QThread>

namespace adminchat {

RequestMeter::RequestMeter(ChatClient* client) : m_client(client)
{
    moveToThread(client->thread());
    // Both live on the client's thread, so this runs directly as the client emits.
    connect(client, &ChatClient::requestFinished, this, &RequestMeter::onRequestFinished);
}

void RequestMeter::start(quint64 id, const EndpointConfig& endpoint, const ChatRequest& request,
                         const CategoryRule& rule)
{
    if (!m_client)
        return;
    m_started.insert(id, rule);
    m_client->start(id, endpoint, request);
}

void RequestMeter::dispose(RequestMeter* meter)
{
    if (!meter)
        return;
    // A QThread that is gone leaves its objects with no thread.
    QThread* thread = meter->thread();
    if (!thread || thread == QThread::currentThread() || !thread->isRunning())
        delete meter;
    else
        meter->deleteLater();
}

void RequestMeter::onRequestFinished(quint64 id, const RequestTrace& trace)
{
    const auto it = m_started.constFind(id);
    if (it == m_started.cend())
        return; // another session's request
    const RequestMetrics metrics = RequestMetrics::fromTrace(trace, *it);
    m_started.erase(it);
    emit measured(id, trace, metrics);
}

} // namespace adminchat

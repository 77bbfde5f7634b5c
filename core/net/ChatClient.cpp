#include "net/ChatClient.h"

#include "net/ChatStream.h"
#include "net/ConnectionWarmer.h"
#include "net/CurlMulti.h"
#include "net/NetLog.h"

#include <QNetworkAccessManager>
#include <atomic>

namespace adminchat {

ChatClient::ChatClient(QObject* parent)
    : QObject(parent), m_manager(new QNetworkAccessManager(this)), m_multi(new CurlMulti(this))
{}

ChatClient::~ChatClient()
{
    qDeleteAll(m_streams);
}

quint64 ChatClient::nextRequestId()
{
    static std::atomic<quint64> counter{0};
    return ++counter;
}

void ChatClient::start(quint64 id, const EndpointConfig& endpoint, const ChatRequest& request)
{
    auto* stream = new ChatStream(id, m_multi, endpoint, request);
    m_streams.insert(id, stream);
    connect(stream, &ChatStream::outputReceived, this, &ChatClient::outputReceived);
    connect(stream, &ChatStream::finished, this, &ChatClient::onStreamFinished,
            Qt::QueuedConnection); // let the reply unwind before the stream is deleted
    stream->start();
}

void ChatClient::cancel(quint64 id)
{
    if (ChatStream* stream = m_streams.value(id))
        stream->cancel();
}

void ChatClient::cancelAll()
{
    const auto streams = m_streams.values();
    for (ChatStream* stream : streams)
        stream->cancel();
}

void ChatClient::warm(const EndpointConfig& endpoint)
{
    if (const std::optional<ApiError> error = ConnectionWarmer::connect(m_multi, endpoint))
        qCDebug(lcNet).noquote() << "no pre-warm:" << error->message;
}

void ChatClient::onStreamFinished(quint64 id)
{
    ChatStream* stream = m_streams.take(id);
    if (!stream)
        return;
    // The stream is deleted once the event loop is back, so its trace outlives the handlers:
    // no copy of a long answer's text and arrival times.
    stream->deleteLater();
    emit requestFinished(id, stream->trace());
}

} // namespace adminchat

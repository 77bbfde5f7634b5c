#pragma once

#include "net/EndpointConfig.h"
#include "net/RequestTrace.h"
#include "openai/ChatRequest.h"
#include "openai/ChunkUpdate.h"

#include <QHash>
#include <QObject>

class QNetworkAccessManager;

namespace adminchat {

class ChatStream;
class CurlMulti;

// Runs chat requests on the thread it lives in. The GUI moves it to a network thread so that
// arrival timestamps are never delayed by painting; the command line uses it directly.
// Requests are identified by ids from nextRequestId(), chosen by the caller so that a request
// can be started across threads with a queued call.
class ChatClient : public QObject
{
    Q_OBJECT
public:
    explicit ChatClient(QObject* parent = nullptr);
    ~ChatClient() override;

    static quint64 nextRequestId();

    Q_INVOKABLE void start(quint64 id, const adminchat::EndpointConfig& endpoint,
                           const adminchat::ChatRequest& request);
    Q_INVOKABLE void cancel(quint64 id);
    Q_INVOKABLE void cancelAll();
    // Opens the connection to endpoint ahead of a request (see ConnectionWarmer), for the
    // transfers of this client to find. Does nothing visible when it fails: the request then
    // connects as usual and reports the error.
    Q_INVOKABLE void warm(const adminchat::EndpointConfig& endpoint);

    // Chat requests go through curl (CurlMulti); the models list through Qt, from here.
    QNetworkAccessManager* networkManager() const { return m_manager; }
    CurlMulti* multi() const { return m_multi; }

signals:
    void outputReceived(quint64 id, const adminchat::ChunkUpdate& update);
    void requestFinished(quint64 id, const adminchat::RequestTrace& trace);

private:
    void onStreamFinished(quint64 id);

    QNetworkAccessManager* m_manager;
    CurlMulti* m_multi;
    QHash<quint64, ChatStream*> m_streams;
};

} // namespace adminchat

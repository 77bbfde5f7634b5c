#pragma once

#include "metrics/LatencyCategory.h"
#include "metrics/RequestMetrics.h"
#include "net/EndpointConfig.h"
#include "net/RequestTrace.h"
#include "openai/ChatRequest.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace adminchat {

class ChatClient;

// Turns a finished request's trace into its metrics (RequestMetrics::fromTrace, with the ITL
// sketch) on the thread its ChatClient runs on, so that the thread of the session, the GUI's in
// the window, only shows them. net sits below metrics and cannot do it itself; this object of
// the chat layer lives beside the client instead: moved to the client's thread, it hears
// requestFinished there, directly, and passes trace and metrics on as `measured`, which reaches
// a session on another thread queued.
//
// A client serves every open conversation and each session has its own meter: a meter measures
// only the requests started through it, each with the category rule it was started with.
class RequestMeter : public QObject
{
    Q_OBJECT
public:
    // Moves itself to client's thread: call start() there (a queued call with this as context).
    explicit RequestMeter(ChatClient* client);

    // Starts the request on the client (if it still exists) and measures it when it ends.
    void start(quint64 id, const adminchat::EndpointConfig& endpoint,
               const adminchat::ChatRequest& request, const adminchat::CategoryRule& rule);

    // Deletes meter on its thread, or at once when that thread is this one or no longer runs
    // (a window closing stops the network thread before its sessions go).
    static void dispose(RequestMeter* meter);

signals:
    // Emitted on the client's thread, right after the metrics were computed.
    void measured(quint64 id, const adminchat::RequestTrace& trace,
                  const adminchat::RequestMetrics& metrics);

private:
    void onRequestFinished(quint64 id, const RequestTrace& trace);

    QPointer<ChatClient> m_client; // used on the client's thread only
    QHash<quint64, CategoryRule> m_started;
};

} // namespace adminchat

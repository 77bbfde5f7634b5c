#pragma once

#include "net/EndpointConfig.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <optional>

class QNetworkAccessManager;

namespace adminchat {

class ChatClient;

// Opens the TCP (and TLS) connection to an endpoint before the user sends, so the request does
// not pay for the handshake: on the first keystroke after a pause, or when a profile is chosen.
// Lives on the GUI thread and asks the ChatClient to connect on its own thread, through the
// same QNetworkAccessManager the chat requests use (Qt reuses a connection only within one
// manager). Each origin is warmed at most once per minimum interval.
class ConnectionWarmer : public QObject
{
    Q_OBJECT
public:
    static constexpr bool enabledByDefault = true;
    // A warmed connection stays in Qt's cache far longer than this, and a few seconds keep a
    // typing user from asking again on every pause.
    static constexpr int defaultMinimumIntervalMs = 5000;

    explicit ConnectionWarmer(ChatClient* client, QObject* parent = nullptr);

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    void setMinimumIntervalMs(int ms) { m_minimumIntervalMs = ms; }
    int minimumIntervalMs() const { return m_minimumIntervalMs; }

    // Asks the client to open a connection to endpoint unless warming is off, the endpoint has
    // no usable URL, or the same origin was warmed less than the minimum interval ago.
    // True when it asked.
    bool warm(const EndpointConfig& endpoint);
    int warmCount() const { return m_warmCount; } // how many times it asked

    // "https://host:443": what Qt keys its connection cache on; empty for a non-HTTP URL.
    static QString originOf(const QUrl& url);
    // Starts opening the connection on manager, from manager's thread, with the endpoint's TLS
    // configuration so that the request finds it in the cache. An error when the TLS settings
    // are unusable (nothing is opened then; the request reports the same error).
    static std::optional<ApiError> connect(QNetworkAccessManager* manager,
                                           const EndpointConfig& endpoint);

signals:
    void warmRequested(const QString& origin);

private:
    QPointer<ChatClient> m_client;
    QHash<QString, QElapsedTimer> m_lastWarm; // per origin
    int m_minimumIntervalMs = defaultMinimumIntervalMs;
    int m_warmCount = 0;
    bool m_enabled = enabledByDefault;
};

} // namespace adminchat

#pragma once

#include "net/EndpointConfig.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <optional>

namespace adminchat {

class ChatClient;
class CurlMulti;

// Opens the TCP (and TLS) connection to an endpoint before the user sends, so the request does
// not pay for the handshake: on the first keystroke after a pause, or when a profile is chosen.
// Lives on the GUI thread and asks the ChatClient to connect on its own thread, for the curl
// multi handle the chat requests use (Preconnector). Only TCP is opened ahead: an https
// request still pays for its TLS handshake. Each origin is warmed at most once per minimum
// interval.
class ConnectionWarmer : public QObject
{
    Q_OBJECT
public:
    static constexpr bool enabledByDefault = true;
    // A warmed connection waits far longer than this (Preconnector::maxAgeMs), and a few
    // seconds keep a typing user from asking again on every pause.
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

    // "https://host:443": what a connection serves; empty for a non-HTTP URL.
    static QString originOf(const QUrl& url);
    // Starts opening the connection for multi, from multi's thread, unless a proxy applies (the
    // request then connects to the proxy). An error when the endpoint's proxy or TLS settings
    // are unusable (nothing is opened then; the request reports the same error).
    static std::optional<ApiError> connect(CurlMulti* multi, const EndpointConfig& endpoint);

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

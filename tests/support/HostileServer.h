// A scripted HTTP/1.1 server for tests that play an endpoint, well-behaved or not: each request
// it reads is answered by steps the test chooses (raw bytes, waits, a reset, silence, bytes
// without end; HostileResponse), on one or more loopback addresses (127.0.0.1, 127.0.0.2, ...:
// another origin on the same machine), optionally over TLS (TlsTcpServer), with a log of every
// request received and when. ResponsePlan answers requests in a fixed order.
//
// It runs on a thread of its own, so a test may block on a child process (`adminchat ask`) while
// the server answers. The handler is called on that thread: keep it free of shared state, or
// guard what it touches (ResponsePlan does).
#pragma once

#include "HostileRequest.h"
#include "HostileResponse.h"
#include "HostileServerWorker.h"

#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QSslConfiguration>
#include <QThread>
#include <QUrl>
#include <optional>

struct HostileServerOptions
{
    QList<QHostAddress> addresses{QHostAddress(QHostAddress::LocalHost)};
    std::optional<QSslConfiguration> tls;
};

class HostileServer
{
public:
    using Options = HostileServerOptions;

    explicit HostileServer(HostileHandler handler, Options options = {});
    ~HostileServer();
    HostileServer(const HostileServer&) = delete;
    HostileServer& operator=(const HostileServer&) = delete;

    bool isListening() const { return m_listening; }
    quint16 port(int address = 0) const { return m_ports.value(address); }
    QHostAddress address(int address = 0) const { return m_addresses.value(address); }
    // http(s)://ADDRESS:PORT, and the same with /v1 for a base URL.
    QByteArray origin(int address = 0) const;
    QUrl baseUrl(int address = 0) const { return QUrl(QString::fromUtf8(origin(address) + "/v1")); }

    QList<HostileRequest> requests() const;
    int requestCount() const;
    // Requests whose target starts with this path (e.g. "/v1/chat/completions").
    int requestCount(QByteArrayView pathPrefix) const;
    // The request bodies, in the order they arrived.
    QList<QByteArray> bodies() const;
    // Connections accepted, whether or not a request came on them (over TLS: handshakes begun).
    int connectionCount() const;

    // A loopback port nothing listens on: connecting to it is refused.
    static quint16 closedPort();

private:
    QList<QHostAddress> m_addresses;
    bool m_tls;
    QThread m_thread;
    HostileServerWorker* m_worker = nullptr;
    mutable QMutex m_mutex;
    QList<HostileRequest> m_log;
    QList<quint16> m_ports;
    bool m_listening = false;
};

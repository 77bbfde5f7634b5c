// A QTcpServer that, given a TLS configuration, hands out QSslSockets whose server handshake has
// started; without one it is a plain QTcpServer. Unlike QSslServer it needs no extra step per
// connection, so one accept loop serves both, and it counts the connections it accepted (each
// one handshake over TLS), so a test can tell that a client never connected.
#pragma once

#include <QSslConfiguration>
#include <QTcpServer>
#include <atomic>
#include <optional>

class TlsTcpServer : public QTcpServer
{
public:
    explicit TlsTcpServer(std::optional<QSslConfiguration> tls, QObject* parent = nullptr);

    bool isTls() const { return m_tls.has_value(); }
    // Read from any thread.
    int acceptedCount() const { return m_accepted.load(); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::optional<QSslConfiguration> m_tls;
    std::atomic<int> m_accepted{0};
};

#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <curl/curl.h>
#include <sys/socket.h>

class QHostAddress;

namespace adminchat {

// TCP connections opened ahead of a request (ConnectionWarmer), handed to curl when a transfer
// of the same multi handle connects to that address: curl then skips the connect and the
// request does not wait for the handshake. A connection the server closed meanwhile, or one not
// established yet, is closed instead and curl connects as usual. TLS is not pre-negotiated:
// curl's connection cache has no way to adopt a handshake done elsewhere.
class Preconnector : public QObject
{
    Q_OBJECT
public:
    // A server drops idle connections after a while; one older than this is not handed over.
    static constexpr int maxAgeMs = 60'000;

    explicit Preconnector(QObject* parent = nullptr);
    ~Preconnector() override;

    // Resolves host (asynchronously) and starts connecting to its first address, unless a
    // connection to host and port waits already.
    void connectTo(const QString& host, quint16 port);
    // Makes a transfer's connections come from here when one is ready.
    void install(CURL* easy);
    int readyCount() const { return int(m_ready.size()); }

private:
    struct Connection
    {
        QString origin; // host:port as asked
        sockaddr_storage address;
        socklen_t length;
        int socket;
        QElapsedTimer age;
    };

    static curl_socket_t onOpen(void* self, curlsocktype purpose, curl_sockaddr* address);
    static int onOptions(void* self, curl_socket_t socket, curlsocktype purpose);
    void connectToAddress(const QString& origin, const QHostAddress& address, quint16 port);
    curl_socket_t take(const curl_sockaddr& address);
    void closeExpired();

    QList<Connection> m_ready;
    QSet<curl_socket_t> m_handedOver; // until curl has asked for its options
    QTimer m_expiry;
};

} // namespace adminchat

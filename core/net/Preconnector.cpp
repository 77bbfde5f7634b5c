#include "net/Preconnector.h"

#include "net/NetLog.h"

#include <QHostAddress>
#include <QHostInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

namespace adminchat {

namespace {

bool sameAddress(const sockaddr_storage& ours, socklen_t length, const curl_sockaddr& theirs)
{
    return length == theirs.addrlen && std::memcmp(&ours, &theirs.addr, length) == 0;
}

// Connected, and neither closed by the server nor carrying bytes nobody asked for.
bool isUsable(int socket)
{
    pollfd state{socket, POLLIN | POLLOUT, 0};
    if (::poll(&state, 1, 0) != 1)
        return false;
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length);
    return error == 0 && (state.revents & POLLOUT) &&
           !(state.revents & (POLLIN | POLLHUP | POLLERR));
}

} // namespace

Preconnector::Preconnector(QObject* parent) : QObject(parent), m_expiry(this)
{
    // Unused connections are closed once too old, not kept open against the server.
    m_expiry.setInterval(maxAgeMs / 4);
    connect(&m_expiry, &QTimer::timeout, this, &Preconnector::closeExpired);
}

Preconnector::~Preconnector()
{
    for (const Connection& connection : std::as_const(m_ready))
        ::close(connection.socket);
}

void Preconnector::connectTo(const QString& host, quint16 port)
{
    closeExpired();
    const QString origin = host + QLatin1Char(':') + QString::number(port);
    for (const Connection& connection : std::as_const(m_ready)) {
        if (connection.origin == origin)
            return;
    }
    QHostAddress address;
    if (address.setAddress(host)) {
        connectToAddress(origin, address, port);
        return;
    }
    QHostInfo::lookupHost(host, this, [this, origin, port](const QHostInfo& info) {
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            qCDebug(lcNet).noquote() << "no pre-connection:" << info.errorString();
            return;
        }
        connectToAddress(origin, info.addresses().constFirst(), port);
    });
}

void Preconnector::closeExpired()
{
    for (qsizetype i = m_ready.size() - 1; i >= 0; --i) {
        if (m_ready.at(i).age.hasExpired(maxAgeMs))
            ::close(m_ready.takeAt(i).socket);
    }
    if (m_ready.isEmpty())
        m_expiry.stop();
}

void Preconnector::connectToAddress(const QString& origin, const QHostAddress& address,
                                    quint16 port)
{
    Connection connection{};
    connection.origin = origin;
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&connection.address);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        in6->sin6_scope_id = address.scopeId().toUInt();
        connection.length = sizeof(sockaddr_in6);
    } else {
        auto* in4 = reinterpret_cast<sockaddr_in*>(&connection.address);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        connection.length = sizeof(sockaddr_in);
    }
    connection.socket =
        ::socket(connection.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (connection.socket < 0)
        return;
    if (::connect(connection.socket, reinterpret_cast<const sockaddr*>(&connection.address),
                  connection.length) != 0 &&
        errno != EINPROGRESS) {
        qCDebug(lcNet) << "no pre-connection:" << std::strerror(errno);
        ::close(connection.socket);
        return;
    }
    connection.age.start();
    m_ready.append(connection);
    if (!m_expiry.isActive())
        m_expiry.start();
}

void Preconnector::install(CURL* easy)
{
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Preconnector::onOpen);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &Preconnector::onOptions);
    curl_easy_setopt(easy, CURLOPT_SOCKOPTDATA, this);
}

curl_socket_t Preconnector::onOpen(void* self, curlsocktype purpose, curl_sockaddr* address)
{
    if (purpose == CURLSOCKTYPE_IPCXN && address->socktype == SOCK_STREAM) {
        const curl_socket_t socket = static_cast<Preconnector*>(self)->take(*address);
        if (socket != CURL_SOCKET_BAD)
            return socket;
    }
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

curl_socket_t Preconnector::take(const curl_sockaddr& address)
{
    closeExpired();
    for (qsizetype i = 0; i < m_ready.size(); ++i) {
        if (!sameAddress(m_ready.at(i).address, m_ready.at(i).length, address))
            continue;
        const Connection connection = m_ready.takeAt(i);
        if (isUsable(connection.socket)) {
            m_handedOver.insert(connection.socket);
            return connection.socket;
        }
        ::close(connection.socket);
        return CURL_SOCKET_BAD;
    }
    return CURL_SOCKET_BAD;
}

int Preconnector::onOptions(void* self, curl_socket_t socket, curlsocktype)
{
    auto* preconnector = static_cast<Preconnector*>(self);
    return preconnector->m_handedOver.remove(socket) ? CURL_SOCKOPT_ALREADY_CONNECTED
                                                     : CURL_SOCKOPT_OK;
}

} // namespace adminchat

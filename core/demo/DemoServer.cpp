#include "demo/DemoServer.h"

#include "demo/DemoConnection.h"
#include "demo/DemoPacer.h"
#include "demo/DemoRequestHandler.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <utility>

namespace adminchat {

namespace {

// The OS queue of not yet accepted connections; hundreds of clients may connect at once.
constexpr int kListenBacklog = 1024;

} // namespace

DemoServer::DemoServer(DemoConfig config, QObject* parent)
    : QObject(parent), m_handler(std::make_unique<DemoRequestHandler>(std::move(config))),
      m_server(new QTcpServer(this)), m_pacer(new DemoPacer(this))
{
    m_server->setListenBacklogSize(kListenBacklog);
    connect(m_server, &QTcpServer::newConnection, this, &DemoServer::onNewConnection);
}

DemoServer::~DemoServer()
{
    // Closing the listener first refuses newcomers. The connections go before the pacer, a
    // child made earlier, which they tell to forget them; the handler outlives them too.
    m_server->close();
    qDeleteAll(findChildren<DemoConnection*>(Qt::FindDirectChildrenOnly));
}

bool DemoServer::listen(const QHostAddress& address, quint16 port)
{
    return m_server->listen(address, port);
}

QString DemoServer::errorString() const
{
    return m_server->errorString();
}

quint16 DemoServer::port() const
{
    return m_server->serverPort();
}

QUrl DemoServer::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    const QHostAddress address = m_server->serverAddress();
    // A wildcard address is not something to connect to; loopback is.
    const bool wildcard = address == QHostAddress::Any || address == QHostAddress::AnyIPv4 ||
                          address == QHostAddress::AnyIPv6 || address.isNull();
    url.setHost(wildcard ? QStringLiteral("127.0.0.1") : address.toString());
    url.setPort(port());
    url.setPath(QStringLiteral("/v1"));
    return url;
}

QStringList DemoServer::modelNames()
{
    return {QStringLiteral("demo-chat"), QStringLiteral("demo-reasoner")};
}

const DemoConfig& DemoServer::config() const
{
    return m_handler->config();
}

int DemoServer::connectionCount() const
{
    return m_connectionCount;
}

qint64 DemoServer::connectionsAccepted() const
{
    return m_connectionsAccepted.load(std::memory_order_relaxed);
}

int DemoServer::inFlight() const
{
    return m_handler->stats().inFlight();
}

int DemoServer::maxInFlight() const
{
    return m_handler->stats().maxInFlight();
}

qint64 DemoServer::requestsServed() const
{
    return m_handler->stats().requestsServed();
}

void DemoServer::resetStats()
{
    m_handler->stats().reset();
}

void DemoServer::onNewConnection()
{
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        auto* connection = new DemoConnection(socket, m_handler.get(), m_pacer, this);
        ++m_connectionCount;
        m_connectionsAccepted.fetch_add(1, std::memory_order_relaxed);
        connect(connection, &QObject::destroyed, this, [this] { --m_connectionCount; });
        connect(connection, &DemoConnection::responseEnded, this, &DemoServer::requestServed);
    }
}

} // namespace adminchat

#include "TlsTcpServer.h"

#include <QSslSocket>

TlsTcpServer::TlsTcpServer(std::optional<QSslConfiguration> tls, QObject* parent)
    : QTcpServer(parent), m_tls(std::move(tls))
{}

void TlsTcpServer::incomingConnection(qintptr descriptor)
{
    ++m_accepted;
    if (!m_tls) {
        QTcpServer::incomingConnection(descriptor);
        return;
    }
    auto* socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSslConfiguration(*m_tls);
    socket->startServerEncryption();
    addPendingConnection(socket);
}

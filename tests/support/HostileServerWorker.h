// HostileServer's side on its own thread: accepts, reads requests, plays the answers' steps.
#pragma once

#include "HostileRequest.h"
#include "HostileResponse.h"

#include <QElapsedTimer>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QTcpSocket>
#include <functional>
#include <memory>
#include <optional>

class TlsTcpServer;

using HostileHandler = std::function<HostileResponse(const HostileRequest&)>;

class HostileServerWorker : public QObject
{
public:
    HostileServerWorker(HostileHandler handler, QMutex* mutex, QList<HostileRequest>* log);

    bool listen(const QList<QHostAddress>& addresses, const std::optional<QSslConfiguration>& tls);
    QList<quint16> ports() const { return m_ports; }
    // Connections accepted on all addresses; read from any thread.
    int acceptedCount() const;

private:
    struct Connection
    {
        QPointer<QTcpSocket> socket;
        QByteArray buffer;
        QList<HostileResponse::Step> steps;
        bool playing = false;
        bool keepAlive = false;
        bool continued = false;
        QByteArray endlessPiece;
        int serial = 0;
    };

    void accept(QTcpSocket* socket);
    void read(const std::shared_ptr<Connection>& connection);
    void play(const std::shared_ptr<Connection>& connection);
    void feedEndless(const std::shared_ptr<Connection>& connection);

    HostileHandler m_handler;
    QMutex* m_mutex;
    QList<HostileRequest>* m_log;
    QList<TlsTcpServer*> m_servers;
    QList<quint16> m_ports;
    QElapsedTimer m_clock;
    int m_connections = 0;
};

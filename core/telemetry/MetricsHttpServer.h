#pragma once

#include "telemetry/TelemetryRegistry.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>
#include <memory>

class QTcpServer;
class QTcpSocket;

namespace adminchat {

class MetricsStore;
struct DemoHttpRequest;

// Serves GET /metrics (Prometheus text 0.0.4, or OpenMetrics when the scraper asks) over plain
// HTTP/1.1 on a QTcpServer, from the metrics database: each scrape first folds the rows stored
// since the last one (by row id, so records other processes wrote count too) into a
// TelemetryRegistry, whose counts are cumulative since the server started reading.
//
// Never waits on a client: answers are queued on the socket; a request head over
// maxRequestBytes is answered 431, a client that sends nothing for idleTimeoutMs or lets more
// than maxPendingBytes of answers pile up unread is dropped. Other paths get 404, other methods
// 405. Lives on one thread (the command's main thread).
class MetricsHttpServer : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype maxRequestBytes = 16 * 1024;
    static constexpr qint64 maxPendingBytes = 8 * 1024 * 1024;
    static constexpr int idleTimeoutMs = 30'000;
    static constexpr int maxConnections = 64;

    // store: open, used from this thread only, outliving the server.
    explicit MetricsHttpServer(MetricsStore* store, QObject* parent = nullptr);
    ~MetricsHttpServer() override;

    bool listen(const QHostAddress& address, quint16 port, QString* error = nullptr);
    QHostAddress address() const;
    quint16 port() const;

    // Folds the rows stored since the last call; false (and error) when reading failed, with the
    // registry left as it was.
    bool refresh(QString* error = nullptr);
    const TelemetryRegistry& registry() const { return m_registry; }
    qint64 lastRowId() const { return m_lastId; }

signals:
    void scraped(int status); // one per answered request

private:
    struct Connection;

    void onNewConnection();
    void onReadyRead(QTcpSocket* socket);
    void respond(QTcpSocket* socket, const DemoHttpRequest& request);
    void send(QTcpSocket* socket, int status, const QByteArray& contentType, const QByteArray& body,
              bool keepAlive, const QByteArray& extraHeaders = {}, bool headOnly = false);
    void drop(QTcpSocket* socket);

    MetricsStore* m_store;
    QTcpServer* m_server;
    TelemetryRegistry m_registry;
    qint64 m_lastId = 0;
    double m_startedSeconds = 0;
    QHash<QTcpSocket*, std::shared_ptr<Connection>> m_connections;
};

} // namespace adminchat

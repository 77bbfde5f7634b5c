#pragma once

#include <QHostAddress>
#include <QObject>
#include <memory>

namespace adminchat {

class MetricsHttpServer;
class MetricsStore;

// What `adminchat metrics serve` does, for the window: /metrics served from the database on a
// thread of its own (MetricsServeThread), so that neither a scrape's database read nor a slow
// scraper touches the GUI thread.
class MetricsServeService : public QObject
{
    Q_OBJECT
public:
    MetricsServeService(const QString& databasePath, const QHostAddress& address, quint16 port);
    ~MetricsServeService() override;

    // On the service's thread: opens the database, reads what it holds, listens.
    void open();

signals:
    void listening(const QString& url); // http://ADDR:PORT/metrics
    void failed(const QString& error);  // one line

private:
    QString m_databasePath;
    QHostAddress m_address;
    quint16 m_port;
    std::unique_ptr<MetricsStore> m_store;
    std::unique_ptr<MetricsHttpServer> m_server;
};

} // namespace adminchat

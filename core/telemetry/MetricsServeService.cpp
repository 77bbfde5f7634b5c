#include "telemetry/MetricsServeService.h"

#include "store/MetricsStore.h"
#include "telemetry/MetricsHttpServer.h"

namespace adminchat {

MetricsServeService::MetricsServeService(const QString& databasePath, const QHostAddress& address,
                                         quint16 port)
    : m_databasePath(databasePath), m_address(address), m_port(port)
{}

MetricsServeService::~MetricsServeService()
{
    m_server.reset(); // before the store it reads
}

void MetricsServeService::open()
{
    m_store = std::make_unique<MetricsStore>(m_databasePath);
    QString error;
    if (!m_store->open(&error))
        return emit failed(error);
    m_server = std::make_unique<MetricsHttpServer>(m_store.get());
    if (!m_server->refresh(&error))
        return emit failed(error);
    if (!m_server->listen(m_address, m_port, &error)) {
        m_server.reset();
        return emit failed(
            tr("cannot listen on %1:%2: %3").arg(m_address.toString()).arg(m_port).arg(error));
    }
    emit listening(QStringLiteral("http://%1:%2/metrics")
                       .arg(m_server->address().toString())
                       .arg(m_server->port()));
}

} // namespace adminchat

#pragma once

#include "store/ServiceThread.h"
#include "telemetry/MetricsServeService.h"

namespace adminchat {

// The thread the window's /metrics endpoint runs on (Preferences, off by default).
class MetricsServeThread : public ServiceThread
{
public:
    MetricsServeThread(const QString& databasePath, const QHostAddress& address, quint16 port,
                       QObject* parent = nullptr)
        : MetricsServeThread(new MetricsServeService(databasePath, address, port), parent)
    {}

    MetricsServeService* service() const { return m_service; }

private:
    MetricsServeThread(MetricsServeService* service, QObject* parent)
        : ServiceThread(
              service, [service] { service->open(); }, QStringLiteral("adminchat-metrics-serve"),
              parent),
          m_service(service)
    {}

    MetricsServeService* m_service;
};

} // namespace adminchat

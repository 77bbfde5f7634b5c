#pragma once

#include "store/MetricsService.h"
#include "store/ServiceThread.h"

namespace adminchat {

// The thread the metrics database and the dashboard's aggregation run on.
class MetricsThread : public ServiceThread
{
public:
    explicit MetricsThread(const QString& databasePath, QObject* parent = nullptr)
        : MetricsThread(new MetricsService(databasePath), parent)
    {}

    MetricsService* service() const { return m_service; }

private:
    MetricsThread(MetricsService* service, QObject* parent)
        : ServiceThread(
              service, [service] { service->open(); }, QStringLiteral("adminchat-metrics"), parent),
          m_service(service)
    {}

    MetricsService* m_service;
};

} // namespace adminchat

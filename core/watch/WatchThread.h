#pragma once

#include "store/ServiceThread.h"
#include "watch/WatchService.h"

namespace adminchat {

// The thread the window's watch probes and reads on.
class WatchThread : public ServiceThread
{
public:
    WatchThread(const QString& databasePath, const CategoryRule& rule,
                const AlertThresholds& thresholds, QObject* parent = nullptr)
        : WatchThread(new WatchService(databasePath, rule, thresholds), parent)
    {}

    WatchService* service() const { return m_service; }

private:
    WatchThread(WatchService* service, QObject* parent)
        : ServiceThread(
              service, [service] { service->open(); }, QStringLiteral("adminchat-watch"), parent),
          m_service(service)
    {}

    WatchService* m_service;
};

} // namespace adminchat

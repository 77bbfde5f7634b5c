#pragma once

#include "store/HistoryService.h"
#include "store/ServiceThread.h"

namespace adminchat {

// The thread the GUI's conversation database work runs on.
class HistoryThread : public ServiceThread
{
public:
    explicit HistoryThread(const QString& databasePath, QObject* parent = nullptr)
        : HistoryThread(new HistoryService(databasePath), parent)
    {}

    HistoryService* service() const { return m_service; }

private:
    HistoryThread(HistoryService* service, QObject* parent)
        : ServiceThread(
              service, [service] { service->open(); }, QStringLiteral("adminchat-history"), parent),
          m_service(service)
    {}

    HistoryService* m_service;
};

} // namespace adminchat

#pragma once

#include <QObject>
#include <vector>

class QNetworkAccessManager;

namespace adminchat {

// Qt 6.4's QNetworkAccessManager opens at most 6 connections per host and silently queues any
// further request, which would cap a load run's real concurrency at 6. The pool hands each new
// request the least busy manager that has a free connection, and adds a manager when none has:
// C requests in flight use ceil(C / 6) managers, each keeping its connections alive.
class NetworkPool
{
public:
    static constexpr int connectionsPerManager = 6;

    explicit NetworkPool(QObject* owner); // managers are children of owner, on its thread

    QNetworkAccessManager* acquire();
    void release(QNetworkAccessManager* manager);
    int managerCount() const { return int(m_managers.size()); }

private:
    struct Slot
    {
        QNetworkAccessManager* manager;
        int inFlight;
    };
    QObject* m_owner;
    std::vector<Slot> m_managers;
};

} // namespace adminchat

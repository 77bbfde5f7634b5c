#pragma once

#include <QObject>
#include <QThread>
#include <functional>

namespace adminchat {

// A database service on a thread of its own (MetricsThread, HistoryThread), so no disk work runs
// on the GUI thread. Owns the service; destroying the thread object finishes every call still
// queued for the service (records, messages waiting to be written), then joins.
class ServiceThread : public QObject
{
public:
    ~ServiceThread() override;
    void start(); // starts the thread, then opens the service on it

protected:
    // open: the service's open(), to run on the thread once it is started.
    ServiceThread(QObject* service, std::function<void()> open, const QString& threadName,
                  QObject* parent);

private:
    QThread m_thread;
    QObject* m_service;
    std::function<void()> m_open;
};

} // namespace adminchat

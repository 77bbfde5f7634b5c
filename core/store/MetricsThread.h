#pragma once

#include <QObject>
#include <QThread>

namespace adminchat {

class MetricsService;

// The thread the metrics database and the dashboard's aggregation run on.
class MetricsThread : public QObject
{
    Q_OBJECT
public:
    explicit MetricsThread(const QString& databasePath, QObject* parent = nullptr);
    ~MetricsThread() override; // finishes queued writes, then joins

    MetricsService* service() const { return m_service; }
    void start(); // opens the database on the thread

private:
    QThread m_thread;
    MetricsService* m_service;
};

} // namespace adminchat

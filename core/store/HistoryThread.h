#pragma once

#include <QObject>
#include <QThread>

namespace adminchat {

class HistoryService;

// The thread the GUI's conversation database work runs on.
class HistoryThread : public QObject
{
    Q_OBJECT
public:
    explicit HistoryThread(const QString& databasePath, QObject* parent = nullptr);
    ~HistoryThread() override; // finishes queued writes, then joins

    HistoryService* service() const { return m_service; }
    void start(); // opens the database on the thread

private:
    QThread m_thread;
    HistoryService* m_service;
};

} // namespace adminchat

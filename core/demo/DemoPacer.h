#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <queue>
#include <vector>

namespace adminchat {

class DemoConnection;

// Wakes the server's connections when their next write is due, with one precise timer for all
// of them. A QTimer per connection made Qt insert each re-armed timer into its sorted list, a
// walk over every stream's timer for every token: at a thousand streams of 50 tokens a second
// that, not the writing, held the server's thread and sent tokens late and in clumps. Here a
// wake is a heap push, and one timer pass wakes every connection that is due.
class DemoPacer : public QObject
{
    Q_OBJECT
public:
    explicit DemoPacer(QObject* parent = nullptr);

    // Calls connection->onDue() once delayMs (fractional) have passed; replaces any wake the
    // connection had asked for before.
    void schedule(DemoConnection* connection, double delayMs);
    void cancel(DemoConnection* connection);
    bool isScheduled(DemoConnection* connection) const { return m_tickets.contains(connection); }

private:
    struct Wake
    {
        qint64 dueNs;
        quint64 ticket;
        DemoConnection* connection;
        bool operator>(const Wake& other) const { return dueNs > other.dueNs; }
    };

    void onTimeout();
    void arm();

    QElapsedTimer m_clock;
    QTimer m_timer;
    std::priority_queue<Wake, std::vector<Wake>, std::greater<>> m_wakes;
    // The ticket of each connection's current wake; older wakes left in the heap are skipped.
    QHash<DemoConnection*, quint64> m_tickets;
    quint64 m_nextTicket = 0;
    qint64 m_armedForNs = -1; // the slot the timer runs for, -1 when stopped
};

} // namespace adminchat

#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <deque>
#include <queue>
#include <vector>

namespace adminchat {

// Runs the server's paced work on one thread: the writes that are due, and the planning of new
// answers, the writes first. One precise timer on a grid serves every connection's wakes (a
// QTimer per connection made Qt insert each re-armed timer into its sorted list, a walk over
// every stream's timer per token). Planning an answer (its text and every chunk) is deferred to
// the pacer too: read in the same pass, a closed loop's wave of a thousand new requests held
// the other streams' due tokens for tens of milliseconds; here the due tokens go out between two
// plans, so a token waits for one plan at most.
class DemoPacer : public QObject
{
    Q_OBJECT
public:
    // What the pacer wakes: a connection, or a test's stand-in.
    class Client
    {
    public:
        virtual void onDue() = 0;      // the wake asked for by schedule() is due
        virtual void onAdmitted() = 0; // admit()ted: plan and start the answer now
    protected:
        ~Client() = default;
    };

    explicit DemoPacer(QObject* parent = nullptr);

    // Calls client->onDue() once delayMs (fractional) have passed, at the latest at the end of
    // the grid step that delay falls in; replaces any wake the client had asked for before.
    void schedule(Client* client, double delayMs);
    // Calls client->onAdmitted() once the writes due now are out, in the order of admission.
    void admit(Client* client);
    // Forgets the client's wake and admission (it is going away).
    void cancel(Client* client);
    bool isScheduled(Client* client) const { return m_tickets.contains(client); }
    bool isAdmitting(Client* client) const { return m_admitting.contains(client); }
    // Passes run so far (for tests and diagnostics): wakes woken in one pass share its number.
    quint64 passes() const { return m_passes; }

    static constexpr qint64 slotNs = 2'000'000; // the grid step (see DemoPacer.cpp)

private:
    struct Wake
    {
        qint64 dueNs;
        quint64 ticket; // ties broken in the order of scheduling
        Client* client;
        bool operator>(const Wake& other) const
        {
            return dueNs != other.dueNs ? dueNs > other.dueNs : ticket > other.ticket;
        }
    };

    void run();
    void wakeDue();
    void arm();
    void postRun();

    QElapsedTimer m_clock;
    QTimer m_timer;
    std::priority_queue<Wake, std::vector<Wake>, std::greater<>> m_wakes;
    // The ticket of each client's current wake; older wakes left in the heap are skipped.
    QHash<Client*, quint64> m_tickets;
    quint64 m_nextTicket = 0;
    qint64 m_armedForNs = -1;         // the slot the timer runs for, -1 when stopped
    std::deque<Client*> m_admissions; // in order; entries no longer in m_admitting are skipped
    QSet<Client*> m_admitting;
    bool m_runPosted = false;
    bool m_running = false;
    quint64 m_passes = 0;
};

} // namespace adminchat

#include "demo/DemoPacer.h"

#include <QtMath>

namespace adminchat {

namespace {

constexpr qint64 nsPerMs = 1'000'000;

} // namespace

// The timer wakes on a grid of slotNs: every pass of the event loop polls every connection's
// socket, which at a thousand connections cost more than the writes themselves. A token is then
// up to a step late, by the same amount for every token of a stream whose gaps are a multiple of
// it, so its gaps stay as planned. A pass that plans answers also sends what is due by then.

DemoPacer::DemoPacer(QObject* parent) : QObject(parent), m_timer(this)
{
    m_clock.start();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_armedForNs = -1;
        run();
    });
}

void DemoPacer::schedule(Client* client, double delayMs)
{
    const quint64 ticket = ++m_nextTicket;
    const qint64 dueNs = m_clock.nsecsElapsed() + qint64(qMax(0.0, delayMs) * double(nsPerMs));
    m_tickets.insert(client, ticket);
    m_wakes.push({dueNs, ticket, client});
    if (!m_running && (m_armedForNs < 0 || dueNs <= m_armedForNs - slotNs))
        arm(); // due in an earlier slot than the timer runs for
}

void DemoPacer::admit(Client* client)
{
    if (m_admitting.contains(client))
        return;
    m_admitting.insert(client);
    m_admissions.push_back(client);
    postRun();
}

void DemoPacer::cancel(Client* client)
{
    // Its wake stays in the heap until due, then finds no ticket and is dropped; so does its
    // place in the admissions.
    m_tickets.remove(client);
    m_admitting.remove(client);
}

void DemoPacer::postRun()
{
    if (m_runPosted || m_running)
        return;
    m_runPosted = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_runPosted = false;
            run();
        },
        Qt::QueuedConnection);
}

void DemoPacer::run()
{
    m_running = true;
    ++m_passes;
    wakeDue();
    // One plan at a time, and whatever fell due while it was made goes out before the next.
    while (!m_admissions.empty()) {
        Client* client = m_admissions.front();
        m_admissions.pop_front();
        if (!m_admitting.remove(client))
            continue; // cancelled
        client->onAdmitted();
        wakeDue();
    }
    m_running = false;
    arm();
}

void DemoPacer::wakeDue()
{
    // Only what is due now, in due order: a client that asks to be woken again at once waits
    // for the next pass, after the others.
    const qint64 nowNs = m_clock.nsecsElapsed();
    while (!m_wakes.empty() && m_wakes.top().dueNs <= nowNs) {
        const Wake wake = m_wakes.top();
        m_wakes.pop();
        const auto it = m_tickets.constFind(wake.client);
        if (it == m_tickets.cend() || *it != wake.ticket)
            continue;
        m_tickets.erase(it);
        wake.client->onDue();
    }
}

void DemoPacer::arm()
{
    // Cancelled wakes at the top would only wake the timer for nothing.
    while (!m_wakes.empty()) {
        const Wake& top = m_wakes.top();
        const auto it = m_tickets.constFind(top.client);
        if (it != m_tickets.cend() && *it == top.ticket)
            break;
        m_wakes.pop();
    }
    if (m_wakes.empty()) {
        m_timer.stop();
        m_armedForNs = -1;
        return;
    }
    const qint64 dueNs = m_wakes.top().dueNs;
    const qint64 slotEndNs = (dueNs + slotNs - 1) / slotNs * slotNs;
    const qint64 waitNs = slotEndNs - m_clock.nsecsElapsed();
    // Whole milliseconds, rounded up: never early, at most a millisecond late.
    m_timer.start(int(qMax<qint64>(0, (waitNs + nsPerMs - 1) / nsPerMs)));
    m_armedForNs = slotEndNs;
}

} // namespace adminchat

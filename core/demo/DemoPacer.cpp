#include "demo/DemoPacer.h"

#include "demo/DemoConnection.h"

#include <QtMath>

namespace adminchat {

namespace {

constexpr qint64 nsPerMs = 1'000'000;
// Wakes fall on a grid of this step: every pass of the event loop polls every connection's
// socket, which at a thousand connections cost more than the writes themselves. A token is
// then up to this much late, by the same amount for every token of a stream whose gaps are a
// multiple of it, so its gaps stay as planned.
constexpr qint64 kSlotNs = 2 * nsPerMs;

} // namespace

DemoPacer::DemoPacer(QObject* parent) : QObject(parent), m_timer(this)
{
    m_clock.start();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &DemoPacer::onTimeout);
}

void DemoPacer::schedule(DemoConnection* connection, double delayMs)
{
    const quint64 ticket = ++m_nextTicket;
    const qint64 dueNs = m_clock.nsecsElapsed() + qint64(qMax(0.0, delayMs) * double(nsPerMs));
    m_tickets.insert(connection, ticket);
    m_wakes.push({dueNs, ticket, connection});
    if (m_armedForNs < 0 || dueNs <= m_armedForNs - kSlotNs)
        arm(); // due in an earlier slot than the timer runs for
}

void DemoPacer::cancel(DemoConnection* connection)
{
    // Its wake stays in the heap until due, then finds no ticket and is dropped.
    m_tickets.remove(connection);
}

void DemoPacer::onTimeout()
{
    m_armedForNs = -1;
    // Only what is due now: a connection that asks to be woken again at once waits for the
    // next pass, after the others.
    const qint64 nowNs = m_clock.nsecsElapsed();
    while (!m_wakes.empty() && m_wakes.top().dueNs <= nowNs) {
        const Wake wake = m_wakes.top();
        m_wakes.pop();
        const auto it = m_tickets.constFind(wake.connection);
        if (it == m_tickets.cend() || *it != wake.ticket)
            continue;
        m_tickets.erase(it);
        wake.connection->onDue();
    }
    arm();
}

void DemoPacer::arm()
{
    // Cancelled wakes at the top would only wake the timer for nothing.
    while (!m_wakes.empty()) {
        const Wake& top = m_wakes.top();
        const auto it = m_tickets.constFind(top.connection);
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
    const qint64 slotNs = (dueNs + kSlotNs - 1) / kSlotNs * kSlotNs;
    const qint64 waitNs = slotNs - m_clock.nsecsElapsed();
    // Whole milliseconds, rounded up: never early, at most a millisecond late.
    m_timer.start(int(qMax<qint64>(0, (waitNs + nsPerMs - 1) / nsPerMs)));
    m_armedForNs = slotNs;
}

} // namespace adminchat

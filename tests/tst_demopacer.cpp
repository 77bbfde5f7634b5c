// DemoPacer: the demo server's one timer for every connection's due writes, and the queue of
// answers to plan, which waits for the writes due. Stand-ins record when they are woken, in the
// real event loop with the real clock.
#include "demo/DemoPacer.h"

#include <QElapsedTimer>
#include <QTest>
#include <algorithm>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

using namespace adminchat;

namespace {

constexpr int kWaitMs = 5000;

struct Event
{
    int client;
    bool admitted; // onAdmitted, else onDue
    quint64 pass;
    qint64 atNs; // on the test's clock
};

class Log
{
public:
    Log() { m_clock.start(); }
    void add(int client, bool admitted, quint64 pass)
    {
        m_events.push_back({client, admitted, pass, m_clock.nsecsElapsed()});
    }
    const std::vector<Event>& events() const { return m_events; }
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }

private:
    QElapsedTimer m_clock;
    std::vector<Event> m_events;
};

class StandIn final : public DemoPacer::Client
{
public:
    StandIn(int id, DemoPacer* pacer, Log* log) : m_id(id), m_pacer(pacer), m_log(log) {}
    void onDue() override { m_log->add(m_id, false, m_pacer->passes()); }
    void onAdmitted() override
    {
        m_log->add(m_id, true, m_pacer->passes());
        if (m_planMs > 0)
            QTest::qSleep(m_planMs); // a slow plan, as a long answer's is
    }
    void setPlanMs(int ms) { m_planMs = ms; }

private:
    int m_id;
    DemoPacer* m_pacer;
    Log* m_log;
    int m_planMs = 0;
};

std::vector<std::unique_ptr<StandIn>> standIns(int count, DemoPacer* pacer, Log* log)
{
    std::vector<std::unique_ptr<StandIn>> result;
    for (int i = 0; i < count; ++i)
        result.push_back(std::make_unique<StandIn>(i, pacer, log));
    return result;
}

void busyWaitMs(double ms)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.nsecsElapsed() < qint64(ms * 1e6)) {
    }
}

} // namespace

class TestDemoPacer : public QObject
{
    Q_OBJECT
private slots:
    void manyDueAtOnceWakeInOnePassInDeadlineOrder();
    void neverWokenEarly();
    void dueWritesGoBeforePlanning();
    void dueWritesGoBetweenSlowPlans();
    void rescheduleReplacesAndCancelForgets();
};

void TestDemoPacer::manyDueAtOnceWakeInOnePassInDeadlineOrder()
{
    // A thousand connections whose tokens fall due within one grid step, scheduled in a
    // shuffled order: one pass wakes them all, the earliest due first.
    Log log;
    DemoPacer pacer; // its grid counts from here, as the log's clock does, give or take a µs
    auto clients = standIns(1000, &pacer, &log);
    std::vector<int> order(clients.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(7));
    // Client i is due 1 µs after client i - 1, from a quarter into the hundred-and-first step
    // on: all inside that step, whatever the time the scheduling took (the pass comes after it;
    // 200 ms leaves room for a sanitizer build on a loaded machine).
    const qint64 firstDueNs = 100 * DemoPacer::slotNs + DemoPacer::slotNs / 4;
    const qint64 startNs = log.nowNs();
    // The pacer reads its clock inside schedule(): a deadline lies between the one meant and
    // that plus the time the call took (more when the thread was preempted in between).
    std::vector<qint64> earliestNs(clients.size());
    std::vector<qint64> latestNs(clients.size());
    for (int i : order) {
        const qint64 dueNs = startNs + firstDueNs + qint64(i) * 1000;
        const qint64 beforeNs = log.nowNs();
        pacer.schedule(clients[std::size_t(i)].get(), double(dueNs - beforeNs) / 1e6);
        earliestNs[std::size_t(i)] = dueNs;
        latestNs[std::size_t(i)] = dueNs + (log.nowNs() - beforeNs);
    }
    QTRY_COMPARE_WITH_TIMEOUT(log.events().size(), clients.size(), kWaitMs);

    const quint64 pass = log.events().front().pass;
    for (std::size_t i = 0; i < log.events().size(); ++i) {
        const Event& e = log.events()[i];
        QVERIFY(!e.admitted);
        QCOMPARE(e.pass, pass);
        QVERIFY(e.atNs >= earliestNs[std::size_t(e.client)]);
        // Due order: nothing woke before a client whose deadline was surely earlier.
        if (i > 0) {
            const int before = log.events()[i - 1].client;
            QVERIFY2(earliestNs[std::size_t(before)] <= latestNs[std::size_t(e.client)],
                     qPrintable(QStringLiteral("%1 woke before %2").arg(before).arg(e.client)));
        }
    }
    // Without preemption during scheduling that is exactly the clients' order.
    std::vector<int> woken;
    for (const Event& e : log.events())
        woken.push_back(e.client);
    std::sort(woken.begin(), woken.end());
    QCOMPARE(std::adjacent_find(woken.begin(), woken.end()), woken.end()); // each once
}

void TestDemoPacer::neverWokenEarly()
{
    // Each wake comes after its due time, in due order.
    DemoPacer pacer;
    Log log;
    auto clients = standIns(40, &pacer, &log);
    std::vector<qint64> dueNs(clients.size());
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const double delayMs = 3.0 + double(i) * 0.37;
        dueNs[i] = log.nowNs() + qint64(delayMs * 1e6);
        pacer.schedule(clients[i].get(), delayMs);
    }
    QTRY_COMPARE_WITH_TIMEOUT(log.events().size(), clients.size(), kWaitMs);
    qint64 previousNs = 0;
    for (const Event& e : log.events()) {
        QVERIFY2(e.atNs >= dueNs[std::size_t(e.client)],
                 qPrintable(QStringLiteral("client %1 woken %2 ns early")
                                .arg(e.client)
                                .arg(dueNs[std::size_t(e.client)] - e.atNs)));
        QVERIFY(e.atNs >= previousNs); // in due order
        previousNs = e.atNs;
    }
}

void TestDemoPacer::dueWritesGoBeforePlanning()
{
    // A write that is due and a request to plan, both waiting: the write first.
    DemoPacer pacer;
    Log log;
    StandIn writer(1, &pacer, &log);
    StandIn planner(2, &pacer, &log);
    pacer.schedule(&writer, 0);
    busyWaitMs(0.5); // due now, and no event processed yet
    pacer.admit(&planner);
    QVERIFY(pacer.isAdmitting(&planner));
    QTRY_COMPARE_WITH_TIMEOUT(log.events().size(), std::size_t(2), kWaitMs);
    QCOMPARE(log.events()[0].client, 1);
    QCOMPARE(log.events()[1].client, 2);
    QVERIFY(log.events()[1].admitted);
    QCOMPARE(log.events()[0].pass, log.events()[1].pass); // the same pass
    QVERIFY(!pacer.isAdmitting(&planner));
}

void TestDemoPacer::dueWritesGoBetweenSlowPlans()
{
    // Five plans of 3 ms each queued at once, and a write due meanwhile: it goes out after the
    // plan during which it fell due, not after all five.
    DemoPacer pacer;
    Log log;
    auto planners = standIns(5, &pacer, &log);
    StandIn writer(100, &pacer, &log);
    for (auto& planner : planners) {
        planner->setPlanMs(3);
        pacer.admit(planner.get());
    }
    pacer.schedule(&writer, 1);
    QTRY_COMPARE_WITH_TIMEOUT(log.events().size(), std::size_t(6), kWaitMs);
    std::vector<int> clients;
    for (const Event& e : log.events())
        clients.push_back(e.client);
    const auto writerAt = std::find(clients.begin(), clients.end(), 100) - clients.begin();
    // Due 1 ms after scheduling: before the first plan or after it, not later.
    QVERIFY2(writerAt <= 1, qPrintable(QStringLiteral("woken after %1 plans").arg(writerAt)));
    // The plans in the order they were admitted.
    clients.erase(clients.begin() + writerAt);
    QCOMPARE(clients, std::vector<int>({0, 1, 2, 3, 4}));
}

void TestDemoPacer::rescheduleReplacesAndCancelForgets()
{
    DemoPacer pacer;
    Log log;
    StandIn moved(1, &pacer, &log);
    StandIn cancelled(2, &pacer, &log);
    StandIn notAdmitted(3, &pacer, &log);
    StandIn kept(4, &pacer, &log);
    pacer.schedule(&moved, 1);
    pacer.schedule(&moved, 30); // replaces the first wake
    pacer.schedule(&cancelled, 1);
    pacer.cancel(&cancelled);
    pacer.admit(&notAdmitted);
    pacer.cancel(&notAdmitted);
    pacer.schedule(&kept, 10);
    QVERIFY(!pacer.isScheduled(&cancelled));
    QVERIFY(!pacer.isAdmitting(&notAdmitted));
    QTRY_COMPARE_WITH_TIMEOUT(log.events().size(), std::size_t(2), kWaitMs);
    QTest::qWait(20); // nothing else comes
    QCOMPARE(log.events().size(), std::size_t(2));
    QCOMPARE(log.events()[0].client, 4);
    QCOMPARE(log.events()[1].client, 1);
}

QTEST_GUILESS_MAIN(TestDemoPacer)
#include "tst_demopacer.moc"

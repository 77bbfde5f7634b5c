// ProbeScheduler on a clock the test moves: intervals with jitter, no overlapping probes of one
// target, backoff while down, the daily token budget pausing until the next UTC day.
#include "watch/ProbeScheduler.h"

#include <QTest>
#include <memory>

using namespace adminchat;

class TestProbeScheduler : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void intervalWithJitter();
    void neverTwoProbesOfOneTarget();
    void backsOffWhileDown();
    void budgetPausesUntilTheNextDay();
    void restoredTokensCount();
    void manyTargetsAreSpread();

private:
    // Starts a day and a bit after the epoch so the first probes fall on an ordinary day.
    std::shared_ptr<qint64> m_now;
    ProbeScheduler::Clock clock()
    {
        return [now = m_now] {
            return *now;
        };
    }
    // Moves the clock to the next due time and takes what is due there.
    QList<int> step(ProbeScheduler& scheduler)
    {
        const std::optional<qint64> next = scheduler.nextDueMs();
        if (!next)
            return {};
        *m_now = std::max(*m_now, *next);
        return scheduler.takeDue();
    }
};

void TestProbeScheduler::init()
{
    m_now = std::make_shared<qint64>(ProbeScheduler::dayMs * 20'000 + 3'600'000);
}

void TestProbeScheduler::intervalWithJitter()
{
    ProbeScheduler scheduler(clock(), 7);
    const int target = scheduler.addTarget(QStringLiteral("p"), 60'000, 0);
    const qint64 start = *m_now;
    QVERIFY(scheduler.dueMs(target) >= start && scheduler.dueMs(target) <= start + 6'000);
    qint64 previous = 0;
    qint64 shortest = std::numeric_limits<qint64>::max(), longest = 0;
    for (int i = 0; i < 200; ++i) {
        QCOMPARE(step(scheduler), QList<int>{target});
        if (previous) {
            shortest = std::min(shortest, *m_now - previous);
            longest = std::max(longest, *m_now - previous);
        }
        previous = *m_now;
        *m_now += 300; // the probe takes 300 ms
        QVERIFY(!scheduler.finished(target, 10, false));
    }
    // 60 s +-10%, plus the 300 ms each probe took.
    QVERIFY2(shortest >= 54'000 + 300 && longest <= 66'000 + 300,
             qPrintable(QStringLiteral("%1 .. %2").arg(shortest).arg(longest)));
    QVERIFY2(longest - shortest > 6'000, "the jitter spreads the probes");
}

void TestProbeScheduler::neverTwoProbesOfOneTarget()
{
    ProbeScheduler scheduler(clock(), 1);
    const int target = scheduler.addTarget(QStringLiteral("p"), 1'000, 0);
    QCOMPARE(step(scheduler), QList<int>{target});
    QVERIFY(scheduler.inFlight(target));
    // A probe that hangs for a minute: the target is never due meanwhile.
    for (int i = 0; i < 60; ++i) {
        *m_now += 1'000;
        QVERIFY(scheduler.takeDue().isEmpty());
    }
    QVERIFY(!scheduler.nextDueMs()); // only the end of the probe reschedules it
    scheduler.finished(target, 0, false);
    QVERIFY(scheduler.nextDueMs());
    QVERIFY(*scheduler.nextDueMs() >= *m_now + 900);
}

void TestProbeScheduler::backsOffWhileDown()
{
    ProbeScheduler scheduler(clock(), 3);
    const int target = scheduler.addTarget(QStringLiteral("p"), 10'000, 0);
    QList<qint64> gaps;
    qint64 previous = 0;
    for (int i = 0; i < 6; ++i) {
        step(scheduler);
        if (previous)
            gaps << *m_now - previous;
        previous = *m_now;
        scheduler.finished(target, 0, true);
    }
    // 2x, 4x, then capped at maxBackoffFactor (4x), each +-10%.
    QCOMPARE(gaps.size(), 5);
    QVERIFY(gaps[0] >= 18'000 && gaps[0] <= 22'000);
    for (int i = 1; i < 5; ++i)
        QVERIFY2(gaps[i] >= 36'000 && gaps[i] <= 44'000, qPrintable(QString::number(gaps[i])));
    // Up again: the plain interval.
    step(scheduler);
    previous = *m_now;
    scheduler.finished(target, 0, false);
    step(scheduler);
    QVERIFY(*m_now - previous >= 9'000 && *m_now - previous <= 11'000);
}

void TestProbeScheduler::budgetPausesUntilTheNextDay()
{
    ProbeScheduler scheduler(clock(), 5);
    const int a = scheduler.addTarget(QStringLiteral("budgeted"), 60'000, 100);
    const int b = scheduler.addTarget(QStringLiteral("budgeted"), 60'000, 100);
    const int free = scheduler.addTarget(QStringLiteral("free"), 60'000, 0);
    int announced = 0;
    qint64 budgetedProbes = 0;
    // Each probe costs 30 tokens: the fourth one crosses 100.
    const qint64 dayEnd = (*m_now / ProbeScheduler::dayMs + 1) * ProbeScheduler::dayMs;
    while (*m_now < dayEnd - 120'000) {
        const QList<int> due = step(scheduler);
        for (const int target : due) {
            if (target != free)
                ++budgetedProbes;
            announced += scheduler.finished(target, 30, false) ? 1 : 0;
        }
    }
    QCOMPARE(budgetedProbes, qint64(4));
    QCOMPARE(announced, 1);
    QVERIFY(scheduler.budgetExhausted(QStringLiteral("budgeted")));
    QCOMPARE(scheduler.tokensToday(QStringLiteral("budgeted")), qint64(120));
    QVERIFY(!scheduler.budgetExhausted(QStringLiteral("free")));
    // The next day it goes on.
    QList<int> due;
    while (due.isEmpty() || due == QList<int>{free}) {
        due = step(scheduler);
        for (const int target : due)
            scheduler.finished(target, 30, false);
    }
    QVERIFY(*m_now >= dayEnd);
    QVERIFY(due.contains(a) || due.contains(b));
    QCOMPARE(scheduler.tokensToday(QStringLiteral("budgeted")),
             qint64(30 * (due.size() - due.count(free))));
}

void TestProbeScheduler::restoredTokensCount()
{
    ProbeScheduler scheduler(clock(), 9);
    scheduler.addTarget(QStringLiteral("p"), 60'000, 100);
    const qint64 today = *m_now / ProbeScheduler::dayMs;
    scheduler.restoreTokens(QStringLiteral("p"), today - 1, 500); // yesterday's: ignored
    QVERIFY(!scheduler.budgetExhausted(QStringLiteral("p")));
    scheduler.restoreTokens(QStringLiteral("p"), today, 100);
    QVERIFY(scheduler.budgetExhausted(QStringLiteral("p")));
    QVERIFY(scheduler.takeDue().isEmpty());
    QCOMPARE(*scheduler.nextDueMs(), (today + 1) * ProbeScheduler::dayMs);
}

void TestProbeScheduler::manyTargetsAreSpread()
{
    ProbeScheduler scheduler(clock(), 11);
    for (int i = 0; i < 50; ++i)
        scheduler.addTarget(QStringLiteral("p%1").arg(i), 10'000, 0);
    QSet<qint64> firstTimes;
    for (int i = 0; i < 50; ++i)
        firstTimes.insert(scheduler.dueMs(i));
    QVERIFY2(firstTimes.size() > 40, "the first probes do not all fire at once");
    // A simulated hour: each target about 360 times, never two at once.
    const qint64 end = *m_now + 3'600'000;
    QList<int> counts(50, 0);
    while (*m_now < end) {
        for (const int target : step(scheduler)) {
            ++counts[target];
            scheduler.finished(target, 0, false);
        }
    }
    for (const int count : counts)
        QVERIFY2(count >= 320 && count <= 400, qPrintable(QString::number(count)));
}

QTEST_GUILESS_MAIN(TestProbeScheduler)
#include "tst_probescheduler.moc"

// StatusTracker, the watch's state machine: down only after N failures in a row, back up at the
// first good answer, one slow answer does not flap, 429 is degraded and never down, 401/403 its
// own state. The alerts these changes raise: tst_alertrules.
#include "watch/StatusTracker.h"

#include <QTest>

using namespace adminchat;

class TestStatusTracker : public QObject
{
    Q_OBJECT

private slots:
    void firstAnswerDecidesFromUnknown();
    void downAfterConsecutiveFailuresOnly();
    void backUpAfterOneSuccess();
    void oneSlowAnswerDoesNotFlap();
    void rateLimitedIsDegradedNeverDown();
    void keyRejectedIsItsOwnState();
    void evidenceKeepsTheStreakStart();
};

namespace {

qint64 g_time = 1'000'000;

ProbeResult probe(ProbeOutcome outcome, const QString& message = {})
{
    ProbeResult result;
    result.profile = QStringLiteral("Work");
    result.endpointId = QStringLiteral("id-1");
    result.model = QStringLiteral("m");
    result.outcome = outcome;
    result.message =
        message.isEmpty() && outcome != ProbeOutcome::Ok ? probeOutcomeName(outcome) : message;
    result.startedMs = (g_time += 1000);
    result.requestUid = QStringLiteral("uid-%1").arg(g_time);
    return result;
}

} // namespace

void TestStatusTracker::firstAnswerDecidesFromUnknown()
{
    StatusTracker up;
    const auto change = up.apply(probe(ProbeOutcome::Ok));
    QVERIFY(change);
    QCOMPARE(change->from, WatchState::Unknown);
    QCOMPARE(change->to, WatchState::Up);

    // Nothing to flap from: a first bad answer is degraded at once.
    StatusTracker slow;
    const auto degraded = slow.apply(probe(ProbeOutcome::Slow));
    QVERIFY(degraded);
    QCOMPARE(degraded->to, WatchState::Degraded);

    // A first failure alone says nothing yet.
    StatusTracker failing;
    QVERIFY(!failing.apply(probe(ProbeOutcome::Error)));
    QCOMPARE(failing.state(), WatchState::Unknown);
}

void TestStatusTracker::downAfterConsecutiveFailuresOnly()
{
    StatusTracker tracker({3, 2});
    QVERIFY(tracker.apply(probe(ProbeOutcome::Ok)));
    QVERIFY(!tracker.apply(probe(ProbeOutcome::Error)));
    QVERIFY(!tracker.apply(probe(ProbeOutcome::Error)));
    // A good answer in between starts the count again.
    QVERIFY(!tracker.apply(probe(ProbeOutcome::Ok)));
    QCOMPARE(tracker.consecutiveFailures(), 0);
    QVERIFY(!tracker.apply(probe(ProbeOutcome::Error)));
    QVERIFY(!tracker.apply(probe(ProbeOutcome::Error)));
    QCOMPARE(tracker.state(), WatchState::Up);
    const auto down = tracker.apply(probe(ProbeOutcome::Error, QStringLiteral("HTTP 500")));
    QVERIFY(down);
    QCOMPARE(down->from, WatchState::Up);
    QCOMPARE(down->to, WatchState::Down);
    QVERIFY2(down->cause.contains(QLatin1String("3 failed probes")), qPrintable(down->cause));
    QVERIFY(down->cause.contains(QLatin1String("HTTP 500")));
    // Staying down is no change.
    QVERIFY(!tracker.apply(probe(ProbeOutcome::Error)));
    QCOMPARE(tracker.state(), WatchState::Down);

    StatusTracker single({1, 2});
    QVERIFY(single.apply(probe(ProbeOutcome::Ok)));
    const auto at1 = single.apply(probe(ProbeOutcome::Error));
    QVERIFY(at1);
    QCOMPARE(at1->to, WatchState::Down);
}

void TestStatusTracker::backUpAfterOneSuccess()
{
    StatusTracker tracker({2, 2});
    tracker.apply(probe(ProbeOutcome::Error));
    QCOMPARE(tracker.apply(probe(ProbeOutcome::Error))->to, WatchState::Down);
    const auto up = tracker.apply(probe(ProbeOutcome::Ok));
    QVERIFY(up);
    QCOMPARE(up->from, WatchState::Down);
    QCOMPARE(up->to, WatchState::Up);
    QCOMPARE(up->evidence.size(), 1);
}

void TestStatusTracker::oneSlowAnswerDoesNotFlap()
{
    StatusTracker tracker({3, 2});
    tracker.apply(probe(ProbeOutcome::Ok));
    QVERIFY(!tracker.apply(probe(ProbeOutcome::Slow)));
    QCOMPARE(tracker.state(), WatchState::Up);
    QVERIFY(!tracker.apply(probe(ProbeOutcome::Ok)));
    QVERIFY(!tracker.apply(probe(ProbeOutcome::Slow)));
    const auto degraded = tracker.apply(probe(ProbeOutcome::ContentMismatch));
    QVERIFY(degraded);
    QCOMPARE(degraded->to, WatchState::Degraded);
    QCOMPARE(degraded->evidence.size(), 2);
    QCOMPARE(tracker.apply(probe(ProbeOutcome::Ok))->to, WatchState::Up);
}

void TestStatusTracker::rateLimitedIsDegradedNeverDown()
{
    StatusTracker tracker({3, 2});
    tracker.apply(probe(ProbeOutcome::Ok));
    QList<StatusChange> changes;
    for (int i = 0; i < 20; ++i) {
        if (const auto change = tracker.apply(probe(ProbeOutcome::RateLimited)))
            changes << *change;
    }
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.first().to, WatchState::Degraded);
    QCOMPARE(tracker.state(), WatchState::Degraded);

    // A down endpoint that answers again, even with 429s, is no longer down.
    StatusTracker down({2, 2});
    down.apply(probe(ProbeOutcome::Error));
    down.apply(probe(ProbeOutcome::Error));
    QCOMPARE(down.state(), WatchState::Down);
    QCOMPARE(down.apply(probe(ProbeOutcome::RateLimited))->to, WatchState::Degraded);
}

void TestStatusTracker::keyRejectedIsItsOwnState()
{
    StatusTracker tracker;
    tracker.apply(probe(ProbeOutcome::Ok));
    const auto rejected =
        tracker.apply(probe(ProbeOutcome::KeyRejected, QStringLiteral("key rejected (HTTP 401)")));
    QVERIFY(rejected);
    QCOMPARE(rejected->to, WatchState::KeyRejected);
    QCOMPARE(rejected->cause, QStringLiteral("key rejected (HTTP 401)"));
    QVERIFY(!tracker.apply(probe(ProbeOutcome::KeyRejected)));
    QCOMPARE(watchStateName(tracker.state()), QStringLiteral("key_rejected"));
    QCOMPARE(watchStateFromName(QStringLiteral("key_rejected")), WatchState::KeyRejected);
}

void TestStatusTracker::evidenceKeepsTheStreakStart()
{
    StatusTracker tracker({30, 2});
    tracker.apply(probe(ProbeOutcome::Ok));
    QList<ProbeResult> failures;
    std::optional<StatusChange> down;
    for (int i = 0; i < 30; ++i) {
        failures << probe(ProbeOutcome::Error);
        down = tracker.apply(failures.last());
    }
    QVERIFY(down);
    QCOMPARE(down->evidence.size(), StatusTracker::maxEvidence);
    QCOMPARE(down->evidence.first().requestUid, failures.first().requestUid);
    QCOMPARE(down->evidence.last().requestUid, failures.last().requestUid);
    QCOMPARE(down->sinceMs, failures.first().startedMs);
    QCOMPARE(down->atMs, failures.last().startedMs);
}

QTEST_GUILESS_MAIN(TestStatusTracker)
#include "tst_statustracker.moc"

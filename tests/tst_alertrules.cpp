// AlertRules on a clock of its own (every time comes with its input): the status rules fire
// once and resolve once, with a cooldown; the timed rules (degraded_for, ttft_p95, e2e_p95,
// error_rate) over a probe window with hysteresis; the thresholds from the settings file and a
// profile's overrides.
#include "endpoints/ProbeSettings.h"
#include "settings/AppSettings.h"
#include "watch/AlertRules.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestAlertRules : public QObject
{
    Q_OBJECT

private slots:
    void statusAlertsFireOnceResolveOnceWithCooldown();
    void contentCheckAndBudgetResolve();
    void degradedForFiresOncePerEpisode();
    void ttftP95FiresOnATrendAndClearsWithHysteresis();
    void e2eP95AndRulesTurnedOff();
    void errorRateIsTheSpikeDetector();
    void probeWindowQuantile();
    void thresholdsFromSettingsAndProfile();
};

namespace {

constexpr qint64 minute = 60'000;
constexpr qint64 t0 = 1'700'000'000'000;

ProbeResult probe(qint64 atMs, ProbeOutcome outcome = ProbeOutcome::Ok,
                  std::optional<double> ttftMs = 200, std::optional<double> e2eMs = 400)
{
    ProbeResult result;
    result.profile = QStringLiteral("Work");
    result.endpointId = QStringLiteral("id-1");
    result.model = QStringLiteral("m");
    result.outcome = outcome;
    result.message = outcome == ProbeOutcome::Ok ? QString() : probeOutcomeName(outcome);
    result.startedMs = atMs;
    result.requestUid = QStringLiteral("uid-%1").arg(atMs);
    if (outcome != ProbeOutcome::Error) {
        result.ttftMs = ttftMs;
        result.e2eMs = e2eMs;
    }
    return result;
}

StatusChange change(WatchState from, WatchState to, qint64 atMs)
{
    StatusChange result;
    result.profile = QStringLiteral("Work");
    result.endpointId = QStringLiteral("id-1");
    result.model = QStringLiteral("m");
    result.from = from;
    result.to = to;
    result.cause = QStringLiteral("because of <b>&things</b>");
    result.atMs = atMs;
    result.sinceMs = atMs - 2000;
    return result;
}

QStringList rules(const QList<Alert>& alerts)
{
    QStringList result;
    for (const Alert& alert : alerts)
        result << (alert.resolved ? QStringLiteral("resolved ") : QString()) + alert.rule;
    return result;
}

// Only the rule under test speaks.
AlertThresholds only(int AlertThresholds::*rule, int value, int AlertThresholds::*minutes = {},
                     int forMinutes = 0)
{
    AlertThresholds thresholds;
    thresholds.degradedForMinutes = 0;
    thresholds.ttftP95Ms = 0;
    thresholds.e2eP95Ms = 0;
    thresholds.errorRatePercent = 0;
    thresholds.*rule = value;
    if (minutes)
        thresholds.*minutes = forMinutes;
    return thresholds;
}

} // namespace

void TestAlertRules::statusAlertsFireOnceResolveOnceWithCooldown()
{
    AlertRules alerts(minute);
    const QList<Alert> down = alerts.onStatusChange(change(WatchState::Up, WatchState::Down, t0));
    QCOMPARE(rules(down), QStringList{"down"});
    QVERIFY(down.first().isCritical());
    QCOMPARE(down.first().endpointId, QStringLiteral("id-1"));
    QVERIFY(down.first().message.contains(QLatin1String("because of")));
    QCOMPARE(down.first().toJson().value("resolved").toBool(), false);
    // Still down (a restored run saying it again): nothing more.
    QVERIFY(alerts.onStatusChange(change(WatchState::Up, WatchState::Down, t0 + 1000)).isEmpty());
    // Down -> degraded: the end of one, the start of the other, in that order.
    QCOMPARE(
        rules(alerts.onStatusChange(change(WatchState::Down, WatchState::Degraded, t0 + 30'000))),
        (QStringList{"resolved down", "degraded"}));
    const QList<Alert> up =
        alerts.onStatusChange(change(WatchState::Degraded, WatchState::Up, t0 + 40'000));
    QCOMPARE(rules(up), QStringList{"resolved degraded"});
    QVERIFY(!up.first().isCritical());
    QVERIFY(up.first().message.contains(QLatin1String("no longer degraded")));
    QCOMPARE(up.first().toJson().value("resolved").toBool(), true);
    QVERIFY(alerts.active().isEmpty());
    // Down again within the cooldown: held back, and so is its resolution.
    QVERIFY(alerts.onStatusChange(change(WatchState::Up, WatchState::Down, t0 + 50'000)).isEmpty());
    QVERIFY(alerts.onStatusChange(change(WatchState::Down, WatchState::Up, t0 + 55'000)).isEmpty());
    // After it: said again.
    QCOMPARE(
        rules(alerts.onStatusChange(change(WatchState::Up, WatchState::KeyRejected, t0 + 61'000))),
        QStringList{"key_rejected"});
    QCOMPARE(rules(alerts.onStatusChange(
                 change(WatchState::KeyRejected, WatchState::Down, t0 + 62'000))),
             (QStringList{"resolved key_rejected", "down"}));
    QCOMPARE(alerts.active().size(), 1);
}

void TestAlertRules::contentCheckAndBudgetResolve()
{
    AlertRules alerts(minute);
    const AlertThresholds none = only(&AlertThresholds::degradedForMinutes, 0);
    const QList<Alert> mismatch =
        alerts.onProbe(probe(t0, ProbeOutcome::ContentMismatch), WatchState::Degraded, none);
    QCOMPARE(rules(mismatch), QStringList{"content_check"});
    QCOMPARE(mismatch.first().requestUid, QStringLiteral("uid-%1").arg(t0));
    QVERIFY(
        alerts.onProbe(probe(t0 + 1000, ProbeOutcome::ContentMismatch), WatchState::Degraded, none)
            .isEmpty());
    // An error says nothing about the content; a good answer clears it.
    QVERIFY(alerts.onProbe(probe(t0 + 2000, ProbeOutcome::Error), WatchState::Degraded, none)
                .isEmpty());
    QCOMPARE(
        rules(alerts.onProbe(probe(t0 + 3000, ProbeOutcome::Slow), WatchState::Degraded, none)),
        QStringList{"resolved content_check"});

    const auto budget = alerts.onBudgetUsedUp(QStringLiteral("Work"), 500, t0 + 4000);
    QVERIFY(budget);
    QVERIFY(budget->message.contains(QLatin1String("500")));
    QVERIFY(!alerts.onBudgetUsedUp(QStringLiteral("Work"), 500, t0 + 5000));
    // The next probe (the next day) ends it.
    const QList<Alert> next = alerts.onProbe(probe(t0 + 86'400'000), WatchState::Up, none);
    QCOMPARE(rules(next), QStringList{"resolved budget"});
    QVERIFY(next.first().model.isEmpty());
}

void TestAlertRules::degradedForFiresOncePerEpisode()
{
    AlertRules alerts(minute);
    const AlertThresholds thresholds = only(&AlertThresholds::degradedForMinutes, 10);
    StatusChange degraded = change(WatchState::Up, WatchState::Degraded, t0);
    QCOMPARE(rules(alerts.onStatusChange(degraded)), QStringList{"degraded"});
    const qint64 since = degraded.sinceMs;
    QStringList said;
    for (qint64 at = t0 + minute; at <= t0 + 20 * minute; at += minute) {
        for (const Alert& alert :
             alerts.onProbe(probe(at, ProbeOutcome::Slow), WatchState::Degraded, thresholds)) {
            said << alert.rule;
            // The first probe 10 minutes after the episode's start.
            QCOMPARE(alert.atMs, since + 10 * minute + 2000);
            QVERIFY(alert.message.contains(QLatin1String("degraded for 10 min")));
        }
    }
    QCOMPARE(said, QStringList{"degraded_for"});
    QCOMPARE(rules(alerts.onStatusChange(
                 change(WatchState::Degraded, WatchState::Up, t0 + 21 * minute))),
             (QStringList{"resolved degraded", "resolved degraded_for"}));
    // A short episode says nothing more than "degraded".
    alerts.onStatusChange(change(WatchState::Up, WatchState::Degraded, t0 + 30 * minute));
    QVERIFY(
        alerts
            .onProbe(probe(t0 + 35 * minute, ProbeOutcome::Slow), WatchState::Degraded, thresholds)
            .isEmpty());

    // Degraded since before this run: what an earlier run stored counts.
    AlertRules restarted(minute);
    restarted.restore(QStringLiteral("Work"), QStringLiteral("m"), WatchState::Degraded,
                      t0 - 30 * minute, QStringLiteral("slow"));
    QCOMPARE(
        rules(restarted.onProbe(probe(t0, ProbeOutcome::Slow), WatchState::Degraded, thresholds)),
        QStringList{"degraded_for"});
}

void TestAlertRules::ttftP95FiresOnATrendAndClearsWithHysteresis()
{
    AlertRules alerts(minute);
    const AlertThresholds thresholds =
        only(&AlertThresholds::ttftP95Ms, 1000, &AlertThresholds::ttftForMinutes, 5);
    qint64 at = t0;
    const auto next = [&](double ttft) {
        at += 30'000;
        return rules(alerts.onProbe(probe(at, ProbeOutcome::Ok, ttft), WatchState::Up, thresholds));
    };
    // Slow from the start: nothing until 5 minutes are watched.
    for (int i = 0; i < 10; ++i)
        QCOMPARE(next(2000), QStringList());
    QCOMPARE(next(2000), QStringList{"ttft_p95"}); // 10 * 30 s after the first: covered
    const Alert fired = alerts.active().first();
    QVERIFY2(fired.message.contains(QLatin1String("TTFT P95 2000 ms over 11 probes in the last 5 "
                                                  "min, over 1000 ms")),
             qPrintable(fired.message));
    // Still slow: said once.
    QCOMPARE(next(2000), QStringList());
    // Hovering between 90 % and 100 % of the threshold neither fires nor clears.
    for (int i = 0; i < 11; ++i)
        QCOMPARE(next(950), QStringList());
    // Under 90 %: cleared once the window's P95 is.
    QStringList cleared;
    for (int i = 0; i < 11; ++i)
        cleared << next(100);
    QCOMPARE(cleared, QStringList{"resolved ttft_p95"});

    // One slow probe among fast ones is no trend; three are.
    QStringList said;
    for (int i = 0; i < 10; ++i)
        said << next(100);
    said << next(5000);
    QCOMPARE(said, QStringList());
    at += 2 * minute; // beyond the cooldown
    QCOMPARE(next(5000), QStringList());
    QCOMPARE(next(5000), QStringList{"ttft_p95"});
}

void TestAlertRules::e2eP95AndRulesTurnedOff()
{
    AlertRules alerts(minute);
    AlertThresholds thresholds =
        only(&AlertThresholds::e2eP95Ms, 1000, &AlertThresholds::e2eForMinutes, 1);
    QStringList said;
    for (qint64 at = t0; at <= t0 + 2 * minute; at += 10'000)
        said << rules(
            alerts.onProbe(probe(at, ProbeOutcome::Ok, 100, 3000), WatchState::Up, thresholds));
    QCOMPARE(said, QStringList{"e2e_p95"}); // TTFT was fast: that rule is off anyway
    // A rule at 0 is off, however slow.
    AlertRules off(minute);
    thresholds.e2eP95Ms = 0;
    for (qint64 at = t0; at <= t0 + 10 * minute; at += 10'000)
        QVERIFY(off.onProbe(probe(at, ProbeOutcome::Ok, 9000, 9000), WatchState::Up, thresholds)
                    .isEmpty());
}

void TestAlertRules::errorRateIsTheSpikeDetector()
{
    AlertRules alerts(minute);
    const AlertThresholds thresholds =
        only(&AlertThresholds::errorRatePercent, 20, &AlertThresholds::errorRateForMinutes, 5);
    qint64 at = t0;
    const auto next = [&](ProbeOutcome outcome) {
        at += 30'000;
        return rules(alerts.onProbe(probe(at, outcome), WatchState::Up, thresholds));
    };
    for (int i = 0; i < 10; ++i)
        QCOMPARE(next(ProbeOutcome::Ok), QStringList());
    // 2 of 11 (18 %), then 3 of 11 failing (27 %, and ErrorSpike's minimum of 3 errors); a 429
    // and a refused key count as the dashboard's errors do.
    QCOMPARE(next(ProbeOutcome::Error), QStringList());
    QCOMPARE(next(ProbeOutcome::RateLimited), QStringList());
    QCOMPARE(next(ProbeOutcome::KeyRejected), QStringList{"error_rate"});
    QVERIFY(alerts.active().first().message.contains(QLatin1String("3 of 11 probes failed (27%)")));
    // The detector itself, at the same figures, agrees.
    ErrorSpike::Thresholds spike;
    spike.minRequests = AlertThresholds::minSamples;
    QVERIFY(ErrorSpike::detected({11, 3}, {}, spike));
    QVERIFY(!ErrorSpike::detected({11, 2}, {}, spike));
    // Clears when the failures leave the window.
    QStringList cleared;
    for (int i = 0; i < 11; ++i)
        cleared << next(ProbeOutcome::Ok);
    QCOMPARE(cleared, QStringList{"resolved error_rate"});

    // Down (or refusing the key), the failures are that alert's: no second one for them.
    for (int i = 0; i < 12; ++i)
        QCOMPARE(rules(alerts.onProbe(probe(at += 30'000, ProbeOutcome::Error), WatchState::Down,
                                      thresholds)),
                 QStringList());
}

void TestAlertRules::probeWindowQuantile()
{
    std::vector<double> values;
    for (int i = 1; i <= 20; ++i)
        values.push_back(i);
    QCOMPARE(*ProbeWindow::p95(values), 19.05);
    QCOMPARE(*ProbeWindow::p95({7}), 7.0);
    QVERIFY(!ProbeWindow::p95({}));
    ProbeWindow window;
    window.add(probe(t0, ProbeOutcome::Ok, 100, 200));
    window.add(probe(t0 + 1000, ProbeOutcome::Error));
    window.add(probe(t0 + 2000, ProbeOutcome::Ok, 300, 400));
    const ProbeWindow::Stats stats = window.over(t0, t0 + 2000);
    QCOMPARE(stats.probes.started, 3u);
    QCOMPARE(stats.probes.errors, 1u);
    QCOMPARE(stats.ttftCount, 2);
    QCOMPARE(*stats.ttftP95Ms, 290.0);
    QVERIFY(stats.covered);
    QVERIFY(!window.over(t0 - 1, t0 + 2000).covered); // nothing watched before t0
    QCOMPARE(window.countOver(t0, t0 + 2000, ProbeWindow::Figure::E2e, 300), 1);
    window.forget(t0 + 1500);
    QCOMPARE(window.size(), 1);
}

void TestAlertRules::thresholdsFromSettingsAndProfile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ini = dir.filePath(QStringLiteral("adminchat.conf"));
    {
        AppSettings settings(ini);
        QCOMPARE(settings.alertThresholds(), AlertThresholds());
        AlertThresholds changed;
        changed.ttftP95Ms = 1500;
        changed.errorRateForMinutes = 15;
        changed.cooldownS = 60;
        settings.setAlertThresholds(changed);
        settings.sync();
    }
    {
        QSettings raw(ini, QSettings::IniFormat);
        QCOMPARE(raw.value(QStringLiteral("alerts/ttftP95Ms")).toInt(), 1500);
        QCOMPARE(raw.value(QStringLiteral("alerts/cooldownS")).toInt(), 60);
        QVERIFY(!raw.contains(QStringLiteral("alerts/e2eP95Ms")));    // a default is not written
        raw.setValue(QStringLiteral("alerts/e2eForMinutes"), -4);     // out of range: the default
        raw.setValue(QStringLiteral("alerts/degradedForMinutes"), 0); // off
    }
    AppSettings settings(ini);
    const AlertThresholds global = settings.alertThresholds();
    QCOMPARE(global.ttftP95Ms, 1500);
    QCOMPARE(global.errorRateForMinutes, 15);
    QCOMPARE(global.cooldownS, 60);
    QCOMPARE(global.e2eForMinutes, AlertThresholds().e2eForMinutes);
    QCOMPARE(global.degradedForMinutes, 0);

    // A profile's own values, stored with its probe settings.
    ProbeSettings probe;
    probe.alerts.ttftP95Ms = 800;
    probe.alerts.errorRatePercent = 0;
    QSettings profile(dir.filePath(QStringLiteral("profile.conf")), QSettings::IniFormat);
    probe.write(profile);
    QCOMPARE(profile.value(QStringLiteral("probeAlertTtftP95Ms")).toInt(), 800);
    QVERIFY(!profile.contains(QStringLiteral("probeAlertE2eP95Ms")));
    const ProbeSettings read = ProbeSettings::read(profile);
    QCOMPARE(read, probe);
    const AlertThresholds effective = global.overriddenBy(read.alerts);
    QCOMPARE(effective.ttftP95Ms, 800);
    QCOMPARE(effective.errorRatePercent, 0);
    QCOMPARE(effective.errorRateForMinutes, 15); // the application's
    QCOMPARE(effective.cooldownS, 60);
    // Back to the application's: the keys go.
    probe.alerts = {};
    probe.write(profile);
    QVERIFY(!profile.contains(QStringLiteral("probeAlertTtftP95Ms")));
}

QTEST_GUILESS_MAIN(TestAlertRules)
#include "tst_alertrules.moc"

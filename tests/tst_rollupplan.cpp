// RollupPlan: a window is read as whole buckets, widest first where they fit and are kept, and
// raw rows at its partial-minute edges; the segments tile the window exactly.
#include "metrics/RollupPlan.h"

#include <QDateTime>
#include <QTest>

using namespace adminchat;
using Segment = RollupPlan::Segment;
using Kind = Segment::Kind;
using Resolution = RollupKey::Resolution;

namespace {

constexpr qint64 second = 1000;
constexpr qint64 minute = 60 * second;
constexpr qint64 hour = 60 * minute;
constexpr qint64 day = 24 * hour;
constexpr qint64 week = 7 * day;
const qint64 midnight = QDateTime(QDate(2026, 12, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();

Segment raw(qint64 from, qint64 to)
{
    return {Kind::Raw, Resolution::Minute, from, to};
}

Segment cells(Resolution resolution, qint64 from, qint64 to)
{
    return {Kind::Cells, resolution, from, to};
}

// Contiguous, covering [from, to) exactly, buckets aligned and no wider than allowed.
void checkTiling(const std::vector<Segment>& segments, qint64 from, qint64 to, qint64 maxWidth)
{
    QVERIFY(!segments.empty());
    QCOMPARE(segments.front().fromMs, from);
    QCOMPARE(segments.back().toMs, to);
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const Segment& s = segments[i];
        QVERIFY(s.fromMs < s.toMs);
        if (i > 0)
            QCOMPARE(s.fromMs, segments[i - 1].toMs);
        if (s.kind == Kind::Cells) {
            const qint64 width = qint64(s.resolution);
            QVERIFY(width <= maxWidth);
            QCOMPARE(RollupKey::bucketStart(s.fromMs, s.resolution), s.fromMs);
            QCOMPARE((s.toMs - s.fromMs) % width, qint64(0));
        }
    }
}

} // namespace

class TestRollupPlan : public QObject
{
    Q_OBJECT
private slots:
    void fiveMinutes();
    void thirtyDays();
    void narrowSlicesUseFinerBuckets();
    void prunedBucketsFallBackToFinerOnes();
    void withinOneMinuteIsRaw();
    void aYearReadsWeeks();
};

void TestRollupPlan::fiveMinutes()
{
    const qint64 to = midnight + 10 * hour + 7 * minute + 30 * second;
    const qint64 from = to - 5 * minute;
    const auto segments = RollupPlan::segments(from, to, day, {});
    checkTiling(segments, from, to, day);
    QCOMPARE(segments,
             (std::vector<Segment>{raw(from, midnight + 10 * hour + 3 * minute),
                                   cells(Resolution::Minute, midnight + 10 * hour + 3 * minute,
                                         midnight + 10 * hour + 7 * minute),
                                   raw(midnight + 10 * hour + 7 * minute, to)}));
}

void TestRollupPlan::thirtyDays()
{
    const qint64 to = midnight + 10 * hour + 7 * minute + 30 * second;
    const qint64 from = to - 30 * day;
    const auto segments = RollupPlan::segments(from, to, day, {});
    checkTiling(segments, from, to, day);
    std::vector<Kind> kinds;
    std::vector<Resolution> resolutions;
    for (const Segment& s : segments) {
        kinds.push_back(s.kind);
        resolutions.push_back(s.resolution);
    }
    // Raw head, minutes to the hour, hours to midnight, days, hours, minutes, raw tail.
    QCOMPARE(segments.size(), std::size_t(7));
    QCOMPARE(kinds.front(), Kind::Raw);
    QCOMPARE(kinds.back(), Kind::Raw);
    QCOMPARE((std::vector<Resolution>(resolutions.begin() + 1, resolutions.end() - 1)),
             (std::vector<Resolution>{Resolution::Minute, Resolution::Hour, Resolution::Day,
                                      Resolution::Hour, Resolution::Minute}));
    QCOMPARE(segments[3].toMs - segments[3].fromMs, 29 * day);
}

void TestRollupPlan::narrowSlicesUseFinerBuckets()
{
    const qint64 to = midnight + 10 * hour;
    const qint64 from = to - 7 * day;
    const auto segments = RollupPlan::segments(from, to, hour, {});
    checkTiling(segments, from, to, hour);
    QCOMPARE(segments, (std::vector<Segment>{cells(Resolution::Hour, from, to)}));
    // Slices under a minute: raw rows only.
    const auto shortSlices = RollupPlan::segments(to - 5 * minute, to, 5 * second, {});
    QCOMPARE(shortSlices, (std::vector<Segment>{raw(to - 5 * minute, to)}));
}

void TestRollupPlan::prunedBucketsFallBackToFinerOnes()
{
    const qint64 to = midnight + 10 * hour + 30 * second;
    const qint64 from = to - 3 * day - 90 * minute; // starts at 08:30:30, three days back
    RollupPlan::Kept kept;
    kept.minuteSinceMs = midnight - day;   // minutes of the first day are gone
    kept.hourSinceMs = midnight - 2 * day; // and its hours too
    const auto segments = RollupPlan::segments(from, to, day, kept);
    checkTiling(segments, from, to, day);
    // The head's hours and minutes are gone: raw rows up to the first midnight.
    QCOMPARE(segments.front(), raw(from, midnight - 2 * day));
    QCOMPARE(segments[1], cells(Resolution::Day, midnight - 2 * day, midnight));
    QCOMPARE(segments[2], cells(Resolution::Hour, midnight, midnight + 10 * hour));
    QCOMPARE(segments.back(), raw(midnight + 10 * hour, to));
}

void TestRollupPlan::withinOneMinuteIsRaw()
{
    const qint64 from = midnight + 10 * second;
    const auto segments = RollupPlan::segments(from, from + 20 * second, day, {});
    QCOMPARE(segments, (std::vector<Segment>{raw(from, from + 20 * second)}));
    QVERIFY(RollupPlan::segments(from, from, day, {}).empty());
}

void TestRollupPlan::aYearReadsWeeks()
{
    // A year up to mid-afternoon: days up to the first Thursday, weeks, days of this week,
    // hours of today, then minutes.
    const qint64 to = midnight + 15 * hour + 30 * minute;
    const qint64 from = midnight - 365 * day;
    const std::vector<Segment> plan = RollupPlan::segments(from, to, week, RollupPlan::Kept{});
    checkTiling(plan, from, to, week);
    const qint64 firstWeek = RollupKey::bucketStart(from + week - 1, Resolution::Week);
    const qint64 thisWeek = RollupKey::bucketStart(midnight, Resolution::Week);
    QCOMPARE(plan[0], cells(Resolution::Day, from, firstWeek));
    QCOMPARE(plan[1], cells(Resolution::Week, firstWeek, thisWeek));
    QCOMPARE(plan[2], cells(Resolution::Day, thisWeek, midnight));
    QCOMPARE(plan[3], cells(Resolution::Hour, midnight, midnight + 15 * hour));
    QCOMPARE(plan[4], cells(Resolution::Minute, midnight + 15 * hour, to));
    QCOMPARE(plan.size(), std::size_t(5));

    // Until the weeks are built, days instead; and never wider than a slice.
    RollupPlan::Kept noWeeks;
    noWeeks.weeks = false;
    for (const auto& [kept, maxWidth] : {std::pair{noWeeks, week}, {RollupPlan::Kept{}, 2 * day}}) {
        const std::vector<Segment> days = RollupPlan::segments(from, to, maxWidth, kept);
        checkTiling(days, from, to, maxWidth);
        QCOMPARE(days[0], cells(Resolution::Day, from, midnight));
    }
}

QTEST_GUILESS_MAIN(TestRollupPlan)
#include "tst_rollupplan.moc"

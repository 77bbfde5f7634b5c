#pragma once

#include "DashboardChartView.h"
#include "metrics/AggregateReport.h"

#include <QColor>
#include <QList>
#include <functional>

class QBarSeries;
class QBarSet;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace adminchat {

// A chart over the report's timeline: one line per figure (e.g. TTFT P50/P95/P99) on a time axis,
// plus optional bars of a per-bucket count on a right-hand axis (errors). Series and axes are
// built once; setTimeline() only replaces points, one point per bucket at most.
class DashboardTimelineChart : public DashboardChartView
{
    Q_OBJECT
public:
    using BucketValue = std::function<double(const TimeBucket&)>; // NaN: no data in the bucket
    using ValueText = std::function<QString(double)>;

    struct Line
    {
        QString name;
        QColor color;
        BucketValue value;
    };
    struct Bars
    {
        QString name; // empty: no bars
        QColor color;
        BucketValue value;
    };

    // Where the (equal) buckets sit in time, in ms since the epoch: computed once per snapshot
    // and shared by the charts, since converting local QDateTimes is not free.
    struct Slots
    {
        QList<qint64> startsMs;
        qint64 widthMs = 60 * 1000;
    };
    // end: where the last bucket stops (the report's "to"); used when there is a single bucket.
    static Slots slotsFor(const QList<TimeBucket>& timeline, const QDateTime& end);

    DashboardTimelineChart(const QString& objectName, const QString& title,
                           const QString& valueAxisTitle, const QList<Line>& lines,
                           ValueText valueText, const Bars& bars = {}, QWidget* parent = nullptr);

    // timeSlots: slotsFor(timeline, ...). At most maxBuckets (the most recent) are drawn.
    void setTimeline(const QList<TimeBucket>& timeline, const Slots& timeSlots);

    static constexpr int maxBuckets = 240;

private:
    void updateTimeAxis(qint64 firstMs, qint64 lastMs);
    void showLineTip(const QLineSeries* series, const QPointF& point, bool state);
    void showBarTip(bool state, int index);
    QString bucketText(qint64 startMs) const; // "14:32:00–14:33:00"

    QList<Line> m_lines;
    Bars m_bars;
    ValueText m_valueText;
    QList<QLineSeries*> m_lineSeries;
    QDateTimeAxis* m_timeAxis;
    QValueAxis* m_valueAxis;
    QBarSeries* m_barSeries = nullptr;
    QBarSet* m_barSet = nullptr;
    QValueAxis* m_barIndexAxis = nullptr; // hidden: bars sit at bucket indexes under the time axis
    QValueAxis* m_barValueAxis = nullptr;
    QList<qint64> m_bucketStarts; // for the bar tooltips
    qint64 m_bucketWidthMs = 60 * 1000;
    QString m_tipFormat = QStringLiteral("HH:mm:ss");
};

} // namespace adminchat

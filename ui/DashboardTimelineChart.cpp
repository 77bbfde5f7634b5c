#include "DashboardTimelineChart.h"

#include <QBarSeries>
#include <QBarSet>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>

namespace adminchat {

namespace {

QString timeFormatFor(qint64 spanMs)
{
    if (spanMs <= 15 * 60 * 1000)
        return QStringLiteral("HH:mm:ss");
    if (spanMs <= 36 * 3600 * 1000LL)
        return QStringLiteral("HH:mm");
    return QStringLiteral("d MMM");
}

} // namespace

DashboardTimelineChart::DashboardTimelineChart(const QString& objectName, const QString& title,
                                               const QString& valueAxisTitle,
                                               const QList<Line>& lines, ValueText valueText,
                                               const Bars& bars, QWidget* parent)
    : DashboardChartView(objectName, title, parent), m_lines(lines), m_bars(bars),
      m_valueText(std::move(valueText)), m_timeAxis(new QDateTimeAxis), m_valueAxis(new QValueAxis)
{
    QChart* chart = this->chart();

    m_timeAxis->setTickCount(5);
    m_timeAxis->setFormat(QStringLiteral("HH:mm"));
    m_valueAxis->setTitleText(valueAxisTitle);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);
    DashboardChartView::applyNiceRange(m_valueAxis, 1);

    for (const Line& line : m_lines) {
        auto* series = new QLineSeries;
        series->setName(line.name);
        QPen pen(line.color);
        pen.setWidthF(2);
        series->setPen(pen);
        // Markers make isolated buckets (a gap on both sides) visible as dots.
        series->setPointsVisible(true);
        series->setMarkerSize(2.5); // a radius in Qt 6.4 line charts
        chart->addSeries(series);
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_valueAxis);
        connect(series, &QLineSeries::hovered, this,
                [this, series](const QPointF& point, bool state) {
                    showLineTip(series, point, state);
                });
        m_lineSeries.append(series);
    }

    if (!m_bars.name.isEmpty()) {
        // After the lines, so series().first() is the first line; see-through, so the lines
        // stay readable under the bars.
        m_barSet = new QBarSet(m_bars.name);
        QColor fill = m_bars.color;
        fill.setAlpha(150);
        m_barSet->setColor(fill);
        m_barSet->setBorderColor(fill);
        m_barSeries = new QBarSeries;
        m_barSeries->setBarWidth(0.8);
        m_barSeries->append(m_barSet);
        chart->addSeries(m_barSeries);
        m_barIndexAxis = new QValueAxis;
        m_barIndexAxis->setVisible(false);
        m_barValueAxis = new QValueAxis;
        m_barValueAxis->setTitleText(m_bars.name.toLower());
        m_barValueAxis->setGridLineVisible(false);
        chart->addAxis(m_barIndexAxis, Qt::AlignBottom);
        chart->addAxis(m_barValueAxis, Qt::AlignRight);
        m_barSeries->attachAxis(m_barIndexAxis);
        m_barSeries->attachAxis(m_barValueAxis);
        DashboardChartView::applyNiceRange(m_barValueAxis, 1, true);
        connect(m_barSet, &QBarSet::hovered, this, &DashboardTimelineChart::showBarTip);
    }
}

DashboardTimelineChart::Slots DashboardTimelineChart::slotsFor(const QList<TimeBucket>& timeline,
                                                               const QDateTime& end)
{
    Slots result;
    const qsizetype count = timeline.size();
    if (count == 0)
        return result;
    // The timeline is made of equal slices, so two conversions place them all: a local
    // QDateTime costs a time zone lookup (a stat of /etc/localtime) per conversion.
    const qint64 first = timeline.first().start.toMSecsSinceEpoch();
    if (count > 1)
        result.widthMs = (timeline.last().start.toMSecsSinceEpoch() - first) / (count - 1);
    else if (end.isValid() && end.toMSecsSinceEpoch() > first)
        result.widthMs = end.toMSecsSinceEpoch() - first;
    result.widthMs = std::max<qint64>(result.widthMs, 1);
    result.startsMs.reserve(count);
    for (qsizetype i = 0; i < count; ++i)
        result.startsMs.append(first + i * result.widthMs);
    return result;
}

void DashboardTimelineChart::setTimeline(const QList<TimeBucket>& timeline, const Slots& timeSlots)
{
    // The timeline is already bucketed (~60-120 slices); this only guards against a caller sending
    // far more, which would make each update redraw thousands of points.
    const qsizetype skip = std::max<qsizetype>(0, timeline.size() - maxBuckets);
    const qsizetype count = timeline.size() - skip;
    const auto bucket = [&](qsizetype i) -> const TimeBucket& {
        return timeline[skip + i];
    };
    m_bucketStarts = timeSlots.startsMs.mid(skip, count);
    if (m_bucketStarts.size() != count) { // slots not made from this timeline: stay consistent
        m_bucketStarts.clear();
        for (qsizetype i = 0; i < count; ++i)
            m_bucketStarts.append(bucket(i).start.toMSecsSinceEpoch());
    }
    const qint64 width = std::max<qint64>(timeSlots.widthMs, 1);
    m_bucketWidthMs = width;

    // Points sit in the middle of their bucket; buckets without data are left out, not zeroed.
    double maxValue = 0;
    for (qsizetype l = 0; l < m_lines.size(); ++l) {
        QList<QPointF> points;
        points.reserve(count);
        for (qsizetype i = 0; i < count; ++i) {
            const double value = m_lines[l].value(bucket(i));
            if (!std::isfinite(value))
                continue;
            points.append(QPointF(double(m_bucketStarts[i] + width / 2), value));
            maxValue = std::max(maxValue, value);
        }
        m_lineSeries[l]->replace(points);
    }
    DashboardChartView::applyNiceRange(m_valueAxis, maxValue);

    if (m_barSet) {
        QList<qreal> values;
        values.reserve(count);
        double maxBar = 0;
        for (qsizetype i = 0; i < count; ++i) {
            const double value = m_bars.value(bucket(i));
            values.append(std::isfinite(value) ? value : 0);
            maxBar = std::max(maxBar, values.last());
        }
        if (m_barSet->count() == values.size()) {
            for (qsizetype i = 0; i < values.size(); ++i) { // usually only the last bucket moves
                if (m_barSet->at(i) != values[i])
                    m_barSet->replace(i, values[i]);
            }
        } else {
            m_barSet->remove(0, m_barSet->count());
            m_barSet->append(values);
        }
        m_barIndexAxis->setRange(-0.5, std::max<double>(count, 1) - 0.5);
        DashboardChartView::applyNiceRange(m_barValueAxis, maxBar, true);
    }

    if (count > 0) // with no bucket, the axis keeps its last range: nothing is drawn on it
        updateTimeAxis(m_bucketStarts.first(), m_bucketStarts.first() + count * width);
}

void DashboardTimelineChart::updateTimeAxis(qint64 firstMs, qint64 lastMs)
{
    const qint64 span = lastMs - firstMs;
    const QString format = timeFormatFor(span);
    if (m_timeAxis->format() != format)
        m_timeAxis->setFormat(format);
    // Tooltips name a bucket precisely, whatever the axis labels show.
    m_tipFormat =
        span <= 36 * 3600 * 1000LL ? QStringLiteral("HH:mm:ss") : QStringLiteral("d MMM HH:mm");
    const QDateTime min = QDateTime::fromMSecsSinceEpoch(firstMs);
    const QDateTime max = QDateTime::fromMSecsSinceEpoch(lastMs);
    if (m_timeAxis->min() != min || m_timeAxis->max() != max)
        m_timeAxis->setRange(min, max);
}

void DashboardTimelineChart::showLineTip(const QLineSeries* series, const QPointF& point,
                                         bool state)
{
    if (!state) {
        setHoverTip({});
        return;
    }
    const qint64 start = qint64(point.x()) - m_bucketWidthMs / 2; // points sit mid-bucket
    setHoverTip(QStringLiteral("%1 · %2 · %3")
                    .arg(series->name(), bucketText(start), m_valueText(point.y())));
}

void DashboardTimelineChart::showBarTip(bool state, int index)
{
    if (!state || index < 0 || index >= m_bucketStarts.size()) {
        setHoverTip({});
        return;
    }
    setHoverTip(QStringLiteral("%1 · %2 · %3")
                    .arg(m_bars.name, bucketText(m_bucketStarts[index]))
                    .arg(m_barSet->at(index)));
}

QString DashboardTimelineChart::bucketText(qint64 startMs) const
{
    return QStringLiteral("%1\u2013%2")
        .arg(QDateTime::fromMSecsSinceEpoch(startMs).toString(m_tipFormat),
             QDateTime::fromMSecsSinceEpoch(startMs + m_bucketWidthMs).toString(m_tipFormat));
}

} // namespace adminchat

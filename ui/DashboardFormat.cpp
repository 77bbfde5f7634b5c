#include "DashboardFormat.h"

#include <QCoreApplication>
#include <cmath>

namespace adminchat {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("adminchat::DashboardFormat", text);
}

} // namespace

QString DashboardFormat::noData()
{
    return QStringLiteral("\u2013");
}

QString DashboardFormat::milliseconds(double ms)
{
    if (!std::isfinite(ms))
        return noData();
    if (std::fabs(ms) < 10)
        return QStringLiteral("%1 ms").arg(QString::number(ms, 'f', 1));
    if (std::fabs(std::round(ms)) < 1000)
        return QStringLiteral("%1 ms").arg(QString::number(std::round(ms), 'f', 0));
    const double seconds = ms / 1000.0;
    const int decimals = std::fabs(seconds) < 10 ? 2 : std::fabs(seconds) < 100 ? 1 : 0;
    return QStringLiteral("%1 s").arg(QString::number(seconds, 'f', decimals));
}

QString DashboardFormat::percent(double ratio)
{
    if (!std::isfinite(ratio))
        return noData();
    const double value = ratio * 100.0;
    // 100 % and 0 % are common and read better without a decimal.
    if (value == 0.0 || value == 100.0)
        return QStringLiteral("%1 %").arg(QString::number(value, 'f', 0));
    return QStringLiteral("%1 %").arg(QString::number(value, 'f', 1));
}

QString DashboardFormat::tokensPerSecond(double value)
{
    if (!std::isfinite(value))
        return noData();
    return QStringLiteral("%1 tok/s")
        .arg(QString::number(value, 'f', std::fabs(value) < 100 ? 1 : 0));
}

QString DashboardFormat::count(quint64 value)
{
    return QString::number(value);
}

QString DashboardFormat::windowLabel(MetricsFilter::Window window)
{
    switch (window) {
    case MetricsFilter::Window::Last5Minutes:
        return tr("Last 5 minutes");
    case MetricsFilter::Window::LastHour:
        return tr("Last hour");
    case MetricsFilter::Window::Last24Hours:
        return tr("Last 24 hours");
    case MetricsFilter::Window::All:
        break;
    }
    return tr("All time");
}

QString DashboardFormat::filterDescription(const MetricsFilter& filter,
                                           const QString& endpointLabel)
{
    QStringList parts;
    if (filter.since.isValid())
        parts << tr("since %1").arg(filter.since.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    else
        parts << windowLabel(filter.window).toLower();
    parts << (filter.endpoint.isEmpty()
                  ? tr("all endpoints")
                  : tr("endpoint \u201c%1\u201d")
                        .arg(endpointLabel.isEmpty() ? filter.endpoint : endpointLabel));
    parts << (filter.model.isEmpty() ? tr("all models")
                                     : tr("model \u201c%1\u201d").arg(filter.model));
    if (!filter.variant.isEmpty())
        parts << tr("variant \u201c%1\u201d").arg(filter.variant);
    if (!filter.tag.isEmpty())
        parts << tr("tag \u201c%1\u201d").arg(filter.tag);
    return parts.join(QStringLiteral(" \u00b7 "));
}

} // namespace adminchat

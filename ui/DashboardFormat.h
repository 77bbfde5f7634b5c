#pragma once

#include "metrics/MetricsFilter.h"

#include <QColor>
#include <QString>

namespace adminchat {

// Text and colours shared by the dashboard pieces, so every figure reads the same everywhere:
// "312 ms", "1.24 s", "0.8 %", "42.1 tok/s", and "–" for NaN (no data).
class DashboardFormat
{
public:
    static QString noData(); // "–"
    static QString milliseconds(double ms);
    static QString percent(double ratio); // 0.008 -> "0.8 %"
    static QString tokensPerSecond(double value);
    static QString count(quint64 value);

    static QString windowLabel(MetricsFilter::Window window); // "Last 5 minutes", ...
    // One line naming the active filter: "last hour · endpoint “local” · all models".
    // endpointLabel: how filter.endpoint (a key) is shown; empty: the key itself.
    static QString filterDescription(const MetricsFilter& filter,
                                     const QString& endpointLabel = {});

    // Severity and category colours (green/teal/amber/red/grey; alert red, warning amber,
    // info blue).
    static QColor excellentColor() { return QColor(0x2e, 0x7d, 0x32); }
    static QColor goodColor() { return QColor(0x00, 0x89, 0x7b); }
    static QColor acceptableColor() { return QColor(0xf9, 0xa8, 0x25); }
    static QColor slowColor() { return QColor(0xc6, 0x28, 0x28); }
    static QColor errorColor() { return QColor(0x61, 0x61, 0x61); }
    static QColor cancelledColor() { return QColor(0xbd, 0xbd, 0xbd); }
    static QColor alertColor() { return QColor(0xc6, 0x28, 0x28); }
    static QColor warningColor() { return QColor(0xef, 0x8f, 0x00); }
    static QColor infoColor() { return QColor(0x15, 0x65, 0xc0); }
};

} // namespace adminchat

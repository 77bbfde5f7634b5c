// Hand-built metrics records for the aggregator tests: explicit start times before a fixed
// "now", two endpoints.
#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/MetricsRecord.h"

#include <QDateTime>
#include <QString>

namespace aggregatortest {

using adminchat::AggregateReport;
using adminchat::ApiError;
using adminchat::GroupStats;
using adminchat::MetricsRecord;
using adminchat::RequestStatus;

inline const QDateTime now(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
inline const QString endpointA = QStringLiteral("http://a.example/v1");
inline const QString endpointB = QStringLiteral("http://b.example/v1");

constexpr qint64 second = 1000;
constexpr qint64 minute = 60 * second;
constexpr qint64 hour = 60 * minute;

// A completed, streamed request msAgo before now.
inline MetricsRecord record(qint64 msAgo, double ttftMs = 300, const QString& endpoint = endpointA,
                            const QString& model = QStringLiteral("m1"))
{
    MetricsRecord r;
    r.startedUtc = now.addMSecs(-msAgo);
    r.endpoint = endpoint;
    r.model = model;
    r.status = RequestStatus::Ok;
    r.httpStatus = 200;
    r.ttftMs = ttftMs;
    r.ttfatMs = ttftMs + 10;
    r.e2eMs = ttftMs + 1000;
    r.tokensPerSecond = 40;
    r.outputTokens = 40;
    return r;
}

inline MetricsRecord failed(qint64 msAgo, ApiError::Kind kind = ApiError::Kind::Http,
                            int http = 500)
{
    MetricsRecord r = record(msAgo, 20);
    r.status = RequestStatus::Error;
    r.errorKind = kind;
    r.httpStatus = http;
    return r;
}

inline const GroupStats* findModel(const AggregateReport& report, const QString& endpoint,
                                   const QString& model, const QString& variant = {})
{
    for (const GroupStats& g : report.byModel) {
        if (g.endpoint == endpoint && g.model == model && g.variant == variant)
            return &g;
    }
    return nullptr;
}

} // namespace aggregatortest

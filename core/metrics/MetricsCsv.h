#pragma once

#include "metrics/AggregateReport.h"
#include "metrics/MetricsRecord.h"

#include <QIODevice>
#include <QStringList>
#include <functional>
#include <vector>

namespace adminchat {

// The two CSV exports: one row per request, or one row per (endpoint, model, variant) group.
// Column names carry their unit (ttft_ms, tokens_per_s); times are ISO-8601 UTC; empty cells are
// values that do not exist (no token arrived, no usage sent). No secret is ever a column.
class MetricsCsv
{
public:
    static QStringList requestHeader();
    static QStringList requestRow(const MetricsRecord& record);
    static QStringList summaryHeader();
    static QStringList summaryRow(const GroupStats& group);

    // Header plus rows. Return the number of data rows written, or -1 when writing failed.
    static qint64 writeRequests(QIODevice* device, const std::vector<MetricsRecord>& records);
    static qint64 writeSummary(QIODevice* device, const AggregateReport& report);
    // Records as a source hands them over, one at a time (so an export of millions of rows holds
    // one); the source returns false when it could not read them all.
    using Visitor = std::function<bool(const MetricsRecord&)>;
    using Source = std::function<bool(const Visitor&)>;
    static qint64 writeRequests(QIODevice* device, const Source& source);

    // Writes to path atomically (QSaveFile), or to stdout for "-". Rows written, -1 on failure
    // with *error set to one line naming the file.
    static qint64 exportToPath(const QString& path, const std::vector<MetricsRecord>& records,
                               const AggregateReport* summary, QString* error);
    static qint64 exportToPath(const QString& path, const std::function<qint64(QIODevice*)>& write,
                               QString* error);
};

} // namespace adminchat

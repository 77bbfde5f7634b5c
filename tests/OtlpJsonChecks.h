// The protobuf-JSON rules an OTLP/HTTP JSON body must keep, checked on what was sent: field
// names in lowerCamelCase, 64-bit integers as decimal strings, enums as integers, trace and span
// ids as hex of 32 and 16 characters, histogram bucketCounts one longer than explicitBounds and
// summing to count. Each function returns the problems found, empty when none.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

namespace otlpcheck {

inline bool isUint64Text(const QJsonValue& value)
{
    static const QRegularExpression digits(QStringLiteral("^(0|[1-9][0-9]{0,19})$"));
    return value.isString() && digits.match(value.toString()).hasMatch();
}

inline bool isInt64Text(const QJsonValue& value)
{
    return value.isString() && (isUint64Text(value) || (value.toString().startsWith('-') &&
                                                        isUint64Text(value.toString().mid(1))));
}

// Field names: lowerCamelCase everywhere (attribute keys are values, not field names).
inline void checkFieldNames(const QJsonValue& value, const QString& where, QStringList& problems)
{
    static const QRegularExpression camel(QStringLiteral("^[a-z][A-Za-z0-9]*$"));
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            checkFieldNames(array[i], where + QStringLiteral("[%1]").arg(i), problems);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!camel.match(it.key()).hasMatch())
                problems << where + QStringLiteral(": field name ") + it.key();
            checkFieldNames(it.value(), where + '.' + it.key(), problems);
        }
    }
}

inline void checkAnyValues(const QJsonArray& attributes, const QString& where, QStringList& problems)
{
    for (const QJsonValue& entry : attributes) {
        const QJsonObject attribute = entry.toObject();
        const QJsonObject value = attribute.value(QStringLiteral("value")).toObject();
        if (attribute.value(QStringLiteral("key")).toString().isEmpty() || value.size() != 1)
            problems << where + QStringLiteral(": attribute without key or with not one value");
        if (value.contains(QStringLiteral("intValue")) &&
            !isInt64Text(value.value(QStringLiteral("intValue"))))
            problems << where + QStringLiteral(": intValue not a string of digits: ") +
                            attribute.value(QStringLiteral("key")).toString();
    }
}

// name -> value (stringValue, intValue as text, doubleValue as text, arrays joined by ',').
inline QMap<QString, QString> attributeMap(const QJsonArray& attributes)
{
    QMap<QString, QString> map;
    for (const QJsonValue& entry : attributes) {
        const QJsonObject attribute = entry.toObject();
        const QJsonObject value = attribute.value(QStringLiteral("value")).toObject();
        QString text;
        if (value.contains(QStringLiteral("doubleValue")))
            text = QString::number(value.value(QStringLiteral("doubleValue")).toDouble());
        else if (value.contains(QStringLiteral("arrayValue"))) {
            QStringList parts;
            const QJsonArray values = value.value(QStringLiteral("arrayValue"))
                                          .toObject()
                                          .value(QStringLiteral("values"))
                                          .toArray();
            for (const QJsonValue& part : values)
                parts << part.toObject().value(QStringLiteral("stringValue")).toString();
            text = parts.join(',');
        } else {
            text = value.begin()->toString();
        }
        map.insert(attribute.value(QStringLiteral("key")).toString(), text);
    }
    return map;
}

inline QJsonArray metricsOf(const QJsonObject& body)
{
    QJsonArray all;
    for (const QJsonValue& rm : body.value(QStringLiteral("resourceMetrics")).toArray()) {
        for (const QJsonValue& sm : rm.toObject().value(QStringLiteral("scopeMetrics")).toArray()) {
            for (const QJsonValue& metric : sm.toObject().value(QStringLiteral("metrics")).toArray())
                all.append(metric);
        }
    }
    return all;
}

inline QJsonArray spansOf(const QJsonObject& body)
{
    QJsonArray all;
    for (const QJsonValue& rs : body.value(QStringLiteral("resourceSpans")).toArray()) {
        for (const QJsonValue& ss : rs.toObject().value(QStringLiteral("scopeSpans")).toArray()) {
            for (const QJsonValue& span : ss.toObject().value(QStringLiteral("spans")).toArray())
                all.append(span);
        }
    }
    return all;
}

inline QStringList checkMetricsBody(const QJsonObject& body)
{
    QStringList problems;
    checkFieldNames(body, QStringLiteral("body"), problems);
    if (metricsOf(body).isEmpty())
        problems << QStringLiteral("no metrics");
    for (const QJsonValue& value : metricsOf(body)) {
        const QJsonObject metric = value.toObject();
        const QString name = metric.value(QStringLiteral("name")).toString();
        const bool histogram = metric.contains(QStringLiteral("histogram"));
        const QJsonObject data = metric.value(histogram ? QStringLiteral("histogram")
                                                        : QStringLiteral("sum"))
                                     .toObject();
        if (data.isEmpty())
            problems << name + QStringLiteral(": neither histogram nor sum");
        if (!data.value(QStringLiteral("aggregationTemporality")).isDouble() ||
            data.value(QStringLiteral("aggregationTemporality")).toInt() != 2)
            problems << name + QStringLiteral(": aggregationTemporality not the integer 2");
        for (const QJsonValue& pointValue : data.value(QStringLiteral("dataPoints")).toArray()) {
            const QJsonObject point = pointValue.toObject();
            checkAnyValues(point.value(QStringLiteral("attributes")).toArray(), name, problems);
            for (const char* field : {"startTimeUnixNano", "timeUnixNano"}) {
                if (!isUint64Text(point.value(QLatin1String(field))))
                    problems << name + QStringLiteral(": %1 not a string of digits").arg(field);
            }
            if (!histogram) {
                if (!isInt64Text(point.value(QStringLiteral("asInt"))))
                    problems << name + QStringLiteral(": asInt not a string of digits");
                continue;
            }
            const QJsonArray counts = point.value(QStringLiteral("bucketCounts")).toArray();
            const QJsonArray bounds = point.value(QStringLiteral("explicitBounds")).toArray();
            if (counts.size() != bounds.size() + 1)
                problems << name + QStringLiteral(": %1 bucketCounts for %2 explicitBounds")
                                       .arg(counts.size())
                                       .arg(bounds.size());
            quint64 total = 0;
            for (const QJsonValue& count : counts) {
                if (!isUint64Text(count))
                    problems << name + QStringLiteral(": a bucket count not a string of digits");
                total += count.toString().toULongLong();
            }
            for (qsizetype i = 0; i < bounds.size(); ++i) {
                if (!bounds[i].isDouble() || (i > 0 && bounds[i].toDouble() <= bounds[i - 1].toDouble()))
                    problems << name + QStringLiteral(": explicitBounds not increasing numbers");
            }
            if (!isUint64Text(point.value(QStringLiteral("count"))))
                problems << name + QStringLiteral(": count not a string of digits");
            else if (point.value(QStringLiteral("count")).toString().toULongLong() != total)
                problems << name + QStringLiteral(": the buckets sum to %1, count is %2")
                                       .arg(total)
                                       .arg(point.value(QStringLiteral("count")).toString());
        }
    }
    return problems;
}

inline QStringList checkTraceBody(const QJsonObject& body)
{
    QStringList problems;
    checkFieldNames(body, QStringLiteral("body"), problems);
    static const QRegularExpression traceId(QStringLiteral("^[0-9a-f]{32}$"));
    static const QRegularExpression spanId(QStringLiteral("^[0-9a-f]{16}$"));
    for (const QJsonValue& value : spansOf(body)) {
        const QJsonObject span = value.toObject();
        const QString name = span.value(QStringLiteral("name")).toString();
        const QString trace = span.value(QStringLiteral("traceId")).toString();
        const QString id = span.value(QStringLiteral("spanId")).toString();
        if (!traceId.match(trace).hasMatch() || trace.count('0') == 32)
            problems << name + QStringLiteral(": traceId not 32 hex digits: ") + trace;
        if (!spanId.match(id).hasMatch() || id.count('0') == 16)
            problems << name + QStringLiteral(": spanId not 16 hex digits: ") + id;
        if (!span.value(QStringLiteral("kind")).isDouble() || span.value(QStringLiteral("kind")).toInt() != 3)
            problems << name + QStringLiteral(": kind not the integer 3 (CLIENT)");
        for (const char* field : {"startTimeUnixNano", "endTimeUnixNano"}) {
            if (!isUint64Text(span.value(QLatin1String(field))))
                problems << name + QStringLiteral(": %1 not a string of digits").arg(field);
        }
        if (span.value(QStringLiteral("endTimeUnixNano")).toString().toULongLong() <
            span.value(QStringLiteral("startTimeUnixNano")).toString().toULongLong())
            problems << name + QStringLiteral(": ends before it starts");
        if (span.contains(QStringLiteral("status")) &&
            !span.value(QStringLiteral("status")).toObject().value(QStringLiteral("code")).isDouble())
            problems << name + QStringLiteral(": status code not an integer");
        checkAnyValues(span.value(QStringLiteral("attributes")).toArray(), name, problems);
    }
    return problems;
}

} // namespace otlpcheck

// A strict reader of the Prometheus text format 0.0.4 and OpenMetrics 1.0 samples, for the
// telemetry tests: every line must be a comment of a known kind or a sample whose label values
// use only the escapes the formats define; values are unescaped so a test can compare them with
// what went in.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QtNumeric>
#include <cctype>
#include <optional>

struct ExpositionSample
{
    QByteArray name;
    QMap<QByteArray, QString> labels;
    double value = 0;
};

struct Exposition
{
    QList<ExpositionSample> samples;
    QMap<QByteArray, QByteArray> types; // family -> type
    QString error;                      // first malformed line; empty when all were read
};

inline std::optional<ExpositionSample> readSampleLine(const QByteArray& line, QString* error)
{
    ExpositionSample sample;
    qsizetype i = 0;
    while (i < line.size() && (std::isalnum(uchar(line[i])) || line[i] == '_' || line[i] == ':'))
        ++i;
    sample.name = line.left(i);
    if (sample.name.isEmpty()) {
        *error = QStringLiteral("no metric name");
        return std::nullopt;
    }
    if (i < line.size() && line[i] == '{') {
        ++i;
        while (i < line.size() && line[i] != '}') {
            const qsizetype eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.size() || line[eq + 1] != '"') {
                *error = QStringLiteral("label without =\"");
                return std::nullopt;
            }
            const QByteArray name = line.mid(i, eq - i);
            QByteArray value;
            qsizetype j = eq + 2;
            for (; j < line.size() && line[j] != '"'; ++j) {
                if (line[j] == '\\') {
                    ++j;
                    if (j >= line.size()) {
                        *error = QStringLiteral("escape at end of line");
                        return std::nullopt;
                    }
                    if (line[j] == 'n')
                        value += '\n';
                    else if (line[j] == '\\' || line[j] == '"')
                        value += line[j];
                    else {
                        *error = QStringLiteral("unknown escape \\%1").arg(QChar(line[j]));
                        return std::nullopt;
                    }
                } else {
                    value += line[j];
                }
            }
            if (j >= line.size()) {
                *error = QStringLiteral("unterminated label value");
                return std::nullopt;
            }
            if (sample.labels.contains(name)) {
                *error = QStringLiteral("label %1 twice").arg(QString::fromUtf8(name));
                return std::nullopt;
            }
            sample.labels.insert(name, QString::fromUtf8(value));
            i = j + 1;
            if (i < line.size() && line[i] == ',')
                ++i;
        }
        if (i >= line.size()) {
            *error = QStringLiteral("unterminated label set");
            return std::nullopt;
        }
        ++i; // '}'
    }
    if (i >= line.size() || line[i] != ' ') {
        *error = QStringLiteral("no space before the value");
        return std::nullopt;
    }
    const QByteArray value = line.mid(i + 1);
    bool ok = false;
    sample.value = value == "+Inf" ? qInf() : value.toDouble(&ok);
    if (value != "+Inf" && !ok) {
        *error = QStringLiteral("value \"%1\" is not a number").arg(QString::fromUtf8(value));
        return std::nullopt;
    }
    return sample;
}

inline Exposition readExposition(const QByteArray& text)
{
    Exposition result;
    if (!text.endsWith('\n')) {
        result.error = QStringLiteral("does not end with a line feed");
        return result;
    }
    const QList<QByteArray> lines = text.left(text.size() - 1).split('\n');
    for (const QByteArray& line : lines) {
        if (line.startsWith("# TYPE ")) {
            const QList<QByteArray> parts = line.mid(7).split(' ');
            if (parts.size() != 2) {
                result.error = QStringLiteral("bad TYPE line: ") + QString::fromUtf8(line);
                return result;
            }
            result.types.insert(parts[0], parts[1]);
            continue;
        }
        if (line.startsWith("# HELP ") || line.startsWith("# UNIT ") || line == "# EOF")
            continue;
        QString error;
        const auto sample = readSampleLine(line, &error);
        if (!sample) {
            result.error = error + QStringLiteral(": ") + QString::fromUtf8(line);
            return result;
        }
        result.samples.append(*sample);
    }
    return result;
}

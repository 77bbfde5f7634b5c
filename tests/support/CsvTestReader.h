#pragma once

// A strict RFC 4180 reader for tests: quoted fields, doubled quotes, CRLF row ends. Returns
// std::nullopt on anything malformed, so a test using it fails on a broken export.
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace csvtest {

inline std::optional<QList<QStringList>> parse(const QString& text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                    // After a closing quote only a separator or the row end may follow.
                    if (i + 1 < text.size() && text[i + 1] != QLatin1Char(',') &&
                        text[i + 1] != QLatin1Char('\r'))
                        return std::nullopt;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"')) {
            if (fieldStarted)
                return std::nullopt; // a quote inside an unquoted field
            quoted = true;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
            fieldStarted = false;
        } else if (c == QLatin1Char('\r')) {
            if (i + 1 >= text.size() || text[i + 1] != QLatin1Char('\n'))
                return std::nullopt; // rows end with CRLF
            ++i;
            row << field;
            rows << row;
            row.clear();
            field.clear();
            fieldStarted = false;
        } else if (c == QLatin1Char('\n')) {
            return std::nullopt; // a bare LF outside quotes
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted || fieldStarted || !row.isEmpty())
        return std::nullopt; // the last row must end with CRLF too
    return rows;
}

} // namespace csvtest

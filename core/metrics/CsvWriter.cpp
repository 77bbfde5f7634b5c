#include "metrics/CsvWriter.h"

#include <QRegularExpression>

namespace adminchat {

QString CsvWriter::guarded(const QString& field)
{
    static const QString triggers = QStringLiteral("=+-@\t\r");
    if (field.isEmpty() || !triggers.contains(field.front()))
        return field;
    static const QRegularExpression number(
        QStringLiteral("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$"));
    if (number.match(field).hasMatch())
        return field;
    return QLatin1Char('\'') + field;
}

QString CsvWriter::escape(const QString& unguarded)
{
    const QString field = guarded(unguarded);
    const bool needsQuotes =
        field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"')) ||
        field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r')) ||
        (!field.isEmpty() && (field.front().isSpace() || field.back().isSpace()));
    if (!needsQuotes)
        return field;
    QString quoted = field;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

bool CsvWriter::writeRow(const QStringList& fields)
{
    QString line;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += QLatin1Char(',');
        line += escape(fields[i]);
    }
    line += QStringLiteral("\r\n");
    const QByteArray bytes = line.toUtf8();
    if (m_device->write(bytes) != bytes.size())
        return false;
    ++m_rows;
    return true;
}

} // namespace adminchat

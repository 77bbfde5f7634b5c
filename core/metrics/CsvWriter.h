#pragma once

#include <QIODevice>
#include <QString>
#include <QStringList>

namespace adminchat {

// RFC 4180 rows: fields separated by commas, rows ended by CRLF, a field quoted (with inner
// quotes doubled) when it holds a comma, a quote, CR, LF, or leading/trailing spaces. UTF-8.
class CsvWriter
{
public:
    explicit CsvWriter(QIODevice* device) : m_device(device) {}

    bool writeRow(const QStringList& fields);
    qint64 rowsWritten() const { return m_rows; }

    static QString escape(const QString& field);

private:
    QIODevice* m_device;
    qint64 m_rows = 0;
};

} // namespace adminchat

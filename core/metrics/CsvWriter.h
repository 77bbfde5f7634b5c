#pragma once

#include <QIODevice>
#include <QString>
#include <QStringList>

namespace adminchat {

// RFC 4180 rows: fields separated by commas, rows ended by CRLF, a field quoted (with inner
// quotes doubled) when it holds a comma, a quote, CR, LF, or leading/trailing spaces. UTF-8.
//
// Spreadsheets run a cell that starts with =, +, -, @, tab or CR as a formula, and a model name
// or an error message comes from a server: such a text cell gets a leading apostrophe (OWASP's
// rule for CSV injection). A cell that is a plain decimal number ("-7", "+1.5e3") stays a number.
class CsvWriter
{
public:
    explicit CsvWriter(QIODevice* device) : m_device(device) {}

    bool writeRow(const QStringList& fields);
    qint64 rowsWritten() const { return m_rows; }

    static QString escape(const QString& field);
    // field with the apostrophe when a spreadsheet would take it for a formula.
    static QString guarded(const QString& field);

private:
    QIODevice* m_device;
    qint64 m_rows = 0;
};

} // namespace adminchat

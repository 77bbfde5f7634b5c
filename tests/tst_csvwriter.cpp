// RFC 4180 output, checked against a strict reader: every awkward field survives a round trip.
#include "CsvTestReader.h"
#include "metrics/CsvWriter.h"
#include "metrics/MetricsCsv.h"

#include <QBuffer>
#include <QTest>

using namespace adminchat;

class TestCsvWriter : public QObject
{
    Q_OBJECT
private slots:
    void escaping_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("escaped");
        QTest::newRow("plain") << "abc"
                               << "abc";
        QTest::newRow("empty") << ""
                               << "";
        QTest::newRow("comma") << "a,b"
                               << "\"a,b\"";
        QTest::newRow("quote") << "say \"hi\""
                               << "\"say \"\"hi\"\"\"";
        QTest::newRow("newline") << "a\nb"
                                 << "\"a\nb\"";
        QTest::newRow("cr") << "a\rb"
                            << "\"a\rb\"";
        QTest::newRow("leading space") << " a"
                                       << "\" a\"";
        QTest::newRow("unicode") << "模型 🎉"
                                 << "模型 🎉";
        // Formula injection (OWASP): a text cell that a spreadsheet would run gets an apostrophe.
        QTest::newRow("equals") << "=HYPERLINK(\"http://evil\",\"x\")"
                                << "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"";
        QTest::newRow("plus") << "+cmd|' /C calc'!A0"
                              << "'+cmd|' /C calc'!A0";
        QTest::newRow("minus text") << "-2+3"
                                    << "'-2+3";
        QTest::newRow("at") << "@SUM(A1)"
                            << "'@SUM(A1)";
        QTest::newRow("tab") << "\t=1"
                             << "'\t=1";
        QTest::newRow("leading cr") << "\r=1"
                                    << "\"'\r=1\"";
        QTest::newRow("equals later") << "a=1"
                                      << "a=1";
        // Numbers stay numbers.
        QTest::newRow("negative") << "-7"
                                  << "-7";
        QTest::newRow("negative decimal") << "-0.125"
                                          << "-0.125";
        QTest::newRow("signed exponent") << "+1.5e3"
                                         << "+1.5e3";
        QTest::newRow("minus alone") << "-"
                                     << "'-";
        QTest::newRow("arabic-indic digits") << "-\u0661"
                                             << "'-\u0661";
    }
    void escaping()
    {
        QFETCH(QString, field);
        QFETCH(QString, escaped);
        QCOMPARE(CsvWriter::escape(field), escaped);
    }

    void roundTrip()
    {
        const QList<QStringList> rows = {
            {"id", "text", "n"},        {"1", "a,b", "3.5"},
            {"2", "line\r\nbreak", ""}, {"3", "\"quoted\", and more", "-1"},
            {"4", " padded ", "模型"},
        };
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        CsvWriter writer(&buffer);
        for (const QStringList& row : rows)
            QVERIFY(writer.writeRow(row));
        QCOMPARE(writer.rowsWritten(), 5);
        QVERIFY(buffer.data().endsWith("\r\n"));
        const auto parsed = csvtest::parse(QString::fromUtf8(buffer.data()));
        QVERIFY(parsed.has_value());
        QCOMPARE(*parsed, rows);
    }

    void requestRowsMatchHeader()
    {
        MetricsRecord record;
        record.id = 7;
        record.startedUtc = QDateTime(QDate(2026, 11, 24), QTime(10, 0, 0, 123), Qt::UTC);
        record.endpoint = QStringLiteral("http://h/v1");
        record.model = QStringLiteral("m,1");
        record.status = RequestStatus::Ok;
        record.ttftMs = 312.5;
        record.outputTokens = 12;
        record.outputTokensEstimated = false;
        const QStringList header = MetricsCsv::requestHeader();
        const QStringList row = MetricsCsv::requestRow(record);
        QCOMPARE(row.size(), header.size());
        QCOMPARE(row[header.indexOf("started_utc")], QStringLiteral("2026-11-24T10:00:00.123Z"));
        QCOMPARE(row[header.indexOf("ttft_ms")], QStringLiteral("312.500"));
        QCOMPARE(row[header.indexOf("e2e_ms")], QString()); // no value: empty cell
        QCOMPARE(row[header.indexOf("output_tokens_estimated")], QStringLiteral("false"));
        QCOMPARE(MetricsCsv::summaryRow(GroupStats{}).size(), MetricsCsv::summaryHeader().size());
    }
};

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "tst_csvwriter.moc"

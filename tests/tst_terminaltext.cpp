// What a server sends never reaches a terminal as a control sequence: TerminalText.
#include "text/TerminalText.h"

#include <QTest>

using namespace adminchat;

class TestTerminalText : public QObject
{
    Q_OBJECT
private slots:
    void sanitized_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::newRow("plain") << "Hello, world"
                               << "Hello, world";
        QTest::newRow("newline and tab stay") << "a\n\tb\n"
                                              << "a\n\tb\n";
        QTest::newRow("crlf stays") << "a\r\nb"
                                    << "a\r\nb";
        QTest::newRow("lone cr") << "paid\rfree"
                                 << "paid^Mfree";
        QTest::newRow("window title") << "x\x1b]0;pwned\x07y"
                                      << "x^[]0;pwned^Gy";
        QTest::newRow("clear screen") << "\x1b[2J\x1b[H"
                                      << "^[[2J^[[H";
        QTest::newRow("osc 52 clipboard") << "\x1b]52;c;cm0gLXJmIH4=\x1b\\"
                                          << "^[]52;c;cm0gLXJmIH4=^[\\";
        QTest::newRow("nul and backspace") << QString::fromLatin1("a\0b\bc", 5) << "a^@b^Hc";
        QTest::newRow("del") << "a\x7f"
                             << "a^?";
        QTest::newRow("c1 csi") << QStringLiteral("a\u009b2Jb") << "a<U+009B>2Jb";
        QTest::newRow("c1 next line") << QStringLiteral("\u0085") << "<U+0085>";
        QTest::newRow("not c1") << QStringLiteral("\u00a0é漢🎉") << QStringLiteral("\u00a0é漢🎉");
        QTest::newRow("cr at end") << "a\r"
                                   << "a^M";
    }
    void sanitized()
    {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        QCOMPARE(TerminalText::sanitized(text), shown);
        // What is safe stays as it is.
        QCOMPARE(TerminalText::sanitized(shown), shown);
    }

    // A stream gives the same result however it is cut, a CR LF across two pieces included.
    void anySplitOfAStream()
    {
        const QString text =
            QStringLiteral("one\r\ntwo\rthree\x1b[31mred\x1b[0m\r\n") + QChar(0x9b) + "end\r";
        const QString whole = TerminalText::sanitized(text);
        QCOMPARE(whole, QStringLiteral("one\r\ntwo^Mthree^[[31mred^[[0m\r\n<U+009B>end^M"));
        for (qsizetype cut = 0; cut <= text.size(); ++cut) {
            TerminalText filter;
            QString pieces = filter.feed(QStringView(text).first(cut));
            pieces += filter.feed(QStringView(text).sliced(cut));
            pieces += filter.finish();
            QCOMPARE(pieces, whole);
        }
        TerminalText oneByOne;
        QString shown;
        for (const QChar c : text)
            shown += oneByOne.feed(QStringView(&c, 1));
        shown += oneByOne.finish();
        QCOMPARE(shown, whole);
    }

    void emptyPiecesKeepTheHeldCr()
    {
        TerminalText filter;
        QCOMPARE(filter.feed(u"a\r"), QStringLiteral("a"));
        QCOMPARE(filter.feed(u""), QString());
        QCOMPARE(filter.feed(u"\nb"), QStringLiteral("\r\nb"));
        QCOMPARE(filter.finish(), QString());
    }
};

QTEST_APPLESS_MAIN(TestTerminalText)
#include "tst_terminaltext.moc"

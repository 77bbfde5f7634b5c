// MarkdownSegmenter: where a streaming answer may be cut into runs of complete Markdown blocks.
#include "MarkdownSegmenter.h"

#include <QTest>

using namespace adminchat;

class TestMarkdownSegmenter : public QObject
{
    Q_OBJECT
private slots:
    void cutsBeforeParagraphsAfterBlankLines();
    void keepsRunsAtLeastMinChars();
    void neverCutsInsideFencedCode();
    void neverCutsBeforeContinuations_data();
    void neverCutsBeforeContinuations();
    void waitsForCompleteLines();
    void anySplitOfTheInputGivesTheSameCuts();
};

namespace {

QString paragraph(int i)
{
    return QStringLiteral("Paragraph %1 with a few words.\n\n").arg(i);
}

// The cut positions of text fed in pieces of the given size.
QList<qsizetype> cutsFedBy(const QString& text, qsizetype piece, qsizetype minChars)
{
    MarkdownSegmenter segmenter(minChars);
    QList<qsizetype> cuts;
    QString sofar;
    for (qsizetype at = 0; at < text.size(); at += piece) {
        sofar += text.mid(at, piece);
        cuts += segmenter.feed(sofar);
    }
    return cuts;
}

} // namespace

void TestMarkdownSegmenter::cutsBeforeParagraphsAfterBlankLines()
{
    const QString text = paragraph(1) + paragraph(2) + QStringLiteral("# Heading\n\n") +
                         QStringLiteral(" > quote, one space in\n");
    const QList<qsizetype> cuts = MarkdownSegmenter::cuts(text, 1);
    const qsizetype second = paragraph(1).size();
    const qsizetype heading = second + paragraph(2).size();
    const qsizetype quote = heading + 11;
    QCOMPARE(cuts, (QList<qsizetype>{second, heading, quote}));
    QCOMPARE(text.mid(heading, 9), QStringLiteral("# Heading"));
}

void TestMarkdownSegmenter::keepsRunsAtLeastMinChars()
{
    QString text;
    for (int i = 0; i < 100; ++i)
        text += paragraph(i);
    const QList<qsizetype> cuts = MarkdownSegmenter::cuts(text, 500);
    QVERIFY(cuts.size() >= 5);
    qsizetype previous = 0;
    for (const qsizetype cut : cuts) {
        QVERIFY2(cut - previous >= 500, qPrintable(QString::number(cut - previous)));
        QVERIFY(text.mid(cut).startsWith(QStringLiteral("Paragraph ")));
        QCOMPARE(text.mid(cut - 2, 2), QStringLiteral("\n\n"));
        previous = cut;
    }
}

void TestMarkdownSegmenter::neverCutsInsideFencedCode()
{
    const QString fenced = QStringLiteral("```python\nx = 1\n\ny = 2\n\n~~~\nstill code\n\n"
                                          "``\nstill code\n```\n\nAfter.\n\n");
    const QString text = paragraph(1) + fenced + paragraph(2);
    const QList<qsizetype> cuts = MarkdownSegmenter::cuts(text, 1);
    const qsizetype fence = paragraph(1).size();
    const qsizetype after = fence + fenced.indexOf(QStringLiteral("After."));
    const qsizetype last = fence + fenced.size();
    QCOMPARE(cuts, (QList<qsizetype>{fence, after, last}));

    // A tilde fence is closed by tildes only, at least as many as opened it.
    const QString tilde = QStringLiteral("~~~~\n```\n\nin code\n~~~\n\nin code\n~~~~\n\nOut.\n");
    QCOMPARE(MarkdownSegmenter::cuts(tilde, 1),
             (QList<qsizetype>{tilde.indexOf(QStringLiteral("Out."))}));
}

void TestMarkdownSegmenter::neverCutsBeforeContinuations_data()
{
    QTest::addColumn<QString>("next");
    QTest::newRow("bullet") << QStringLiteral("- item\n");
    QTest::newRow("star") << QStringLiteral("* item\n");
    QTest::newRow("plus") << QStringLiteral("+ item\n");
    QTest::newRow("ordered") << QStringLiteral("2. item\n");
    QTest::newRow("ordered paren") << QStringLiteral("10) item\n");
    QTest::newRow("list continuation") << QStringLiteral("   more of the item\n");
    QTest::newRow("two spaces") << QStringLiteral("  more of the item\n");
    QTest::newRow("indented code") << QStringLiteral("    code\n");
    QTest::newRow("tab") << QStringLiteral("\tcode\n");
    QTest::newRow("table row") << QStringLiteral("| 1 | 2 |\n");
}

void TestMarkdownSegmenter::neverCutsBeforeContinuations()
{
    QFETCH(QString, next);
    const QString text = QStringLiteral("1. first item\n\n") + next;
    QCOMPARE(MarkdownSegmenter::cuts(text, 1), QList<qsizetype>());
    // The same line without the blank line before it is no cut either; a paragraph after is.
    QCOMPARE(MarkdownSegmenter::cuts(text + QStringLiteral("\nText\n"), 1),
             (QList<qsizetype>{text.size() + 1}));
}

void TestMarkdownSegmenter::waitsForCompleteLines()
{
    MarkdownSegmenter segmenter(1);
    QString text = paragraph(1) + QStringLiteral("- ");
    QVERIFY(segmenter.feed(text).isEmpty());
    text += QStringLiteral("item\n\nNext");
    QVERIFY(segmenter.feed(text).isEmpty()); // "Next" may still become anything
    text += QStringLiteral(" paragraph\n");
    QCOMPARE(segmenter.feed(text), (QList<qsizetype>{text.indexOf(QStringLiteral("Next"))}));
    QVERIFY(segmenter.feed(text).isEmpty()); // each line is looked at once
}

void TestMarkdownSegmenter::anySplitOfTheInputGivesTheSameCuts()
{
    QString text;
    for (int i = 0; i < 40; ++i) {
        text += paragraph(i);
        if (i % 5 == 0)
            text += QStringLiteral("```\ncode\n\nmore\n```\n\n");
        if (i % 7 == 0)
            text += QStringLiteral("- a\n\n- b\n\n  continued\n\n");
    }
    for (const qsizetype minChars : {qsizetype(1), qsizetype(200)}) {
        const QList<qsizetype> whole = MarkdownSegmenter::cuts(text, minChars);
        QVERIFY(!whole.isEmpty());
        for (const qsizetype piece : {1, 2, 3, 7, 64})
            QCOMPARE(cutsFedBy(text, piece, minChars), whole);
    }
}

QTEST_APPLESS_MAIN(TestMarkdownSegmenter)
#include "tst_markdownsegmenter.moc"
